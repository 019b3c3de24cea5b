package dev.flint.ipc.frame;

/** The frame layout: a 4-byte big-endian length, then that many bytes of UTF-8 JSON. */
public final class FrameFormat {
    /** Largest payload accepted or produced: 1 MiB. */
    public static final int MAX_FRAME_BYTES = 1 << 20;

    public static final int HEADER_BYTES = 4;

    private FrameFormat() {}
}
