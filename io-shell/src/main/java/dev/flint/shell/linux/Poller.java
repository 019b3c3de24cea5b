package dev.flint.shell.linux;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * Waits on a fixed set of descriptors with one {@code poll} call, plus an {@code eventfd} other threads use to
 * wake the waiter ({@link #wake}). The event loop's only blocking call: it sleeps until the TUN device or the UDP
 * socket has something, a task was posted, or its next timer is due. Owned by one thread; {@link #wake} may be
 * called from any.
 */
public final class Poller implements AutoCloseable {
    private static final short POLLIN = 1;
    private static final int EFD_NONBLOCK = 0x800;
    private static final int EFD_CLOEXEC = 0x80000;
    private static final int EINTR = 4;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option ERRNO_OPTION = Linker.Option.captureCallState("errno");
    private static final MethodHandle POLL = handle("poll", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle EVENTFD = handle("eventfd", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle READ = handle("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle WRITE = handle("write",
        FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle CLOSE = handle("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));

    private final Arena arena = Arena.ofShared();
    private final MemorySegment errno = arena.allocate(CAPTURE);
    private final MemorySegment wakeErrno = arena.allocate(CAPTURE);
    private final MemorySegment pollfds;
    private final MemorySegment counter = arena.allocate(8, 8);
    private final MemorySegment one = arena.allocate(8, 8);
    private int count;
    private final int eventFd;
    private volatile boolean closed;

    private static MethodHandle handle(String name, FunctionDescriptor fd) {
        return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(), fd, ERRNO_OPTION);
    }

    private static final int MAX_DESCRIPTORS = 8;

    /** Polls {@code fds} for input (see {@link #watch}); the wake-up descriptor comes last. */
    public Poller(int... fds) throws IOException {
        try {
            eventFd = (int) EVENTFD.invokeExact(errno, 0, EFD_NONBLOCK | EFD_CLOEXEC);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
        if (eventFd < 0) {
            arena.close();
            throw new IOException("cannot create an eventfd (errno " + (int) ERRNO.get(errno, 0L) + ")");
        }
        pollfds = arena.allocate(8L * (MAX_DESCRIPTORS + 1), 8);
        one.set(JAVA_LONG, 0, 1L);
        watch(fds);
    }

    /** From now on waits for these descriptors (index i in {@link #ready} is {@code fds[i]}). Owner thread only. */
    public void watch(int... fds) {
        if (fds.length > MAX_DESCRIPTORS) {
            throw new IllegalArgumentException("at most " + MAX_DESCRIPTORS + " descriptors");
        }
        count = fds.length + 1;
        for (int i = 0; i < fds.length; i++) {
            pollfds.set(JAVA_INT, 8L * i, fds[i]);
            pollfds.set(JAVA_SHORT, 8L * i + 4, POLLIN);
        }
        pollfds.set(JAVA_INT, 8L * fds.length, eventFd);
        pollfds.set(JAVA_SHORT, 8L * fds.length + 4, POLLIN);
    }

    /**
     * Waits up to {@code timeoutMillis} (0: just look) for input on any descriptor or a wake-up, which it consumes.
     * Afterwards {@link #ready} says which descriptors have input.
     */
    public void await(int timeoutMillis) throws IOException {
        for (int i = 0; i < count; i++) {
            pollfds.set(JAVA_SHORT, 8L * i + 6, (short) 0);
        }
        int n;
        try {
            n = (int) POLL.invokeExact(errno, pollfds, (long) count, timeoutMillis);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
        if (n < 0) {
            int e = (int) ERRNO.get(errno, 0L);
            if (e == EINTR) {
                return;
            }
            throw new IOException("poll failed (errno " + e + ")");
        }
        if (n > 0 && revents(count - 1) != 0) {
            try {
                long ignored = (long) READ.invokeExact(errno, eventFd, counter, 8L);
            } catch (Throwable t) {
                throw new AssertionError(t);
            }
        }
    }

    /** Whether descriptor number {@code index} (in the order given) had input or an error at the last wait. */
    public boolean ready(int index) {
        return index < count - 1 && revents(index) != 0;
    }

    private short revents(int index) {
        return pollfds.get(JAVA_SHORT, 8L * index + 6);
    }

    /** Ends the current or the next wait at once. Safe from any thread. */
    public void wake() {
        if (closed) {
            return;
        }
        try {
            long ignored = (long) WRITE.invokeExact(wakeErrno, eventFd, one, 8L);
        } catch (IllegalStateException closedMeanwhile) {
            // The loop ended between the check and the write: nobody is waiting any more.
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            int ignored = (int) CLOSE.invokeExact(errno, eventFd);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
        arena.close();
    }
}
