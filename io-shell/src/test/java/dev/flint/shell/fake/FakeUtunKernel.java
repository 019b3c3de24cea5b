package dev.flint.shell.fake;

import dev.flint.shell.macos.UtunSyscalls;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The kernel side of a utun socket in memory: answers CTLIOCGINFO with a control id, names the
 * interface after the unit that was connected, and queues datagrams (header included) both ways.
 * A readv splits a datagram over the two buffers as the kernel does. A poll never blocks: on an empty
 * socket it moves the kernel's own clock ({@link #nanoTime()}, which the device under test reads) on by
 * its timeout, so a read with a timeout of a minute ends after a few hundred polls and no real time.
 */
public final class FakeUtunKernel implements UtunSyscalls {
    public static final int CTL_ID = 0x2a;
    public static final int FD = 17;

    public final List<String> calls = new ArrayList<>();
    public final Deque<byte[]> incoming = new ArrayDeque<>();
    public final List<byte[]> written = new ArrayList<>();
    /** Polls beyond this mean the device spins on an empty socket instead of letting its timeout pass. */
    public static final int MAX_POLLS = 10_000;

    public final List<Integer> polls = new ArrayList<>();
    private long nanos = 1_000_000_000L;
    private int quietPolls;
    private Runnable arrival;
    public byte[] ioctlArgument;
    public byte[] connectedAddress;
    public int writeErrno;
    public int freeUnit = 4;
    public IOException ioctlFailure;
    public boolean closed;

    public void deliver(int family, byte[] packet) {
        incoming.add(ByteBuffer.allocate(4 + packet.length).putInt(family).put(packet).array());
    }

    @Override
    public int socket(int domain, int type, int protocol) {
        calls.add("socket " + domain + " " + type + " " + protocol);
        return FD;
    }

    @Override
    public void ioctl(int fd, long request, byte[] argument) throws IOException {
        calls.add("ioctl " + Long.toHexString(request));
        if (ioctlFailure != null) {
            throw ioctlFailure;
        }
        ioctlArgument = argument.clone();
        ByteBuffer.wrap(argument).order(ByteOrder.nativeOrder()).putInt(0, CTL_ID);
    }

    @Override
    public void connect(int fd, byte[] address) {
        calls.add("connect");
        connectedAddress = address.clone();
    }

    @Override
    public byte[] getsockopt(int fd, int level, int option, int length) {
        calls.add("getsockopt " + level + " " + option);
        int scUnit = ByteBuffer.wrap(connectedAddress).order(ByteOrder.nativeOrder()).getInt(8);
        String name = "utun" + (scUnit == 0 ? freeUnit : scUnit - 1);
        return Arrays.copyOf(name.getBytes(), length);
    }

    @Override
    public void configure(int fd) {
        calls.add("configure");
    }

    @Override
    public synchronized long read(int fd, MemorySegment header, MemorySegment packet) {
        if (closed) {
            return -EBADF;
        }
        byte[] datagram = incoming.poll();
        if (datagram == null) {
            return -EAGAIN;
        }
        int toHeader = (int) Math.min(datagram.length, header.byteSize());
        MemorySegment.copy(datagram, 0, header, ValueLayout.JAVA_BYTE, 0, toHeader);
        int toPacket = (int) Math.min(datagram.length - toHeader, packet.byteSize());
        MemorySegment.copy(datagram, toHeader, packet, ValueLayout.JAVA_BYTE, 0, toPacket);
        return toHeader + toPacket;
    }

    @Override
    public synchronized long write(int fd, MemorySegment header, MemorySegment packet, int length) {
        if (writeErrno != 0) {
            return -writeErrno;
        }
        byte[] datagram = new byte[(int) header.byteSize() + length];
        MemorySegment.copy(header, ValueLayout.JAVA_BYTE, 0, datagram, 0, (int) header.byteSize());
        MemorySegment.copy(packet, ValueLayout.JAVA_BYTE, 0, datagram, (int) header.byteSize(), length);
        written.add(datagram);
        return datagram.length;
    }

    /** Runs {@code arrival} (a delivery, say) during the poll that follows {@code quiet} empty ones. */
    public synchronized void afterPolls(int quiet, Runnable arrival) {
        this.quietPolls = quiet;
        this.arrival = arrival;
    }

    /** The clock a device opened on this kernel measures its read timeouts with. */
    public synchronized long nanoTime() {
        return nanos;
    }

    @Override
    public synchronized int pollIn(int fd, int timeoutMillis) {
        if (polls.size() >= MAX_POLLS) {
            throw new AssertionError("polled " + MAX_POLLS + " times: the device does not let its timeout pass");
        }
        polls.add(timeoutMillis);
        if (arrival != null && polls.size() > quietPolls) {
            Runnable now = arrival;
            arrival = null;
            now.run();
        }
        if (!incoming.isEmpty()) {
            return 1;
        }
        // Nothing arrives while the poll waits, so all of its timeout passes (at least a millisecond: a
        // zero-timeout poll still takes time, and a device polling with zero forever must not spin in place).
        nanos += TimeUnit.MILLISECONDS.toNanos(Math.max(timeoutMillis, 1));
        return 0;
    }

    @Override
    public synchronized void close(int fd) {
        calls.add("close " + fd);
        closed = true;
    }
}
