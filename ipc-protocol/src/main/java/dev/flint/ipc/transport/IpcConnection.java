package dev.flint.ipc.transport;

import dev.flint.ipc.GuiMessage;
import dev.flint.ipc.InstanceMessage;
import dev.flint.ipc.ServiceMessage;
import dev.flint.ipc.frame.DecodeResult;
import dev.flint.ipc.frame.FrameDecoder;
import dev.flint.ipc.frame.FrameEncoder;
import dev.flint.ipc.frame.MessageCodec;
import java.io.Closeable;
import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Typed messages over a {@link DuplexStream}: receives {@code I}, sends {@code O}. One thread
 * receives; any number of threads may send (sends are serialised, so frames never interleave).
 *
 * <p>A rejected frame is returned to the caller and the connection stays open; a fatal stream
 * fault closes the connection before it is returned, so the caller only has to log it.
 */
public final class IpcConnection<I, O> implements Closeable {
    private static final int READ_CHUNK = 16 * 1024;

    private final DuplexStream stream;
    private final FrameDecoder<I> decoder;
    private final FrameEncoder<O> encoder;
    private final ReentrantLock sendLock = new ReentrantLock();
    private final byte[] chunk = new byte[READ_CHUNK];

    public IpcConnection(DuplexStream stream, MessageCodec<I> incoming, MessageCodec<O> outgoing) {
        this.stream = stream;
        this.decoder = new FrameDecoder<>(incoming);
        this.encoder = new FrameEncoder<>(outgoing);
    }

    /** The service's end of a GUI connection. */
    public static IpcConnection<GuiMessage, ServiceMessage> serviceSide(DuplexStream stream) {
        return new IpcConnection<>(stream, MessageCodec.guiMessages(), MessageCodec.serviceMessages());
    }

    /** The GUI's end of its connection to the service. */
    public static IpcConnection<ServiceMessage, GuiMessage> guiSide(DuplexStream stream) {
        return new IpcConnection<>(stream, MessageCodec.serviceMessages(), MessageCodec.guiMessages());
    }

    /** Either end of a GUI-to-GUI single-instance connection. */
    public static IpcConnection<InstanceMessage, InstanceMessage> instance(DuplexStream stream) {
        return new IpcConnection<>(stream, MessageCodec.instanceMessages(), MessageCodec.instanceMessages());
    }

    /**
     * Blocks until one frame has been read: {@link DecodeResult.Decoded}, {@link DecodeResult.Rejected}
     * (keep reading), {@link DecodeResult.Fatal} (already closed) or {@link DecodeResult.EndOfStream}.
     *
     * @throws IOException if the operating system reports a read error
     */
    public DecodeResult<I> receive() throws IOException {
        while (true) {
            Optional<DecodeResult<I>> ready = decoder.poll();
            if (ready.isPresent()) {
                if (ready.get() instanceof DecodeResult.Fatal<I>) {
                    close();
                }
                return ready.get();
            }
            if (decoder.failed()) {
                return new DecodeResult.EndOfStream<>();
            }
            int n = stream.read(chunk, 0, chunk.length);
            if (n < 0) {
                DecodeResult<I> end = decoder.endOfInput();
                close();
                return end;
            }
            decoder.feed(chunk, 0, n);
        }
    }

    /** Encodes and writes one frame; safe to call from several threads. */
    public void send(O message) throws IOException {
        byte[] frame = encoder.encode(message);
        sendLock.lock();
        try {
            stream.writeFully(frame);
        } finally {
            sendLock.unlock();
        }
    }

    public PeerIdentity peer() {
        return stream.peer();
    }

    /** Idempotent; wakes a thread blocked in {@link #receive()}, which then sees end of stream. */
    @Override
    public void close() {
        stream.close();
    }
}
