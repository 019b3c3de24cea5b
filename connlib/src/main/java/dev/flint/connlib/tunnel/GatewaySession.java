package dev.flint.connlib.tunnel;

import dev.flint.connlib.ice.IceRole;
import dev.flint.connlib.ice.Transmit;
import dev.flint.connlib.peer.DatagramRoute;
import dev.flint.connlib.peer.DecryptedPacket;
import dev.flint.connlib.peer.PeerEvent;
import dev.flint.connlib.peer.PeerNode;
import dev.flint.connlib.portal.GatewayToPortal;
import dev.flint.connlib.portal.PortalToGateway;
import dev.flint.connlib.wireguard.WireGuardKey;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.UUID;
import java.util.random.RandomGenerator;

/**
 * A Firezone gateway, sans-IO: {@link GatewayState} (authorizations, filters, DNS-resource NAT, the in-tunnel DNS
 * server) and a {@link PeerNode} (ICE as the controlled side, TURN, WireGuard) composed as one object, as Firezone's
 * {@code GatewayTunnel} does. The shell feeds portal messages, datagrams, packets from the resource network and
 * time, and polls messages for the portal, datagrams, packets for the TUN device, events and the next deadline.
 */
public final class GatewaySession implements TunnelSession {
    private final GatewayState state;
    private final PeerNode node;
    private final RelayBook relays = new RelayBook();
    private final CandidateSignals candidates = new CandidateSignals();
    private final ArrayDeque<GatewayToPortal> portalOut = new ArrayDeque<>();
    private final ArrayDeque<GatewaySessionEvent> events = new ArrayDeque<>();
    private final ArrayDeque<Transmit> transmits = new ArrayDeque<>();
    private boolean portalJoined;
    private Instant lastNow;

    /** {@code resolver} answers DNS on the resource network (names of DNS resources, queries to port 53535). */
    public GatewaySession(WireGuardKey privateKey, GatewayResolver resolver, RandomGenerator random, Instant now) {
        this.state = new GatewayState(resolver);
        this.node = new PeerNode(privateKey, true, random, now);
        this.lastNow = now;
    }

    public WireGuardKey publicKey() {
        return node.publicKey();
    }

    // ------------------------------------------------------------------ portal

    /** The portal channel was joined (again): capabilities first, then the candidates held back meanwhile. */
    public void handlePortalJoined(Instant now) {
        lastNow = now;
        portalJoined = true;
        portalOut.add(new GatewayToPortal.SetSnownetCapabilities(false));
        signalCandidates();
    }

    public void handlePortalLeft() {
        portalJoined = false;
    }

    public void handlePortalMessage(PortalToGateway message, Instant now) {
        lastNow = now;
        switch (message) {
            case PortalToGateway.Init init -> {
                events.add(new GatewaySessionEvent.InterfaceChanged(init.iface()));
                relays.update(node, List.of(), init.relays(), true, now);
                state.handlePortalMessage(init, now);
            }
            case PortalToGateway.CreateAuthorization a -> {
                boolean accepted = node.upsertConnection(a.client().id(), a.client().publicKey(),
                    a.client().presharedKey(), a.gatewayIceCredentials(), a.clientIceCredentials(), IceRole.CONTROLLED,
                    now);
                if (accepted) {
                    state.handlePortalMessage(a, now);
                    portalOut.add(new GatewayToPortal.AuthorizationCreated(a.ref()));
                    events.add(new GatewaySessionEvent.ClientAuthorized(a.client().id(), a.client().ipv4(),
                        a.resource(), a.expiresAt()));
                } else {
                    events.add(new GatewaySessionEvent.AuthorizationRefused(a.client().id(), "no relays"));
                }
            }
            case PortalToGateway.IceCandidates c ->
                c.candidates().forEach(sdp -> node.addRemoteCandidate(c.clientId(), sdp, now));
            case PortalToGateway.InvalidateIceCandidates c ->
                c.candidates().forEach(sdp -> node.removeRemoteCandidate(c.clientId(), sdp, now));
            case PortalToGateway.RelaysPresence p -> relays.update(node, p.disconnectedIds(), p.connected(), false, now);
            case PortalToGateway.AllowAccess a -> {
                state.authorize(a.clientId(), a.clientIpv4(), a.clientIpv6(), a.resource(), a.expiresAt(), now);
                events.add(new GatewaySessionEvent.ClientAuthorized(a.clientId(), a.clientIpv4(), a.resource(),
                    a.expiresAt()));
            }
            case PortalToGateway.AccessAuthorizationExpiryUpdated u ->
                state.updateExpiry(u.clientId(), u.resourceId(), u.expiresAt());
            default -> state.handlePortalMessage(message, now);
        }
        flush(now);
    }

    // ------------------------------------------------------------------ data inputs

    /** A datagram that arrived on {@code local} from {@code from}: TURN, STUN or WireGuard from a client. */
    @Override
    public void handleNetworkInput(InetSocketAddress local, InetSocketAddress from, byte[] data, int offset, int length,
                                   Instant now) {
        lastNow = now;
        node.handleNetworkInput(local, from, data, offset, length, now);
        flush(now);
    }

    /** A packet from the resource network, addressed to a client's tunnel address. */
    @Override
    public void handleTunInput(byte[] packet, Instant now) {
        lastNow = now;
        state.handleTunInput(packet, now);
        flush(now);
    }

    @Override
    public void handleTimeout(Instant now) {
        lastNow = now;
        Instant due = state.pollTimeout();
        if (due != null && !due.isAfter(now)) {
            state.handleTimeout(now);
        }
        node.handleTimeout(now);
        flush(now);
    }

    /**
     * Tells every connected client that this gateway is going (the p2p {@code goodbye}), so it drops the connection
     * at once and asks the portal again instead of waiting for ICE to time out.
     */
    public void goodbye(Instant now) {
        lastNow = now;
        byte[] goodbye = new P2pControlEvent.Goodbye().encode();
        for (UUID id : node.connectionIds()) {
            if (node.isConnected(id)) {
                node.encapsulate(id, goodbye, now).ifPresent(transmits::add);
            }
        }
    }

    // ------------------------------------------------------------------ the data path without copies

    /**
     * Encrypts a packet from the resource network straight into {@code out} when its flow is known (the policy layer decided
     * it before and nothing changed since) and the connection is up; returns where the datagram goes. Null, with both
     * buffers untouched, means the packet takes {@link #handleTunInput} (a copy). Allocates nothing.
     */
    @Override
    public DatagramRoute sealTunPacket(ByteBuffer packet, ByteBuffer out, Instant now) {
        UUID peer = state.clientOfFlow(packet, packet.position(), packet.remaining());
        if (peer == null) {
            return null;
        }
        lastNow = now;
        // Whatever WireGuard queued meanwhile (a rekey's handshake) waits in the node for pollTransmit.
        return node.seal(peer, packet, out, now);
    }

    /**
     * Decrypts a datagram straight into {@code out} (at its position) when it is WireGuard data of a known flow:
     * {@link PeerNode.Opened#PACKET} means {@code out} holds a packet for the TUN device. {@code NOT_DATA} leaves
     * the datagram untouched for {@link #handleNetworkInput}; {@code CONSUMED} means the session took it (a
     * keepalive, or a packet the policy layer handled the slow way: its outputs are polled as usual).
     */
    @Override
    public PeerNode.Opened openDatagram(InetSocketAddress local, InetSocketAddress from, ByteBuffer datagram,
                                        ByteBuffer out, Instant now) {
        lastNow = now;
        int start = out.position();
        PeerNode.Opened opened = node.open(local, from, datagram, out, now);
        if (opened != PeerNode.Opened.PACKET) {
            if (opened == PeerNode.Opened.CONSUMED) {
                flush(now);
            }
            return opened;
        }
        UUID peer = node.lastOpened();
        if (state.forwardsFlow(peer, out, start, out.position() - start)) {
            return opened;
        }
        byte[] copy = new byte[out.position() - start];
        out.get(start, copy);
        out.position(start);
        state.handleClientPacket(peer, copy, now);
        flush(now);
        return PeerNode.Opened.CONSUMED;
    }

    // ------------------------------------------------------------------ the wiring

    private void flush(Instant now) {
        boolean moved = true;
        while (moved) {
            moved = false;
            for (var p = node.pollPacket(); p.isPresent(); p = node.pollPacket()) {
                DecryptedPacket d = p.get();
                state.handleClientPacket(d.connection(), d.packet(), now);
                moved = true;
            }
            for (var e = node.pollEvent(); e.isPresent(); e = node.pollEvent()) {
                onPeerEvent(e.get(), now);
                moved = true;
            }
            for (GatewayTransmit t = state.pollClientTransmit(); t != null; t = state.pollClientTransmit()) {
                node.encapsulate(t.peer(), t.packet(), now).ifPresent(transmits::add);
                moved = true;
            }
            for (GatewayEvent e = state.pollEvent(); e != null; e = state.pollEvent()) {
                switch (e) {
                    case GatewayEvent.CloseConnection close -> {
                        candidates.forget(close.clientId());
                        node.closeConnection(close.clientId());
                    }
                }
                moved = true;
            }
        }
        signalCandidates();
    }

    private void onPeerEvent(PeerEvent event, Instant now) {
        switch (event) {
            case PeerEvent.NewIceCandidate(UUID connection, String candidate) -> candidates.add(connection, candidate);
            case PeerEvent.InvalidateIceCandidate(UUID connection, String candidate) ->
                candidates.remove(connection, candidate);
            case PeerEvent.ConnectionEstablished e -> events.add(new GatewaySessionEvent.Connection(event));
            case PeerEvent.PathChanged e -> events.add(new GatewaySessionEvent.Connection(event));
            case PeerEvent.ConnectionFailed failed -> {
                candidates.forget(failed.connection());
                state.handleConnectionFailed(failed.connection(), now);
                events.add(new GatewaySessionEvent.Connection(event));
            }
            case PeerEvent.ConnectionClosed closed -> {
                candidates.forget(closed.connection());
                events.add(new GatewaySessionEvent.Connection(event));
            }
            case PeerEvent.NoRelays noRelays -> portalOut.add(new GatewayToPortal.NoRelays());
        }
    }

    private void signalCandidates() {
        if (!portalJoined) {
            return;
        }
        for (CandidateSignals.Batch b : candidates.drain()) {
            if (!b.removed().isEmpty()) {
                portalOut.add(new GatewayToPortal.BroadcastInvalidatedIceCandidates(List.of(b.connection()),
                    b.removed()));
            }
            if (!b.added().isEmpty()) {
                portalOut.add(new GatewayToPortal.BroadcastIceCandidates(List.of(b.connection()), b.added()));
            }
        }
    }

    // ------------------------------------------------------------------ outputs

    /** The next message for the portal, or null. */
    public GatewayToPortal pollPortalMessage() {
        return portalOut.poll();
    }

    /** The next datagram to send, or null. */
    @Override
    public Transmit pollTransmit() {
        Transmit t = node.pollTransmit().orElse(null);
        return t != null ? t : transmits.poll();
    }

    /** The next packet for the resource network, or null. */
    @Override
    public byte[] pollTunPacket() {
        return state.pollTunPacket();
    }

    /** The next event, or null. */
    public GatewaySessionEvent pollEvent() {
        return events.poll();
    }

    /** When {@link #handleTimeout} must run next, or null if nothing is scheduled. */
    @Override
    public Instant pollTimeout() {
        if (!portalOut.isEmpty() || !events.isEmpty() || !transmits.isEmpty()) {
            return lastNow;
        }
        Instant t = node.pollTimeout().orElse(null);
        Instant s = state.pollTimeout();
        return t == null ? s : s == null || t.isBefore(s) ? t : s;
    }

    public List<UUID> connectedClients() {
        return node.connectionIds().stream().filter(node::isConnected).toList();
    }

    public GatewayState.Counters counters() {
        return state.counters();
    }
}
