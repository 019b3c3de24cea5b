package dev.flint.connlib.wireguard;

import dev.flint.connlib.wireguard.WireGuardMessage.HandshakeInitiation;
import dev.flint.connlib.wireguard.WireGuardMessage.HandshakeResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;

/**
 * One peer's Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s handshake state, step for step as the whitepaper §5.4 and
 * wireguard-go's {@code noise-protocol.go} write it. MACs are added and checked by the caller (they belong to the
 * cookie layer). Not thread-safe: the node calls it under its lock.
 */
final class NoiseHandshake {
    static final byte[] CONSTRUCTION = "Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s".getBytes(StandardCharsets.US_ASCII);
    static final byte[] IDENTIFIER = "WireGuard v1 zx2c4 Jason@zx2c4.com".getBytes(StandardCharsets.US_ASCII);
    static final byte[] INITIAL_CHAIN_KEY = Blake2s.hash(CONSTRUCTION);
    static final byte[] INITIAL_HASH = Blake2s.hash(INITIAL_CHAIN_KEY, IDENTIFIER);
    private static final byte[] ZERO_MAC = new byte[16];
    private static final byte[] EMPTY = new byte[0];

    enum State { ZEROED, INITIATION_CREATED, INITIATION_CONSUMED, RESPONSE_CREATED, RESPONSE_CONSUMED }

    /** The two transport keys a completed handshake yields. */
    record SessionKeys(byte[] sendKey, byte[] receiveKey, boolean initiator, int localIndex, int remoteIndex) {}

    /** What the responder learns from an initiation before it knows which peer sent it. */
    record OpenedInitiation(HandshakeInitiation message, byte[] remoteStatic, byte[] hash, byte[] chainKey) {}

    private final byte[] remoteStatic;
    private byte[] presharedKey;
    /** DH(our static private, their static public); empty when that is a low-order point. */
    private final Optional<byte[]> staticStatic;

    State state = State.ZEROED;
    private byte[] hash;
    private byte[] chainKey;
    private byte[] localEphemeral;
    private byte[] remoteEphemeral;
    int localIndex;
    int remoteIndex;
    private byte[] lastTimestamp = new byte[Tai64n.LENGTH];
    private long lastInitiationConsumedNanos;
    private boolean consumedAny;

    NoiseHandshake(byte[] localStaticPrivate, byte[] remoteStatic, byte[] presharedKey) {
        this.remoteStatic = remoteStatic.clone();
        this.presharedKey = presharedKey == null ? new byte[32] : presharedKey.clone();
        this.staticStatic = X25519Dh.sharedSecret(localStaticPrivate, remoteStatic);
    }

    void setPresharedKey(byte[] psk) {
        presharedKey = psk == null ? new byte[32] : psk.clone();
    }

    static byte[] mixHash(byte[] hash, byte[] data) {
        return Blake2s.hash(hash, data);
    }

    static byte[] mixKey(byte[] chainKey, byte[] data) {
        return NoiseKdf.kdf1(chainKey, data)[0];
    }

    /**
     * Initiator, first message. Returns empty when a DH is low-order. The MAC fields are zero.
     */
    Optional<HandshakeInitiation> createInitiation(
            byte[] localStaticPublic, byte[] ephemeralPrivate, Instant now, int senderIndex) {
        if (staticStatic.isEmpty()) {
            return Optional.empty();
        }
        byte[] h = mixHash(INITIAL_HASH, remoteStatic);
        byte[] ck = INITIAL_CHAIN_KEY;
        byte[] ephemeralPublic = X25519Dh.publicKey(ephemeralPrivate);
        ck = mixKey(ck, ephemeralPublic);
        h = mixHash(h, ephemeralPublic);
        Optional<byte[]> es = X25519Dh.sharedSecret(ephemeralPrivate, remoteStatic);
        if (es.isEmpty()) {
            return Optional.empty();
        }
        byte[][] ckKey = NoiseKdf.kdf2(ck, es.get());
        ck = ckKey[0];
        byte[] encryptedStatic = ChaChaPoly.seal(ckKey[1], 0, localStaticPublic, h);
        h = mixHash(h, encryptedStatic);
        ckKey = NoiseKdf.kdf2(ck, staticStatic.get());
        ck = ckKey[0];
        byte[] encryptedTimestamp = ChaChaPoly.seal(ckKey[1], 0, Tai64n.of(now), h);
        h = mixHash(h, encryptedTimestamp);

        hash = h;
        chainKey = ck;
        localEphemeral = ephemeralPrivate.clone();
        localIndex = senderIndex;
        state = State.INITIATION_CREATED;
        return Optional.of(new HandshakeInitiation(
                senderIndex, ephemeralPublic, encryptedStatic, encryptedTimestamp, ZERO_MAC, ZERO_MAC));
    }

    /**
     * Responder, first half: decrypts the initiator's static key with our static key. The result names the peer;
     * {@link #consumeInitiation} finishes with that peer's state.
     */
    static Optional<OpenedInitiation> openInitiation(
            HandshakeInitiation msg, byte[] localStaticPrivate, byte[] localStaticPublic) {
        byte[] h = mixHash(INITIAL_HASH, localStaticPublic);
        byte[] ck = mixKey(INITIAL_CHAIN_KEY, msg.ephemeral());
        h = mixHash(h, msg.ephemeral());
        Optional<byte[]> es = X25519Dh.sharedSecret(localStaticPrivate, msg.ephemeral());
        if (es.isEmpty()) {
            return Optional.empty();
        }
        byte[][] ckKey = NoiseKdf.kdf2(ck, es.get());
        ck = ckKey[0];
        Optional<byte[]> remote = ChaChaPoly.open(ckKey[1], 0, msg.encryptedStatic(), h);
        if (remote.isEmpty()) {
            return Optional.empty();
        }
        h = mixHash(h, msg.encryptedStatic());
        return Optional.of(new OpenedInitiation(msg, remote.get(), h, ck));
    }

    /**
     * Responder, second half, for the peer named by {@code opened}: decrypts the timestamp and applies replay and
     * flood protection. Returns null on success, else why it was refused (the state is then unchanged).
     */
    DropReason consumeInitiation(OpenedInitiation opened, long nowNanos, long floodIntervalNanos) {
        if (staticStatic.isEmpty()) {
            return DropReason.LOW_ORDER_KEY;
        }
        HandshakeInitiation msg = opened.message();
        byte[][] ckKey = NoiseKdf.kdf2(opened.chainKey(), staticStatic.get());
        Optional<byte[]> timestamp = ChaChaPoly.open(ckKey[1], 0, msg.encryptedTimestamp(), opened.hash());
        if (timestamp.isEmpty()) {
            return DropReason.HANDSHAKE_DECRYPTION_FAILED;
        }
        byte[] h = mixHash(opened.hash(), msg.encryptedTimestamp());
        if (!Tai64n.isAfter(timestamp.get(), lastTimestamp)) {
            return DropReason.REPLAYED_TIMESTAMP;
        }
        if (consumedAny && nowNanos - lastInitiationConsumedNanos <= floodIntervalNanos) {
            return DropReason.HANDSHAKE_FLOOD;
        }
        hash = h;
        chainKey = ckKey[0];
        remoteIndex = msg.sender();
        remoteEphemeral = msg.ephemeral().clone();
        lastTimestamp = timestamp.get();
        lastInitiationConsumedNanos = nowNanos;
        consumedAny = true;
        state = State.INITIATION_CONSUMED;
        return null;
    }

    /** Responder, second message. Returns empty when a DH is low-order. The MAC fields are zero. */
    Optional<HandshakeResponse> createResponse(byte[] ephemeralPrivate, int senderIndex) {
        if (state != State.INITIATION_CONSUMED) {
            return Optional.empty();
        }
        byte[] ephemeralPublic = X25519Dh.publicKey(ephemeralPrivate);
        byte[] h = mixHash(hash, ephemeralPublic);
        byte[] ck = mixKey(chainKey, ephemeralPublic);
        Optional<byte[]> ee = X25519Dh.sharedSecret(ephemeralPrivate, remoteEphemeral);
        Optional<byte[]> se = X25519Dh.sharedSecret(ephemeralPrivate, remoteStatic);
        if (ee.isEmpty() || se.isEmpty()) {
            return Optional.empty();
        }
        ck = mixKey(ck, ee.get());
        ck = mixKey(ck, se.get());
        byte[][] ckTauKey = NoiseKdf.kdf3(ck, presharedKey);
        ck = ckTauKey[0];
        h = mixHash(h, ckTauKey[1]);
        byte[] encryptedNothing = ChaChaPoly.seal(ckTauKey[2], 0, EMPTY, h);
        h = mixHash(h, encryptedNothing);

        hash = h;
        chainKey = ck;
        localIndex = senderIndex;
        state = State.RESPONSE_CREATED;
        return Optional.of(new HandshakeResponse(
                senderIndex, remoteIndex, ephemeralPublic, encryptedNothing, ZERO_MAC, ZERO_MAC));
    }

    /** Initiator, consuming the second message. Returns null on success, else why it was refused. */
    DropReason consumeResponse(HandshakeResponse msg, byte[] localStaticPrivate) {
        if (state != State.INITIATION_CREATED || msg.receiver() != localIndex) {
            return DropReason.UNEXPECTED_RESPONSE;
        }
        byte[] h = mixHash(hash, msg.ephemeral());
        byte[] ck = mixKey(chainKey, msg.ephemeral());
        Optional<byte[]> ee = X25519Dh.sharedSecret(localEphemeral, msg.ephemeral());
        Optional<byte[]> se = X25519Dh.sharedSecret(localStaticPrivate, msg.ephemeral());
        if (ee.isEmpty() || se.isEmpty()) {
            return DropReason.LOW_ORDER_KEY;
        }
        ck = mixKey(ck, ee.get());
        ck = mixKey(ck, se.get());
        byte[][] ckTauKey = NoiseKdf.kdf3(ck, presharedKey);
        ck = ckTauKey[0];
        h = mixHash(h, ckTauKey[1]);
        if (ChaChaPoly.open(ckTauKey[2], 0, msg.encryptedNothing(), h).isEmpty()) {
            return DropReason.HANDSHAKE_DECRYPTION_FAILED;
        }
        h = mixHash(h, msg.encryptedNothing());
        hash = h;
        chainKey = ck;
        remoteIndex = msg.sender();
        state = State.RESPONSE_CONSUMED;
        return null;
    }

    /**
     * Derives the transport keys after {@code RESPONSE_CONSUMED} (initiator) or {@code RESPONSE_CREATED}
     * (responder) and forgets the handshake secrets.
     */
    Optional<SessionKeys> beginSession() {
        boolean initiator;
        if (state == State.RESPONSE_CONSUMED) {
            initiator = true;
        } else if (state == State.RESPONSE_CREATED) {
            initiator = false;
        } else {
            return Optional.empty();
        }
        byte[][] keys = NoiseKdf.kdf2(chainKey, EMPTY);
        SessionKeys result = initiator
                ? new SessionKeys(keys[0], keys[1], true, localIndex, remoteIndex)
                : new SessionKeys(keys[1], keys[0], false, localIndex, remoteIndex);
        clear();
        return Optional.of(result);
    }

    /** Forgets ephemeral secrets and the chaining state; the replay and flood memory survive. */
    void clear() {
        wipe(hash);
        wipe(chainKey);
        wipe(localEphemeral);
        hash = null;
        chainKey = null;
        localEphemeral = null;
        remoteEphemeral = null;
        state = State.ZEROED;
    }

    private static void wipe(byte[] b) {
        if (b != null) {
            Arrays.fill(b, (byte) 0);
        }
    }
}
