package dev.flint.connlib.packet;

import java.util.Arrays;

/**
 * The framing of a Firezone p2p control packet: an IPv6 header {@code ::} → {@code ::} with next header 0xFF and
 * hop limit 0, then an 8-byte control header {@code [event type, 0 × 7]}, then the event body.
 */
public record P2pControlFrame(int eventType, byte[] body) {
    public static final int HEADER_LENGTH = 40 + 8;

    public P2pControlFrame {
        if (eventType < 0 || eventType > 255) {
            throw new IllegalArgumentException("event type out of range: " + eventType);
        }
        if (HEADER_LENGTH + body.length > IpPacket.MAX_SIZE) {
            throw new IllegalArgumentException("control packet larger than " + IpPacket.MAX_SIZE);
        }
        body = body.clone();
    }

    @Override
    public byte[] body() {
        return body.clone();
    }

    public byte[] encode() {
        byte[] p = new byte[HEADER_LENGTH + body.length];
        p[0] = 0x60;
        IpPacket.put16(p, 4, 8 + body.length);
        p[6] = (byte) IpProtocol.FZ_P2P_CONTROL;
        p[7] = 0;
        p[40] = (byte) eventType;
        System.arraycopy(body, 0, p, HEADER_LENGTH, body.length);
        return p;
    }

    /** Decodes a packet already recognised by {@link IpPacket#isP2pControl()}. */
    public static Result decode(IpPacket packet) {
        if (!packet.isP2pControl()) {
            return new Result.Malformed("ipv6.header", "not a p2p control packet");
        }
        byte[] b = packet.bytes();
        if (b.length < HEADER_LENGTH) {
            return new Result.Malformed("control.header", "shorter than 8 bytes");
        }
        return new Result.Decoded(new P2pControlFrame(b[40] & 0xFF, Arrays.copyOfRange(b, HEADER_LENGTH, b.length)));
    }

    public sealed interface Result {
        record Decoded(P2pControlFrame frame) implements Result {}

        record Malformed(String field, String reason) implements Result {}
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof P2pControlFrame f && f.eventType == eventType && Arrays.equals(f.body, body);
    }

    @Override
    public int hashCode() {
        return eventType * 31 + Arrays.hashCode(body);
    }

    @Override
    public String toString() {
        return "P2pControlFrame[" + eventType + ", " + body.length + " bytes]";
    }
}
