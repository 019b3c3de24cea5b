package dev.flint.tunnel.wireguard;

import dev.flint.connlib.net.IpPrefix;
import dev.flint.connlib.wireguard.Encrypted;
import dev.flint.connlib.wireguard.Received;
import dev.flint.connlib.wireguard.Outgoing;
import dev.flint.connlib.wireguard.WireGuardEvent;
import dev.flint.connlib.wireguard.WireGuardKey;
import dev.flint.connlib.wireguard.WireGuardNode;
import dev.flint.connlib.wireguard.WireGuardPeer;
import dev.flint.shell.PacketBatch;
import dev.flint.shell.linux.DatagramBatch;
import dev.flint.shell.linux.LinuxTunDevice;
import dev.flint.shell.linux.LinuxUdpSocket;
import dev.flint.shell.linux.RtNetlink;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A plain WireGuard interface: a TUN device and a UDP port around connlib's {@link WireGuardNode},
 * configured from a wg-quick file and afterwards through the userspace API.
 *
 * <p>Three threads: the <em>outbound</em> thread reads TUN batches, picks each packet's peer by
 * longest-prefix match over AllowedIPs, encrypts into a datagram batch and sends it with one
 * {@code sendmmsg}; the <em>inbound</em> thread receives datagram batches, decrypts into a TUN batch,
 * drops packets whose source the sending peer is not allowed to use, and writes the rest; the
 * <em>control</em> thread runs the engine's timers and sends its handshakes and keepalives. The
 * encryption and decryption of a batch is spread over {@link CryptoWorkers} (cores + 1 threads per
 * direction by default, {@code FLINT_CRYPTO_WORKERS} to change it); packets leave in the order they
 * were read, so each peer's packets stay in order (see BENCHMARKS.md for the measurements).
 */
public final class PlainWireGuard implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PlainWireGuard.class);
    static final int DEFAULT_MTU = 1420;
    private static final int BATCH = 64;
    private static final int POLL_MILLIS = 100;
    private static final int QUEUED_PER_PEER = 128;
    private static final int TX_QUEUE_LENGTH = 1000;

    /** What the shell keeps per peer beside the engine's own state (the engine has no getter for these). */
    static final class PeerEntry {
        final WireGuardPeer peer;
        volatile WireGuardKey presharedKey;

        PeerEntry(WireGuardPeer peer, WireGuardKey presharedKey) {
            this.peer = peer;
            this.presharedKey = presharedKey;
        }
    }

    private final Object configLock = new Object();
    private volatile WireGuardNode node;
    private volatile WireGuardKey privateKey;
    private final Map<WireGuardKey, PeerEntry> peers = new ConcurrentHashMap<>();
    private volatile AllowedIps<WireGuardPeer> allowed = new AllowedIps<>();
    private final LinuxTunDevice tun;
    private final int linkIndex;
    private volatile LinuxUdpSocket udp;
    private volatile int fwmark;
    private final Map<WireGuardPeer, ArrayBlockingQueue<byte[]>> waiting = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final List<Thread> threads = new ArrayList<>();
    private volatile Thread control;
    private volatile boolean running = true;
    // Extra threads per direction for encrypting/decrypting a batch (FLINT_CRYPTO_WORKERS in total).
    private final int cryptoHelpers = cryptoWorkers() - 1;

    final AtomicLong droppedNoPeer = new AtomicLong();
    final AtomicLong droppedSource = new AtomicLong();
    final AtomicLong droppedNoEndpoint = new AtomicLong();

    private PlainWireGuard(WireGuardKey privateKey, LinuxTunDevice tun, int linkIndex, LinuxUdpSocket udp) {
        this.privateKey = privateKey;
        this.node = newNode(privateKey, tun.mtu());
        this.tun = tun;
        this.linkIndex = linkIndex;
        this.udp = udp;
    }

    private static int cryptoWorkers() {
        String v = System.getenv("FLINT_CRYPTO_WORKERS");
        if (v != null && v.matches("[1-9][0-9]?")) {
            return Integer.parseInt(v);
        }
        // One more than the cores: the batch's own thread spends part of its time in system calls.
        return Math.min(8, Runtime.getRuntime().availableProcessors() + 1);
    }

    private WireGuardNode newNode(WireGuardKey key, int mtu) {
        return new WireGuardNode(key,
            dev.flint.connlib.wireguard.WireGuardConfig.standard().withPadding(16, mtu), random);
    }

    /**
     * Creates interface {@code name} from {@code config}: TUN device with the config's MTU and
     * addresses, routes for every peer's AllowedIPs, the UDP port, and the data-plane threads.
     * On failure, whatever was created is removed again.
     */
    public static PlainWireGuard start(WgQuickConfig config, String name) throws IOException {
        int mtu = config.iface().mtu().orElse(DEFAULT_MTU);
        // TSO reads: one read per TCP super-packet instead of per segment (BENCHMARKS.md).
        boolean offload = !"0".equals(System.getenv("FLINT_TUN_OFFLOAD"));
        LinuxTunDevice tun = LinuxTunDevice.open(name, mtu, LinuxTunDevice.PacketIo.FFM, offload);
        LinuxUdpSocket udp = null;
        boolean started = false;
        try (RtNetlink nl = RtNetlink.open()) {
            int index = RtNetlink.linkIndex(tun.name());
            udp = LinuxUdpSocket.bind(config.iface().listenPort().orElse(0));
            if (config.iface().fwmark().orElse(0) != 0) {
                udp.setMark(config.iface().fwmark().getAsInt());
            }
            PlainWireGuard wg = new PlainWireGuard(config.iface().privateKey(), tun, index, udp);
            wg.fwmark = config.iface().fwmark().orElse(0);
            Instant now = Instant.now();
            for (WgQuickConfig.PeerSection p : config.peers()) {
                InetSocketAddress endpoint = null;
                if (p.endpoint().isPresent()) {
                    try {
                        endpoint = p.endpoint().get().resolve();
                    } catch (UnknownHostException e) {
                        throw new IOException("cannot resolve the endpoint " + p.endpoint().get()
                            + " of peer " + p.publicKey().toBase64());
                    }
                }
                wg.addPeer(p.publicKey(), p.presharedKey().orElse(null),
                    Duration.ofSeconds(p.persistentKeepalive().orElse(0)), endpoint, p.allowedIps(), now);
            }
            nl.setMtu(index, mtu);
            // TUN's default of 500 packets drops TCP bursts while the reader waits for a core.
            nl.setTxQueueLength(index, TX_QUEUE_LENGTH);
            for (IpPrefix a : config.iface().addresses()) {
                nl.addAddress(index, a.address(), a.prefixLength());
            }
            nl.setLinkUp(index);
            for (WgQuickConfig.PeerSection p : config.peers()) {
                for (IpPrefix prefix : p.allowedIps()) {
                    nl.addRoute(index, prefix.address(), prefix.prefixLength());
                }
            }
            wg.startThreads();
            started = true;
            return wg;
        } finally {
            if (!started) {
                // Closing the TUN descriptor removes the interface with its addresses and routes.
                if (udp != null) {
                    udp.close();
                }
                tun.close();
            }
        }
    }

    private void startThreads() {
        control = Thread.ofPlatform().name("wg-control-" + tun.name()).start(this::controlLoop);
        threads.add(control);
        threads.add(Thread.ofPlatform().name("wg-out-" + tun.name()).start(this::outboundLoop));
        threads.add(Thread.ofPlatform().name("wg-in-" + tun.name()).start(this::inboundLoop));
    }

    public String interfaceName() {
        return tun.name();
    }

    public int mtu() {
        return tun.mtu();
    }

    // ------------------------------------------------------------------ configuration (UAPI)

    WireGuardKey privateKey() {
        return privateKey;
    }

    int listenPort() {
        return udp.port();
    }

    int fwmark() {
        return fwmark;
    }

    WireGuardNode node() {
        return node;
    }

    List<PeerEntry> peerEntries() {
        List<PeerEntry> out = new ArrayList<>(peers.values());
        out.sort((a, b) -> a.peer.publicKey().toBase64().compareTo(b.peer.publicKey().toBase64()));
        return out;
    }

    Optional<PeerEntry> peerEntry(WireGuardKey key) {
        return Optional.ofNullable(peers.get(key));
    }

    List<IpPrefix> allowedIps(WireGuardPeer peer) {
        return allowed.prefixesOf(peer);
    }

    Object configLock() {
        return configLock;
    }

    /** Replaces the private key. The engine fixes its key at construction, so peers move to a new node. */
    void setPrivateKey(WireGuardKey key) {
        synchronized (configLock) {
            if (key.equals(privateKey)) {
                return;
            }
            WireGuardNode fresh = newNode(key, tun.mtu());
            AllowedIps<WireGuardPeer> table = new AllowedIps<>();
            Instant now = Instant.now();
            AllowedIps<WireGuardPeer> old = allowed;
            for (PeerEntry e : List.copyOf(peers.values())) {
                if (e.peer.publicKey().equals(key.publicKey())) {
                    // WireGuard drops a peer whose key becomes our own.
                    peers.remove(e.peer.publicKey());
                    continue;
                }
                WireGuardPeer p = fresh.addPeer(e.peer.publicKey(), e.presharedKey,
                    e.peer.persistentKeepalive().orElse(null), e.peer.endpoint(), now);
                for (IpPrefix prefix : old.prefixesOf(e.peer)) {
                    table.insert(prefix, p);
                }
                peers.put(p.publicKey(), new PeerEntry(p, e.presharedKey));
            }
            privateKey = key;
            node = fresh;
            allowed = table;
            wakeControl();
        }
    }

    void setListenPort(int port) throws IOException {
        synchronized (configLock) {
            if (port == udp.port() && port != 0) {
                return;
            }
            LinuxUdpSocket fresh = LinuxUdpSocket.bind(port);
            if (fwmark != 0) {
                fresh.setMark(fwmark);
            }
            LinuxUdpSocket old = udp;
            udp = fresh;
            old.close();
        }
    }

    void setFwmark(int mark) throws IOException {
        synchronized (configLock) {
            udp.setMark(mark);
            fwmark = mark;
        }
    }

    PeerEntry addPeer(WireGuardKey publicKey, WireGuardKey psk, Duration keepalive, InetSocketAddress endpoint,
            List<IpPrefix> allowedIps, Instant now) {
        synchronized (configLock) {
            WireGuardPeer p = node.addPeer(publicKey, psk, keepalive, endpoint, now);
            PeerEntry e = new PeerEntry(p, psk);
            peers.put(publicKey, e);
            if (!allowedIps.isEmpty()) {
                AllowedIps<WireGuardPeer> table = allowed.copy();
                for (IpPrefix prefix : allowedIps) {
                    table.insert(prefix, p);
                }
                allowed = table;
            }
            wakeControl();
            return e;
        }
    }

    void removePeer(PeerEntry e) {
        synchronized (configLock) {
            peers.remove(e.peer.publicKey());
            AllowedIps<WireGuardPeer> table = allowed.copy();
            table.removePeer(e.peer);
            allowed = table;
            node.removePeer(e.peer);
            waiting.remove(e.peer);
        }
    }

    void removeAllPeers() {
        synchronized (configLock) {
            for (PeerEntry e : List.copyOf(peers.values())) {
                removePeer(e);
            }
        }
    }

    void replaceAllowedIps(PeerEntry e) {
        synchronized (configLock) {
            AllowedIps<WireGuardPeer> table = allowed.copy();
            table.removePeer(e.peer);
            allowed = table;
        }
    }

    void addAllowedIp(PeerEntry e, IpPrefix prefix) {
        synchronized (configLock) {
            AllowedIps<WireGuardPeer> table = allowed.copy();
            table.insert(prefix, e.peer);
            allowed = table;
        }
    }

    void setPresharedKey(PeerEntry e, WireGuardKey psk) {
        e.presharedKey = psk;
        e.peer.setPresharedKey(psk);
    }

    void setPersistentKeepalive(PeerEntry e, Duration interval) {
        e.peer.setPersistentKeepalive(interval);
        wakeControl();
    }

    // ------------------------------------------------------------------ data plane

    private void wakeControl() {
        Thread c = control;
        if (c != null) {
            LockSupport.unpark(c);
        }
    }

    /** The raw socket address last used for a peer, recomputed only when the engine's endpoint changes. */
    private static final class EndpointCache {
        InetSocketAddress address;
        MemorySegment raw;
    }

    /** One outbound batch in flight: what every crypto worker needs, made once per thread. */
    private final class Outbound implements CryptoWorkers.Task {
        final PacketBatch packets;
        final DatagramBatch datagrams;
        final int[] sealed = new int[BATCH];
        final MemorySegment[] destination = new MemorySegment[BATCH];
        final List<Map<WireGuardPeer, EndpointCache>> endpoints = new ArrayList<>();
        Instant now;
        WireGuardNode engine;
        AllowedIps<WireGuardPeer> table;

        Outbound(PacketBatch packets, DatagramBatch datagrams, int workers) {
            this.packets = packets;
            this.datagrams = datagrams;
            for (int i = 0; i < workers; i++) {
                endpoints.add(new IdentityHashMap<>());
            }
        }

        @Override
        public void run(int from, int to, int worker) {
            Map<WireGuardPeer, EndpointCache> cache = endpoints.get(worker);
            PacketBatch out = datagrams.packets();
            for (int i = from; i < to; i++) {
                sealed[i] = -1;
                int length = packets.length(i);
                WireGuardPeer peer = table.lookupDestination(packets.segment(i), 0, length);
                if (peer == null) {
                    droppedNoPeer.incrementAndGet();
                    continue;
                }
                InetSocketAddress endpoint = peer.endpoint();
                if (endpoint == null) {
                    droppedNoEndpoint.incrementAndGet();
                    continue;
                }
                ByteBuffer plaintext = packets.buffer(i);
                plaintext.clear().limit(length);
                ByteBuffer datagram = out.buffer(i);
                datagram.clear();
                Encrypted r = engine.encrypt(peer, plaintext, datagram, now);
                if (r == Encrypted.SENT) {
                    sealed[i] = datagram.position();
                    EndpointCache c = cache.computeIfAbsent(peer, k -> new EndpointCache());
                    if (c.address != endpoint) {
                        c.address = endpoint;
                        c.raw = DatagramBatch.encode(endpoint);
                    }
                    destination[i] = c.raw;
                } else if (r == Encrypted.NO_SESSION) {
                    plaintext.clear().limit(length);
                    byte[] copy = new byte[length];
                    plaintext.get(copy);
                    waiting.computeIfAbsent(peer, k -> new ArrayBlockingQueue<>(QUEUED_PER_PEER)).offer(copy);
                    wakeControl();
                }
            }
            if (cache.size() > 4 * peers.size() + 16) {
                cache.clear();
            }
        }
    }

    private void outboundLoop() {
        int slot = Math.max(tun.mtu(), 1500) + 128;
        try (PacketBatch packets = new PacketBatch(BATCH, slot);
             DatagramBatch datagrams = new DatagramBatch(BATCH, slot + 64);
             CryptoWorkers workers = new CryptoWorkers(cryptoHelpers, "wg-seal-" + tun.name())) {
            Outbound batch = new Outbound(packets, datagrams, workers.parallelism());
            PacketBatch out = datagrams.packets();
            while (running) {
                int n = tun.read(packets, POLL_MILLIS);
                if (n < 0) {
                    break;
                }
                if (n == 0) {
                    continue;
                }
                batch.now = Instant.now();
                batch.engine = node;
                batch.table = allowed;
                workers.run(n, batch);
                int j = 0;
                for (int i = 0; i < n; i++) {
                    int length = batch.sealed[i];
                    if (length < 0) {
                        continue;
                    }
                    if (i != j) {
                        // Rare: a packet before this one was dropped; close the gap so the batch is contiguous.
                        MemorySegment.copy(out.segment(i), 0, out.segment(j), 0, length);
                    }
                    out.setLength(j, length);
                    datagrams.setAddress(j, batch.destination[i]);
                    j++;
                }
                if (j > 0) {
                    out.setCount(j);
                    sendBatch(datagrams);
                }
            }
        } catch (IOException | RuntimeException e) {
            if (running) {
                LOG.error("outbound data path of {} stopped: {}", tun.name(), e.toString(), e);
            }
        }
    }

    private void sendBatch(DatagramBatch batch) throws IOException {
        while (true) {
            LinuxUdpSocket s = udp;
            try {
                s.send(batch);
                return;
            } catch (IOException e) {
                if (!running || s == udp) {
                    throw e;
                }
                // The listen port changed under us: send on the new socket.
            }
        }
    }

    /** Caches the InetSocketAddress of the last source, so steady traffic allocates none. */
    private static final class SourceCache {
        final MemorySegment raw = MemorySegment.ofArray(new byte[28]);
        InetSocketAddress address;
    }

    /** One inbound batch in flight, shared by the crypto workers. */
    private final class Inbound implements CryptoWorkers.Task {
        final DatagramBatch datagrams;
        final PacketBatch packets;
        final int[] opened = new int[BATCH];
        final SourceCache[] sources;
        volatile boolean control;
        Instant now;
        WireGuardNode engine;
        AllowedIps<WireGuardPeer> table;

        Inbound(DatagramBatch datagrams, PacketBatch packets, int workers) {
            this.datagrams = datagrams;
            this.packets = packets;
            sources = new SourceCache[workers];
            for (int i = 0; i < workers; i++) {
                sources[i] = new SourceCache();
            }
        }

        @Override
        public void run(int from, int to, int worker) {
            SourceCache source = sources[worker];
            PacketBatch in = datagrams.packets();
            for (int i = from; i < to; i++) {
                opened[i] = -1;
                if (source.address == null || !datagrams.addressEquals(i, source.raw)) {
                    MemorySegment.copy(datagrams.address(i), 0, source.raw, 0, 28);
                    source.address = datagrams.socketAddress(i);
                }
                ByteBuffer datagram = in.buffer(i);
                datagram.clear().limit(in.length(i));
                ByteBuffer plaintext = packets.buffer(i);
                plaintext.clear();
                Received r = engine.decrypt(source.address, datagram, plaintext, now);
                switch (r.kind()) {
                    case DATA -> {
                        int length = plaintext.position();
                        if (table.lookupSource(packets.segment(i), 0, length) != r.peer()) {
                            droppedSource.incrementAndGet();
                        } else {
                            opened[i] = length;
                        }
                    }
                    case HANDSHAKE -> control = true;
                    case KEEPALIVE, DROPPED -> {
                    }
                }
            }
        }
    }

    private void inboundLoop() {
        int slot = Math.max(tun.mtu(), 1500) + 128;
        try (DatagramBatch datagrams = new DatagramBatch(BATCH, slot + 64);
             PacketBatch packets = new PacketBatch(BATCH, slot);
             CryptoWorkers workers = new CryptoWorkers(cryptoHelpers, "wg-open-" + tun.name())) {
            Inbound batch = new Inbound(datagrams, packets, workers.parallelism());
            while (running) {
                LinuxUdpSocket s = udp;
                int n = s.receive(datagrams, POLL_MILLIS);
                if (n < 0) {
                    if (s == udp) {
                        break;
                    }
                    continue;
                }
                if (n == 0) {
                    continue;
                }
                batch.now = Instant.now();
                batch.engine = node;
                batch.table = allowed;
                batch.control = false;
                workers.run(n, batch);
                // Runs of opened packets go out together, so a TCP flow's consecutive segments reach the stack as
                // one super-packet: written one by one, the receiver acknowledged every second or third segment, and
                // the acknowledgements cost the other direction a packet each.
                int run = 0;
                for (int i = 0; i <= n; i++) {
                    int length = i < n ? batch.opened[i] : -1;
                    if (length >= 0) {
                        packets.setLength(i, length);
                        continue;
                    }
                    if (i > run) {
                        tun.write(packets, run, i);
                    }
                    run = i + 1;
                }
                if (batch.control) {
                    wakeControl();
                }
            }
        } catch (IOException | RuntimeException e) {
            if (running) {
                LOG.error("inbound data path of {} stopped: {}", tun.name(), e.toString(), e);
            }
        }
    }

    private void controlLoop() {
        try (DatagramBatch batch = new DatagramBatch(16, 2048)) {
            while (running) {
                WireGuardNode engine = node;
                Instant now = Instant.now();
                Instant due = engine.pollTimeout();
                if (due != null && !due.isAfter(now)) {
                    engine.handleTimeout(now);
                }
                drainTransmits(engine, batch);
                for (WireGuardEvent ev = engine.pollEvent(); ev != null; ev = engine.pollEvent()) {
                    switch (ev) {
                        case WireGuardEvent.HandshakeCompleted hc -> {
                            LOG.info("handshake with peer {} completed", hc.peer().publicKey().toBase64());
                            flushWaiting(engine, hc.peer(), batch);
                        }
                        case WireGuardEvent.ConnectionExpired ce -> {
                            LOG.info("peer {}: {}", ce.peer().publicKey().toBase64(), ce.cause());
                            waiting.remove(ce.peer());
                        }
                    }
                }
                drainTransmits(engine, batch);
                Instant next = engine.pollTimeout();
                long waitNanos = 50_000_000L;
                if (next != null) {
                    long until = Duration.between(Instant.now(), next).toNanos();
                    waitNanos = Math.max(0, Math.min(waitNanos, until));
                }
                if (waitNanos > 0) {
                    LockSupport.parkNanos(waitNanos);
                }
            }
        } catch (IOException | RuntimeException e) {
            if (running) {
                LOG.error("control loop of {} stopped: {}", tun.name(), e.toString(), e);
            }
        }
    }

    private void drainTransmits(WireGuardNode engine, DatagramBatch batch) throws IOException {
        PacketBatch out = batch.packets();
        out.clear();
        for (Outgoing t = engine.pollTransmit(); t != null; t = engine.pollTransmit()) {
            InetSocketAddress to = t.endpoint();
            if (to == null) {
                droppedNoEndpoint.incrementAndGet();
                continue;
            }
            int slot = out.count();
            if (!out.add(ByteBuffer.wrap(t.payload()))) {
                continue;
            }
            batch.setAddress(slot, DatagramBatch.encode(to));
            if (out.count() == out.capacity()) {
                sendBatch(batch);
                out.clear();
            }
        }
        if (out.count() > 0) {
            sendBatch(batch);
            out.clear();
        }
    }

    private void flushWaiting(WireGuardNode engine, WireGuardPeer peer, DatagramBatch batch) throws IOException {
        ArrayBlockingQueue<byte[]> queue = waiting.get(peer);
        InetSocketAddress endpoint = peer.endpoint();
        if (queue == null || endpoint == null) {
            return;
        }
        MemorySegment raw = DatagramBatch.encode(endpoint);
        PacketBatch out = batch.packets();
        out.clear();
        Instant now = Instant.now();
        for (byte[] p = queue.poll(); p != null; p = queue.poll()) {
            int slot = out.count();
            ByteBuffer datagram = out.buffer(slot);
            datagram.clear();
            if (engine.encrypt(peer, ByteBuffer.wrap(p), datagram, now) == Encrypted.SENT) {
                out.setLength(slot, datagram.position());
                batch.setAddress(slot, raw);
                out.setCount(slot + 1);
                if (out.count() == out.capacity()) {
                    sendBatch(batch);
                    out.clear();
                }
            }
        }
        if (out.count() > 0) {
            sendBatch(batch);
            out.clear();
        }
    }

    /** Stops the threads, closes the port and removes the interface. */
    @Override
    public void close() {
        if (!running) {
            return;
        }
        running = false;
        wakeControl();
        udp.close();
        for (Thread t : threads) {
            try {
                t.join(3000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try (RtNetlink nl = RtNetlink.open()) {
            nl.deleteLink(linkIndex);
        } catch (IOException e) {
            LOG.debug("interface {} already gone: {}", tun.name(), e.getMessage());
        }
        tun.close();
    }
}
