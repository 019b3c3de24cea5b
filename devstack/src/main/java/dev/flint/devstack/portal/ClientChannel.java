package dev.flint.devstack.portal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flint.connlib.portal.ClientToPortal;
import dev.flint.connlib.portal.PortalToClient;
import dev.flint.connlib.portal.PortalToGateway;
import dev.flint.connlib.portal.Resource;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The {@code client} topic: the {@code init} a client gets on join, the disconnect when its token expires, and its
 * messages — authorization requests, ICE candidates relayed to gateways, and the client-to-client and device-pool
 * requests the emulator answers as a portal without those features does.
 */
final class ClientChannel {
    private final Devices devices;
    private final ConfigView view;
    private final Authorizations authorizations;
    private final Portal.Scheduler scheduler;
    private final Clock clock;

    ClientChannel(Devices devices, ConfigView view, Authorizations authorizations, Portal.Scheduler scheduler,
                  Clock clock) {
        this.devices = devices;
        this.view = view;
        this.authorizations = authorizations;
        this.scheduler = Objects.requireNonNull(scheduler); // only used later, when a client joins
        this.clock = clock;
    }

    /** Sends {@code init} and arms the disconnect for when the client's token expires. */
    void joined(DeviceSession session) {
        session.visible.clear();
        List<Resource> resources = view.resourcesFor(session);
        resources.forEach(r -> session.visible.put(r.id(), r));
        session.push(new PortalToClient.Init(view.clientInterface(session), resources, view.relaysFor(session),
            List.of(), view.flowLogs()));
        Duration untilExpiry = Duration.between(clock.instant(), session.tokenExpiresAt);
        if (session.expiryTimer != null) {
            session.expiryTimer.cancel(false);
        }
        session.expiryTimer = scheduler.schedule(untilExpiry.isNegative() ? Duration.ZERO : untilExpiry,
            () -> devices.expire(session));
    }

    void received(DeviceSession client, ClientToPortal message, JsonNode ref) {
        switch (message) {
            case ClientToPortal.RequestAuthorization r -> authorizations.request(client, r);
            case ClientToPortal.NewGatewayIceCandidates c -> devices.toGateway(c.gatewayId(),
                new PortalToGateway.IceCandidates(client.deviceId, c.candidates()));
            case ClientToPortal.InvalidateGatewayIceCandidates c -> devices.toGateway(c.gatewayId(),
                new PortalToGateway.InvalidateIceCandidates(client.deviceId, c.candidates()));
            case ClientToPortal.BroadcastIceCandidates c -> devices.toGateways(c.gatewayIds(),
                new PortalToGateway.IceCandidates(client.deviceId, c.candidates()));
            case ClientToPortal.BroadcastInvalidatedIceCandidates c -> devices.toGateways(c.gatewayIds(),
                new PortalToGateway.InvalidateIceCandidates(client.deviceId, c.candidates()));
            case ClientToPortal.NoRelays n ->
                client.push(new PortalToClient.RelaysPresence(List.of(), view.relaysFor(client)));
            case ClientToPortal.SetSnownetCapabilities s -> {
                // ICE-less is never negotiated here: the emulator has no ICE-less feature flag.
            }
            case ClientToPortal.RequestDeviceAccess r -> {
                // Accepted and ignored, as the portal does.
            }
            case ClientToPortal.NewClientIceCandidates c ->
                client.push(new PortalToClient.ClientIceCandidateError(c.clientId(), "offline"));
            case ClientToPortal.InvalidateClientIceCandidates c ->
                client.push(new PortalToClient.ClientIceCandidateError(c.clientId(), "offline"));
            case ClientToPortal.ResolveDevicePoolDomain d -> client.push(
                new PortalToClient.DevicePoolDomainResolutionFailed(d.resourceId(), d.domain(), "not_found"));
            case ClientToPortal.PrepareConnection p -> client.replyError(ref, "offline");
            case ClientToPortal.RequestConnection p -> client.replyError(ref, "offline");
            case ClientToPortal.ReuseConnection p -> client.replyError(ref, "offline");
        }
    }
}
