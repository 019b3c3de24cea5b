package dev.flint.devstack.portal;

import dev.flint.connlib.portal.PortalToClient;
import dev.flint.connlib.portal.PortalToGateway;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connected devices, one socket per device, and what the portal allocates per device once and keeps for the
 * emulator's lifetime (tunnel addresses, PSK bases), so a device that reconnects gets the same ones.
 */
final class Devices {
    private static final Logger LOG = LoggerFactory.getLogger(Devices.class);

    private final Map<UUID, DeviceSession> clients = new LinkedHashMap<>();
    private final Map<UUID, DeviceSession> gateways = new LinkedHashMap<>();
    private final AddressBook addresses;

    Devices(AddressBook addresses) {
        this.addresses = addresses;
    }

    /** Registers a session; returns the same device's previous one, which it replaces. */
    DeviceSession register(DeviceSession session) {
        return registry(session).put(session.deviceId, session);
    }

    /** Forgets a session (its expiry timer too); false when it had already been replaced or dropped. */
    boolean drop(DeviceSession session) {
        if (session.expiryTimer != null) {
            session.expiryTimer.cancel(false);
        }
        session.joined = false;
        return registry(session).remove(session.deviceId, session);
    }

    /** Tells a client its token is no longer good (sign-out, expiry, user gone); it signs in again or gives up. */
    void expire(DeviceSession session) {
        if (!live(session)) {
            return;
        }
        LOG.info("{}: token expired", session);
        session.phoenix.disconnect(session.kind.topic, "token_expired");
        session.flush();
        session.joined = false;
    }

    /** Whether the session is still its device's current one. */
    boolean live(DeviceSession session) {
        return registry(session).get(session.deviceId) == session;
    }

    Collection<DeviceSession> clients() {
        return clients.values();
    }

    Collection<DeviceSession> gateways() {
        return gateways.values();
    }

    DeviceSession gateway(UUID gatewayId) {
        return gateways.get(gatewayId);
    }

    /** Pushes to a client if it is connected and joined; messages for others are dropped, as the portal does. */
    void toClient(UUID clientId, PortalToClient message) {
        DeviceSession client = clients.get(clientId);
        if (client != null && client.joined) {
            client.push(message);
        }
    }

    void toGateway(UUID gatewayId, PortalToGateway message) {
        DeviceSession gateway = gateways.get(gatewayId);
        if (gateway != null && gateway.joined) {
            gateway.push(message);
        }
    }

    /** The same message to each of the clients, as a broadcast from a gateway. */
    void toClients(List<UUID> clientIds, PortalToClient message) {
        clientIds.forEach(id -> toClient(id, message));
    }

    void toGateways(List<UUID> gatewayIds, PortalToGateway message) {
        gatewayIds.forEach(id -> toGateway(id, message));
    }

    private Map<UUID, DeviceSession> registry(DeviceSession session) {
        return session.kind == DeviceSession.Kind.CLIENT ? clients : gateways;
    }

    // ---- per-device allocations ----------------------------------------------------------------------

    /** The device's PSK base: one per device for good (see {@link AddressBook}). */
    byte[] pskBase(UUID deviceId) {
        return addresses.pskBase(deviceId);
    }

    /** The device's tunnel addresses: one pair per device for good (see {@link AddressBook}). */
    Inet4Address ipv4(UUID deviceId) {
        return addresses.ipv4(deviceId);
    }

    Inet6Address ipv6(UUID deviceId) {
        return addresses.ipv6(deviceId);
    }
}
