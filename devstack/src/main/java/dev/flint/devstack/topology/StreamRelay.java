package dev.flint.devstack.topology;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Passes TCP-like byte streams from a listening socket to a target, each end a TCP address or a Unix socket path.
 * A Unix socket file is visible from every network namespace, so a relay pair ({@code unix} listener inside the
 * portal namespace, {@code tcp 127.0.0.1} listener on the host) lets a browser on the host reach the portal
 * emulator without a route from the host into the topology.
 */
public final class StreamRelay implements AutoCloseable {

    private final ServerSocketChannel server;
    private final SocketAddress target;
    private final Thread acceptor;

    private StreamRelay(ServerSocketChannel server, SocketAddress target) {
        this.server = server;
        this.target = target;
        this.acceptor = Thread.ofVirtual().name("stream-relay").start(this::acceptLoop);
    }

    /** Listens on {@code listen} and passes every connection to {@code target}. */
    public static StreamRelay start(SocketAddress listen, SocketAddress target) {
        try {
            ServerSocketChannel server;
            if (listen instanceof UnixDomainSocketAddress unix) {
                Files.deleteIfExists(unix.getPath());
                server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            } else {
                server = ServerSocketChannel.open();
                server.socket().setReuseAddress(true);
            }
            server.bind(listen);
            return new StreamRelay(server, target);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + listen, e);
        }
    }

    /** The address it listens on (with the port chosen when 0 was asked for). */
    public SocketAddress listening() {
        try {
            return server.getLocalAddress();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code tcp:HOST:PORT} (IPv4 or a name) or {@code unix:PATH}. */
    public static SocketAddress parse(String text) {
        if (text.startsWith("unix:")) {
            return UnixDomainSocketAddress.of(Path.of(text.substring("unix:".length())));
        }
        if (text.startsWith("tcp:")) {
            String hostPort = text.substring("tcp:".length());
            int colon = hostPort.lastIndexOf(':');
            if (colon > 0) {
                try {
                    return new InetSocketAddress(hostPort.substring(0, colon),
                        Integer.parseInt(hostPort.substring(colon + 1)));
                } catch (NumberFormatException e) {
                    // reported below
                }
            }
        }
        throw new IllegalArgumentException("not tcp:HOST:PORT or unix:PATH: " + text);
    }

    private void acceptLoop() {
        while (server.isOpen()) {
            try {
                SocketChannel client = server.accept();
                Thread.ofVirtual().name("stream-relay-conn").start(() -> relay(client));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void relay(SocketChannel client) {
        try (client; SocketChannel upstream = SocketChannel.open(target)) {
            Thread back = Thread.ofVirtual().start(() -> pump(upstream, client));
            pump(client, upstream);
            back.join();
        } catch (IOException e) {
            // The target is not there (yet): the client sees its connection closed.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Copies until end of stream, then half-closes the other side so HTTP/WebSocket closes pass through. */
    private static void pump(SocketChannel from, SocketChannel to) {
        ByteBuffer buffer = ByteBuffer.allocate(16 * 1024);
        try {
            while (from.read(buffer) >= 0) {
                buffer.flip();
                while (buffer.hasRemaining()) {
                    to.write(buffer);
                }
                buffer.clear();
            }
            to.shutdownOutput();
        } catch (IOException e) {
            try {
                to.close();
                from.close();
            } catch (IOException ignored) {
                // already closing
            }
        }
    }

    @Override
    public void close() {
        try {
            SocketAddress listening = server.getLocalAddress();
            server.close();
            if (listening instanceof UnixDomainSocketAddress unix) {
                Files.deleteIfExists(unix.getPath());
            }
        } catch (IOException e) {
            // closed already
        }
        acceptor.interrupt();
    }

    /** {@code StreamRelay LISTEN TARGET}: runs until killed (a devstack process). */
    public static void main(String[] args) throws InterruptedException {
        if (args.length != 2) {
            System.err.println("usage: StreamRelay LISTEN TARGET   (each tcp:HOST:PORT or unix:PATH)");
            System.exit(2);
        }
        StreamRelay relay = start(parse(args[0]), parse(args[1]));
        System.out.println("stream relay: " + args[0] + " -> " + args[1]);
        Thread.currentThread().join();
        relay.close();
    }
}
