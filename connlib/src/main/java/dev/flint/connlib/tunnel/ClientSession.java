package dev.flint.connlib.tunnel;

import dev.flint.connlib.dns.ProxyIpAllocator;
import dev.flint.connlib.ice.IceRole;
import dev.flint.connlib.net.Transmit;
import dev.flint.connlib.peer.ConnectionStats;
import dev.flint.connlib.peer.DatagramRoute;
import dev.flint.connlib.peer.DecryptedPacket;
import dev.flint.connlib.peer.PeerEvent;
import dev.flint.connlib.peer.PeerNode;
import dev.flint.connlib.peer.Relay;
import dev.flint.connlib.portal.ClientToPortal;
import dev.flint.connlib.portal.PortalToClient;
import dev.flint.connlib.portal.Resource;
import dev.flint.connlib.wireguard.WireGuardKey;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.random.RandomGenerator;

/**
 * A Firezone client, sans-IO: the policy layer ({@link ClientState}) and the connection layer ({@link PeerNode}) as
 * one object, the way Firezone's {@code ClientTunnel} composes {@code ClientState} and snownet's {@code Node}.
 * The shell feeds whole portal messages, datagrams, TUN packets, upstream DNS answers and time, and polls until
 * empty: messages for the portal, datagrams to send, packets for the TUN device, events and the next deadline.
 *
 * <p>What used to sit between the portal and the engines lives here: authorizations set up connections, candidates
 * travel both ways (batched, by priority, held back while the portal is away), relays are merged by id,
 * {@code set_snownet_capabilities} follows every join, decrypted packets reach the policy layer and the policy
 * layer's packets are encrypted for their gateway.
 */
public final class ClientSession implements TunnelSession {
    private final ClientState state;
    private final PeerNode node;
    private final RelayBook relays = new RelayBook();
    private final Set<UUID> gateways = new HashSet<>();
    private final CandidateSignals candidates = new CandidateSignals();
    private final ArrayDeque<ClientToPortal> portalOut = new ArrayDeque<>();
    private final ArrayDeque<Transmit> transmits = new ArrayDeque<>();
    private final ArrayDeque<ClientSessionEvent> events = new ArrayDeque<>();
    private boolean portalJoined;
    private boolean statusChanged;
    private Instant lastNow;
    private final CopyFreePath dataPath;
    /** What this end's state knows of flows, for the copy-free data path. */
    private final CopyFreePath.Flows flows = new CopyFreePath.Flows() {
        @Override
        public UUID peerOfFlow(ByteBuffer buffer, int at, int length) {
            return state.gatewayOfFlow(buffer, at, length);
        }

        @Override
        public boolean passesFlow(UUID peer, ByteBuffer buffer, int at, int length) {
            return state.deliversFlow(peer, buffer, at, length);
        }

        @Override
        public void handlePeerPacket(UUID peer, byte[] packet, Instant now) {
            state.handleGatewayPacket(peer, packet, now);
        }

        @Override
        public void flush(Instant now) {
            ClientSession.this.flush(now);
        }
    };

    public ClientSession(WireGuardKey privateKey, RandomGenerator random, Instant now) {
        this.state = new ClientState(new ProxyIpAllocator(), random);
        this.node = new PeerNode(privateKey, false, random, now);
        this.dataPath = new CopyFreePath(node, flows);
        this.lastNow = now;
    }

    /** The key the portal must know this device by (it changes with {@link #reset}). */
    public WireGuardKey publicKey() {
        return node.publicKey();
    }

    // ------------------------------------------------------------------ portal

    /** The portal channel was joined (again): capabilities first, then the candidates held back meanwhile. */
    public void handlePortalJoined(Instant now) {
        lastNow = now;
        portalJoined = true;
        // Flint advertises no ICE-less capability, so the portal always negotiates standard ICE.
        portalOut.add(new ClientToPortal.SetSnownetCapabilities(false));
        signalCandidates();
    }

    /** The portal connection is down; candidates wait for the next join. */
    public void handlePortalLeft() {
        portalJoined = false;
    }

    public void handlePortalMessage(PortalToClient message, Instant now) {
        lastNow = now;
        statusChanged = true;
        switch (message) {
            case PortalToClient.Init init -> {
                state.handlePortalMessage(init, now);
                state.requestAuthorizationsAgain(now);
                relays.update(node, List.of(), init.relays(), true, now);
                // Every join repeats the configuration and the resources, changed or not: it tells the shell the
                // tunnel is connected again.
                events.add(new ClientEvent.TunConfigChanged(state.tunConfig()));
                events.add(new ClientEvent.ResourcesChanged(state.resources()));
                discardStateEvents(ClientEvent.TunConfigChanged.class, ClientEvent.ResourcesChanged.class);
            }
            case PortalToClient.RelaysPresence presence ->
                relays.update(node, presence.disconnectedIds(), presence.connected(), false, now);
            case PortalToClient.AuthorizationCreated a -> {
                gateways.add(a.gatewayId());
                if (node.wouldReplace(a.gatewayId(), a.gatewayPublicKey(), a.presharedKey(), a.clientIceCredentials(),
                        a.gatewayIceCredentials(), IceRole.CONTROLLING)) {
                    state.handleGatewayReplaced(a.gatewayId(), a.resourceId(), now);
                }
                node.upsertConnection(a.gatewayId(), a.gatewayPublicKey(), a.presharedKey(), a.clientIceCredentials(),
                    a.gatewayIceCredentials(), IceRole.CONTROLLING, now);
                state.handlePortalMessage(a, now);
            }
            case PortalToClient.AuthorizationCreationFailed f -> {
                state.handlePortalMessage(f, now);
                events.add(new ClientSessionEvent.AuthorizationFailed(f.resourceId(), f.kind()));
            }
            case PortalToClient.IceCandidates c -> c.candidates().forEach(sdp -> node.addRemoteCandidate(c.gatewayId(), sdp, now));
            case PortalToClient.InvalidateIceCandidates c ->
                c.candidates().forEach(sdp -> node.removeRemoteCandidate(c.gatewayId(), sdp, now));
            default -> state.handlePortalMessage(message, now);
        }
        flush(now);
    }

    // ------------------------------------------------------------------ data and control inputs

    /**
     * A datagram that arrived on {@code local} (the local address it was sent to, port of our socket) from
     * {@code from}: TURN, STUN or WireGuard; decrypted packets go through the policy layer towards the TUN device.
     */
    @Override
    public void handleNetworkInput(InetSocketAddress local, InetSocketAddress from, byte[] data, int offset, int length,
                                   Instant now) {
        lastNow = now;
        node.handleNetworkInput(local, from, data, offset, length, now);
        flush(now);
    }

    /** An IP packet the operating system routed into the tunnel. */
    @Override
    public void handleTunInput(byte[] packet, Instant now) {
        lastNow = now;
        state.handleTunInput(packet, now);
        flush(now);
    }

    /** The answer to an {@link ClientEvent.UpstreamDnsQuery}. */
    public void handleUpstreamResult(long queryId, UpstreamResult result, Instant now) {
        lastNow = now;
        state.handleUpstreamResult(queryId, result, now);
        flush(now);
    }

    /** The resolvers non-resource queries go to when the portal configures none. */
    public void setSystemResolvers(List<InetAddress> resolvers, Instant now) {
        lastNow = now;
        state.setSystemResolvers(resolvers);
        flush(now);
    }

    /** The user's Internet Resource toggle. */
    public void setInternetResourceActive(boolean active, Instant now) {
        lastNow = now;
        state.setInternetResourceActive(active, now);
        flush(now);
    }

    /**
     * The network changed: every connection closes, relays start over and the device gets a new WireGuard key
     * (Firezone does the same); the shell reconnects to the portal with {@link #publicKey()}. The resources that
     * were connected are asked for again as soon as the portal's {@code init} arrives, not on their next packet
     * (their flows may be downloads that send none); asking before would go out under the old key.
     */
    public void reset(Instant now) {
        lastNow = now;
        portalJoined = false;
        node.reset(now);
        for (UUID gateway : List.copyOf(gateways)) {
            state.handleConnectionFailed(gateway, now);
        }
        gateways.clear();
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

    // ------------------------------------------------------------------ the data path without copies

    /** The copy-free path for a packet of a known flow (see {@link CopyFreePath}). */
    @Override
    public DatagramRoute sealTunPacket(ByteBuffer packet, ByteBuffer out, Instant now) {
        lastNow = now;
        return dataPath.seal(packet, out, now);
    }

    /** The copy-free path for WireGuard data of a known flow (see {@link CopyFreePath}). */
    @Override
    public PeerNode.Opened openDatagram(InetSocketAddress local, InetSocketAddress from, ByteBuffer datagram,
                                        ByteBuffer out, Instant now) {
        lastNow = now;
        return dataPath.open(local, from, datagram, out, now);
    }

    // ------------------------------------------------------------------ the wiring

    /** Moves everything both layers produced to where it belongs, until neither has anything left. */
    private void flush(Instant now) {
        boolean moved = true;
        while (moved) {
            moved = false;
            for (DecryptedPacket d = node.pollPacket(); d != null; d = node.pollPacket()) {
                state.handleGatewayPacket(d.connection(), d.packet(), now);
                moved = true;
            }
            for (var e = node.pollEvent(); e != null; e = node.pollEvent()) {
                onPeerEvent(e, now);
                moved = true;
            }
            for (GatewayTransmit t = state.pollGatewayTransmit(); t != null; t = state.pollGatewayTransmit()) {
                node.encapsulate(t.peer(), t.packet(), now).ifPresent(transmits::add);
                moved = true;
            }
            for (ClientEvent e = state.pollEvent(); e != null; e = state.pollEvent()) {
                onStateEvent(e);
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
            case PeerEvent.ConnectionEstablished established -> {
                statusChanged = true;
                state.handleConnectionEstablished(established.connection(), now);
                events.add(new ClientSessionEvent.Connection(event));
            }
            case PeerEvent.PathChanged changed -> {
                statusChanged = true;
                events.add(new ClientSessionEvent.Connection(event));
            }
            case PeerEvent.ConnectionFailed failed -> {
                statusChanged = true;
                gateways.remove(failed.connection());
                candidates.forget(failed.connection());
                state.handleConnectionFailed(failed.connection(), now);
                events.add(new ClientSessionEvent.Connection(event));
            }
            case PeerEvent.ConnectionClosed closed -> {
                statusChanged = true;
                gateways.remove(closed.connection());
                candidates.forget(closed.connection());
                state.handleConnectionFailed(closed.connection(), now);
                events.add(new ClientSessionEvent.Connection(event));
            }
            case PeerEvent.NoRelays noRelays -> portalOut.add(new ClientToPortal.NoRelays());
        }
    }

    private void onStateEvent(ClientEvent event) {
        switch (event) {
            case ClientEvent.RequestAuthorization(UUID resource, List<UUID> connected) -> {
                statusChanged = true;
                // Not joined: the channel would drop it; the next init asks again for everything still waiting.
                if (portalJoined) {
                    portalOut.add(ClientToPortal.RequestAuthorization.of(resource, connected));
                }
            }
            case ClientEvent.CloseConnection(UUID gateway) -> {
                gateways.remove(gateway);
                candidates.forget(gateway);
                node.closeConnection(gateway);
            }
            case ClientEvent.TunConfigChanged changed -> events.add(changed);
            case ClientEvent.ResourcesChanged changed -> events.add(changed);
            case ClientEvent.UpstreamDnsQuery query -> events.add(query);
        }
    }

    private void signalCandidates() {
        if (!portalJoined) {
            return;
        }
        for (CandidateSignals.Batch b : candidates.drain()) {
            if (!b.removed().isEmpty()) {
                portalOut.add(new ClientToPortal.InvalidateGatewayIceCandidates(b.connection(), b.removed()));
            }
            if (!b.added().isEmpty()) {
                portalOut.add(new ClientToPortal.NewGatewayIceCandidates(b.connection(), b.added()));
            }
        }
    }

    @SafeVarargs
    private void discardStateEvents(Class<? extends ClientEvent>... kinds) {
        // The Init case announced both itself; the policy layer's own announcements of the same would repeat them.
        ArrayDeque<ClientEvent> keep = new ArrayDeque<>();
        for (ClientEvent e = state.pollEvent(); e != null; e = state.pollEvent()) {
            boolean drop = false;
            for (Class<? extends ClientEvent> k : kinds) {
                drop |= k.isInstance(e);
            }
            if (!drop) {
                keep.add(e);
            }
        }
        keep.forEach(this::onStateEvent);
    }

    // ------------------------------------------------------------------ outputs

    /** The next message for the portal, or null. */
    public ClientToPortal pollPortalMessage() {
        return portalOut.poll();
    }

    /** The next datagram to send, or null. */
    @Override
    public Transmit pollTransmit() {
        Transmit t = node.pollTransmit();
        return t != null ? t : transmits.poll();
    }

    /** The next packet for the TUN device, or null. */
    @Override
    public byte[] pollTunPacket() {
        return state.pollTunPacket();
    }

    /** The next event, or null. */
    public ClientSessionEvent pollEvent() {
        return events.poll();
    }

    /** When {@link #handleTimeout} must run next, or null if nothing is scheduled. */
    @Override
    public Instant pollTimeout() {
        if (!portalOut.isEmpty() || !events.isEmpty() || !transmits.isEmpty()) {
            return lastNow;
        }
        Instant t = node.pollTimeout();
        Instant s = state.pollTimeout();
        return t == null ? s : s == null || t.isBefore(s) ? t : s;
    }

    // ------------------------------------------------------------------ status

    /** The current configuration of the TUN device, or null before the portal's {@code init}. */
    public TunConfig tunConfig() {
        return state.tunConfig();
    }

    public List<Resource> resources() {
        return state.resources();
    }

    public ClientState.Counters counters() {
        return state.counters();
    }

    /** What every gateway connection is doing: path, RTT, bytes, last handshake. */
    public List<ConnectionStats> connectionStats() {
        return node.connectionStats();
    }

    /** Every resource's state: authorized through which gateway, connected, pending, failed. */
    public List<ResourceState> resourceStates() {
        return state.resourceStates();
    }

    /** The relays in use, with their current credentials (a connectivity check tests them). */
    public List<Relay> relays() {
        return node.relays();
    }

    /** Whether connections or resource states may have changed since the last call (which clears it). */
    public boolean takeStatusChange() {
        boolean changed = statusChanged;
        statusChanged = false;
        return changed;
    }

    /** Whether any gateway connection exists (its RTT and byte counts change while it does). */
    public boolean hasConnections() {
        return !gateways.isEmpty();
    }
}
