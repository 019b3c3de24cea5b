package dev.flint.connlib.turn;

import dev.flint.connlib.ice.Candidate;
import dev.flint.connlib.net.Transmit;
import dev.flint.connlib.stun.AddressFamily;
import dev.flint.connlib.stun.IntegrityKey;
import dev.flint.connlib.stun.ReceivedStun;
import dev.flint.connlib.stun.StunAttribute.*;
import dev.flint.connlib.stun.StunClass;
import dev.flint.connlib.stun.StunCodec;
import dev.flint.connlib.stun.StunMessage;
import dev.flint.connlib.stun.StunMethod;
import dev.flint.connlib.stun.TransactionId;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * The TURN client for one relay, as Firezone's snownet {@code Allocation}: BINDING to every relay
 * address (host and server-reflexive candidates), ALLOCATE with long-term credentials on the address
 * that answered first (relayed candidates), REFRESH at half the lifetime, channel bindings in
 * 0x4000–0x4FFF with ChannelData framing, and a BINDING keepalive every 25 s. Sans-IO.
 */
public final class Allocation {
    public static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(1);
    public static final double REQUEST_BACKOFF = 1.5;
    public static final Duration REQUEST_MAX_ELAPSED = Duration.ofSeconds(8);
    public static final Duration BINDING_INTERVAL = Duration.ofSeconds(25);
    public static final Duration CHANNEL_LIFETIME = Duration.ofMinutes(10);
    public static final Duration CHANNEL_REFRESH_AFTER = Duration.ofMinutes(5);
    public static final Duration CHANNEL_REUSE_COOLDOWN = Duration.ofMinutes(5);
    public static final int MAX_BUFFERED_CHANNEL_BINDINGS = 100;
    static final String SOFTWARE = "snownet";

    private enum Kind { BINDING, ALLOCATE, REFRESH, CHANNEL_BIND }

    private static final class Pending {
        final Kind kind;
        final StunMessage unsigned;
        final boolean authenticated;
        final InetSocketAddress server;
        final Instant firstSent;
        Instant nextSend;
        Duration delay;
        final boolean singleAttempt;
        final ChannelBinding channel;

        Pending(Kind kind, StunMessage unsigned, boolean authenticated, InetSocketAddress server, Instant now,
                boolean singleAttempt, ChannelBinding channel) {
            this.kind = kind;
            this.unsigned = unsigned;
            this.authenticated = authenticated;
            this.server = server;
            this.firstSent = now;
            this.delay = REQUEST_TIMEOUT;
            this.nextSend = now.plus(delay);
            this.singleAttempt = singleAttempt;
            this.channel = channel;
        }
    }

    private final List<InetSocketAddress> servers;
    private final RelayCredentials credentials;
    private final IntegrityKey key;
    private final RandomGenerator random;

    private final Map<TransactionId, Pending> pending = new LinkedHashMap<>();
    private final ArrayDeque<Transmit> transmits = new ArrayDeque<>();
    private final ArrayDeque<AllocationEvent> events = new ArrayDeque<>();

    private InetSocketAddress activeServer;
    private String nonce;
    private boolean askForAdditionalFamily;
    private final Map<AddressFamily, Candidate> hostCandidates = new HashMap<>();
    private final Map<AddressFamily, Candidate> srflxCandidates = new HashMap<>();
    private final List<Candidate> relayedCandidates = new ArrayList<>();
    private InetSocketAddress localBase;
    private Instant allocationExpiresAt;
    private Instant refreshAt;
    private Instant nextKeepalive;
    /** When ChannelData last went to the relay: it keeps the allocation alive as a keepalive would. */
    private Instant lastChannelSend;
    private boolean failed;
    private boolean everAnswered;
    private Duration rtt;

    private final Map<Integer, ChannelBinding> channelsByNumber = new HashMap<>();
    private final Map<InetSocketAddress, ChannelBinding> channelsByPeer = new HashMap<>();
    private final Map<Integer, Instant> reservedUntil = new HashMap<>();
    private final List<InetSocketAddress> bufferedBindings = new ArrayList<>();
    private int nextChannel = ChannelData.MIN_CHANNEL;
    private Instant lastNow;

    /** Starts the allocation: BINDING to every address of the relay (one per family). */
    public Allocation(List<InetSocketAddress> servers, RelayCredentials credentials, RandomGenerator random, Instant now) {
        if (servers.isEmpty()) {
            throw new IllegalArgumentException("a relay needs at least one address");
        }
        this.servers = List.copyOf(servers);
        this.credentials = credentials;
        this.key = IntegrityKey.longTerm(credentials.username(), credentials.realm(), credentials.password());
        this.random = random;
        boolean v4 = servers.stream().anyMatch(s -> !(s.getAddress() instanceof Inet6Address));
        boolean v6 = servers.stream().anyMatch(s -> s.getAddress() instanceof Inet6Address);
        this.askForAdditionalFamily = v4 && v6;
        this.lastNow = now;
        for (InetSocketAddress server : this.servers) {
            sendBinding(server, now);
        }
    }

    public List<InetSocketAddress> servers() {
        return servers;
    }

    public RelayCredentials credentials() {
        return credentials;
    }

    public boolean isServer(InetSocketAddress address) {
        return servers.contains(address);
    }

    public Optional<InetSocketAddress> activeServer() {
        return Optional.ofNullable(activeServer);
    }

    public Optional<Duration> rtt() {
        return Optional.ofNullable(rtt);
    }

    /** Failed for good (bad credentials, protocol failure, unreachable); the owner removes it. */
    public boolean isFailed() {
        return failed;
    }

    /** Nothing ever answered and nothing is pending: STUN may be blocked. */
    public boolean canBeFreed() {
        return failed || (!everAnswered && pending.isEmpty());
    }

    public List<Candidate> candidates() {
        List<Candidate> all = new ArrayList<>(hostCandidates.values());
        all.addAll(srflxCandidates.values());
        all.addAll(relayedCandidates);
        return all;
    }

    public List<Candidate> relayedCandidates() {
        return List.copyOf(relayedCandidates);
    }

    /** Our relayed address of the given family, if the relay granted one. */
    public Optional<InetSocketAddress> relayedAddress(AddressFamily family) {
        return relayedCandidates.stream().map(Candidate::address)
                .filter(a -> AddressFamily.of(a.getAddress()) == family).findFirst();
    }

    public boolean hasRelayedAddress(InetSocketAddress address) {
        return relayedCandidates.stream().anyMatch(c -> c.address().equals(address));
    }

    // ---------------------------------------------------------------- input

    /** True if this message is a response to one of our requests (and so consumed). */
    public boolean handleInput(InetSocketAddress local, InetSocketAddress from, ReceivedStun received, Instant now) {
        lastNow = now;
        StunMessage m = received.message();
        if (!m.messageClass().isResponse()) {
            return false;
        }
        Pending p = pending.get(m.transactionId());
        if (p == null || !p.server.equals(from)) {
            return false;
        }
        boolean isError = m.messageClass() == StunClass.ERROR_RESPONSE;
        int code = m.attribute(ErrorCode.class).map(ErrorCode::code).orElse(0);
        boolean nonceChallenge = isError && (code == ErrorCode.UNAUTHORIZED || code == ErrorCode.STALE_NONCE);
        if (p.kind != Kind.BINDING && !nonceChallenge && !received.integrityMatches(key)) {
            return true; // an attacker cannot change our state without our credentials
        }
        pending.remove(m.transactionId());
        everAnswered = true;
        sampleRtt(Duration.between(p.firstSent, now));
        if (isError) {
            handleError(p, m, code, now);
        } else {
            handleSuccess(p, m, local, from, now);
        }
        return true;
    }

    private void sampleRtt(Duration sample) {
        rtt = rtt == null ? sample : rtt.multipliedBy(7).plus(sample).dividedBy(8);
    }

    private void handleSuccess(Pending p, StunMessage m, InetSocketAddress local, InetSocketAddress from, Instant now) {
        switch (p.kind) {
            case BINDING -> {
                AddressFamily family = AddressFamily.of(from.getAddress());
                Candidate host = Candidate.host(local);
                if (!host.equals(hostCandidates.get(family))) {
                    hostCandidates.put(family, host);
                    events.add(new AllocationEvent.CandidateDiscovered(host));
                }
                m.attribute(XorMappedAddress.class).ifPresent(x -> {
                    Candidate srflx = Candidate.serverReflexive(x.address(), local);
                    if (!x.address().equals(local) && !srflx.equals(srflxCandidates.get(family))) {
                        srflxCandidates.put(family, srflx);
                        events.add(new AllocationEvent.CandidateDiscovered(srflx));
                    }
                });
                if (activeServer == null) {
                    activeServer = from;
                    localBase = local;
                    sendAllocate(now);
                }
                nextKeepalive = now.plus(BINDING_INTERVAL);
            }
            case ALLOCATE -> {
                long lifetime = m.attribute(Lifetime.class).map(Lifetime::seconds).orElse(600L);
                allocationExpiresAt = now.plusSeconds(lifetime);
                refreshAt = now.plusSeconds(lifetime / 2);
                for (XorRelayedAddress relayed : m.all(XorRelayedAddress.class)) {
                    Candidate c = Candidate.relayed(relayed.address(), localBase);
                    if (relayedCandidates.stream().noneMatch(k -> k.address().equals(c.address()))) {
                        relayedCandidates.add(c);
                        events.add(new AllocationEvent.CandidateDiscovered(c));
                    }
                }
                List<InetSocketAddress> buffered = List.copyOf(bufferedBindings);
                bufferedBindings.clear();
                for (InetSocketAddress peer : buffered) {
                    bindChannel(peer, now);
                }
            }
            case REFRESH -> {
                long lifetime = m.attribute(Lifetime.class).map(Lifetime::seconds).orElse(600L);
                if (lifetime == 0) {
                    clearAllocation();
                    sendAllocate(now);
                } else {
                    allocationExpiresAt = now.plusSeconds(lifetime);
                    refreshAt = now.plusSeconds(lifetime / 2);
                }
            }
            case CHANNEL_BIND -> {
                ChannelBinding c = p.channel;
                if (channelsByNumber.get(c.number) == c) {
                    c.confirmed = true;
                    c.inFlight = false;
                }
            }
        }
    }

    private void handleError(Pending p, StunMessage m, int code, Instant now) {
        switch (code) {
            case ErrorCode.UNAUTHORIZED, ErrorCode.STALE_NONCE -> {
                boolean hadNonce = p.unsigned.has(Nonce.class);
                if (code == ErrorCode.UNAUTHORIZED && hadNonce) {
                    fail(); // our credentials are wrong (or expired)
                    return;
                }
                Optional<String> realm = m.attribute(Realm.class).map(Realm::value);
                if (realm.isPresent() && !realm.get().equals(credentials.realm())) {
                    fail();
                    return;
                }
                Optional<String> newNonce = m.attribute(Nonce.class).map(Nonce::value);
                if (newNonce.isEmpty()) {
                    fail();
                    return;
                }
                nonce = newNonce.get();
                resend(p, now);
            }
            case ErrorCode.ALLOCATION_MISMATCH -> {
                if (p.kind == Kind.ALLOCATE) {
                    sendRefresh(now, true);
                } else {
                    if (p.kind == Kind.CHANNEL_BIND) {
                        forgetChannel(p.channel);
                        bufferedBindings.add(p.channel.peer);
                    }
                    clearAllocation();
                    sendAllocate(now);
                }
            }
            case ErrorCode.ADDRESS_FAMILY_NOT_SUPPORTED -> {
                if (p.kind == Kind.ALLOCATE && askForAdditionalFamily) {
                    askForAdditionalFamily = false;
                    sendAllocate(now);
                } else {
                    fail();
                }
            }
            case ErrorCode.UNKNOWN_ATTRIBUTE -> fail();
            default -> {
                if (p.kind == Kind.CHANNEL_BIND) {
                    forgetChannel(p.channel);
                } else if (p.kind == Kind.ALLOCATE || p.kind == Kind.REFRESH) {
                    fail();
                }
            }
        }
    }

    // ---------------------------------------------------------------- channels

    /** Binds a channel towards {@code peer} unless one is bound or in flight; buffered until allocated. */
    public void bindChannel(InetSocketAddress peer, Instant now) {
        lastNow = now;
        if (failed || channelsByPeer.containsKey(peer)) {
            return;
        }
        if (relayedCandidates.stream().noneMatch(c -> sameFamily(c.address(), peer))) {
            if (relayedCandidates.isEmpty() && bufferedBindings.size() < MAX_BUFFERED_CHANNEL_BINDINGS
                    && !bufferedBindings.contains(peer)) {
                bufferedBindings.add(peer);
            }
            return;
        }
        int number = allocateChannelNumber(now);
        if (number < 0) {
            return;
        }
        ChannelBinding c = new ChannelBinding(number, peer, now);
        channelsByNumber.put(number, c);
        channelsByPeer.put(peer, c);
        sendChannelBind(c, now);
    }

    private int allocateChannelNumber(Instant now) {
        int span = ChannelData.MAX_CHANNEL - ChannelData.MIN_CHANNEL + 1;
        for (int i = 0; i < span; i++) {
            int n = nextChannel;
            nextChannel = n == ChannelData.MAX_CHANNEL ? ChannelData.MIN_CHANNEL : n + 1;
            Instant reserved = reservedUntil.get(n);
            if (!channelsByNumber.containsKey(n) && (reserved == null || !reserved.isAfter(now))) {
                reservedUntil.remove(n);
                return n;
            }
        }
        return -1;
    }

    private void forgetChannel(ChannelBinding c) {
        if (channelsByNumber.get(c.number) == c) {
            channelsByNumber.remove(c.number);
            channelsByPeer.remove(c.peer);
        }
    }

    public boolean hasChannelTo(InetSocketAddress peer) {
        return channelsByPeer.containsKey(peer);
    }

    /**
     * Wraps {@code payload} for {@code peer} in ChannelData towards the relay. Sends optimistically
     * while the binding is in flight; with no channel at all the packet is dropped and binding starts.
     */
    public Optional<Transmit> encapsulate(InetSocketAddress peer, byte[] payload, Instant now) {
        ChannelBinding c = channelsByPeer.get(peer);
        if (c == null || activeServer == null) {
            bindChannel(peer, now);
            return Optional.empty();
        }
        nextKeepalive = now.plus(BINDING_INTERVAL);
        return Optional.of(new Transmit(null, activeServer, ChannelData.encode(c.number, payload, 0, payload.length)));
    }

    /**
     * The channel to {@code peer} for ChannelData sent without a copy, or -1 when none is bound or being bound (then
     * {@link #encapsulate} starts binding one). Like {@link #encapsulate}, an in-flight binding is used at once.
     */
    public int channelTo(InetSocketAddress peer) {
        ChannelBinding c = channelsByPeer.get(peer);
        return c == null || activeServer == null ? -1 : c.number;
    }

    /** ChannelData went to the relay at {@code now} (framed by the caller): the keepalive may wait. */
    public void channelDataSent(Instant now) {
        lastChannelSend = now;
    }

    /** The peer a ChannelData channel of this relay is bound to, or null; the channel counts as used. */
    public InetSocketAddress channelPeer(int channel) {
        ChannelBinding c = channelsByNumber.get(channel);
        if (c == null) {
            return null;
        }
        c.dataReceivedSinceBind = true;
        return c.peer;
    }

    /** The relay address ChannelData goes to, or null before the relay answered. */
    public InetSocketAddress channelServer() {
        return activeServer;
    }

    /** A decapsulated ChannelData payload: who sent it and our relayed address it arrived on. */
    public record Received(InetSocketAddress peer, InetSocketAddress relayedLocal, byte[] payload) {
    }

    /** Unwraps ChannelData from this relay; empty if the channel is not bound here or the framing is bad. */
    public Optional<Received> decapsulate(InetSocketAddress from, byte[] data, int off, int len, Instant now) {
        if (activeServer == null || !activeServer.equals(from)) {
            return Optional.empty();
        }
        if (!(ChannelData.decode(data, off, len) instanceof ChannelData.Result.Decoded(ChannelData cd))) {
            return Optional.empty();
        }
        ChannelBinding c = channelsByNumber.get(cd.channel());
        if (c == null) {
            return Optional.empty();
        }
        c.dataReceivedSinceBind = true;
        Optional<InetSocketAddress> relayed = relayedAddress(AddressFamily.of(c.peer.getAddress()));
        return relayed.map(r -> new Received(c.peer, r, cd.payload()));
    }

    // ---------------------------------------------------------------- timers

    public void handleTimeout(Instant now) {
        lastNow = now;
        for (Map.Entry<TransactionId, Pending> e : List.copyOf(pending.entrySet())) {
            Pending p = e.getValue();
            if (p.nextSend.isAfter(now) || pending.get(e.getKey()) != p) {
                continue;
            }
            // Sends at 0, 1, 2.5 and 4.75 s; the next due time (8.125 s) is past the 8 s budget.
            if (p.singleAttempt || Duration.between(p.firstSent, now).compareTo(REQUEST_MAX_ELAPSED) >= 0) {
                pending.remove(e.getKey());
                timedOut(p, now);
                continue;
            }
            p.delay = Duration.ofNanos((long) (p.delay.toNanos() * REQUEST_BACKOFF));
            p.nextSend = now.plus(p.delay);
            transmits.add(new Transmit(null, p.server, sign(p.unsigned, p.authenticated)));
        }
        if (failed) {
            return;
        }
        if (allocationExpiresAt != null && !allocationExpiresAt.isAfter(now)) {
            clearAllocation();
            fail();
            return;
        }
        if (refreshAt != null && !refreshAt.isAfter(now) && !hasPending(Kind.REFRESH)) {
            refreshAt = null;
            sendRefresh(now, false);
        }
        if (lastChannelSend != null && nextKeepalive != null && lastChannelSend.plus(BINDING_INTERVAL).isAfter(nextKeepalive)) {
            nextKeepalive = lastChannelSend.plus(BINDING_INTERVAL);
        }
        if (activeServer != null && nextKeepalive != null && !nextKeepalive.isAfter(now) && !hasPending(Kind.BINDING)) {
            sendBinding(activeServer, now);
            nextKeepalive = now.plus(BINDING_INTERVAL);
        }
        for (ChannelBinding c : List.copyOf(channelsByNumber.values())) {
            Duration age = Duration.between(c.boundAt, now);
            if (age.compareTo(CHANNEL_LIFETIME) >= 0) {
                forgetChannel(c);
                reservedUntil.put(c.number, now.plus(CHANNEL_REUSE_COOLDOWN));
            } else if (age.compareTo(CHANNEL_REFRESH_AFTER) >= 0 && c.dataReceivedSinceBind && !c.inFlight) {
                c.boundAt = now;
                c.dataReceivedSinceBind = false;
                sendChannelBind(c, now);
            }
        }
    }

    private boolean hasPending(Kind kind) {
        return pending.values().stream().anyMatch(p -> p.kind == kind);
    }

    private void timedOut(Pending p, Instant now) {
        switch (p.kind) {
            case BINDING -> {
                if (p.server.equals(activeServer) || (activeServer == null && pending.isEmpty())) {
                    invalidate();
                }
            }
            case ALLOCATE, REFRESH -> invalidate();
            case CHANNEL_BIND -> forgetChannel(p.channel);
        }
    }

    /** The relay went quiet: drop what it gave us and report its relayed candidates gone. */
    private void invalidate() {
        activeServer = null;
        clearAllocation();
        fail();
    }

    private void clearAllocation() {
        for (Candidate c : relayedCandidates) {
            events.add(new AllocationEvent.CandidateInvalidated(c));
        }
        relayedCandidates.clear();
        allocationExpiresAt = null;
        refreshAt = null;
        channelsByNumber.clear();
        channelsByPeer.clear();
    }

    private void fail() {
        if (!failed) {
            failed = true;
            for (Candidate c : relayedCandidates) {
                events.add(new AllocationEvent.CandidateInvalidated(c));
            }
            relayedCandidates.clear();
            pending.clear();
        }
    }

    /** Refreshes the allocation now, as a liveness probe; a relay that does not answer is invalidated. */
    public void refresh(Instant now) {
        if (!failed && !relayedCandidates.isEmpty() && !hasPending(Kind.REFRESH)) {
            sendRefresh(now, false);
        }
    }

    /** Deletes the allocation on the relay (REFRESH with LIFETIME 0) and stops. */
    public void close(Instant now) {
        if (!failed && !relayedCandidates.isEmpty()) {
            StunMessage m = authenticated(StunMessage.request(StunMethod.REFRESH, TransactionId.random(random))
                    .add(new Lifetime(0)));
            transmits.add(new Transmit(null, activeServer, sign(m, true)));
        }
        clearAllocation();
        fail();
    }

    // ---------------------------------------------------------------- requests

    private void sendBinding(InetSocketAddress server, Instant now) {
        StunMessage m = StunMessage.request(StunMethod.BINDING, TransactionId.random(random))
                .add(new Software(SOFTWARE)).build();
        send(new Pending(Kind.BINDING, m, false, server, now, false, null));
    }

    private void sendAllocate(Instant now) {
        if (activeServer == null || hasPending(Kind.ALLOCATE)) {
            return;
        }
        StunMessage.Builder b = StunMessage.request(StunMethod.ALLOCATE, TransactionId.random(random))
                .add(new RequestedTransport(RequestedTransport.UDP));
        if (askForAdditionalFamily) {
            b.add(new AdditionalAddressFamily(AddressFamily.IPV6));
        }
        send(new Pending(Kind.ALLOCATE, authenticated(b), true, activeServer, now, false, null));
    }

    private void sendRefresh(Instant now, boolean delete) {
        if (activeServer == null) {
            return;
        }
        StunMessage.Builder b = StunMessage.request(StunMethod.REFRESH, TransactionId.random(random));
        if (delete) {
            b.add(new Lifetime(0));
        }
        send(new Pending(Kind.REFRESH, authenticated(b), true, activeServer, now, !delete, null));
    }

    private void sendChannelBind(ChannelBinding c, Instant now) {
        c.inFlight = true;
        StunMessage.Builder b = StunMessage.request(StunMethod.CHANNEL_BIND, TransactionId.random(random))
                .add(new ChannelNumber(c.number)).add(new XorPeerAddress(c.peer));
        send(new Pending(Kind.CHANNEL_BIND, authenticated(b), true, activeServer, now, false, c));
    }

    private StunMessage authenticated(StunMessage.Builder b) {
        b.add(new Software(SOFTWARE)).add(new Username(credentials.username())).add(new Realm(credentials.realm()));
        if (nonce != null) {
            b.add(new Nonce(nonce));
        }
        return b.build();
    }

    /** Re-sends after a nonce challenge with a fresh transaction id and the new nonce. */
    private void resend(Pending p, Instant now) {
        StunMessage.Builder b = StunMessage.request(p.unsigned.method(), TransactionId.random(random));
        for (var a : p.unsigned.attributes()) {
            if (!(a instanceof Software || a instanceof Username || a instanceof Realm || a instanceof Nonce)) {
                b.add(a);
            }
        }
        send(new Pending(p.kind, authenticated(b), true, p.server, now, p.singleAttempt, p.channel));
    }

    private void send(Pending p) {
        pending.put(p.unsigned.transactionId(), p);
        transmits.add(new Transmit(null, p.server, sign(p.unsigned, p.authenticated)));
    }

    private byte[] sign(StunMessage m, boolean authenticated) {
        return authenticated && nonce != null ? StunCodec.encode(m, key, false) : StunCodec.encode(m);
    }

    private static boolean sameFamily(InetSocketAddress a, InetSocketAddress b) {
        return (a.getAddress() instanceof Inet6Address) == (b.getAddress() instanceof Inet6Address);
    }

    // ---------------------------------------------------------------- output

    public Transmit pollTransmit() {
        return transmits.poll();
    }

    public AllocationEvent pollEvent() {
        return events.poll();
    }

    public Instant pollTimeout() {
        if (!transmits.isEmpty() || !events.isEmpty()) {
            return lastNow;
        }
        Instant t = null;
        for (Pending p : pending.values()) {
            t = min(t, p.nextSend);
        }
        if (!failed) {
            t = min(t, refreshAt);
            t = min(t, allocationExpiresAt);
            if (activeServer != null) {
                t = min(t, nextKeepalive);
            }
            for (ChannelBinding c : channelsByNumber.values()) {
                t = min(t, c.boundAt.plus(c.dataReceivedSinceBind ? CHANNEL_REFRESH_AFTER : CHANNEL_LIFETIME));
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
