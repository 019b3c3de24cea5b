package dev.flint.connlib.turn;

import java.util.Arrays;

/**
 * A TURN ChannelData message (RFC 8656 §12.4): channel number, length, payload. Firezone sends
 * it unpadded and accepts only an exact length on receive, so this does the same.
 */
public record ChannelData(int channel, byte[] payload) {
    public static final int HEADER_LENGTH = 4;
    public static final int MIN_CHANNEL = 0x4000;
    public static final int MAX_CHANNEL = 0x4FFF;

    public ChannelData {
        if (channel < MIN_CHANNEL || channel > 0x7FFF) {
            throw new IllegalArgumentException("channel out of range: " + channel);
        }
        if (payload.length > 0xFFFF) {
            throw new IllegalArgumentException("payload too long");
        }
        payload = payload.clone();
    }

    @Override
    public byte[] payload() {
        return payload.clone();
    }

    /** First byte of a datagram that can be Firezone ChannelData (channels 0x4000–0x4FFF). */
    public static boolean firstByteMatches(byte first) {
        return (first & 0xF0) == 0x40;
    }

    public byte[] encode() {
        return encode(channel, payload, 0, payload.length);
    }

    public static byte[] encode(int channel, byte[] payload, int off, int len) {
        byte[] out = new byte[HEADER_LENGTH + len];
        out[0] = (byte) (channel >> 8);
        out[1] = (byte) channel;
        out[2] = (byte) (len >> 8);
        out[3] = (byte) len;
        System.arraycopy(payload, off, out, HEADER_LENGTH, len);
        return out;
    }

    public static Result decode(byte[] b, int off, int len) {
        if (b == null || off < 0 || len < 0 || off + len > b.length) {
            return new Result.Invalid("datagram", "bounds outside the buffer");
        }
        if (len < HEADER_LENGTH) {
            return new Result.Invalid("header", "shorter than 4 bytes");
        }
        int channel = ((b[off] & 0xFF) << 8) | (b[off + 1] & 0xFF);
        if (channel < MIN_CHANNEL || channel > MAX_CHANNEL) {
            return new Result.Invalid("channel number", String.format("0x%04x outside 0x4000-0x4FFF", channel));
        }
        int length = ((b[off + 2] & 0xFF) << 8) | (b[off + 3] & 0xFF);
        if (length != len - HEADER_LENGTH) {
            return new Result.Invalid("length", "says " + length + " but " + (len - HEADER_LENGTH) + " bytes follow");
        }
        return new Result.Decoded(new ChannelData(channel, Arrays.copyOfRange(b, off + HEADER_LENGTH, off + len)));
    }

    /** Decoding outcome: ChannelData, or what was wrong with the bytes. */
    public sealed interface Result {
        record Decoded(ChannelData data) implements Result {
        }

        record Invalid(String field, String reason) implements Result {
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChannelData c && c.channel == channel && Arrays.equals(c.payload, payload);
    }

    @Override
    public int hashCode() {
        return 31 * channel + Arrays.hashCode(payload);
    }

    @Override
    public String toString() {
        return "ChannelData[channel=0x%04x, %d bytes]".formatted(channel, payload.length);
    }
}
