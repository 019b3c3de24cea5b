package dev.flint.connlib.wireguard;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;

/**
 * One remote WireGuard peer of a {@link WireGuardNode}: its public key, preshared key, endpoint, persistent
 * keepalive, sessions (previous / current / next, as wireguard-go keeps them), handshake and timer state, and
 * the statistics {@code wg show} prints. Created by {@link WireGuardNode#addPeer}; the getters are safe from any
 * thread, the setters take the node's lock.
 */
public final class WireGuardPeer {
    final WireGuardNode node;
    private final WireGuardKey publicKey;
    final NoiseHandshake handshake;
    final CookieGenerator cookies;

    // Sessions. Written under the node lock, read lock-free by the data path.
    volatile Keypair previous;
    volatile Keypair current;
    volatile Keypair next;

    private volatile InetSocketAddress endpoint;
    private volatile WireGuardKey presharedKey;
    private volatile long persistentKeepaliveNanos;
    private volatile Instant lastHandshake;
    private volatile boolean removed;
    final LongAdder rxBytes = new LongAdder();
    final LongAdder txBytes = new LongAdder();

    // Timer inputs, in nanoseconds since the epoch (0 = never / not armed). The data path writes them without
    // the lock; a lost race moves a timer by at most the length of one batch, which the protocol tolerates.
    volatile long lastSentAuthNanos;
    volatile long lastReceivedAuthNanos;
    volatile long keepalivePendingSinceNanos;
    volatile boolean anotherKeepaliveNeeded;
    volatile long unansweredDataSentSinceNanos;
    volatile long handshakeRequestedNanos;
    volatile boolean sentLastMinuteHandshake;
    // Timer state owned by the node lock.
    long addedNanos;
    long persistentKeepaliveAttemptNanos;
    long handshakeAttemptStartNanos;
    long lastHandshakeSentNanos;
    long retransmitAtNanos;
    long newHandshakeJitterNanos;
    long sessionDerivedNanos;

    // Cached results so the data path does not allocate them.
    final Received dataResult;
    final Received keepaliveResult;
    final Received handshakeResult;

    WireGuardPeer(
            WireGuardNode node,
            WireGuardKey publicKey,
            byte[] localStaticPrivate,
            WireGuardKey presharedKey,
            Duration persistentKeepalive,
            InetSocketAddress endpoint,
            long nowNanos) {
        this.node = node;
        this.publicKey = publicKey;
        this.handshake = new NoiseHandshake(localStaticPrivate, publicKey.raw(), presharedKey == null ? null : presharedKey.raw());
        this.cookies = new CookieGenerator(publicKey.raw());
        this.endpoint = endpoint;
        this.presharedKey = presharedKey;
        this.persistentKeepaliveNanos = persistentKeepalive == null ? 0 : persistentKeepalive.toNanos();
        this.addedNanos = nowNanos;
        this.dataResult = new Received(Received.Kind.DATA, this, null);
        this.keepaliveResult = new Received(Received.Kind.KEEPALIVE, this, null);
        this.handshakeResult = new Received(Received.Kind.HANDSHAKE, this, null);
    }

    public WireGuardKey publicKey() {
        return publicKey;
    }

    /**
     * The last known endpoint: the configured one, else the source of the latest authenticated packet (the engine
     * follows roaming). Null when unknown.
     */
    public InetSocketAddress endpoint() {
        return endpoint;
    }

    public void setEndpoint(InetSocketAddress endpoint) {
        this.endpoint = endpoint;
    }

    void roamTo(InetSocketAddress from) {
        if (from != null && !from.equals(endpoint)) {
            endpoint = from;
        }
    }

    public Optional<Duration> persistentKeepalive() {
        long n = persistentKeepaliveNanos;
        return n == 0 ? Optional.empty() : Optional.of(Duration.ofNanos(n));
    }

    /** Sets or (with null or zero) clears the persistent keepalive interval. */
    public void setPersistentKeepalive(Duration interval) {
        persistentKeepaliveNanos = interval == null || interval.isNegative() ? 0 : interval.toNanos();
    }

    /** The preshared key, empty when none is set (WireGuard then uses 32 zero bytes). */
    public Optional<WireGuardKey> presharedKey() {
        return Optional.ofNullable(presharedKey);
    }

    /** Sets or (with null) clears the preshared key; it applies to the next handshake. */
    public void setPresharedKey(WireGuardKey presharedKey) {
        synchronized (node.lock) {
            this.presharedKey = presharedKey;
            handshake.setPresharedKey(presharedKey == null ? null : presharedKey.raw());
        }
    }

    /** Bytes of authenticated WireGuard datagrams received from this peer (headers included). */
    public long rxBytes() {
        return rxBytes.sum();
    }

    /** Bytes of WireGuard datagrams sent to this peer (headers included). */
    public long txBytes() {
        return txBytes.sum();
    }

    /** When the latest handshake completed (the instant passed to the engine then); empty if never. */
    public Optional<Instant> lastHandshake() {
        return Optional.ofNullable(lastHandshake);
    }

    void setLastHandshake(Instant at) {
        lastHandshake = at;
    }

    /** Whether {@link WireGuardNode#encrypt} would currently find a session younger than REJECT_AFTER_TIME. */
    public boolean hasSession(Instant now) {
        Keypair kp = current;
        return kp != null && WireGuardNode.nanos(now) - kp.createdNanos < WireGuardNode.REJECT_AFTER_TIME_NANOS;
    }

    public boolean isRemoved() {
        return removed;
    }

    void markRemoved() {
        removed = true;
    }

    long persistentKeepaliveNanos() {
        return persistentKeepaliveNanos;
    }

    /** The session whose local index is {@code index}, or null. */
    Keypair keypairFor(int index) {
        Keypair kp = current;
        if (kp != null && kp.localIndex == index) {
            return kp;
        }
        kp = next;
        if (kp != null && kp.localIndex == index) {
            return kp;
        }
        kp = previous;
        if (kp != null && kp.localIndex == index) {
            return kp;
        }
        return null;
    }

    /** Asks the node's control thread for a handshake; cheap and lock-free, repeated calls are one request. */
    void requestHandshake(long nowNanos) {
        if (handshakeRequestedNanos == 0) {
            handshakeRequestedNanos = nowNanos;
        }
    }

    @Override
    public String toString() {
        String key = publicKey.toBase64();
        return "WireGuardPeer[" + key.substring(0, 8) + "…]";
    }
}
