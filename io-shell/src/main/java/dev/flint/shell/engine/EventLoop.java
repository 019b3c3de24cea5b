package dev.flint.shell.engine;

import dev.flint.connlib.ice.Transmit;
import dev.flint.connlib.peer.DatagramRoute;
import dev.flint.connlib.peer.PeerNode;
import dev.flint.connlib.tunnel.TunnelSession;
import dev.flint.shell.PacketBatch;
import dev.flint.shell.TunDevice;
import dev.flint.shell.linux.DatagramBatch;
import dev.flint.shell.linux.LinuxUdpSocket;
import dev.flint.shell.linux.Poller;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread a tunnel runs on: it owns a sans-IO {@link TunnelSession} and drives it with a UDP socket and a TUN device
 * in batches. It waits in a single {@code poll} for the socket, the device, a posted task or the engine's next
 * deadline, then reads what is ready ({@code recvmmsg}, TUN reads of up to 64 packets), hands every datagram and
 * packet to the engine, and writes what the engine produced in the same batched way ({@code sendmmsg} with UDP
 * segmentation offload where the kernel has it, TUN writes). No packet changes threads, so nothing waits for a
 * hand-off; the client and the devstack gateway both run this way.
 *
 * <p>Other threads talk to the engine only through {@link #execute} and {@link #submit}, which run on the loop.
 */
public final class EventLoop implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EventLoop.class);
    private static final int BATCH = 64;
    private static final int DATAGRAM_SLOT = 2048;
    private static final int TUN_SLOT = 1500 + 128;
    private static final Duration MAX_WAIT = Duration.ofSeconds(1);
    /** Batches of one source handled before the other gets its turn, so neither direction starves the other. */
    private static final int BATCHES_PER_TURN = 4;

    /**
     * What the shell around the session does on the loop: after every step it takes the session's events and portal
     * messages, and it may keep timers of its own (a retry, a status report), which the loop runs beside the
     * session's. Called on the loop only.
     */
    public interface Shell {
        void afterStep(Instant now);

        /** When the shell's own timer is due, or null. */
        default Instant pollTimeout() {
            return null;
        }

        default void handleTimeout(Instant now) {
        }
    }

    private final String name;
    private final TunnelSession session;
    private final Shell shell;
    private final LinuxUdpSocket udp;
    private final Clock clock;
    private final Poller poller;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final Thread thread;
    private volatile boolean running = true;

    // Loop thread only.
    private TunDevice tun;
    private Thread tunReader;
    private final byte[] scratch = new byte[65536];
    private final AddressCache remotes = new AddressCache();
    private final AddressCache locals = new AddressCache();
    private final Map<InetSocketAddress, MemorySegment> encoded = new HashMap<>();
    private final Map<InetAddress, MemorySegment> encodedSources = new HashMap<>();
    private long tunWriteFailures;

    private EventLoop(String name, TunnelSession engine, Shell shell, LinuxUdpSocket udp, Clock clock)
            throws IOException {
        this.name = name;
        this.session = engine;
        this.shell = shell;
        this.udp = udp;
        this.clock = clock;
        this.poller = new Poller(udp.fd());
        this.thread = Thread.ofPlatform().name("loop-" + name).daemon().unstarted(this::run);
    }

    /** Starts the loop on its own thread with the socket; a TUN device may follow later ({@link #attach}). */
    public static EventLoop start(String name, TunnelSession session, Shell shell, LinuxUdpSocket udp, Clock clock)
            throws IOException {
        EventLoop loop = new EventLoop(name, Objects.requireNonNull(session), Objects.requireNonNull(shell),
            Objects.requireNonNull(udp), clock);
        loop.thread.start();
        return loop;
    }

    /** Runs {@code task} on the loop thread, soon. */
    public void execute(Runnable task) {
        tasks.add(task);
        poller.wake();
    }

    /** Runs {@code action} on the loop thread and completes with its result. */
    public <T> CompletableFuture<T> submit(Supplier<T> action) {
        CompletableFuture<T> f = new CompletableFuture<>();
        execute(() -> {
            try {
                f.complete(action.get());
            } catch (RuntimeException e) {
                f.completeExceptionally(e);
            }
        });
        return f;
    }

    /** The clock the loop hands to the session. */
    public Clock clock() {
        return clock;
    }

    /**
     * Reads and writes {@code device} from now on (null detaches). The device stays the caller's: it is not closed
     * here. A device that cannot be polled is read by a thread of its own whose batches become tasks.
     */
    public void attach(TunDevice device) {
        execute(() -> {
            if (tun == device) {
                return;
            }
            TunDevice old = tun;
            tun = device;
            if (tunReader != null) {
                tunReader.interrupt();
                tunReader = null;
            }
            if (device == null) {
                poller.watch(udp.fd());
            } else if (device.pollDescriptor() >= 0) {
                poller.watch(udp.fd(), device.pollDescriptor());
            } else {
                poller.watch(udp.fd());
                tunReader = Thread.ofPlatform().name("tun-" + name).daemon().start(() -> readOnThread(device));
            }
            LOG.debug("{}: TUN device {} replaced by {}", name, old == null ? "none" : old.name(),
                device == null ? "none" : device.name());
        });
    }

    // ------------------------------------------------------------------ the loop

    private void run() {
        try (DatagramBatch datagramsIn = new DatagramBatch(BATCH, DATAGRAM_SLOT);
             DatagramBatch datagramsOut = new DatagramBatch(BATCH, DATAGRAM_SLOT);
             PacketBatch packetsIn = new PacketBatch(BATCH, 65536);
             PacketBatch packetsOut = new PacketBatch(BATCH, TUN_SLOT)) {
            Output out = new Output(datagramsOut, packetsOut);
            while (running) {
                try {
                    step(datagramsIn, packetsIn, out);
                } catch (IOException | RuntimeException e) {
                    if (running) {
                        LOG.warn("{}: a step of the event loop failed; carrying on: {}", name, e.toString(), e);
                    }
                }
            }
        } finally {
            poller.close();
        }
    }

    private void step(DatagramBatch datagramsIn, PacketBatch packetsIn, Output out) throws IOException {
        runTasks(out);
        Instant now = clock.instant();
        Instant due = session.pollTimeout();
        if (due != null && !due.isAfter(now)) {
            session.handleTimeout(now);
            out.flush(now);
        }
        Instant own = shell.pollTimeout();
        if (own != null && !own.isAfter(now)) {
            shell.handleTimeout(now);
            out.flush(now);
        }
        due = earlier(session.pollTimeout(), shell.pollTimeout());
        int wait;
        if (!tasks.isEmpty() || (tun != null && tun.hasBuffered()) || datagramsIn.hasStaged()) {
            wait = 0;
        } else {
            Duration left = due == null ? MAX_WAIT : Duration.between(clock.instant(), due);
            wait = (int) Math.clamp(left.toMillis() + (left.toNanosPart() % 1_000_000 > 0 ? 1 : 0), 0,
                MAX_WAIT.toMillis());
        }
        poller.await(wait);
        if (poller.ready(0) || datagramsIn.hasStaged()) {
            for (int b = 0; b < BATCHES_PER_TURN; b++) {
                int n = udp.receive(datagramsIn, 0);
                if (n <= 0) {
                    break;
                }
                now = clock.instant();
                PacketBatch payloads = datagramsIn.packets();
                for (int i = 0; i < n; i++) {
                    InetSocketAddress local = locals.local(datagramsIn, i);
                    InetSocketAddress from = remotes.remote(datagramsIn, i);
                    ByteBuffer datagram = payloads.buffer(i);
                    datagram.clear().limit(payloads.length(i));
                    if (tun != null && out.openInto(local, from, datagram, now)) {
                        continue;
                    }
                    int length = payloads.length(i);
                    MemorySegment.copy(payloads.segment(i), java.lang.foreign.ValueLayout.JAVA_BYTE, 0, scratch, 0,
                        length);
                    session.handleNetworkInput(local, from, scratch, 0, length, now);
                    out.collectTun(); // in arrival order with the copy-free ones
                }
                out.flush(now);
                if (n < datagramsIn.capacity()) {
                    break;
                }
            }
        }
        TunDevice device = tun;
        if (device != null && device.pollDescriptor() >= 0 && (poller.ready(1) || device.hasBuffered())) {
            for (int b = 0; b < BATCHES_PER_TURN; b++) {
                int n = device.read(packetsIn, 0);
                if (n <= 0) {
                    break;
                }
                now = clock.instant();
                for (int i = 0; i < n; i++) {
                    ByteBuffer packet = packetsIn.buffer(i);
                    packet.clear().limit(packetsIn.length(i));
                    if (out.sealFrom(packet, now)) {
                        continue;
                    }
                    byte[] copy = new byte[packetsIn.length(i)];
                    packet.get(0, copy);
                    session.handleTunInput(copy, now);
                    out.collectTransmits(); // in read order with the copy-free ones
                }
                out.flush(now);
                if (n < packetsIn.capacity() && !device.hasBuffered()) {
                    break;
                }
            }
        }
    }

    private static Instant earlier(Instant a, Instant b) {
        return a == null ? b : b == null || a.isBefore(b) ? a : b;
    }

    private void runTasks(Output out) throws IOException {
        boolean ran = false;
        for (Runnable r = tasks.poll(); r != null; r = tasks.poll()) {
            try {
                r.run();
            } catch (RuntimeException e) {
                LOG.warn("{}: a task failed: {}", name, e.toString(), e);
            }
            ran = true;
        }
        if (ran) {
            out.flush(clock.instant());
        }
    }

    /** A TUN device without a pollable descriptor: its own thread reads, the loop handles the copies. */
    private void readOnThread(TunDevice device) {
        try (PacketBatch batch = new PacketBatch(BATCH, 65536)) {
            while (running && !Thread.currentThread().isInterrupted()) {
                int n = device.read(batch, 250);
                if (n < 0) {
                    return;
                }
                byte[][] packets = new byte[n][];
                for (int i = 0; i < n; i++) {
                    packets[i] = new byte[batch.length(i)];
                    batch.buffer(i).get(0, packets[i]);
                }
                if (n > 0) {
                    execute(() -> {
                        if (tun == device) {
                            Instant now = clock.instant();
                            for (byte[] p : packets) {
                                session.handleTunInput(p, now);
                            }
                        }
                    });
                }
            }
        } catch (IOException e) {
            if (running) {
                LOG.warn("{}: reading {} failed: {}", name, device.name(), e.getMessage());
            }
        }
    }

    /**
     * Collects what goes out into batches and writes them: datagrams the copy-free path sealed straight into a slot
     * and the engine's polled transmits, in the order they came; packets for the TUN device likewise.
     */
    private final class Output {
        private final DatagramBatch datagrams;
        private final PacketBatch packets;

        Output(DatagramBatch datagrams, PacketBatch packets) {
            this.datagrams = datagrams;
            this.packets = packets;
        }

        /** Seals a TUN packet straight into the next datagram slot; false if the engine wants the copy instead. */
        boolean sealFrom(ByteBuffer packet, Instant now) throws IOException {
            PacketBatch payloads = datagrams.packets();
            if (payloads.count() == payloads.capacity()) {
                sendDatagrams();
            }
            int slot = payloads.count();
            ByteBuffer into = payloads.buffer(slot);
            into.clear();
            DatagramRoute route = session.sealTunPacket(packet, into, now);
            if (route == null) {
                return false;
            }
            payloads.setLength(slot, into.position());
            payloads.setCount(slot + 1);
            address(slot, route.destination(), route.source());
            collectTransmits(); // a rekey's handshake, say
            return true;
        }

        /** Opens a datagram straight into the next TUN slot; false if the engine wants the copy instead. */
        boolean openInto(InetSocketAddress local, InetSocketAddress from, ByteBuffer datagram, Instant now) {
            if (packets.count() == packets.capacity()) {
                writeTun();
            }
            int slot = packets.count();
            ByteBuffer into = packets.buffer(slot);
            into.clear();
            PeerNode.Opened opened = session.openDatagram(local, from, datagram, into, now);
            if (opened == PeerNode.Opened.NOT_DATA) {
                return false;
            }
            if (opened == PeerNode.Opened.PACKET) {
                packets.setLength(slot, into.position());
                packets.setCount(slot + 1);
            } else {
                collectTun();
            }
            return true;
        }

        /** Moves the engine's transmits into the datagram batch, sending whenever it fills. */
        void collectTransmits() throws IOException {
            PacketBatch payloads = datagrams.packets();
            for (Transmit t = session.pollTransmit(); t != null; t = session.pollTransmit()) {
                if (payloads.count() == payloads.capacity()) {
                    sendDatagrams();
                }
                int slot = payloads.count();
                if (!payloads.add(ByteBuffer.wrap(t.payload()))) {
                    continue; // larger than a datagram slot: cannot be sent anyway
                }
                address(slot, t.destination(), t.source());
            }
        }

        /** Moves the engine's packets for the TUN device into the packet batch, writing whenever it fills. */
        void collectTun() {
            for (byte[] p = session.pollTunPacket(); p != null; p = session.pollTunPacket()) {
                if (tun == null) {
                    continue;
                }
                if (packets.count() == packets.capacity()) {
                    writeTun();
                }
                if (!packets.add(ByteBuffer.wrap(p))) {
                    tunWriteFailures++;
                }
            }
        }

        private void address(int slot, InetSocketAddress destination, InetSocketAddress source) {
            datagrams.setAddress(slot, encoded.computeIfAbsent(destination, DatagramBatch::encode));
            if (source != null) {
                datagrams.setSource(slot, encodedSources.computeIfAbsent(source.getAddress(),
                    DatagramBatch::encodeAddress));
            } else {
                datagrams.clearSource(slot);
            }
        }

        /** Lets the shell take events and portal messages, then writes everything collected, until nothing is left. */
        void flush(Instant now) throws IOException {
            boolean more;
            do {
                shell.afterStep(now);
                collectTransmits();
                collectTun();
                more = datagrams.packets().count() > 0 || packets.count() > 0;
                sendDatagrams();
                writeTun();
            } while (more);
            if (encoded.size() > 4096) {
                encoded.clear();
            }
            if (encodedSources.size() > 256) {
                encodedSources.clear();
            }
        }

        private void sendDatagrams() throws IOException {
            PacketBatch payloads = datagrams.packets();
            if (payloads.count() > 0) {
                udp.send(datagrams);
            }
            payloads.clear();
        }

        private void writeTun() {
            if (packets.count() > 0 && tun != null) {
                try {
                    tun.write(packets);
                } catch (IOException e) {
                    tunWriteFailures++;
                }
            }
            packets.clear();
        }
    }

    /** Packets the TUN device refused or that did not fit. */
    public long tunWriteFailures() {
        return tunWriteFailures;
    }

    /** Stops the loop and waits for it; the socket and the device stay their owners' to close. */
    @Override
    public void close() {
        if (!running) {
            return;
        }
        if (Thread.currentThread() == thread) {
            running = false;
            return;
        }
        running = false;
        poller.wake();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (tunReader != null) {
            tunReader.interrupt();
        }
    }

    /** The last few socket addresses seen, by their raw form, so steady traffic decodes none twice. */
    private static final class AddressCache {
        private final MemorySegment lastRaw = MemorySegment.ofArray(new byte[28]);
        private InetSocketAddress last;

        InetSocketAddress remote(DatagramBatch batch, int slot) {
            if (last == null || !batch.addressEquals(slot, lastRaw)) {
                MemorySegment.copy(batch.address(slot), 0, lastRaw, 0, 28);
                last = batch.socketAddress(slot);
            }
            return last;
        }

        InetSocketAddress local(DatagramBatch batch, int slot) {
            MemorySegment raw = batch.localAddress(slot);
            if (last == null || MemorySegment.mismatch(raw, 0, raw.byteSize(), lastRaw, 0, raw.byteSize()) >= 0) {
                MemorySegment.copy(raw, 0, lastRaw, 0, raw.byteSize());
                last = batch.localSocketAddress(slot);
            }
            return last;
        }
    }
}
