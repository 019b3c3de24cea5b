package dev.flint.connlib.portal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * A flow-log ingest token. The signature is not verified (the key belongs to the portal), but the shape is
 * checked as Firezone peers check it, so a message carrying a malformed token is rejected as a whole:
 * three unpadded base64url segments, an HS256 header, a non-empty signature and all required claims.
 * Every claim of Firezone's token model ({@code flow-tracker/src/token.rs}) is kept; the optional ones are
 * null where absent or JSON null.
 */
public record IngestToken(String value, Claims claims) {

    /** The claims of Firezone's ingest-token model, by their JSON names; optional ones may be null. */
    public record Claims(String accountId, long iat, long exp, boolean uploadsEnabled, String role,
                         String initiatorDeviceId, String responderDeviceId, String policyAuthorizationId,
                         String policyId, String resourceId, String resourceName, String resourceAddress,
                         String initiatorActorId, String initiatorActorName, String initiatorActorEmail,
                         String initiatorAuthProviderId, String initiatorClientVersion,
                         String initiatorDeviceOsName, String initiatorDeviceOsVersion, String initiatorDeviceSerial,
                         String initiatorDeviceUuid, String initiatorDeviceIdentifierForVendor,
                         String initiatorDeviceFirebaseInstallationId, String authorizedAt,
                         String authorizationExpiresAt) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final List<String> REQUIRED_STRING_CLAIMS = List.of(
        "account_id", "initiator_device_id", "responder_device_id", "policy_authorization_id", "policy_id",
        "resource_id", "resource_name", "initiator_actor_id", "initiator_actor_name", "authorized_at",
        "authorization_expires_at");

    private static final List<String> OPTIONAL_STRING_CLAIMS = List.of(
        "resource_address", "initiator_actor_email", "initiator_auth_provider_id", "initiator_client_version",
        "initiator_device_os_name", "initiator_device_os_version", "initiator_device_serial",
        "initiator_device_uuid", "initiator_device_identifier_for_vendor",
        "initiator_device_firebase_installation_id");

    public IngestToken {
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(claims, "claims");
    }

    public String role() {
        return claims.role();
    }

    public boolean uploadsEnabled() {
        return claims.uploadsEnabled();
    }

    /** The {@code exp} claim, seconds since the epoch. */
    public long expiresAt() {
        return claims.exp();
    }

    /**
     * Checks the token's shape.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static IngestToken parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("not a string");
        }
        String[] parts = text.split("\\.", -1);
        if (parts.length != 3) {
            throw new IllegalArgumentException("not three dot-separated segments");
        }
        JsonNode header = jsonSegment(parts[0], "header");
        if (!"HS256".equals(textOrNull(header.get("alg")))) {
            throw new IllegalArgumentException("header alg is not HS256");
        }
        if (segment(parts[2], "signature").length == 0) {
            throw new IllegalArgumentException("empty signature");
        }
        JsonNode claims = jsonSegment(parts[1], "payload");
        for (String claim : REQUIRED_STRING_CLAIMS) {
            JsonNode node = claims.get(claim);
            if (node == null || !node.isTextual()) {
                throw new IllegalArgumentException("claim " + claim + " missing or not a string");
            }
        }
        for (String claim : OPTIONAL_STRING_CLAIMS) {
            JsonNode node = claims.get(claim);
            if (node != null && !node.isNull() && !node.isTextual()) {
                throw new IllegalArgumentException("claim " + claim + " is not a string");
            }
        }
        long iat = unsigned(claims, "iat");
        long exp = unsigned(claims, "exp");
        JsonNode uploads = claims.get("uploads_enabled");
        if (uploads == null || !uploads.isBoolean()) {
            throw new IllegalArgumentException("claim uploads_enabled missing or not a boolean");
        }
        String role = textOrNull(claims.get("role"));
        if (!"initiator".equals(role) && !"responder".equals(role)) {
            throw new IllegalArgumentException("claim role is not initiator or responder");
        }
        return new IngestToken(text, new Claims(textOrNull(claims.get("account_id")), iat, exp,
            uploads.booleanValue(), role, s(claims, "initiator_device_id"), s(claims, "responder_device_id"),
            s(claims, "policy_authorization_id"), s(claims, "policy_id"), s(claims, "resource_id"),
            s(claims, "resource_name"), s(claims, "resource_address"), s(claims, "initiator_actor_id"),
            s(claims, "initiator_actor_name"), s(claims, "initiator_actor_email"),
            s(claims, "initiator_auth_provider_id"), s(claims, "initiator_client_version"),
            s(claims, "initiator_device_os_name"), s(claims, "initiator_device_os_version"),
            s(claims, "initiator_device_serial"), s(claims, "initiator_device_uuid"),
            s(claims, "initiator_device_identifier_for_vendor"),
            s(claims, "initiator_device_firebase_installation_id"), s(claims, "authorized_at"),
            s(claims, "authorization_expires_at")));
    }

    private static String s(JsonNode claims, String name) {
        return textOrNull(claims.get(name));
    }

    private static long unsigned(JsonNode claims, String name) {
        JsonNode node = claims.get(name);
        if (node == null || !node.isIntegralNumber() || !node.canConvertToLong() || node.longValue() < 0) {
            throw new IllegalArgumentException("claim " + name + " missing or not an unsigned integer");
        }
        return node.longValue();
    }

    private static JsonNode jsonSegment(String part, String what) {
        byte[] bytes = segment(part, what);
        try {
            JsonNode node = JSON.readTree(bytes);
            if (node == null || !node.isObject()) {
                throw new IllegalArgumentException(what + " is not a JSON object");
            }
            return node;
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(what + " is not JSON");
        }
    }

    private static byte[] segment(String part, String what) {
        if (part.indexOf('=') >= 0) {
            throw new IllegalArgumentException(what + " is padded");
        }
        try {
            return Base64.getUrlDecoder().decode(part);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + " is not base64url");
        }
    }

    private static String textOrNull(JsonNode node) {
        return node != null && node.isTextual() ? node.textValue() : null;
    }

    @Override
    public String toString() {
        return "IngestToken[role=" + role() + ", uploadsEnabled=" + uploadsEnabled() + ", expiresAt=" + expiresAt() + "]";
    }
}
