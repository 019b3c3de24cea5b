package dev.flint.shell.fake;

import dev.flint.shell.windows.WintunApi;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * wintun.dll's contract in memory: a receive ring the test fills, a send ring with a given number of
 * free slots, an auto-reset read event, and a log of the adapter and session calls. A finite wait
 * on an unsignalled event times out at once, moving the driver's clock ({@link #nanoTime()}, which the
 * device under test reads) on by its timeout instead of letting real time pass; an infinite one blocks.
 */
public final class FakeWintun implements WintunApi {
    public static final long LUID = 0x0006_0000_0001_2345L;

    public final Arena arena = Arena.ofShared();
    public final List<String> calls = new ArrayList<>();
    /** Waits beyond this mean the device spins on an empty ring instead of letting its timeout pass. */
    public static final int MAX_WAITS = 10_000;

    public final List<Integer> waits = new ArrayList<>();
    public final List<byte[]> sent = new ArrayList<>();
    public final CountDownLatch blockedInWait = new CountDownLatch(1);
    private final Deque<MemorySegment> ring = new ArrayDeque<>();
    private final Set<Long> unreleased = new HashSet<>();
    public int sendRoom = Integer.MAX_VALUE;
    public boolean ended;
    public Optional<String> existingAdapter = Optional.empty();
    public IOException sessionFailure;
    /** Runs inside a wait before it returns, e.g. to deliver a packet. */
    public Runnable duringWait = () -> { };
    private boolean signaled;
    private long nanos = 1_000_000_000L;
    private int inSession;
    public int inSessionWhenEnded = -1;

    public synchronized void deliver(byte[]... packets) {
        for (byte[] packet : packets) {
            MemorySegment segment = arena.allocate(packet.length);
            MemorySegment.copy(packet, 0, segment, ValueLayout.JAVA_BYTE, 0, packet.length);
            ring.add(segment);
        }
        signaled = true;
        notifyAll();
    }

    public synchronized int unreleased() {
        return unreleased.size();
    }

    @Override
    public synchronized Adapter createAdapter(String name, String tunnelType, UUID requestedGuid) {
        calls.add("createAdapter " + name + " " + tunnelType + " " + requestedGuid);
        return new Adapter(1);
    }

    @Override
    public synchronized Optional<Adapter> openAdapter(String name) {
        calls.add("openAdapter " + name);
        return existingAdapter.filter(name::equals).map(n -> new Adapter(2));
    }

    @Override
    public synchronized void closeAdapter(Adapter adapter) {
        calls.add("closeAdapter " + adapter.handle());
    }

    @Override
    public long adapterLuid(Adapter adapter) {
        return LUID;
    }

    @Override
    public synchronized boolean deleteDriver() {
        calls.add("deleteDriver");
        return true;
    }

    @Override
    public synchronized Session startSession(Adapter adapter, int ringCapacity) throws IOException {
        calls.add("startSession " + ringCapacity);
        if (sessionFailure != null) {
            throw sessionFailure;
        }
        return new Session(10);
    }

    @Override
    public synchronized void endSession(Session session) {
        calls.add("endSession");
        inSessionWhenEnded = inSession;
        ended = true;
    }

    @Override
    public Event readWaitEvent(Session session) {
        return new Event(20);
    }

    @Override
    public synchronized Received receivePacket(Session session) {
        if (ended) {
            return new Received.Ended();
        }
        MemorySegment packet = ring.poll();
        if (packet == null) {
            return new Received.Empty();
        }
        unreleased.add(packet.address());
        return new Received.Packet(packet);
    }

    @Override
    public synchronized void releaseReceivePacket(Session session, MemorySegment packet) {
        if (!unreleased.remove(packet.address())) {
            throw new AssertionError("released a packet that was not received");
        }
    }

    @Override
    public synchronized Allocated allocateSendPacket(Session session, int size) {
        if (ended) {
            return new Allocated.Ended();
        }
        if (sendRoom == 0) {
            return new Allocated.RingFull();
        }
        sendRoom--;
        return new Allocated.Packet(arena.allocate(size));
    }

    @Override
    public synchronized void sendPacket(Session session, MemorySegment packet) {
        sent.add(packet.toArray(ValueLayout.JAVA_BYTE));
    }

    /** The clock a device opened on this driver measures its read timeouts with. */
    public synchronized long nanoTime() {
        return nanos;
    }

    @Override
    public synchronized Wait waitForSingleObject(Event event, int timeoutMillis) {
        inSession++;
        try {
            if (waits.size() >= MAX_WAITS) {
                throw new AssertionError("waited " + MAX_WAITS + " times: the device does not let its timeout pass");
            }
            waits.add(timeoutMillis);
            duringWait.run();
            if (!signaled && timeoutMillis >= 0) {
                nanos += TimeUnit.MILLISECONDS.toNanos(Math.max(timeoutMillis, 1));
                return Wait.TIMED_OUT;
            }
            blockedInWait.countDown();
            while (!signaled) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    return Wait.FAILED;
                }
            }
            signaled = false;
            return Wait.SIGNALED;
        } finally {
            inSession--;
        }
    }

    @Override
    public synchronized void setEvent(Event event) {
        signaled = true;
        notifyAll();
    }
}
