package dev.flint.connlib.peer;

import dev.flint.connlib.ice.Candidate;
import dev.flint.connlib.ice.CandidateType;
import dev.flint.connlib.ice.IceAgent;
import dev.flint.connlib.ice.IceConnectionState;
import dev.flint.connlib.ice.IceCredentials;
import dev.flint.connlib.ice.IceEvent;
import dev.flint.connlib.ice.IceRole;
import dev.flint.connlib.ice.IceTiming;
import dev.flint.connlib.ice.NominatedPair;
import dev.flint.connlib.net.Transmit;
import dev.flint.connlib.stun.ReceivedStun;
import dev.flint.connlib.stun.StunAttribute.Username;
import dev.flint.connlib.stun.StunClass;
import dev.flint.connlib.stun.StunCodec;
import dev.flint.connlib.turn.Allocation;
import dev.flint.connlib.turn.AllocationEvent;
import dev.flint.connlib.turn.ChannelData;
import dev.flint.connlib.wireguard.WireGuardMessage;
import dev.flint.connlib.wireguard.Encrypted;
import dev.flint.connlib.wireguard.Received;
import dev.flint.connlib.wireguard.WireGuardConfig;
import dev.flint.connlib.wireguard.WireGuardEvent;
import dev.flint.connlib.wireguard.WireGuardKey;
import dev.flint.connlib.wireguard.WireGuardNode;
import dev.flint.connlib.wireguard.WireGuardPeer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.random.RandomGenerator;

/**
 * Flint's counterpart of Firezone's snownet {@code Node}: all TURN allocations, all peer connections
 * (an ICE agent and a WireGuard peer each) and the demultiplexing of every datagram of the one UDP
 * socket (reference §1.4). Sans-IO: the shell feeds datagrams and timeouts and polls transmits,
 * decrypted packets and events.
 */
public final class PeerNode {
    public static final Duration CANDIDATE_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DISCONNECT_TIMEOUT = Duration.ofSeconds(2);
    public static final Duration IDLE_AFTER = Duration.ofSeconds(20);
    public static final Duration HANDSHAKE_SUPPRESSION = Duration.ofSeconds(20);
    public static final int MAX_PENDING_WIREGUARD = 128;
    private static final int FORMER_RELAYS_REMEMBERED = 64;

    private WireGuardNode wireGuard;
    private final RandomGenerator random;
    private final boolean server;
    private final Map<UUID, Allocation> allocations = new LinkedHashMap<>();
    private final Map<UUID, PeerConnection> connections = new LinkedHashMap<>();
    private final Map<WireGuardPeer, PeerConnection> byWireGuardPeer = new HashMap<>();
    private final ArrayDeque<InetAddress> formerRelayIps = new ArrayDeque<>();
    private final ArrayDeque<Transmit> transmits = new ArrayDeque<>();
    private final ArrayDeque<PeerEvent> events = new ArrayDeque<>();
    private final ArrayDeque<DecryptedPacket> packets = new ArrayDeque<>();
    private final ByteBuffer scratch = ByteBuffer.allocate(65536);
    private Instant lastNow;

    /**
     * @param server true on a gateway (controlled, server ICE timing), false on a client
     */
    public PeerNode(WireGuardKey privateKey, boolean server, RandomGenerator random, Instant now) {
        this.wireGuard = new WireGuardNode(privateKey, WireGuardConfig.firezoneIce(), random);
        this.random = random;
        this.server = server;
        this.lastNow = now;
    }

    public WireGuardKey publicKey() {
        return wireGuard.publicKey();
    }

    // ------------------------------------------------------------------ relays

    /** Applies a relay update from the portal ({@code init} / {@code relays_presence}). */
    public void updateRelays(Collection<UUID> toRemove, Collection<Relay> toAdd, Instant now) {
        lastNow = now;
        for (UUID id : toRemove) {
            removeAllocation(id, now);
        }
        List<UUID> mentioned = new ArrayList<>();
        for (Relay relay : toAdd) {
            mentioned.add(relay.id());
            Allocation existing = allocations.get(relay.id());
            if (existing != null && existing.servers().equals(relay.addresses())
                    && existing.credentials().equals(relay.credentials())) {
                continue;
            }
            if (existing != null) {
                removeAllocation(relay.id(), now);
            }
            allocations.put(relay.id(), new Allocation(relay.addresses(), relay.credentials(), random, now));
        }
        for (Map.Entry<UUID, Allocation> e : allocations.entrySet()) {
            if (!toAdd.isEmpty() && !mentioned.contains(e.getKey())) {
                e.getValue().refresh(now); // liveness probe for relays the update did not mention
            }
        }
        migrateConnectionsWithoutRelay(now);
        drainAllocations(now);
    }

    private void removeAllocation(UUID id, Instant now) {
        Allocation a = allocations.remove(id);
        if (a == null) {
            return;
        }
        for (InetSocketAddress s : a.servers()) {
            formerRelayIps.addLast(s.getAddress());
            if (formerRelayIps.size() > FORMER_RELAYS_REMEMBERED) {
                formerRelayIps.removeFirst();
            }
        }
        for (Candidate c : a.relayedCandidates()) {
            invalidateLocal(c, now);
        }
        for (PeerConnection c : connections.values()) {
            if (id.equals(c.relay)) {
                c.relay = null;
            }
        }
        migrateConnectionsWithoutRelay(now);
        if (allocations.isEmpty()) {
            events.add(new PeerEvent.NoRelays());
        }
    }

    private void migrateConnectionsWithoutRelay(Instant now) {
        for (PeerConnection c : connections.values()) {
            if (c.relay == null) {
                sampleRelay().ifPresent(id -> {
                    c.relay = id;
                    for (Candidate cand : allocations.get(id).relayedCandidates()) {
                        addLocal(c, cand, now);
                    }
                    for (Candidate remote : c.agent.remoteCandidates()) {
                        bindChannelIfUseful(c, remote, now);
                    }
                });
            }
        }
    }

    /** Firezone's {@code Allocations::sample}: relays with an RTT close to the fastest, then one at random. */
    private Optional<UUID> sampleRelay() {
        List<Map.Entry<UUID, Allocation>> usable = allocations.entrySet().stream()
                .filter(e -> !e.getValue().isFailed() && e.getValue().rtt().isPresent()).toList();
        if (usable.isEmpty()) {
            return allocations.entrySet().stream().filter(e -> !e.getValue().isFailed()).map(Map.Entry::getKey).findFirst();
        }
        Duration fastest = usable.stream().map(e -> e.getValue().rtt().orElseThrow()).min(Comparator.naturalOrder())
                .orElseThrow();
        List<UUID> near = usable.stream()
                .filter(e -> e.getValue().rtt().orElseThrow().toNanos() <= fastest.toNanos() * 3 / 2)
                .map(Map.Entry::getKey).toList();
        return Optional.of(near.get(random.nextInt(near.size())));
    }

    /**
     * Network change (reference §1.11): every allocation starts again from scratch with the same
     * credentials, every connection is closed ({@link PeerEvent.ConnectionClosed}), and a new
     * WireGuard key is generated, as Firezone does in ICE mode. The caller reconnects to the portal
     * with the new {@link #publicKey()}.
     */
    public void reset(Instant now) {
        lastNow = now;
        for (UUID id : List.copyOf(connections.keySet())) {
            closeConnection(id);
        }
        transmits.clear();
        Map<UUID, Allocation> old = new LinkedHashMap<>(allocations);
        allocations.clear();
        old.forEach((id, a) -> allocations.put(id, new Allocation(a.servers(), a.credentials(), random, now)));
        wireGuard = new WireGuardNode(WireGuardKey.generatePrivate(random), WireGuardConfig.firezoneIce(), random);
        drainAllocations(now);
    }

    // ------------------------------------------------------------------ connections

    /** Whether {@link #upsertConnection} with these would replace a connection {@code id} already has. */
    public boolean wouldReplace(UUID id, WireGuardKey remoteKey, WireGuardKey presharedKey, IceCredentials local,
                                IceCredentials remote, IceRole role) {
        PeerConnection existing = connections.get(id);
        return existing != null && !existing.sameAs(remoteKey, presharedKey, local, remote, role);
    }

    /**
     * Creates a connection, or reuses an identical one (same key, PSK, credentials and role). Returns
     * false with a {@link PeerEvent.NoRelays} event when no relay is known, as Firezone's
     * {@code NoTurnServers}.
     */
    public boolean upsertConnection(UUID id, WireGuardKey remoteKey, WireGuardKey presharedKey,
                                    IceCredentials local, IceCredentials remote, IceRole role, Instant now) {
        lastNow = now;
        PeerConnection existing = connections.get(id);
        if (existing != null && existing.sameAs(remoteKey, presharedKey, local, remote, role)) {
            wake(existing);
            for (Candidate c : existing.agent.localCandidates()) {
                events.add(new PeerEvent.NewIceCandidate(id, c.toSdp()));
            }
            if (role == IceRole.CONTROLLING && existing.path != null) {
                maybeInitiateHandshake(existing, now);
            }
            return true;
        }
        if (existing != null) {
            removeConnection(id);
        }
        Optional<UUID> relay = sampleRelay();
        if (relay.isEmpty()) {
            events.add(new PeerEvent.NoRelays());
            return false;
        }
        IceAgent agent = new IceAgent(role, local, remote, server ? IceTiming.SERVER_DEFAULT : IceTiming.CLIENT_DEFAULT,
                random);
        agent.setLabel("connection " + id);
        Optional<WireGuardPeer> stale = wireGuard.peer(remoteKey);
        stale.ifPresent(p -> {
            PeerConnection old = byWireGuardPeer.get(p);
            if (old != null) {
                removeConnection(old.id);
            } else {
                wireGuard.removePeer(p);
            }
        });
        WireGuardPeer wgPeer = wireGuard.addPeer(remoteKey, presharedKey, null, null, now);
        PeerConnection c = new PeerConnection(id, remoteKey, presharedKey, local, remote, role, agent, wgPeer, now);
        c.relay = relay.get();
        connections.put(id, c);
        byWireGuardPeer.put(wgPeer, c);
        for (Map.Entry<UUID, Allocation> e : allocations.entrySet()) {
            for (Candidate cand : e.getValue().candidates()) {
                if (cand.type() != CandidateType.RELAYED || e.getKey().equals(c.relay)) {
                    addLocal(c, cand, now);
                }
            }
        }
        drainAgent(c, now);
        return true;
    }

    public void addRemoteCandidate(UUID id, String sdp, Instant now) {
        lastNow = now;
        PeerConnection c = connections.get(id);
        if (c == null || !(Candidate.parse(sdp) instanceof Candidate.ParseResult.Parsed(Candidate candidate))) {
            return; // malformed entries are skipped, as Firezone's VecSkipError does
        }
        c.remoteCandidateSeen = true;
        wake(c);
        if (c.agent.addRemoteCandidate(candidate, now)) {
            bindChannelIfUseful(c, candidate, now);
        }
        for (Candidate optimistic : optimisticCandidates(c.agent.remoteCandidates())) {
            c.agent.addRemoteCandidate(optimistic, now);
        }
        c.agent.handleTimeout(now);
        drainAgent(c, now);
    }

    /**
     * Firezone's optimistic candidates: each remote server-reflexive IPv4 address with each remote
     * host IPv4 port (at most two), which finds a peer whose NAT forwards its port.
     */
    static List<Candidate> optimisticCandidates(List<Candidate> remote) {
        List<Candidate> out = new ArrayList<>();
        for (Candidate srflx : remote) {
            if (srflx.type() != CandidateType.SERVER_REFLEXIVE || !(srflx.address().getAddress() instanceof java.net.Inet4Address)) {
                continue;
            }
            for (Candidate host : remote) {
                if (host.type() != CandidateType.HOST || !(host.address().getAddress() instanceof java.net.Inet4Address)
                        || host.address().getPort() == srflx.address().getPort()) {
                    continue;
                }
                InetSocketAddress guess = new InetSocketAddress(srflx.address().getAddress(), host.address().getPort());
                if (out.size() < 2 && remote.stream().noneMatch(k -> k.address().equals(guess))) {
                    out.add(new Candidate(CandidateType.SERVER_REFLEXIVE, guess, guess, null, srflx.priority(),
                            srflx.foundation()));
                }
            }
        }
        return out;
    }

    public void removeRemoteCandidate(UUID id, String sdp, Instant now) {
        PeerConnection c = connections.get(id);
        if (c != null && Candidate.parse(sdp) instanceof Candidate.ParseResult.Parsed(Candidate candidate)) {
            c.agent.invalidateRemoteCandidate(candidate, now);
            drainAgent(c, now);
        }
    }

    /** Host candidates are reached directly; anything behind a NAT or relay gets a channel on our relay. */
    private void bindChannelIfUseful(PeerConnection c, Candidate remote, Instant now) {
        if (remote.type() == CandidateType.HOST || c.relay == null) {
            return;
        }
        Allocation a = allocations.get(c.relay);
        if (a != null) {
            a.bindChannel(remote.address(), now);
        }
    }

    public void removeConnection(UUID id) {
        PeerConnection c = connections.remove(id);
        if (c != null) {
            byWireGuardPeer.remove(c.wgPeer);
            wireGuard.removePeer(c.wgPeer);
        }
    }

    /** Closes a connection and reports it closed. */
    public void closeConnection(UUID id) {
        if (connections.containsKey(id)) {
            removeConnection(id);
            events.add(new PeerEvent.ConnectionClosed(id));
        }
    }

    public boolean isConnected(UUID id) {
        PeerConnection c = connections.get(id);
        return c != null && c.established;
    }

    /**
     * The pair data flows on now, classified with what is known now: a peer-reflexive remote that
     * signalling later revealed as a host or server-reflexive candidate is reported as that.
     */
    public Optional<NominatedPair> path(UUID id) {
        return Optional.ofNullable(connections.get(id)).flatMap(c -> c.path == null ? Optional.empty() : c.agent.nominated());
    }

    public List<UUID> connectionIds() {
        return List.copyOf(connections.keySet());
    }

    /** Every connection as a status display shows it (path, RTT, bytes, last handshake), in creation order. */
    public List<ConnectionStats> connectionStats() {
        List<ConnectionStats> out = new ArrayList<>();
        for (PeerConnection c : connections.values()) {
            NominatedPair path = c.path == null ? null : c.agent.nominated().orElse(null);
            out.add(new ConnectionStats(c.id, c.established, path, path == null ? null : c.agent.nominatedRtt().orElse(null),
                    c.wgPeer.txBytes(), c.wgPeer.rxBytes(), c.wgPeer.lastHandshake().orElse(null)));
        }
        return out;
    }

    /** The relays in use with their current credentials, for connectivity checks outside the node. */
    public List<Relay> relays() {
        List<Relay> out = new ArrayList<>();
        allocations.forEach((id, a) -> out.add(new Relay(id, a.servers(), a.credentials())));
        return out;
    }

    /** Relayed addresses of our allocations, for diagnostics. */
    public Map<UUID, List<Candidate>> relayCandidates() {
        Map<UUID, List<Candidate>> out = new LinkedHashMap<>();
        allocations.forEach((id, a) -> out.put(id, a.candidates()));
        return out;
    }

    private void wake(PeerConnection c) {
        if (c.idle) {
            c.idle = false;
            c.agent.setTiming(server ? IceTiming.SERVER_DEFAULT : IceTiming.CLIENT_DEFAULT);
        }
        c.lastPacketAt = lastNow;
    }

    private void addLocal(PeerConnection c, Candidate cand, Instant now) {
        if (c.agent.addLocalCandidate(cand, now)) {
            events.add(new PeerEvent.NewIceCandidate(c.id, cand.toSdp()));
        }
    }

    private void invalidateLocal(Candidate cand, Instant now) {
        for (PeerConnection c : connections.values()) {
            if (c.agent.localCandidates().stream().anyMatch(k -> k.address().equals(cand.address()) && k.type() == cand.type())) {
                if (c.path != null && c.path.source().equals(cand.address())) {
                    c.pathLost = true; // nothing may leave from an address we no longer have
                    c.route = null;
                }
                c.agent.invalidateLocalCandidate(cand, now);
                events.add(new PeerEvent.InvalidateIceCandidate(c.id, cand.toSdp()));
                drainAgent(c, now);
            }
        }
    }

    // ------------------------------------------------------------------ data path

    /**
     * Encrypts an IP packet for the peer and returns the datagram to send, or empty while the
     * connection is not established (the caller buffers, as Firezone's policy layer does).
     */
    public Optional<Transmit> encapsulate(UUID id, byte[] packet, Instant now) {
        PeerConnection c = connections.get(id);
        if (c == null || c.path == null || c.pathLost) {
            return Optional.empty();
        }
        c.lastPacketAt = now;
        wake(c);
        ByteBuffer out = ByteBuffer.allocate(wireGuard.encryptedLength(packet.length));
        Encrypted result = wireGuard.encrypt(c.wgPeer, ByteBuffer.wrap(packet), out, now);
        drainWireGuard(now);
        if (result != Encrypted.SENT) {
            return Optional.empty();
        }
        return viaPath(c, out.array(), now);
    }

    // ------------------------------------------------------------------ data path without copies

    /** What {@link #open} did with a datagram. */
    public enum Opened {
        /** An IP packet from {@link #lastOpened()} was written to the output buffer. */
        PACKET,
        /** WireGuard took it (a keepalive, or a packet it dropped); nothing to deliver. */
        CONSUMED,
        /** Not WireGuard data for a connection: hand it to {@link #handleNetworkInput} unchanged. */
        NOT_DATA
    }

    private UUID lastOpened;

    /**
     * Encrypts {@code packet} (position to limit) for connection {@code id} straight into {@code out} at its position,
     * framed for the connection's path (a ChannelData header in front when it goes through our relay), and says where
     * the datagram goes. Returns null, with both buffers as they were, when it cannot be sent this way now (no path or
     * WireGuard session yet, no channel): the caller then takes {@link #encapsulate}, which buffers and starts what is
     * missing. Allocates nothing.
     */
    public DatagramRoute seal(UUID id, ByteBuffer packet, ByteBuffer out, Instant now) {
        PeerConnection c = connections.get(id);
        if (c == null || c.path == null || c.pathLost) {
            return null;
        }
        DatagramRoute route = routeOf(c);
        if (route == null) {
            return null;
        }
        int start = out.position();
        int from = packet.position();
        if (route.viaRelay()) {
            out.position(start + ChannelData.HEADER_LENGTH);
        }
        Encrypted result = wireGuard.encrypt(c.wgPeer, packet, out, now);
        if (result != Encrypted.SENT) {
            packet.position(from);
            out.position(start);
            return null;
        }
        if (route.viaRelay()) {
            out.putShort(start, (short) route.channel());
            out.putShort(start + 2, (short) (out.position() - start - ChannelData.HEADER_LENGTH));
            allocations.get(c.routeRelay).channelDataSent(now);
        }
        c.lastPacketAt = now;
        if (c.idle) {
            wake(c);
        }
        drainWireGuard(now);
        return route;
    }

    /** The route of the connection's path, worked out once per path; null while its relay channel is missing. */
    private DatagramRoute routeOf(PeerConnection c) {
        if (c.route != null) {
            return c.route;
        }
        for (Map.Entry<UUID, Allocation> e : allocations.entrySet()) {
            Allocation a = e.getValue();
            if (a.hasRelayedAddress(c.path.source())) {
                int channel = a.channelTo(c.path.destination());
                if (channel < 0 || a.channelServer() == null) {
                    return null;
                }
                c.routeRelay = e.getKey();
                c.route = new DatagramRoute(null, a.channelServer(), channel);
                return c.route;
            }
        }
        c.routeRelay = null;
        c.route = new DatagramRoute(c.path.source(), c.path.destination(), -1);
        return c.route;
    }

    /**
     * Decrypts a WireGuard data datagram (directly from a peer, or in ChannelData from one of our relays) straight
     * into {@code out} at its position. Anything else (STUN, TURN, handshakes) comes back {@link Opened#NOT_DATA}
     * with {@code datagram} untouched, for {@link #handleNetworkInput}. Allocates nothing.
     */
    public Opened open(InetSocketAddress local, InetSocketAddress from, ByteBuffer datagram, ByteBuffer out,
                       Instant now) {
        lastNow = now;
        int at = datagram.position();
        int length = datagram.remaining();
        if (length < 1) {
            return Opened.NOT_DATA;
        }
        InetSocketAddress sender = from;
        int inner = at;
        if (from.getPort() == Relay.PORT && ChannelData.firstByteMatches(datagram.get(at))) {
            Allocation relay = allocationServing(from);
            if (relay == null || length < ChannelData.HEADER_LENGTH
                    || (datagram.getShort(at + 2) & 0xFFFF) != length - ChannelData.HEADER_LENGTH) {
                return Opened.NOT_DATA;
            }
            sender = relay.channelPeer(datagram.getShort(at) & 0xFFFF);
            if (sender == null) {
                return Opened.NOT_DATA;
            }
            inner = at + ChannelData.HEADER_LENGTH;
        }
        if (datagram.limit() - inner < WireGuardMessage.TRANSPORT_MIN_LENGTH
                || datagram.get(inner) != WireGuardMessage.TYPE_TRANSPORT || datagram.get(inner + 1) != 0
                || datagram.get(inner + 2) != 0 || datagram.get(inner + 3) != 0) {
            return Opened.NOT_DATA;
        }
        datagram.position(inner);
        Received r = wireGuard.decrypt(sender, datagram, out, now);
        PeerConnection c = r.peer() == null ? null : byWireGuardPeer.get(r.peer());
        if (c != null && r.kind() != Received.Kind.DROPPED) {
            c.lastPacketAt = now;
            if (c.idle) {
                wake(c);
            }
        }
        drainWireGuard(now);
        if (r.kind() == Received.Kind.DATA && c != null) {
            lastOpened = c.id;
            return Opened.PACKET;
        }
        return Opened.CONSUMED;
    }

    /** The connection of the last {@link Opened#PACKET}. */
    public UUID lastOpened() {
        return lastOpened;
    }

    private Allocation allocationServing(InetSocketAddress server) {
        for (Allocation a : allocations.values()) {
            if (a.isServer(server)) {
                return a;
            }
        }
        return null;
    }

    /**
     * Handles one received datagram. {@code local} is the local address it arrived on (IP from the
     * socket it came in on, port of that socket).
     */
    public void handleNetworkInput(InetSocketAddress local, InetSocketAddress from, byte[] data, int off, int len,
                                   Instant now) {
        lastNow = now;
        if (len <= 0 || off < 0 || off + len > data.length) {
            return;
        }
        // 1. TURN traffic from a relay (relays always use port 3478).
        if (from.getPort() == Relay.PORT) {
            int first = data[off] & 0xFF;
            if (first <= 3) {
                if (StunCodec.decode(data, off, len) instanceof ReceivedStun stun) {
                    for (Allocation a : allocations.values()) {
                        if (a.isServer(from)) {
                            a.handleInput(local, from, stun, now);
                            drainAllocations(now);
                            return;
                        }
                    }
                    if (formerRelayIps.contains(from.getAddress())) {
                        return;
                    }
                }
            } else if (ChannelData.firstByteMatches(data[off])) {
                for (Allocation a : allocations.values()) {
                    if (a.isServer(from)) {
                        Optional<Allocation.Received> inner = a.decapsulate(from, data, off, len, now);
                        if (inner.isEmpty()) {
                            return;
                        }
                        Allocation.Received r = inner.get();
                        handlePeerDatagram(r.relayedLocal(), r.peer(), r.payload(), 0, r.payload().length, now);
                        return;
                    }
                }
            }
        }
        handlePeerDatagram(local, from, data, off, len, now);
    }

    private void handlePeerDatagram(InetSocketAddress local, InetSocketAddress from, byte[] data, int off, int len,
                                    Instant now) {
        // 2. ICE connectivity checks.
        if (StunCodec.looksLikeStun(data, off, len)) {
            if (StunCodec.decode(data, off, len) instanceof ReceivedStun stun) {
                PeerConnection c = connectionFor(stun);
                if (c != null) {
                    c.agent.handleStun(local, from, stun, now);
                    drainAgent(c, now);
                }
            }
            return;
        }
        // 3. WireGuard.
        scratch.clear();
        Received r = wireGuard.decrypt(from, ByteBuffer.wrap(data, off, len), scratch, now);
        if (r.kind() == Received.Kind.DATA) {
            PeerConnection c = byWireGuardPeer.get(r.peer());
            if (c != null) {
                c.lastPacketAt = now;
                wake(c);
                byte[] packet = new byte[scratch.position()];
                scratch.flip().get(packet);
                packets.add(new DecryptedPacket(c.id, packet));
            }
        } else if (r.kind() == Received.Kind.KEEPALIVE) {
            PeerConnection c = byWireGuardPeer.get(r.peer());
            if (c != null) {
                c.lastPacketAt = now;
            }
        }
        drainWireGuard(now);
    }

    private PeerConnection connectionFor(ReceivedStun stun) {
        var m = stun.message();
        if (m.messageClass() == StunClass.REQUEST) {
            String username = m.attribute(Username.class).map(Username::value).orElse("");
            int colon = username.indexOf(':');
            String ours = colon < 0 ? username : username.substring(0, colon);
            for (PeerConnection c : connections.values()) {
                if (c.localCredentials.ufrag().equals(ours)) {
                    return c;
                }
            }
            return null;
        }
        for (PeerConnection c : connections.values()) {
            if (c.agent.ownsTransaction(m.transactionId())) {
                return c;
            }
        }
        return null;
    }

    // ------------------------------------------------------------------ timers

    public void handleTimeout(Instant now) {
        lastNow = now;
        for (Allocation a : allocations.values()) {
            a.handleTimeout(now);
        }
        drainAllocations(now);
        for (UUID id : List.copyOf(allocations.keySet())) {
            Allocation a = allocations.get(id);
            if (a != null && a.canBeFreed()) {
                removeAllocation(id, now);
            }
        }
        wireGuard.handleTimeout(now);
        drainWireGuard(now);
        for (PeerConnection c : List.copyOf(connections.values())) {
            c.agent.handleTimeout(now);
            drainAgent(c, now);
            checkHealth(c, now);
        }
    }

    private void checkHealth(PeerConnection c, Instant now) {
        if (c.failure == null && !c.remoteCandidateSeen && !now.isBefore(c.createdAt.plus(CANDIDATE_TIMEOUT))) {
            c.failure = "no remote candidates within " + CANDIDATE_TIMEOUT.toSeconds() + " s";
        }
        if (c.failure == null && c.disconnectedSince != null
                && !now.isBefore(c.disconnectedSince.plus(DISCONNECT_TIMEOUT))) {
            c.failure = "ICE disconnected";
        }
        if (c.failure != null) {
            probeRelayOf(c, now); // a WireGuard failure may come before ICE notices
            removeConnection(c.id);
            events.add(new PeerEvent.ConnectionFailed(c.id, c.failure));
            return;
        }
        if (!c.idle && c.path != null && !now.isBefore(c.lastPacketAt.plus(IDLE_AFTER))) {
            c.idle = true;
            c.agent.setTiming(server ? IceTiming.SERVER_IDLE : IceTiming.CLIENT_IDLE);
        }
    }

    private void drainAllocations(Instant now) {
        for (PeerConnection c : connections.values()) {
            c.route = null; // channels and relayed addresses may have changed
        }
        for (Map.Entry<UUID, Allocation> e : allocations.entrySet()) {
            Allocation a = e.getValue();
            for (var t = a.pollTransmit(); t != null; t = a.pollTransmit()) {
                transmits.add(t);
            }
            for (var ev = a.pollEvent(); ev != null; ev = a.pollEvent()) {
                switch (ev) {
                    case AllocationEvent.CandidateDiscovered(Candidate cand) -> {
                        for (PeerConnection c : connections.values()) {
                            if (cand.type() != CandidateType.RELAYED || e.getKey().equals(c.relay)) {
                                addLocal(c, cand, now);
                                c.agent.handleTimeout(now);
                            }
                        }
                    }
                    case AllocationEvent.CandidateInvalidated(Candidate cand) -> invalidateLocal(cand, now);
                }
            }
        }
        for (PeerConnection c : connections.values()) {
            drainAgent(c, now);
        }
    }

    private void drainAgent(PeerConnection c, Instant now) {
        for (var t = c.agent.pollTransmit(); t != null; t = c.agent.pollTransmit()) {
            Transmit tx = t;
            fromLocal(tx.source(), tx.destination(), tx.payload(), now).ifPresent(transmits::add);
        }
        for (var e = c.agent.pollEvent(); e != null; e = c.agent.pollEvent()) {
            switch (e) {
                case IceEvent.Nominated(NominatedPair pair) -> onNominated(c, pair, now);
                case IceEvent.StateChanged(IceConnectionState s) -> {
                    c.disconnectedSince = s == IceConnectionState.DISCONNECTED ? now : null;
                    if (s == IceConnectionState.DISCONNECTED) {
                        probeRelayOf(c, now);
                    }
                }
                case IceEvent.RoleChanged r -> {
                }
            }
        }
    }

    /**
     * A path through our relayed address stopped answering. The relay may have restarted at the same address and
     * forgotten our allocation, with nothing telling us (a quick restart need not reach the portal): refresh it now as
     * a liveness probe. A 437 then allocates again within round trips, and the new relayed candidate reaches the
     * peer, instead of every connection failing on the dead address until the refresh at half the lifetime; a relay
     * that does not answer at all is invalidated.
     */
    private void probeRelayOf(PeerConnection c, Instant now) {
        if (c.path == null || c.path.local().type() != CandidateType.RELAYED || c.relay == null) {
            return;
        }
        Allocation a = allocations.get(c.relay);
        if (a != null) {
            a.refresh(now);
            for (var t = a.pollTransmit(); t != null; t = a.pollTransmit()) {
                transmits.add(t);
            }
        }
    }

    private void onNominated(PeerConnection c, NominatedPair pair, Instant now) {
        boolean first = c.path == null;
        c.path = pair;
        c.route = null;
        c.pathLost = false;
        c.wgPeer.setEndpoint(pair.destination());
        if (!first && c.established) {
            events.add(new PeerEvent.PathChanged(c.id, pair));
        }
        bindChannelIfUseful(c, pair.remote(), now);
        while (!c.pendingWireGuard.isEmpty()) {
            viaPath(c, c.pendingWireGuard.poll(), now).ifPresent(transmits::add);
        }
        if (c.role == IceRole.CONTROLLING || c.agent.role() == IceRole.CONTROLLING) {
            maybeInitiateHandshake(c, now);
        }
        maybeEstablished(c);
    }

    private void maybeInitiateHandshake(PeerConnection c, Instant now) {
        if (c.lastHandshakeInitiated != null && now.isBefore(c.lastHandshakeInitiated.plus(HANDSHAKE_SUPPRESSION))) {
            return;
        }
        c.lastHandshakeInitiated = now;
        wireGuard.initiateHandshake(c.wgPeer, now);
        drainWireGuard(now);
    }

    private void maybeEstablished(PeerConnection c) {
        if (!c.established && c.path != null && c.handshakeCompleted) {
            c.established = true;
            events.add(new PeerEvent.ConnectionEstablished(c.id, c.path));
        }
    }

    private void drainWireGuard(Instant now) {
        for (var t = wireGuard.pollTransmit(); t != null; t = wireGuard.pollTransmit()) {
            PeerConnection c = byWireGuardPeer.get(t.peer());
            if (c == null) {
                continue;
            }
            if (c.path == null || c.pathLost) {
                if (c.pendingWireGuard.size() >= MAX_PENDING_WIREGUARD) {
                    c.pendingWireGuard.poll(); // a ring buffer, as Firezone's wg_buffer: the newest win
                }
                c.pendingWireGuard.add(t.payload());
                continue;
            }
            viaPath(c, t.payload(), now).ifPresent(transmits::add);
        }
        for (var e = wireGuard.pollEvent(); e != null; e = wireGuard.pollEvent()) {
            PeerConnection c = byWireGuardPeer.get(e.peer());
            if (c == null) {
                continue;
            }
            switch (e) {
                case WireGuardEvent.HandshakeCompleted h -> {
                    c.handshakeCompleted = true;
                    maybeEstablished(c);
                }
                case WireGuardEvent.ConnectionExpired x -> c.failure = "WireGuard: " + x.cause();
            }
        }
    }

    private Optional<Transmit> viaPath(PeerConnection c, byte[] payload, Instant now) {
        return fromLocal(c.path.source(), c.path.destination(), payload, now);
    }

    /** Sends from a host address directly, or from a relayed address through its relay's channel. */
    private Optional<Transmit> fromLocal(InetSocketAddress source, InetSocketAddress destination, byte[] payload,
                                         Instant now) {
        for (Allocation a : allocations.values()) {
            if (a.hasRelayedAddress(source)) {
                Optional<Transmit> t = a.encapsulate(destination, payload, now);
                for (var extra = a.pollTransmit(); extra != null; extra = a.pollTransmit()) {
                    transmits.add(extra);
                }
                return t;
            }
        }
        return Optional.of(new Transmit(source, destination, payload));
    }

    // ------------------------------------------------------------------ outputs

    public Transmit pollTransmit() {
        return transmits.poll();
    }

    /**
     * The next event, in the order things happened. Candidates come one by one; the sessions batch a step's candidates
     * per connection and signal them by priority (see {@code CandidateSignals}).
     */
    public PeerEvent pollEvent() {
        return events.poll();
    }

    public DecryptedPacket pollPacket() {
        return packets.poll();
    }

    public Instant pollTimeout() {
        if (!transmits.isEmpty() || !events.isEmpty() || !packets.isEmpty()) {
            return lastNow;
        }
        Instant t = wireGuard.pollTimeout();
        for (Allocation a : allocations.values()) {
            t = min(t, a.pollTimeout());
        }
        for (PeerConnection c : connections.values()) {
            t = min(t, c.agent.pollTimeout());
            if (!c.remoteCandidateSeen) {
                t = min(t, c.createdAt.plus(CANDIDATE_TIMEOUT));
            }
            if (c.disconnectedSince != null) {
                t = min(t, c.disconnectedSince.plus(DISCONNECT_TIMEOUT));
            }
            if (!c.idle && c.path != null) {
                t = min(t, c.lastPacketAt.plus(IDLE_AFTER));
            }
        }
        return t;
    }

    private static Instant min(Instant a, Instant b) {
        if (a == null) {
            return b;
        }
        return b == null || a.isBefore(b) ? a : b;
    }
}
