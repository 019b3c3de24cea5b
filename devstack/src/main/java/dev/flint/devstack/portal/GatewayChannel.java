package dev.flint.devstack.portal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flint.connlib.portal.GatewayConfig;
import dev.flint.connlib.portal.GatewayInterface;
import dev.flint.connlib.portal.GatewayToPortal;
import dev.flint.connlib.portal.PortalToClient;
import dev.flint.connlib.portal.PortalToGateway;
import java.util.List;

/**
 * The {@code gateway} topic: the {@code init} a gateway gets on join (with the grants it must keep honouring after a
 * reconnect), and its messages — authorizations created, ICE candidates relayed to clients, relay requests.
 */
final class GatewayChannel {
    private final Devices devices;
    private final ConfigView view;
    private final Authorizations authorizations;

    GatewayChannel(Devices devices, ConfigView view, Authorizations authorizations) {
        this.devices = devices;
        this.view = view;
        this.authorizations = authorizations;
    }

    void joined(DeviceSession session) {
        session.push(new PortalToGateway.Init(new GatewayInterface(session.ipv4, session.ipv6),
            new GatewayConfig(true, true), view.accountOf(session).slug(), view.relaysFor(session),
            authorizations.activeOn(session), view.flowLogs()));
    }

    void received(DeviceSession gateway, GatewayToPortal message, JsonNode ref) {
        switch (message) {
            case GatewayToPortal.AuthorizationCreated created -> authorizations.created(gateway, created.ref(), ref);
            case GatewayToPortal.BroadcastIceCandidates c ->
                devices.toClients(c.clientIds(), new PortalToClient.IceCandidates(gateway.deviceId, c.candidates()));
            case GatewayToPortal.BroadcastInvalidatedIceCandidates c -> devices.toClients(c.clientIds(),
                new PortalToClient.InvalidateIceCandidates(gateway.deviceId, c.candidates()));
            case GatewayToPortal.NoRelays n ->
                gateway.push(new PortalToGateway.RelaysPresence(List.of(), view.relaysFor(gateway)));
            case GatewayToPortal.SetSnownetCapabilities s -> {
                // ICE-less is never negotiated here.
            }
            case GatewayToPortal.ConnectionReady r -> gateway.replyError(ref, "invalid_ref");
        }
    }
}
