package dev.flint.gui.service;

import dev.flint.ipc.frame.DecodeResult;
import dev.flint.ipc.frame.FrameDecoder;
import dev.flint.ipc.frame.FrameEncoder;
import dev.flint.ipc.frame.MessageCodec;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.Optional;

/**
 * One local socket carrying length-prefixed JSON frames: {@code In} messages are read, {@code Out}
 * messages written. Reads block (call from one thread); writes are serialised.
 */
public final class FramedConnection<In, Out> implements AutoCloseable {

    private final SocketChannel channel;
    private final FrameDecoder<In> decoder;
    private final FrameEncoder<Out> encoder;
    private final ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
    private final Object writeLock = new Object();

    public FramedConnection(SocketChannel channel, MessageCodec<In> in, MessageCodec<Out> out) {
        this.channel = channel;
        this.decoder = new FrameDecoder<>(in);
        this.encoder = new FrameEncoder<>(out);
    }

    public static <I, O> FramedConnection<I, O> connect(Path socket, MessageCodec<I> in, MessageCodec<O> out) throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.connect(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            ch.close();
            throw e;
        }
        return new FramedConnection<>(ch, in, out);
    }

    public void send(Out message) throws IOException {
        ByteBuffer frame = ByteBuffer.wrap(encoder.encode(message));
        synchronized (writeLock) {
            while (frame.hasRemaining()) {
                channel.write(frame);
            }
        }
    }

    /**
     * The next result: a message, a rejected frame (the stream stays usable), a fatal stream fault,
     * or the end of the stream. Blocks until one is available.
     */
    public DecodeResult<In> read() throws IOException {
        while (true) {
            Optional<DecodeResult<In>> r = decoder.poll();
            if (r.isPresent()) {
                return r.get();
            }
            buffer.clear();
            int n = channel.read(buffer);
            if (n < 0) {
                return decoder.endOfInput();
            }
            buffer.flip();
            decoder.feed(buffer);
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // closing a socket we are done with; nothing to do
        }
    }
}
