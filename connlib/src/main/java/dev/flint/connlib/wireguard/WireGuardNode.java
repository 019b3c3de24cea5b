package dev.flint.connlib.wireguard;

import dev.flint.connlib.wireguard.WireGuardMessage.CookieReply;
import dev.flint.connlib.wireguard.WireGuardMessage.Decoding;
import dev.flint.connlib.wireguard.WireGuardMessage.HandshakeInitiation;
import dev.flint.connlib.wireguard.WireGuardMessage.HandshakeResponse;
import dev.flint.connlib.wireguard.WireGuardMessage.TransportData;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * A sans-IO WireGuard node: our static key, the peers, their handshakes, sessions and timers.
 *
 * <h2>Driving it</h2>
 *
 * <ul>
 *   <li>Outgoing IP packet: {@link #encrypt(WireGuardPeer, ByteBuffer, ByteBuffer, Instant)} reads the packet
 *       (position to limit) and writes one complete type-4 datagram at the output buffer's position (heap or
 *       direct; {@link #encryptedLength(int)} bytes), advancing it. Encryption in place works: put the packet at
 *       {@code out.position() + 16} of a heap buffer and pass a slice of it as the plaintext. {@link
 *       Encrypted#NO_SESSION} means no usable session; a handshake has been requested and queueing the packet is
 *       the caller's choice (Firezone drops or queues; wireguard-go stages).
 *   <li>Incoming datagram of any WireGuard type: {@link #decrypt(InetSocketAddress, ByteBuffer, ByteBuffer,
 *       Instant)} consumes it and returns a cached {@link Received}: {@code DATA} (the inner IP packet, padding
 *       removed, was written at the output buffer's position, which advanced by its length), {@code KEEPALIVE},
 *       {@code HANDSHAKE} (a handshake message or cookie reply was consumed: poll now) or {@code DROPPED} with a
 *       {@link DropReason} (also counted in {@link #dropCounters()}). Nothing in the datagram can make it throw.
 *       The source address is used for roaming ({@link WireGuardPeer#endpoint()} follows the latest authenticated
 *       packet), cookies and as the reply address of handshake responses.
 *   <li>Time: call {@link #handleTimeout(Instant)} when {@link #pollTimeout()} says, and check {@link
 *       #pollTimeout()} again after every batch of encrypt/decrypt calls: the data path asks for handshakes (rekey
 *       after time or messages, no session) by making the timeout due at once.
 *   <li>Outputs, polled until empty after every input: {@link #pollTransmit()} (initiations, responses, cookie
 *       replies, keepalives; each with its peer and an endpoint hint that may be null when the engine knows no
 *       address, as in Firezone's ICE mode where the shell owns the path), {@link #pollEvent()} ({@link
 *       WireGuardEvent.HandshakeCompleted}, {@link WireGuardEvent.ConnectionExpired}).
 *   <li>Control: {@link #addPeer}, {@link #removePeer}, {@link #initiateHandshake}, {@link #setUnderLoad}, and
 *       the peer's setters (endpoint, preshared key, persistent keepalive). The static key is fixed per node.
 * </ul>
 *
 * <h2>Threads</h2>
 *
 * {@code encrypt} and the transport-data case of {@code decrypt} may run on any number of threads at once, also
 * for the same peer and the same session: the send counter is reserved atomically, every thread has its own JDK
 * {@code Cipher}, the replay window is synchronised per session, and index and session lookups read immutable
 * snapshots. They allocate nothing of their own. The rare transitions they find (first packet on a new session,
 * a handshake request) take the node's lock briefly or set a flag for {@code handleTimeout}. Everything else —
 * handshake messages and cookie replies inside {@code decrypt}, timers, polling, peers — runs under the node's
 * lock, so it is safe from any thread; one control thread is the intended caller. Counters are assigned in
 * {@code encrypt} call order: a shell that encrypts one peer's packets on several workers and wants them received
 * in order must send them in counter order (the receiver accepts up to 8192 packets of reordering anyway, so
 * order matters for TCP performance, not for correctness). Statistics and timer inputs written by the data path
 * are last-writer-wins; a lost race moves a timer by the length of one batch.
 *
 * <p>{@code now} is the wall clock as an {@link Instant}: it stamps handshake initiations (TAI64N, which peers
 * require to increase) and drives the timers.
 */
public final class WireGuardNode {
    /** The whitepaper's constants. */
    public static final long REKEY_AFTER_MESSAGES = 1L << 60;
    /** 2^64 - 2^13 - 1, compared unsigned. */
    public static final long REJECT_AFTER_MESSAGES = 0xFFFF_FFFF_FFFF_DFFFL;
    public static final Duration REKEY_AFTER_TIME = Duration.ofSeconds(120);
    public static final Duration REJECT_AFTER_TIME = Duration.ofSeconds(180);
    /** Initiations from one peer closer together than this are dropped (wireguard-go's HandshakeInitationRate). */
    public static final Duration HANDSHAKE_FLOOD_INTERVAL = Duration.ofMillis(20);

    static final long REJECT_AFTER_TIME_NANOS = REJECT_AFTER_TIME.toNanos();
    static final long REKEY_AFTER_TIME_NANOS = REKEY_AFTER_TIME.toNanos();
    private static final long FLOOD_NANOS = HANDSHAKE_FLOOD_INTERVAL.toNanos();
    private static final Received[] DROPS = new Received[DropReason.values().length];

    static {
        for (DropReason r : DropReason.values()) {
            DROPS[r.ordinal()] = new Received(Received.Kind.DROPPED, null, r);
        }
    }

    final Object lock = new Object();
    private final byte[] staticPrivate;
    private final WireGuardKey publicKey;
    private final WireGuardConfig config;
    private final RandomGenerator random;
    private final CookieChecker cookieChecker;
    private final long rekeyTimeoutNanos;
    private final long jitterNanos;
    private final long keepaliveNanos;
    private final long attemptNanos;
    private final Timers timers;
    private final Timers.Actions actions = new TimerActions();
    private final Map<WireGuardKey, WireGuardPeer> peersByKey = new HashMap<>();
    private volatile List<WireGuardPeer> peerList = List.of();
    private final IndexTable indices = new IndexTable();
    private final ArrayDeque<Outgoing> transmits = new ArrayDeque<>();
    private final ArrayDeque<WireGuardEvent> events = new ArrayDeque<>();
    private final DropCounters drops = new DropCounters();
    private volatile boolean underLoad;
    private int handshakeRateLimit;
    private long handshakeWindowStartNanos;
    private int handshakesInWindow;

    /**
     * @param privateKey our static private key
     * @param config timers and padding
     * @param random source of ephemeral keys, indices, cookie secrets and jitter: a {@code SecureRandom} in
     *     production, a seeded generator in tests
     */
    public WireGuardNode(WireGuardKey privateKey, WireGuardConfig config, RandomGenerator random) {
        this.staticPrivate = privateKey.toBytes();
        this.publicKey = privateKey.publicKey();
        this.config = Objects.requireNonNull(config);
        this.random = Objects.requireNonNull(random);
        this.cookieChecker = new CookieChecker(publicKey.raw());
        this.rekeyTimeoutNanos = config.rekeyTimeout().toNanos();
        this.jitterNanos = config.rekeyTimeoutJitter().toNanos();
        this.keepaliveNanos = config.keepaliveTimeout().toNanos();
        this.attemptNanos = config.rekeyAttemptTime().toNanos();
        this.timers = new Timers(keepaliveNanos, rekeyTimeoutNanos, attemptNanos, this::jitter);
    }

    public WireGuardKey publicKey() {
        return publicKey;
    }

    public WireGuardConfig config() {
        return config;
    }

    // ---------------------------------------------------------------- peers

    /**
     * Adds a peer.
     *
     * @param presharedKey null for none (all zeros, as WireGuard defines it)
     * @param persistentKeepalive null or zero for none
     * @param endpoint null when unknown (the peer must then initiate, or the shell sends to its own path)
     * @throws IllegalArgumentException if the key is ours or already a peer
     */
    public WireGuardPeer addPeer(
            WireGuardKey peerPublicKey,
            WireGuardKey presharedKey,
            Duration persistentKeepalive,
            InetSocketAddress endpoint,
            Instant now) {
        synchronized (lock) {
            if (peerPublicKey.equals(publicKey)) {
                throw new IllegalArgumentException("a peer cannot have our own public key");
            }
            if (peersByKey.containsKey(peerPublicKey)) {
                throw new IllegalArgumentException("peer " + peerPublicKey.toBase64() + " already exists");
            }
            var peer = new WireGuardPeer(
                    this, peerPublicKey, staticPrivate, presharedKey, persistentKeepalive, endpoint, nanos(now));
            peersByKey.put(peerPublicKey, peer);
            peerList = List.copyOf(peersByKey.values());
            return peer;
        }
    }

    /** Removes a peer and forgets its sessions; its pending outputs are discarded. */
    public boolean removePeer(WireGuardPeer peer) {
        synchronized (lock) {
            if (peersByKey.remove(peer.publicKey()) != peer) {
                return false;
            }
            peerList = List.copyOf(peersByKey.values());
            zeroKeys(peer);
            peer.markRemoved();
            transmits.removeIf(t -> t.peer() == peer);
            events.removeIf(e -> e.peer() == peer);
            return true;
        }
    }

    public Optional<WireGuardPeer> peer(WireGuardKey peerPublicKey) {
        synchronized (lock) {
            return Optional.ofNullable(peersByKey.get(peerPublicKey));
        }
    }

    public List<WireGuardPeer> peers() {
        return peerList;
    }

    /** Under load, initiations and responses need a valid MAC2; without one they get a cookie reply. */
    public void setUnderLoad(boolean underLoad) {
        this.underLoad = underLoad;
    }

    /**
     * Also counts as under load while more than {@code perSecond} handshake messages with a valid MAC1 arrived in
     * the current one-second window, node-wide (Firezone: 100). Zero, the default, turns this off.
     */
    public void setHandshakeRateLimit(int perSecond) {
        synchronized (lock) {
            handshakeRateLimit = Math.max(0, perSecond);
        }
    }

    public DropCounters dropCounters() {
        return drops;
    }

    /**
     * Sends a handshake initiation now (unless one was sent less than REKEY_TIMEOUT ago), e.g. when ICE nominated
     * a path. If a handshake is already being retried, this resends within that attempt (REKEY_ATTEMPT_TIME still
     * counts from its start). The initiation is available from {@link #pollTransmit()}.
     */
    public void initiateHandshake(WireGuardPeer peer, Instant now) {
        long t = nanos(now);
        synchronized (lock) {
            boolean handshaking = peer.handshakeAttemptStartNanos != 0;
            if (!handshaking) {
                sendInitiation(peer, t, false);
            } else if (t - peer.lastHandshakeSentNanos >= rekeyTimeoutNanos) {
                sendInitiation(peer, t, true); // resend now, within the attempt already running
            }
        }
    }

    // ---------------------------------------------------------------- data path

    /** The size of the datagram {@link #encrypt} makes from a plaintext of this length. */
    public int encryptedLength(int plaintextLength) {
        return WireGuardMessage.TRANSPORT_MIN_LENGTH + plaintextLength + padding(plaintextLength);
    }

    /**
     * Encrypts one IP packet for {@code peer}: reads {@code plaintext} from position to limit (consuming it) and
     * writes a complete type-4 datagram at {@code out}'s position, advancing it. Allocates nothing. Thread-safe.
     */
    public Encrypted encrypt(WireGuardPeer peer, ByteBuffer plaintext, ByteBuffer out, Instant now) {
        long nowNanos = nanos(now);
        Keypair kp = peer.current;
        if (kp == null || nowNanos - kp.createdNanos >= REJECT_AFTER_TIME_NANOS || peer.isRemoved()) {
            peer.requestHandshake(nowNanos);
            return Encrypted.NO_SESSION;
        }
        int length = plaintext.remaining();
        int pad = padding(length);
        int total = WireGuardMessage.TRANSPORT_MIN_LENGTH + length + pad;
        if (out.remaining() < total) {
            return Encrypted.OUTPUT_BUFFER_TOO_SMALL;
        }
        long counter = kp.nextSendCounter();
        if (Long.compareUnsigned(counter, REJECT_AFTER_MESSAGES) >= 0) {
            peer.requestHandshake(nowNanos);
            return Encrypted.NO_SESSION;
        }
        int at = out.position();
        putIntLe(out, at, WireGuardMessage.TYPE_TRANSPORT);
        putIntLe(out, at + 4, kp.remoteIndex);
        putLongLe(out, at + 8, counter);
        out.position(at + WireGuardMessage.TRANSPORT_HEADER_LENGTH);
        TransportCipher.current().seal(kp.sendKey, counter, plaintext, pad, out);

        peer.txBytes.add(total);
        Timers.authenticatedSent(peer, nowNanos);
        if (length > 0) {
            Timers.dataSent(peer, nowNanos);
        }
        // wireguard-go keepKeyFreshSending
        if (Long.compareUnsigned(counter, REKEY_AFTER_MESSAGES) >= 0
                || (kp.initiator && nowNanos - kp.createdNanos >= REKEY_AFTER_TIME_NANOS)) {
            peer.requestHandshake(nowNanos);
        }
        return Encrypted.SENT;
    }

    /**
     * Handles one incoming datagram (position to limit; consumed). Transport data is decrypted into {@code out} at
     * its position, which advances by the inner IP packet's length; nothing is allocated for it and any number of
     * threads may call this at once. Handshake messages and cookie replies are processed under the node's lock.
     * Never throws for any content of {@code datagram}: bad input is counted and returned as a drop.
     *
     * @param from the datagram's source (for roaming, cookie replies and response routing); may be null
     */
    public Received decrypt(InetSocketAddress from, ByteBuffer datagram, ByteBuffer out, Instant now) {
        int type = WireGuardMessage.typeOf(datagram);
        if (type == WireGuardMessage.TYPE_TRANSPORT) {
            return receiveTransport(from, datagram, out, nanos(now));
        }
        if (type == WireGuardMessage.TYPE_INITIATION || type == WireGuardMessage.TYPE_RESPONSE
                || type == WireGuardMessage.TYPE_COOKIE_REPLY) {
            byte[] msg = new byte[datagram.remaining()];
            datagram.get(msg);
            synchronized (lock) {
                return receiveControl(from, msg, now);
            }
        }
        datagram.position(datagram.limit());
        return drop(type < 0 ? DropReason.TOO_SHORT : DropReason.UNKNOWN_TYPE);
    }

    private Received receiveTransport(InetSocketAddress from, ByteBuffer datagram, ByteBuffer out, long nowNanos) {
        int at = datagram.position();
        int length = datagram.remaining();
        if (length < WireGuardMessage.TRANSPORT_MIN_LENGTH) {
            datagram.position(datagram.limit());
            return drop(DropReason.TOO_SHORT);
        }
        int receiver = getIntLe(datagram, at + 4);
        long counter = getLongLe(datagram, at + 8);
        WireGuardPeer peer = indices.get(receiver);
        Keypair kp = peer == null ? null : peer.keypairFor(receiver);
        if (kp == null) {
            datagram.position(datagram.limit());
            return drop(DropReason.UNKNOWN_RECEIVER_INDEX);
        }
        if (nowNanos - kp.createdNanos >= REJECT_AFTER_TIME_NANOS) {
            datagram.position(datagram.limit());
            return drop(DropReason.SESSION_EXPIRED);
        }
        if (!kp.replay.mayAccept(counter, REJECT_AFTER_MESSAGES)) {
            datagram.position(datagram.limit());
            return drop(DropReason.REPLAYED_COUNTER);
        }
        int plaintextLength = length - WireGuardMessage.TRANSPORT_MIN_LENGTH;
        if (out.remaining() < plaintextLength) {
            datagram.position(datagram.limit());
            return drop(DropReason.OUTPUT_BUFFER_TOO_SMALL);
        }
        int outAt = out.position();
        datagram.position(at + WireGuardMessage.TRANSPORT_HEADER_LENGTH);
        if (!TransportCipher.current().open(kp.receiveKey, counter, datagram, out)) {
            datagram.position(datagram.limit());
            out.position(outAt);
            return drop(DropReason.DATA_AUTHENTICATION_FAILED);
        }
        if (!kp.replay.accept(counter, REJECT_AFTER_MESSAGES)) {
            out.position(outAt);
            return drop(DropReason.REPLAYED_COUNTER);
        }

        peer.rxBytes.add(length);
        peer.roamTo(from);
        Timers.authenticatedReceived(peer, nowNanos);
        if (kp == peer.next) {
            synchronized (lock) {
                confirmNext(peer, kp, nowNanos);
            }
        }
        // wireguard-go keepKeyFreshReceiving
        if (kp == peer.current && kp.initiator && !peer.sentLastMinuteHandshake
                && nowNanos - kp.createdNanos >= REJECT_AFTER_TIME_NANOS - keepaliveNanos - rekeyTimeoutNanos) {
            peer.sentLastMinuteHandshake = true;
            peer.requestHandshake(nowNanos);
        }
        if (plaintextLength == 0) {
            return peer.keepaliveResult;
        }
        int ipLength = innerPacketLength(out, outAt, plaintextLength);
        if (ipLength < 0) {
            out.position(outAt);
            return drop(DropReason.INVALID_INNER_PACKET);
        }
        out.position(outAt + ipLength);
        Timers.dataReceived(peer, nowNanos);
        return peer.dataResult;
    }

    /** The IP packet's own length (so padding is dropped), or -1 if the plaintext is not an IP packet. */
    private static int innerPacketLength(ByteBuffer b, int at, int available) {
        int version = (b.get(at) & 0xff) >>> 4;
        if (version == 4) {
            if (available < 20) {
                return -1;
            }
            int total = (b.get(at + 2) & 0xff) << 8 | (b.get(at + 3) & 0xff);
            return total >= 20 && total <= available ? total : -1;
        }
        if (version == 6) {
            if (available < 40) {
                return -1;
            }
            int total = 40 + ((b.get(at + 4) & 0xff) << 8 | (b.get(at + 5) & 0xff));
            return total <= available ? total : -1;
        }
        return -1;
    }

    // ---------------------------------------------------------------- handshake messages (under lock)

    private Received receiveControl(InetSocketAddress from, byte[] msg, Instant now) {
        long nowNanos = nanos(now);
        Decoding decoding = WireGuardMessage.decode(ByteBuffer.wrap(msg));
        if (decoding instanceof Decoding.Malformed(DropReason reason, _)) {
            return drop(reason);
        }
        WireGuardMessage message = ((Decoding.Decoded) decoding).message();
        if (message instanceof CookieReply reply) {
            WireGuardPeer peer = indices.get(reply.receiver());
            if (peer == null) {
                return drop(DropReason.UNKNOWN_RECEIVER_INDEX);
            }
            if (!peer.cookies.consumeReply(reply, nowNanos)) {
                return drop(DropReason.INVALID_COOKIE_REPLY);
            }
            return peer.handshakeResult;
        }
        if (!cookieChecker.checkMac1(msg)) {
            return drop(DropReason.INVALID_MAC1);
        }
        if (isUnderLoad(nowNanos) && !cookieChecker.checkMac2(msg, from, nowNanos)) {
            int sender = message instanceof HandshakeInitiation i ? i.sender() : ((HandshakeResponse) message).sender();
            CookieReply reply = cookieChecker.createReply(msg, sender, from, nowNanos, random);
            transmits.add(new Outgoing(null, from, reply.encode()));
            return drop(DropReason.COOKIE_REQUIRED);
        }
        return switch (message) {
            case HandshakeInitiation initiation -> receiveInitiation(from, initiation, now, nowNanos);
            case HandshakeResponse response -> receiveResponse(from, response, now, nowNanos);
            case CookieReply c -> throw new AssertionError("handled above");
            case TransportData t -> throw new AssertionError("not a control message");
        };
    }

    /** The flag, or the rate limit exceeded; counts this message (as boringtun's limiter, reset once a second). */
    private boolean isUnderLoad(long nowNanos) {
        if (handshakeRateLimit == 0) {
            return underLoad;
        }
        if (nowNanos - handshakeWindowStartNanos >= 1_000_000_000L || nowNanos < handshakeWindowStartNanos) {
            handshakeWindowStartNanos = nowNanos;
            handshakesInWindow = 0;
        }
        handshakesInWindow++;
        return underLoad || handshakesInWindow > handshakeRateLimit;
    }

    private Received receiveInitiation(InetSocketAddress from, HandshakeInitiation msg, Instant now, long nowNanos) {
        Optional<NoiseHandshake.OpenedInitiation> opened =
                NoiseHandshake.openInitiation(msg, staticPrivate, publicKey.raw());
        if (opened.isEmpty()) {
            return drop(DropReason.HANDSHAKE_DECRYPTION_FAILED);
        }
        WireGuardPeer peer = peersByKey.get(WireGuardKey.fromBytes(opened.get().remoteStatic()));
        if (peer == null) {
            return drop(DropReason.UNKNOWN_PEER);
        }
        int oldHandshakeIndex = peer.handshake.state == NoiseHandshake.State.ZEROED ? 0 : peer.handshake.localIndex;
        boolean hadHandshakeIndex = peer.handshake.state != NoiseHandshake.State.ZEROED;
        DropReason refused = peer.handshake.consumeInitiation(opened.get(), nowNanos, FLOOD_NANOS);
        if (refused != null) {
            return drop(refused);
        }
        peer.roamTo(from);
        peer.rxBytes.add(WireGuardMessage.INITIATION_LENGTH);
        Timers.authenticatedReceived(peer, nowNanos);

        int index = newIndex(peer);
        Optional<HandshakeResponse> response = peer.handshake.createResponse(ephemeral(), index);
        if (response.isEmpty()) {
            peer.handshake.clear();
            retireIndex(peer, index);
            if (hadHandshakeIndex) {
                retireIndex(peer, oldHandshakeIndex);
            }
            return drop(DropReason.LOW_ORDER_KEY);
        }
        byte[] bytes = response.get().encode();
        peer.cookies.addMacs(bytes, nowNanos);
        NoiseHandshake.SessionKeys keys = peer.handshake.beginSession().orElseThrow();
        installSession(peer, keys, nowNanos);
        if (hadHandshakeIndex) {
            retireIndex(peer, oldHandshakeIndex); // our own initiation in flight, if any, is superseded
        }
        transmits.add(new Outgoing(peer, from != null ? from : peer.endpoint(), bytes));
        peer.txBytes.add(bytes.length);
        // As wireguard-go: a response counts as a handshake sent, so the responder, which cannot send data until
        // the initiator confirms, does not start a crossing handshake of its own within REKEY_TIMEOUT.
        peer.lastHandshakeSentNanos = nowNanos;
        Timers.authenticatedSent(peer, nowNanos);
        return peer.handshakeResult;
    }

    private Received receiveResponse(InetSocketAddress from, HandshakeResponse msg, Instant now, long nowNanos) {
        WireGuardPeer peer = indices.get(msg.receiver());
        if (peer == null) {
            return drop(DropReason.UNKNOWN_RECEIVER_INDEX);
        }
        DropReason refused = peer.handshake.consumeResponse(msg, staticPrivate);
        if (refused != null) {
            return drop(refused);
        }
        peer.roamTo(from);
        peer.rxBytes.add(WireGuardMessage.RESPONSE_LENGTH);
        Timers.authenticatedReceived(peer, nowNanos);
        NoiseHandshake.SessionKeys keys = peer.handshake.beginSession().orElseThrow();
        installSession(peer, keys, nowNanos);
        handshakeComplete(peer, now, true);
        // As wireguard-go and boringtun: confirm the session to the responder at once, so it may send.
        queueKeepalive(peer, nowNanos);
        return peer.handshakeResult;
    }

    /** wireguard-go BeginSymmetricSession's rotation. */
    private void installSession(WireGuardPeer peer, NoiseHandshake.SessionKeys keys, long nowNanos) {
        var kp = new Keypair(keys.sendKey(), keys.receiveKey(), keys.initiator(), keys.localIndex(), keys.remoteIndex(), nowNanos);
        Keypair oldPrevious = peer.previous;
        Keypair oldCurrent = peer.current;
        Keypair oldNext = peer.next;
        if (keys.initiator()) {
            if (oldNext != null) {
                peer.next = null;
                peer.previous = oldNext;
                retire(peer, oldCurrent);
            } else {
                peer.previous = oldCurrent;
            }
            retire(peer, oldPrevious);
            peer.current = kp;
        } else {
            peer.next = kp;
            retire(peer, oldNext);
            peer.previous = null;
            retire(peer, oldPrevious);
        }
        peer.sessionDerivedNanos = nowNanos;
    }

    /** wireguard-go ReceivedWithKeypair: the first packet on {@code next} makes it current. */
    private void confirmNext(WireGuardPeer peer, Keypair kp, long nowNanos) {
        if (peer.next != kp) {
            return; // another thread got here first
        }
        Keypair oldPrevious = peer.previous;
        peer.previous = peer.current;
        peer.current = kp;
        peer.next = null;
        retire(peer, oldPrevious);
        handshakeComplete(peer, instant(nowNanos), false);
    }

    private void handshakeComplete(WireGuardPeer peer, Instant now, boolean asInitiator) {
        Timers.handshakeComplete(peer);
        peer.setLastHandshake(now);
        events.add(new WireGuardEvent.HandshakeCompleted(peer, now, asInitiator));
    }

    // ---------------------------------------------------------------- timers

    /** The earliest instant {@link #handleTimeout} has work to do, or null if none is scheduled. */
    public Instant pollTimeout() {
        synchronized (lock) {
            long earliest = Long.MAX_VALUE;
            for (WireGuardPeer peer : peerList) {
                earliest = Math.min(earliest, timers.nextDeadline(peer));
            }
            return earliest == Long.MAX_VALUE ? null : instant(earliest);
        }
    }

    /** Runs every timer that is due at {@code now}; outputs go to the poll queues. */
    public void handleTimeout(Instant now) {
        long t = nanos(now);
        synchronized (lock) {
            for (WireGuardPeer peer : peerList) {
                timers.run(peer, now, t, actions);
            }
        }
    }

    private void giveUp(WireGuardPeer peer, Instant now) {
        Timers.gaveUp(peer);
        if (peer.handshake.state != NoiseHandshake.State.ZEROED) {
            int index = peer.handshake.localIndex;
            peer.handshake.clear();
            retireIndex(peer, index);
        }
        events.add(new WireGuardEvent.ConnectionExpired(peer, now, WireGuardEvent.ConnectionExpired.Cause.HANDSHAKE_TIMEOUT));
    }

    /** wireguard-go SendHandshakeInitiation. */
    private void sendInitiation(WireGuardPeer peer, long nowNanos, boolean retry) {
        if (peer.isRemoved()) {
            return;
        }
        if (!retry) {
            if (peer.handshakeAttemptStartNanos != 0) {
                return; // already handshaking: the retransmit timer carries on
            }
            if (peer.lastHandshakeSentNanos != 0 && nowNanos - peer.lastHandshakeSentNanos < rekeyTimeoutNanos) {
                return;
            }
        }
        if (peer.handshake.state != NoiseHandshake.State.ZEROED) {
            int old = peer.handshake.localIndex;
            peer.handshake.clear();
            retireIndex(peer, old);
        }
        int index = newIndex(peer);
        Optional<HandshakeInitiation> initiation =
                peer.handshake.createInitiation(publicKey.raw(), ephemeral(), instant(nowNanos), index);
        if (initiation.isEmpty()) {
            // The peer's key is a low-order point: no handshake can ever succeed, stop trying.
            peer.handshake.clear();
            retireIndex(peer, index);
            Timers.attemptEnded(peer);
            return;
        }
        byte[] bytes = initiation.get().encode();
        peer.cookies.addMacs(bytes, nowNanos);
        timers.initiationSent(peer, nowNanos, retry);
        transmits.add(new Outgoing(peer, peer.endpoint(), bytes));
        peer.txBytes.add(bytes.length);
        Timers.authenticatedSent(peer, nowNanos);
    }

    private void sendKeepalive(WireGuardPeer peer, long nowNanos) {
        Keypair kp = peer.current;
        if (kp == null || nowNanos - kp.createdNanos >= REJECT_AFTER_TIME_NANOS) {
            sendInitiation(peer, nowNanos, false);
            return;
        }
        queueKeepalive(peer, nowNanos);
    }

    private void queueKeepalive(WireGuardPeer peer, long nowNanos) {
        ByteBuffer out = ByteBuffer.allocate(WireGuardMessage.TRANSPORT_MIN_LENGTH);
        if (encrypt(peer, ByteBuffer.allocate(0), out, instant(nowNanos)) == Encrypted.SENT) {
            transmits.add(new Outgoing(peer, peer.endpoint(), out.array()));
        }
    }

    /** What the timers do to a peer, on this node (called with the lock held). */
    private final class TimerActions implements Timers.Actions {
        @Override
        public void expireKeys(WireGuardPeer peer, Instant now) {
            boolean hadKeys = peer.current != null || peer.previous != null || peer.next != null;
            zeroKeys(peer);
            if (hadKeys) {
                events.add(new WireGuardEvent.ConnectionExpired(peer, now,
                    WireGuardEvent.ConnectionExpired.Cause.KEYS_EXPIRED));
            }
        }

        @Override
        public void giveUp(WireGuardPeer peer, Instant now) {
            WireGuardNode.this.giveUp(peer, now);
        }

        @Override
        public void sendInitiation(WireGuardPeer peer, long nowNanos, boolean retry) {
            WireGuardNode.this.sendInitiation(peer, nowNanos, retry);
        }

        @Override
        public void sendKeepalive(WireGuardPeer peer, long nowNanos) {
            WireGuardNode.this.sendKeepalive(peer, nowNanos);
        }
    }

    // ---------------------------------------------------------------- outputs

    public Outgoing pollTransmit() {
        synchronized (lock) {
            return transmits.poll();
        }
    }

    public WireGuardEvent pollEvent() {
        synchronized (lock) {
            return events.poll();
        }
    }

    // ---------------------------------------------------------------- helpers

    private void zeroKeys(WireGuardPeer peer) {
        retire(peer, peer.previous);
        retire(peer, peer.current);
        retire(peer, peer.next);
        peer.previous = null;
        peer.current = null;
        peer.next = null;
        if (peer.handshake.state != NoiseHandshake.State.ZEROED) {
            int index = peer.handshake.localIndex;
            peer.handshake.clear();
            retireIndex(peer, index);
        }
        peer.sessionDerivedNanos = 0;
    }

    private void retire(WireGuardPeer peer, Keypair kp) {
        if (kp != null) {
            retireIndex(peer, kp.localIndex);
        }
    }

    /** Frees a local index unless the peer still uses it for a session or its handshake. */
    private void retireIndex(WireGuardPeer peer, int index) {
        boolean inUse = (peer.current != null && peer.current.localIndex == index)
                || (peer.previous != null && peer.previous.localIndex == index)
                || (peer.next != null && peer.next.localIndex == index)
                || (peer.handshake.state != NoiseHandshake.State.ZEROED && peer.handshake.localIndex == index);
        if (!inUse && indices.get(index) == peer) {
            indices.remove(index);
        }
    }

    private int newIndex(WireGuardPeer peer) {
        int index;
        do {
            index = random.nextInt();
        } while (indices.contains(index));
        indices.put(index, peer);
        return index;
    }

    private byte[] ephemeral() {
        byte[] raw = new byte[32];
        random.nextBytes(raw);
        return X25519Dh.clamp(raw);
    }

    private long jitter() {
        return jitterNanos == 0 ? 0 : random.nextLong(jitterNanos + 1);
    }

    private int padding(int length) {
        int multiple = config.paddingMultiple();
        if (multiple <= 1 || length == 0) {
            return 0;
        }
        int mtu = config.paddingMtu();
        int last = length;
        if (mtu != 0 && last > mtu) {
            last %= mtu;
        }
        int padded = (last + multiple - 1) / multiple * multiple;
        if (mtu != 0 && padded > mtu) {
            padded = mtu;
        }
        return Math.max(0, padded - last);
    }

    private Received drop(DropReason reason) {
        drops.increment(reason);
        return DROPS[reason.ordinal()];
    }

    static long nanos(Instant now) {
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    static Instant instant(long nanos) {
        return Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
    }

    private static void putIntLe(ByteBuffer b, int at, int v) {
        b.putInt(at, b.order() == ByteOrder.LITTLE_ENDIAN ? v : Integer.reverseBytes(v));
    }

    private static void putLongLe(ByteBuffer b, int at, long v) {
        b.putLong(at, b.order() == ByteOrder.LITTLE_ENDIAN ? v : Long.reverseBytes(v));
    }

    private static int getIntLe(ByteBuffer b, int at) {
        int v = b.getInt(at);
        return b.order() == ByteOrder.LITTLE_ENDIAN ? v : Integer.reverseBytes(v);
    }

    private static long getLongLe(ByteBuffer b, int at) {
        long v = b.getLong(at);
        return b.order() == ByteOrder.LITTLE_ENDIAN ? v : Long.reverseBytes(v);
    }
}
