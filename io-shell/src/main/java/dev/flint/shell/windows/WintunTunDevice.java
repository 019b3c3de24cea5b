package dev.flint.shell.windows;

import dev.flint.shell.DeviceGate;
import dev.flint.shell.PacketBatch;
import dev.flint.shell.TunDevice;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * A Wintun adapter with one session: packets are copied out of the driver's receive ring into
 * {@link PacketBatch} slots and into its send ring from them. A read drains what the ring holds, up
 * to the batch size, and only waits on the session's read event when the ring is empty.
 *
 * <p>Closing follows wireguard-go's order: mark closed, set the read event so a waiting reader
 * wakes, wait until no call is inside the session, then end the session and close the adapter
 * (which removes it, since this process created it). Wintun ties an adapter to the process that
 * created it, so a crashed service leaves none behind. Not yet run on Windows.
 */
public final class WintunTunDevice implements TunDevice {
    /** Flint's adapter GUID, fixed so Windows keeps one network profile for it across restarts. */
    public static final UUID ADAPTER_GUID = UUID.fromString("5282d8e4-927f-4ac5-8a5e-dc275ef08b5f");
    public static final String TUNNEL_TYPE = "Flint";
    /** 16 MiB per ring, as Firezone sizes it (10 Gbit/s for 10 ms). */
    public static final int DEFAULT_RING_CAPACITY = 0x1000000;
    private static final int INFINITE = -1;

    private final WintunApi api;
    /** Nanoseconds for read deadlines: the system's clock, or the in-memory driver's in tests. */
    private final LongSupplier nanoTime;
    private final String name;
    private final int mtu;
    private final WintunApi.Adapter adapter;
    private final WintunApi.Session session;
    private final WintunApi.Event readEvent;
    // Calls inside the session: it is ended only when none is, so no thread touches a freed ring.
    private final DeviceGate gate = new DeviceGate();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong writeErrors = new AtomicLong();

    private WintunTunDevice(WintunApi api, LongSupplier nanoTime, String name, int mtu, WintunApi.Adapter adapter,
                            WintunApi.Session session) {
        this.api = api;
        this.nanoTime = nanoTime;
        this.name = name;
        this.mtu = mtu;
        this.adapter = adapter;
        this.session = session;
        this.readEvent = api.readWaitEvent(session);
    }

    /** Creates the adapter {@code name} and starts a session with rings of {@code ringCapacity} bytes. */
    public static WintunTunDevice open(WintunApi api, String name, int mtu, int ringCapacity) throws IOException {
        return open(api, name, mtu, ringCapacity, System::nanoTime);
    }

    /** As {@link #open(WintunApi, String, int, int)}, with read timeouts measured on {@code nanoTime}. */
    public static WintunTunDevice open(WintunApi api, String name, int mtu, int ringCapacity, LongSupplier nanoTime)
            throws IOException {
        if (Integer.bitCount(ringCapacity) != 1 || ringCapacity < WintunApi.MIN_RING_CAPACITY
                || ringCapacity > WintunApi.MAX_RING_CAPACITY) {
            throw new IllegalArgumentException("the Wintun ring capacity must be a power of two from "
                    + WintunApi.MIN_RING_CAPACITY + " to " + WintunApi.MAX_RING_CAPACITY + ", not " + ringCapacity);
        }
        WintunApi.Adapter adapter = api.createAdapter(name, TUNNEL_TYPE, ADAPTER_GUID);
        WintunApi.Session session;
        try {
            session = api.startSession(adapter, ringCapacity);
        } catch (IOException | RuntimeException e) {
            api.closeAdapter(adapter);
            throw e;
        }
        return new WintunTunDevice(api, nanoTime, name, mtu, adapter, session);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int mtu() {
        return mtu;
    }

    /** The adapter's {@code NET_LUID}, which the IP Helper API addresses it by. */
    public long luid() {
        return api.adapterLuid(adapter);
    }

    /** Packets lost: larger than a batch slot on the way in, or no room in the send ring on the way out. */
    public long dropped() {
        return dropped.get();
    }

    public long writeErrors() {
        return writeErrors.get();
    }

    @Override
    public int read(PacketBatch batch, int timeoutMillis) throws IOException {
        if (!gate.enter()) {
            return -1;
        }
        try {
            return readInSession(batch, timeoutMillis);
        } finally {
            gate.exit();
        }
    }

    private int readInSession(PacketBatch batch, int timeoutMillis) throws IOException {
        batch.clear();
        long deadline = nanoTime.getAsLong() + TimeUnit.MILLISECONDS.toNanos(Math.max(timeoutMillis, 0));
        int n = 0;
        boolean waited = false;
        while (n < batch.capacity()) {
            if (gate.isClosed()) {
                return -1;
            }
            switch (api.receivePacket(session)) {
                case WintunApi.Received.Packet(MemorySegment data) -> {
                    long length = data.byteSize();
                    if (length > batch.slotSize()) {
                        dropped.incrementAndGet();
                    } else {
                        MemorySegment.copy(data, 0, batch.segment(n), 0, length);
                        batch.setLength(n++, (int) length);
                    }
                    api.releaseReceivePacket(session, data);
                }
                case WintunApi.Received.Empty() -> {
                    if (n > 0) {
                        batch.setCount(n);
                        return n;
                    }
                    int wait = INFINITE;
                    if (timeoutMillis >= 0) {
                        long left = TimeUnit.NANOSECONDS.toMillis(deadline - nanoTime.getAsLong());
                        if (left <= 0 && waited) {
                            return 0;
                        }
                        wait = (int) Math.max(left, 0);
                    }
                    waited = true;
                    WintunApi.Wait result = api.waitForSingleObject(readEvent, wait);
                    if (gate.isClosed()) {
                        return -1;
                    }
                    switch (result) {
                        case SIGNALED -> {
                            // Something arrived (or a spurious wake-up): look at the ring again.
                        }
                        case TIMED_OUT -> {
                            return 0;
                        }
                        case FAILED -> throw new IOException("waiting for packets on " + name + " failed");
                    }
                }
                case WintunApi.Received.Ended() -> {
                    if (n == 0) {
                        return -1;
                    }
                    batch.setCount(n);
                    return n;
                }
                case WintunApi.Received.Failed(int error) ->
                        throw new IOException("reading from " + name + " failed (Windows error " + error + ")");
            }
        }
        batch.setCount(n);
        return n;
    }

    @Override
    public void write(PacketBatch batch) throws IOException {
        for (int i = 0; i < batch.count(); i++) {
            write(batch, i);
        }
    }

    @Override
    public void write(PacketBatch batch, int slot) throws IOException {
        if (!gate.enter()) {
            throw new IOException(name + " is closed");
        }
        try {
            int length = batch.length(slot);
            if (length == 0 || length > WintunApi.MAX_IP_PACKET_SIZE) {
                writeErrors.incrementAndGet();
                return;
            }
            switch (api.allocateSendPacket(session, length)) {
                case WintunApi.Allocated.Packet(MemorySegment data) -> {
                    MemorySegment.copy(batch.segment(slot), 0, data, 0, length);
                    api.sendPacket(session, data);
                }
                // A full ring means the OS is not keeping up: drop, as a NIC would.
                case WintunApi.Allocated.RingFull() -> dropped.incrementAndGet();
                case WintunApi.Allocated.Ended() -> throw new IOException(name + " is closed");
                case WintunApi.Allocated.Failed(int error) -> writeErrors.incrementAndGet();
            }
        } finally {
            gate.exit();
        }
    }

    @Override
    public void close() {
        // A reader may wait on the read event without a timeout: setting it wakes the reader, which sees the gate shut.
        if (!gate.close(java.time.Duration.ofSeconds(10), () -> api.setEvent(readEvent))) {
            return;
        }
        api.endSession(session);
        api.closeAdapter(adapter);
    }
}
