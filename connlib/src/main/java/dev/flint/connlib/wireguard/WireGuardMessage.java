package dev.flint.connlib.wireguard;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The four WireGuard messages on the wire. Integers are little-endian; the first word is the type (1 byte
 * type, 3 reserved zero bytes). {@link #decode(ByteBuffer)} never throws: bad input comes back as
 * {@link Decoding.Malformed} naming what is wrong.
 */
public sealed interface WireGuardMessage {
    int TYPE_INITIATION = 1;
    int TYPE_RESPONSE = 2;
    int TYPE_COOKIE_REPLY = 3;
    int TYPE_TRANSPORT = 4;

    int INITIATION_LENGTH = 148;
    int RESPONSE_LENGTH = 92;
    int COOKIE_REPLY_LENGTH = 64;
    int TRANSPORT_HEADER_LENGTH = 16;
    /** Header plus the Poly1305 tag: the smallest transport message, a keepalive. */
    int TRANSPORT_MIN_LENGTH = TRANSPORT_HEADER_LENGTH + 16;

    /** The complete message as it goes on the wire. */
    byte[] encode();

    /** Type 1, 148 bytes. {@code encryptedStatic} 48 bytes, {@code encryptedTimestamp} 28, MACs 16 each. */
    record HandshakeInitiation(
            int sender, byte[] ephemeral, byte[] encryptedStatic, byte[] encryptedTimestamp, byte[] mac1, byte[] mac2)
            implements WireGuardMessage {
        @Override
        public byte[] encode() {
            ByteBuffer b = ByteBuffer.allocate(INITIATION_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
            b.putInt(TYPE_INITIATION).putInt(sender).put(ephemeral).put(encryptedStatic).put(encryptedTimestamp);
            b.put(mac1).put(mac2);
            return b.array();
        }
    }

    /** Type 2, 92 bytes. {@code encryptedNothing} is the 16-byte tag of an empty plaintext. */
    record HandshakeResponse(
            int sender, int receiver, byte[] ephemeral, byte[] encryptedNothing, byte[] mac1, byte[] mac2)
            implements WireGuardMessage {
        @Override
        public byte[] encode() {
            ByteBuffer b = ByteBuffer.allocate(RESPONSE_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
            b.putInt(TYPE_RESPONSE).putInt(sender).putInt(receiver).put(ephemeral).put(encryptedNothing);
            b.put(mac1).put(mac2);
            return b.array();
        }
    }

    /** Type 3, 64 bytes: a 24-byte nonce and the 16-byte cookie sealed with XChaCha20-Poly1305. */
    record CookieReply(int receiver, byte[] nonce, byte[] encryptedCookie) implements WireGuardMessage {
        @Override
        public byte[] encode() {
            ByteBuffer b = ByteBuffer.allocate(COOKIE_REPLY_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
            b.putInt(TYPE_COOKIE_REPLY).putInt(receiver).put(nonce).put(encryptedCookie);
            return b.array();
        }
    }

    /** Type 4: the 16-byte header and the ciphertext (plaintext + 16-byte tag). */
    record TransportData(int receiver, long counter, byte[] ciphertext) implements WireGuardMessage {
        @Override
        public byte[] encode() {
            ByteBuffer b = ByteBuffer.allocate(TRANSPORT_HEADER_LENGTH + ciphertext.length).order(ByteOrder.LITTLE_ENDIAN);
            b.putInt(TYPE_TRANSPORT).putInt(receiver).putLong(counter).put(ciphertext);
            return b.array();
        }
    }

    /** The result of {@link #decode(ByteBuffer)}. */
    sealed interface Decoding {
        record Decoded(WireGuardMessage message) implements Decoding {}

        record Malformed(DropReason reason, String detail) implements Decoding {}
    }

    /**
     * The message type word of {@code datagram} (position to limit, not consumed), or -1 if it has fewer than 4
     * bytes. A demultiplexer sharing a socket with STUN/TURN can use it: WireGuard's first byte is 1-4 and the
     * next three are zero.
     */
    static int typeOf(ByteBuffer datagram) {
        if (datagram.remaining() < 4) {
            return -1;
        }
        int p = datagram.position();
        return (datagram.get(p) & 0xff) | (datagram.get(p + 1) & 0xff) << 8 | (datagram.get(p + 2) & 0xff) << 16
                | (datagram.get(p + 3) & 0xff) << 24;
    }

    /** Decodes one datagram (position to limit; the buffer is not modified). */
    static Decoding decode(ByteBuffer datagram) {
        ByteBuffer b = datagram.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int length = b.remaining();
        if (length < 4) {
            return new Decoding.Malformed(DropReason.TOO_SHORT, "message has " + length + " bytes, fewer than the 4-byte type");
        }
        int type = b.getInt();
        return switch (type) {
            case TYPE_INITIATION -> length != INITIATION_LENGTH
                    ? wrongLength("handshake initiation", INITIATION_LENGTH, length)
                    : new Decoding.Decoded(new HandshakeInitiation(
                            b.getInt(), bytes(b, 32), bytes(b, 48), bytes(b, 28), bytes(b, 16), bytes(b, 16)));
            case TYPE_RESPONSE -> length != RESPONSE_LENGTH
                    ? wrongLength("handshake response", RESPONSE_LENGTH, length)
                    : new Decoding.Decoded(new HandshakeResponse(
                            b.getInt(), b.getInt(), bytes(b, 32), bytes(b, 16), bytes(b, 16), bytes(b, 16)));
            case TYPE_COOKIE_REPLY -> length != COOKIE_REPLY_LENGTH
                    ? wrongLength("cookie reply", COOKIE_REPLY_LENGTH, length)
                    : new Decoding.Decoded(new CookieReply(b.getInt(), bytes(b, 24), bytes(b, 32)));
            case TYPE_TRANSPORT -> length < TRANSPORT_MIN_LENGTH
                    ? new Decoding.Malformed(DropReason.TOO_SHORT,
                            "transport data has " + length + " bytes, fewer than header and tag (32)")
                    : new Decoding.Decoded(new TransportData(b.getInt(), b.getLong(), bytes(b, length - 16)));
            default -> new Decoding.Malformed(DropReason.UNKNOWN_TYPE,
                    "type word 0x" + Integer.toHexString(type) + " is not 1-4 with three zero reserved bytes");
        };
    }

    private static Decoding wrongLength(String what, int expected, int actual) {
        return new Decoding.Malformed(DropReason.WRONG_LENGTH, what + " must be " + expected + " bytes, got " + actual);
    }

    private static byte[] bytes(ByteBuffer b, int n) {
        byte[] out = new byte[n];
        b.get(out);
        return out;
    }
}
