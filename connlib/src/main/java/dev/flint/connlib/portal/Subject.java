package dev.flint.connlib.portal;

/** Who asked for access, as told to a gateway for flow logs; every field is informational and may be null. */
public record Subject(String actorId, String actorName, String actorEmail, String actorType, String authProviderId,
                      String ip, String ipRegion, String ipCity, Double ipLat, Double ipLon, String userAgent) {
}
