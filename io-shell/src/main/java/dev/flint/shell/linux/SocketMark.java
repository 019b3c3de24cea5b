package dev.flint.shell.linux;

import com.sun.jna.LastErrorException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.NetworkChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Sets {@code SO_MARK} on a JDK socket channel, so its traffic skips the policy rule that sends
 * everything unmarked into the tunnel. The JDK exposes neither the option nor the descriptor, so the
 * descriptor is found the way {@code ss} would: among this process's open sockets, the one of the
 * same type bound to exactly the channel's local address. The channel must therefore be bound
 * (an unconnected TCP channel to an ephemeral port first) before it is marked.
 */
public final class SocketMark {
    private static final int SOL_SOCKET = 1;
    private static final int SO_TYPE = 3;
    private static final int SO_MARK = 36;
    private static final int SOCK_STREAM = 1;
    private static final int SOCK_DGRAM = 2;
    private static final int AF_INET = 2;
    private static final int AF_INET6 = 10;

    private SocketMark() {
    }

    /** Marks the socket behind {@code channel} (a bound {@link DatagramChannel} or {@link SocketChannel}). */
    public static void apply(NetworkChannel channel, int mark) throws IOException {
        apply(descriptor(channel), mark);
    }

    /** Marks the socket with descriptor {@code fd}, for libraries that expose it (Netty's epoll channels). */
    public static void apply(int fd, int mark) throws IOException {
        try {
            Libc.setsockopt(fd, SOL_SOCKET, SO_MARK, new int[] {mark}, 4);
        } catch (LastErrorException e) {
            throw new IOException("cannot set fwmark 0x" + Integer.toHexString(mark) + ": "
                + Libc.strerror(e.getErrorCode()));
        }
    }

    /** The mark the socket behind {@code channel} carries (0 when none). */
    public static int read(NetworkChannel channel) throws IOException {
        return read(descriptor(channel));
    }

    /** The mark the socket with descriptor {@code fd} carries. */
    public static int read(int fd) throws IOException {
        int[] value = new int[1];
        try {
            Libc.getsockopt(fd, SOL_SOCKET, SO_MARK, value, new int[] {4});
        } catch (LastErrorException e) {
            throw new IOException("cannot read the fwmark: " + Libc.strerror(e.getErrorCode()));
        }
        return value[0];
    }

    private static int descriptor(NetworkChannel channel) throws IOException {
        int type = switch (channel) {
            case DatagramChannel d -> SOCK_DGRAM;
            case SocketChannel s -> SOCK_STREAM;
            default -> throw new IOException("only datagram and socket channels can be marked");
        };
        InetSocketAddress local = (InetSocketAddress) channel.getLocalAddress();
        if (local == null || local.getPort() == 0) {
            throw new IOException("the channel must be bound before it can be marked");
        }
        List<Integer> matches = new ArrayList<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path entry : fds) {
                int fd;
                try {
                    fd = Integer.parseInt(entry.getFileName().toString());
                    if (!Files.readSymbolicLink(entry).toString().startsWith("socket:")) {
                        continue;
                    }
                } catch (NumberFormatException | IOException gone) {
                    continue; // closed meanwhile, or the directory stream's own descriptor
                }
                if (sameSocket(fd, type, local)) {
                    matches.add(fd);
                }
            }
        }
        if (matches.size() != 1) {
            throw new IOException(matches.isEmpty() ? "no socket bound to " + local + " in this process"
                : "several sockets are bound to " + local);
        }
        return matches.getFirst();
    }

    private static boolean sameSocket(int fd, int type, InetSocketAddress local) {
        int[] socketType = new int[1];
        byte[] address = new byte[128];
        int[] length = {address.length};
        try {
            Libc.getsockopt(fd, SOL_SOCKET, SO_TYPE, socketType, new int[] {4});
            if (socketType[0] != type) {
                return false;
            }
            Libc.getsockname(fd, address, length);
        } catch (LastErrorException e) {
            return false;
        }
        int family = (address[0] & 0xff) | (address[1] & 0xff) << 8;
        int port = (address[2] & 0xff) << 8 | (address[3] & 0xff);
        if (port != local.getPort()) {
            return false;
        }
        byte[] raw = switch (family) {
            case AF_INET -> Arrays.copyOfRange(address, 4, 8);
            case AF_INET6 -> Arrays.copyOfRange(address, 8, 24);
            default -> null;
        };
        if (raw == null) {
            return false;
        }
        try {
            return sameAddress(InetAddress.getByAddress(raw), local.getAddress());
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /**
     * The kernel reports a JDK dual-stack socket as IPv6; {@link InetAddress#getByAddress} turns a mapped
     * IPv4 address back into IPv4, and either wildcard stands for the other.
     */
    private static boolean sameAddress(InetAddress kernel, InetAddress java) {
        return kernel.equals(java) || (kernel.isAnyLocalAddress() && java.isAnyLocalAddress());
    }
}
