package dev.flint.ipc.frame;

import java.nio.ByteBuffer;

/** Produces complete frames (length prefix + JSON payload) for one message family. */
public final class FrameEncoder<M> {
    private final MessageCodec<M> codec;

    public FrameEncoder(MessageCodec<M> codec) {
        this.codec = codec;
    }

    /**
     * @throws FrameTooLargeException if the payload exceeds {@link FrameFormat#MAX_FRAME_BYTES}; the
     *     peer would drop the connection, so the sender must split or trim instead
     */
    public byte[] encode(M message) {
        return frame(codec.encode(message));
    }

    /** Prefixes an already encoded payload with its length. */
    public static byte[] frame(byte[] payload) {
        if (payload.length > FrameFormat.MAX_FRAME_BYTES) {
            throw new FrameTooLargeException(payload.length);
        }
        return ByteBuffer.allocate(FrameFormat.HEADER_BYTES + payload.length)
                .putInt(payload.length)
                .put(payload)
                .array();
    }
}
