package dev.flint.tunnel.linux;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches rtnetlink for link, address and route changes on every interface but the tunnel's own,
 * and reports them (the interface indexes that changed) after a quiet period, so a burst of
 * events — Wi-Fi roaming, a DHCP renewal — causes one session reset, not dozens.
 */
public final class NetworkChangeMonitor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NetworkChangeMonitor.class);
    private static final int AF_NETLINK = 16;
    private static final int SOCK_RAW = 3;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int NETLINK_ROUTE = 0;
    private static final int SOL_SOCKET = 1;
    private static final int SO_RCVTIMEO = 20;
    /** RTMGRP_LINK | IPV4_IFADDR | IPV4_ROUTE | IPV6_IFADDR | IPV6_ROUTE. */
    static final int GROUPS = 0x1 | 0x10 | 0x40 | 0x100 | 0x400;
    private static final int RTA_OIF = 4;

    interface C extends Library {
        C INSTANCE = Native.load("c", C.class);

        int socket(int domain, int type, int protocol) throws LastErrorException;

        int bind(int fd, byte[] address, int length) throws LastErrorException;

        int setsockopt(int fd, int level, int name, long[] value, int length) throws LastErrorException;

        NativeLong recv(int fd, byte[] buffer, NativeLong length, int flags) throws LastErrorException;

        int close(int fd);

        int if_nametoindex(String name);
    }

    private final int fd;
    private final String ignoredInterface;
    private final Duration quiet;
    private final Consumer<Set<Integer>> onChange;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().name("network-change").daemon().unstarted(r));
    private final Set<Integer> pending = new TreeSet<>();
    private final Thread reader;
    private volatile boolean closed;
    private int ignoredIndex;

    private NetworkChangeMonitor(int fd, String ignoredInterface, Duration quiet, Consumer<Set<Integer>> onChange) {
        this.fd = fd;
        this.ignoredInterface = ignoredInterface;
        this.quiet = quiet;
        this.onChange = onChange;
        this.reader = Thread.ofPlatform().name("netlink-monitor").daemon().unstarted(this::readLoop);
    }

    /**
     * Subscribes in the calling thread's network namespace and starts reporting to {@code onChange}.
     */
    public static NetworkChangeMonitor start(String ignoredInterface, Duration quiet, Consumer<Set<Integer>> onChange)
            throws IOException {
        int fd;
        try {
            fd = C.INSTANCE.socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
        } catch (LastErrorException e) {
            throw new IOException("cannot open a netlink socket (errno " + e.getErrorCode() + ")");
        }
        try {
            ByteBuffer address = ByteBuffer.allocate(12).order(ByteOrder.nativeOrder());
            address.putShort((short) AF_NETLINK).putShort((short) 0).putInt(0).putInt(GROUPS);
            C.INSTANCE.bind(fd, address.array(), 12);
            // A receive timeout lets the reader notice close() without signals.
            C.INSTANCE.setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, new long[] {0, 200_000}, 16);
        } catch (LastErrorException e) {
            C.INSTANCE.close(fd);
            throw new IOException("cannot subscribe to network changes (errno " + e.getErrorCode() + ")");
        }
        NetworkChangeMonitor monitor = new NetworkChangeMonitor(fd, ignoredInterface, quiet, onChange);
        monitor.reader.start();
        return monitor;
    }

    private void readLoop() {
        byte[] buffer = new byte[64 * 1024];
        while (!closed) {
            int n;
            try {
                n = C.INSTANCE.recv(fd, buffer, new NativeLong(buffer.length), 0).intValue();
            } catch (LastErrorException e) {
                continue; // timeout (EAGAIN), EINTR, or ENOBUFS after an overflow: keep listening
            }
            if (n > 0) {
                refreshIgnoredIndex();
                Set<Integer> changed = indexes(ByteBuffer.wrap(buffer, 0, n).order(ByteOrder.nativeOrder()));
                changed.remove(ignoredIndex);
                if (!changed.isEmpty()) {
                    note(changed);
                }
            }
        }
    }

    private void refreshIgnoredIndex() {
        int index = C.INSTANCE.if_nametoindex(ignoredInterface);
        if (index != 0) {
            ignoredIndex = index;
        }
    }

    private synchronized void note(Set<Integer> changed) {
        boolean first = pending.isEmpty();
        pending.addAll(changed);
        if (first) {
            timer.schedule(this::report, quiet.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void report() {
        Set<Integer> batch;
        synchronized (this) {
            batch = Set.copyOf(pending);
            pending.clear();
        }
        if (!closed) {
            LOG.info("Network changed on interface(s) {}", batch);
            onChange.accept(batch);
        }
    }

    /** The interface indexes that the rtnetlink messages in {@code messages} are about. */
    static Set<Integer> indexes(ByteBuffer messages) {
        Set<Integer> indexes = new TreeSet<>();
        int offset = messages.position();
        int end = messages.limit();
        while (offset + 16 <= end) {
            int length = messages.getInt(offset);
            int type = messages.getShort(offset + 4) & 0xffff;
            if (length < 16 || offset + length > end) {
                break;
            }
            switch (type) {
                case 16, 17, 20, 21 -> {
                    if (length >= 24) {
                        indexes.add(messages.getInt(offset + 20));
                    }
                }
                case 24, 25 -> {
                    int attribute = offset + 16 + 12;
                    int limit = offset + length;
                    while (attribute + 4 <= limit) {
                        int attributeLength = messages.getShort(attribute) & 0xffff;
                        int attributeType = messages.getShort(attribute + 2) & 0xffff;
                        if (attributeLength < 4) {
                            break;
                        }
                        if (attributeType == RTA_OIF && attributeLength >= 8) {
                            indexes.add(messages.getInt(attribute + 4));
                        }
                        attribute += (attributeLength + 3) & ~3;
                    }
                }
                default -> {
                }
            }
            offset += (length + 3) & ~3;
        }
        return indexes;
    }

    @Override
    public void close() {
        closed = true;
        try {
            reader.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        C.INSTANCE.close(fd);
        timer.shutdownNow();
    }
}
