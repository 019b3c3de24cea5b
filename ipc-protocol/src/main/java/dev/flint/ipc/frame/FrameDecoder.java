package dev.flint.ipc.frame;

import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * Incremental frame decoder: feed it bytes as they arrive, in chunks of any size, and poll
 * results. A frame is never buffered beyond its declared length, and a bad length prefix is
 * reported as soon as its four bytes are in, before any payload is buffered.
 *
 * <p>After a {@link DecodeResult.Fatal} the decoder is spent: it ignores input and yields nothing.
 * Not thread-safe; one decoder belongs to one reading thread.
 */
public final class FrameDecoder<M> {
    private final MessageCodec<M> codec;
    private final int maxFrameBytes;
    private byte[] buffer = new byte[256];
    private int start;
    private int end;
    private boolean failed;

    public FrameDecoder(MessageCodec<M> codec) {
        this(codec, FrameFormat.MAX_FRAME_BYTES);
    }

    /** A decoder with a smaller limit, e.g. for the single-instance socket. */
    public FrameDecoder(MessageCodec<M> codec, int maxFrameBytes) {
        if (maxFrameBytes < 0 || maxFrameBytes > FrameFormat.MAX_FRAME_BYTES) {
            throw new IllegalArgumentException("maxFrameBytes out of range: " + maxFrameBytes);
        }
        this.codec = codec;
        this.maxFrameBytes = maxFrameBytes;
    }

    public void feed(byte[] bytes) {
        feed(bytes, 0, bytes.length);
    }

    public void feed(byte[] bytes, int offset, int length) {
        if (failed) {
            return;
        }
        ensureRoom(length);
        System.arraycopy(bytes, offset, buffer, end, length);
        end += length;
    }

    public void feed(ByteBuffer bytes) {
        if (failed) {
            bytes.position(bytes.limit());
            return;
        }
        int length = bytes.remaining();
        ensureRoom(length);
        bytes.get(buffer, end, length);
        end += length;
    }

    /** The next complete result, or empty when more input is needed (or after a fatal error). */
    public Optional<DecodeResult<M>> poll() {
        if (failed || end - start < FrameFormat.HEADER_BYTES) {
            return Optional.empty();
        }
        int length = ByteBuffer.wrap(buffer, start, FrameFormat.HEADER_BYTES).getInt();
        if (length < 0) {
            return fail(new StreamFault.NegativeLength(length));
        }
        if (length > maxFrameBytes) {
            return fail(new StreamFault.OversizeLength(length, maxFrameBytes));
        }
        if (end - start - FrameFormat.HEADER_BYTES < length) {
            return Optional.empty();
        }
        int payloadStart = start + FrameFormat.HEADER_BYTES;
        start = payloadStart + length;
        DecodeResult<M> result = codec.decode(buffer, payloadStart, length);
        if (start == end) {
            start = end = 0;
        }
        return Optional.of(result);
    }

    /**
     * Call when the stream has ended and {@link #poll()} returned empty: a clean end between frames,
     * or a {@link StreamFault.Truncated} naming how much of the last frame arrived.
     */
    public DecodeResult<M> endOfInput() {
        if (failed) {
            return new DecodeResult.EndOfStream<>();
        }
        int buffered = end - start;
        if (buffered == 0) {
            return new DecodeResult.EndOfStream<>();
        }
        failed = true;
        if (buffered < FrameFormat.HEADER_BYTES) {
            return new DecodeResult.Fatal<>(new StreamFault.Truncated(FrameFormat.HEADER_BYTES, buffered, true));
        }
        int length = ByteBuffer.wrap(buffer, start, FrameFormat.HEADER_BYTES).getInt();
        return new DecodeResult.Fatal<>(new StreamFault.Truncated(length, buffered - FrameFormat.HEADER_BYTES, false));
    }

    public boolean failed() {
        return failed;
    }

    /** Bytes received but not yet consumed as a frame. */
    public int bufferedBytes() {
        return end - start;
    }

    private Optional<DecodeResult<M>> fail(StreamFault fault) {
        failed = true;
        buffer = new byte[0];
        start = end = 0;
        return Optional.of(new DecodeResult.Fatal<>(fault));
    }

    private void ensureRoom(int incoming) {
        if (buffer.length - end >= incoming) {
            return;
        }
        int live = end - start;
        long needed = (long) live + incoming;
        if (needed > buffer.length) {
            byte[] grown = new byte[(int) Math.min(Integer.MAX_VALUE - 8, Math.max(needed, buffer.length * 2L))];
            System.arraycopy(buffer, start, grown, 0, live);
            buffer = grown;
        } else {
            System.arraycopy(buffer, start, buffer, 0, live);
        }
        start = 0;
        end = live;
    }

    @Override
    public String toString() {
        return "FrameDecoder[" + codec.family().getSimpleName() + ", buffered=" + bufferedBytes() + ", failed=" + failed + "]";
    }
}
