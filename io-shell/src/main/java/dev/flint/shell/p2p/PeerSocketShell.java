package dev.flint.shell.p2p;

import dev.flint.connlib.net.Transmit;
import dev.flint.connlib.peer.DecryptedPacket;
import dev.flint.connlib.peer.PeerEvent;
import dev.flint.connlib.peer.PeerNode;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives a {@link PeerNode} with real UDP: one non-blocking {@link DatagramChannel} bound to each
 * local address, one thread that receives, fires timers and sends what the node polls out. Every
 * call into the node runs on that thread ({@link #submit}).
 */
public final class PeerSocketShell implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PeerSocketShell.class);
    private static final Duration MAX_SLEEP = Duration.ofSeconds(1);

    private final PeerNode node;
    private final List<Bound> sockets;
    private final Consumer<PeerEvent> events;
    private final Consumer<DecryptedPacket> packets;
    private final Selector selector;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final Thread thread;
    private volatile boolean running = true;
    private long sendFailures;

    private record Bound(DatagramChannel channel, InetSocketAddress local) {
    }

    private PeerSocketShell(PeerNode node, List<DatagramChannel> channels, Consumer<PeerEvent> events,
                            Consumer<DecryptedPacket> packets, String name) throws IOException {
        this.node = node;
        this.events = events;
        this.packets = packets;
        this.selector = Selector.open();
        List<Bound> bound = new ArrayList<>();
        for (DatagramChannel ch : channels) {
            ch.configureBlocking(false);
            InetSocketAddress local = (InetSocketAddress) ch.getLocalAddress();
            if (local.getAddress().isAnyLocalAddress()) {
                throw new IllegalArgumentException("each socket must be bound to one local address, not " + local);
            }
            Bound b = new Bound(ch, local);
            ch.register(selector, SelectionKey.OP_READ, b);
            bound.add(b);
        }
        this.sockets = List.copyOf(bound);
        this.thread = Thread.ofPlatform().name("p2p-" + name).daemon().unstarted(this::loop);
    }

    /**
     * Starts the shell. {@code channels} must be bound to one concrete local address each (e.g. port
     * 52625 on every interface address); events and packets are handed over on the shell's thread.
     */
    public static PeerSocketShell start(PeerNode node, List<DatagramChannel> channels, Consumer<PeerEvent> events,
                                        Consumer<DecryptedPacket> packets, String name) throws IOException {
        PeerSocketShell shell = new PeerSocketShell(node, channels, events, packets, name);
        shell.thread.start();
        return shell;
    }

    public List<InetSocketAddress> localAddresses() {
        return sockets.stream().map(Bound::local).toList();
    }

    /** Runs {@code action} on the shell's thread with the node and the current time. */
    public <T> CompletableFuture<T> submit(BiFunction<PeerNode, Instant, T> action) {
        CompletableFuture<T> f = new CompletableFuture<>();
        tasks.add(() -> {
            try {
                f.complete(action.apply(node, Instant.now()));
            } catch (RuntimeException e) {
                f.completeExceptionally(e);
            }
        });
        selector.wakeup();
        return f;
    }

    /** Encrypts and sends IP packets to a connected peer; returns how many went out. */
    public CompletableFuture<Integer> send(UUID connection, List<byte[]> ipPackets) {
        return submit((n, now) -> {
            int sent = 0;
            for (byte[] p : ipPackets) {
                var t = n.encapsulate(connection, p, now);
                if (t.isPresent()) {
                    transmit(t.get());
                    sent++;
                }
            }
            return sent;
        });
    }

    private void loop() {
        ByteBuffer buffer = ByteBuffer.allocate(65536);
        while (running) {
            try {
                for (Runnable r = tasks.poll(); r != null; r = tasks.poll()) {
                    r.run();
                }
                flush();
                Instant now = Instant.now();
                Instant due = Objects.requireNonNullElse(node.pollTimeout(), now.plus(MAX_SLEEP));
                if (!due.isAfter(now)) {
                    node.handleTimeout(now);
                    flush();
                    due = Objects.requireNonNullElse(node.pollTimeout(), now.plus(MAX_SLEEP));
                }
                long sleep = Math.clamp(Duration.between(Instant.now(), due).toMillis(), 1, MAX_SLEEP.toMillis());
                selector.select(sleep);
                for (SelectionKey key : selector.selectedKeys()) {
                    Bound b = (Bound) key.attachment();
                    for (int i = 0; i < 256; i++) {
                        buffer.clear();
                        InetSocketAddress from = (InetSocketAddress) b.channel().receive(buffer);
                        if (from == null) {
                            break;
                        }
                        node.handleNetworkInput(b.local(), from, buffer.array(), 0, buffer.position(), Instant.now());
                        flush();
                    }
                }
                selector.selectedKeys().clear();
            } catch (IOException | RuntimeException e) {
                if (running) {
                    LOG.warn("p2p shell loop", e);
                }
            }
        }
    }

    private void flush() {
        for (var t = node.pollTransmit(); t != null; t = node.pollTransmit()) {
            transmit(t);
        }
        for (var p = node.pollPacket(); p != null; p = node.pollPacket()) {
            packets.accept(p);
        }
        for (var e = node.pollEvent(); e != null; e = node.pollEvent()) {
            events.accept(e);
        }
    }

    /** Honours the transmit's source by picking the socket bound to it; relay traffic takes any of its family. */
    private void transmit(Transmit t) {
        Bound via = null;
        boolean v6 = t.destination().getAddress() instanceof Inet6Address;
        for (Bound b : sockets) {
            if (t.source() != null ? b.local().equals(t.source())
                    : (b.local().getAddress() instanceof Inet6Address) == v6) {
                via = b;
                break;
            }
        }
        if (via == null) {
            sendFailures++;
            return;
        }
        try {
            via.channel().send(ByteBuffer.wrap(t.payload()), t.destination());
        } catch (IOException e) {
            sendFailures++;
        }
    }

    public long sendFailures() {
        return sendFailures;
    }

    @Override
    public void close() {
        running = false;
        selector.wakeup();
        try {
            thread.join(2000);
            selector.close();
            for (Bound b : sockets) {
                b.channel().close();
            }
        } catch (IOException | InterruptedException e) {
            LOG.debug("closing p2p shell", e);
        }
    }
}
