package dev.flint.ipc.frame;

/**
 * What reading one frame produced. {@link Rejected} leaves the stream usable (skip the frame,
 * maybe answer with a protocol error); {@link Fatal} means the byte stream can no longer be
 * trusted and the caller closes the connection, logging {@link StreamFault#sentence()}.
 */
public sealed interface DecodeResult<M> {

    record Decoded<M>(M message) implements DecodeResult<M> {}

    record Rejected<M>(FrameProblem problem) implements DecodeResult<M> {}

    record Fatal<M>(StreamFault fault) implements DecodeResult<M> {}

    /** The peer closed the stream cleanly, between two frames. */
    record EndOfStream<M>() implements DecodeResult<M> {}
}
