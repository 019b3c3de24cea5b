package dev.flint.ipc.frame;

/** A message whose JSON is larger than the frame limit: a sender-side bug, never caused by the peer. */
public final class FrameTooLargeException extends IllegalArgumentException {
    public FrameTooLargeException(int payloadBytes) {
        super("Payload of " + payloadBytes + " bytes exceeds the frame limit of " + FrameFormat.MAX_FRAME_BYTES + " bytes");
    }
}
