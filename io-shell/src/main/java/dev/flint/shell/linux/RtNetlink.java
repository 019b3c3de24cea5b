package dev.flint.shell.linux;

import com.sun.jna.LastErrorException;
import com.sun.jna.NativeLong;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A typed facade over rtnetlink ({@code AF_NETLINK}, {@code NETLINK_ROUTE}): link state and MTU,
 * interface addresses, routes through an interface, and link deletion. Each request asks for an
 * acknowledgement, and a kernel refusal becomes an {@link IOException} naming the operation.
 */
public final class RtNetlink implements AutoCloseable {

    private static final int AF_NETLINK = 16;
    private static final int SOCK_RAW = 3;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int NETLINK_ROUTE = 0;

    private static final short RTM_NEWLINK = 16;
    private static final short RTM_DELLINK = 17;
    private static final short RTM_DELADDR = 21;
    private static final short RTM_NEWADDR = 20;
    private static final short RTM_NEWROUTE = 24;
    private static final short RTM_DELROUTE = 25;
    private static final short NLMSG_ERROR = 2;
    private static final short NLM_F_REQUEST = 1;
    private static final short NLM_F_ACK = 4;
    private static final short NLM_F_EXCL = 0x200;
    private static final short NLM_F_CREATE = 0x400;
    private static final short NLM_F_REPLACE = 0x100;

    private static final short IFLA_MTU = 4;
    private static final short IFLA_TXQLEN = 13;
    private static final short IFA_ADDRESS = 1;
    private static final short IFA_LOCAL = 2;
    private static final short RTA_DST = 1;
    private static final short RTA_OIF = 4;
    private static final short RTA_PRIORITY = 6;
    private static final int IFF_UP = 1;
    private static final int AF_INET = 2;
    private static final int AF_INET6 = 10;
    private static final byte RT_TABLE_MAIN = (byte) 254;
    private static final byte RTPROT_BOOT = 3;
    private static final byte RT_SCOPE_UNIVERSE = 0;
    private static final byte RT_SCOPE_LINK = (byte) 253;
    private static final byte RTN_UNICAST = 1;

    private final int fd;
    private int sequence = 1;
    private final ByteBuffer request = ByteBuffer.allocate(1024).order(ByteOrder.nativeOrder());
    private final byte[] reply = new byte[8192];

    private RtNetlink(int fd) {
        this.fd = fd;
    }

    public static RtNetlink open() throws IOException {
        try {
            int fd = JnaLibc.socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
            byte[] sockaddr = new byte[12];
            sockaddr[0] = (byte) AF_NETLINK;
            JnaLibc.bind(fd, sockaddr, sockaddr.length);
            return new RtNetlink(fd);
        } catch (LastErrorException e) {
            throw new IOException("cannot open a netlink socket: " + JnaLibc.strerror(e.getErrorCode()));
        }
    }

    /** The kernel's index of interface {@code name}. */
    public static int linkIndex(String name) throws IOException {
        try {
            int index = JnaLibc.if_nametoindex(name);
            if (index == 0) {
                throw new IOException("no interface named " + name);
            }
            return index;
        } catch (LastErrorException e) {
            throw new IOException("no interface named " + name + ": " + JnaLibc.strerror(e.getErrorCode()));
        }
    }

    public void setLinkUp(int index) throws IOException {
        link(RTM_NEWLINK, 0, index, IFF_UP, IFF_UP);
        commit("bring link " + index + " up");
    }

    public void setLinkDown(int index) throws IOException {
        link(RTM_NEWLINK, 0, index, 0, IFF_UP);
        commit("bring link " + index + " down");
    }

    public void setMtu(int index, int mtu) throws IOException {
        link(RTM_NEWLINK, 0, index, 0, 0);
        attribute(IFLA_MTU, mtu);
        commit("set MTU " + mtu + " on link " + index);
    }

    /** Sets the link's transmit queue length: how many packets the kernel holds for a slow reader. */
    public void setTxQueueLength(int index, int packets) throws IOException {
        link(RTM_NEWLINK, 0, index, 0, 0);
        attribute(IFLA_TXQLEN, packets);
        commit("set transmit queue length " + packets + " on link " + index);
    }

    public void deleteLink(int index) throws IOException {
        link(RTM_DELLINK, 0, index, 0, 0);
        commit("delete link " + index);
    }

    /** Adds {@code address/prefixLength} to the link, as {@code ip addr add} does. */
    public void addAddress(int index, InetAddress address, int prefixLength) throws IOException {
        boolean v4 = address instanceof Inet4Address;
        header(RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL);
        request.put((byte) (v4 ? AF_INET : AF_INET6)).put((byte) prefixLength).put((byte) 0)
            .put(RT_SCOPE_UNIVERSE).putInt(index);
        attribute(IFA_LOCAL, address.getAddress());
        attribute(IFA_ADDRESS, address.getAddress());
        commit("add address " + address.getHostAddress() + "/" + prefixLength + " to link " + index);
    }

    /** Removes {@code address/prefixLength} from the link, as {@code ip addr del} does. */
    public void deleteAddress(int index, InetAddress address, int prefixLength) throws IOException {
        boolean v4 = address instanceof Inet4Address;
        header(RTM_DELADDR, 0);
        request.put((byte) (v4 ? AF_INET : AF_INET6)).put((byte) prefixLength).put((byte) 0)
            .put(RT_SCOPE_UNIVERSE).putInt(index);
        attribute(IFA_LOCAL, address.getAddress());
        attribute(IFA_ADDRESS, address.getAddress());
        commit("remove address " + address.getHostAddress() + "/" + prefixLength + " from link " + index);
    }

    /** Adds a route to {@code destination/prefixLength} through the link (scope link, main table). */
    public void addRoute(int index, InetAddress destination, int prefixLength) throws IOException {
        route(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_REPLACE, index, destination, prefixLength);
        commit("add route " + destination.getHostAddress() + "/" + prefixLength + " via link " + index);
    }

    public void removeRoute(int index, InetAddress destination, int prefixLength) throws IOException {
        route(RTM_DELROUTE, 0, index, destination, prefixLength);
        commit("remove route " + destination.getHostAddress() + "/" + prefixLength + " via link " + index);
    }

    private void route(short type, int flags, int index, InetAddress destination, int prefixLength) {
        boolean v4 = destination instanceof Inet4Address;
        header(type, flags);
        request.put((byte) (v4 ? AF_INET : AF_INET6)).put((byte) prefixLength).put((byte) 0).put((byte) 0)
            .put(RT_TABLE_MAIN).put(RTPROT_BOOT).put(RT_SCOPE_LINK).put(RTN_UNICAST).putInt(0);
        if (prefixLength > 0) {
            attribute(RTA_DST, destination.getAddress());
        }
        attribute(RTA_OIF, index);
        if (!v4) {
            // The kernel's default metric for IPv6 routes; without it a delete does not match.
            attribute(RTA_PRIORITY, 1024);
        }
    }

    private void link(short type, int flags, int index, int ifFlags, int change) {
        header(type, flags);
        request.put((byte) 0).put((byte) 0).putShort((short) 0).putInt(index).putInt(ifFlags).putInt(change);
    }

    private void header(short type, int flags) {
        request.clear();
        request.putInt(0).putShort(type).putShort((short) (NLM_F_REQUEST | NLM_F_ACK | flags))
            .putInt(++sequence).putInt(0);
    }

    private void attribute(short type, int value) {
        request.putShort((short) 8).putShort(type).putInt(value);
    }

    private void attribute(short type, byte[] value) {
        request.putShort((short) (4 + value.length)).putShort(type).put(value);
        while (request.position() % 4 != 0) {
            request.put((byte) 0);
        }
    }

    private void commit(String what) throws IOException {
        int length = request.position();
        request.putInt(0, length);
        byte[] bytes = new byte[length];
        request.get(0, bytes);
        try {
            JnaLibc.send(fd, bytes, new NativeLong(length), 0);
        } catch (LastErrorException e) {
            throw new IOException("cannot " + what + ": " + JnaLibc.strerror(e.getErrorCode()));
        }
        while (true) {
            int n;
            try {
                n = JnaLibc.recv(fd, reply, new NativeLong(reply.length), 0).intValue();
            } catch (LastErrorException e) {
                throw new IOException("cannot " + what + ": " + JnaLibc.strerror(e.getErrorCode()));
            }
            ByteBuffer in = ByteBuffer.wrap(reply, 0, n).order(ByteOrder.nativeOrder());
            while (in.remaining() >= 16) {
                int start = in.position();
                int len = in.getInt(start);
                short type = in.getShort(start + 4);
                int seq = in.getInt(start + 8);
                if (len < 16 || start + len > n) {
                    break;
                }
                if (type == NLMSG_ERROR && seq == sequence) {
                    int error = in.getInt(start + 16);
                    if (error == 0) {
                        return;
                    }
                    throw new IOException("cannot " + what + ": " + JnaLibc.strerror(-error));
                }
                in.position(start + ((len + 3) & ~3));
            }
        }
    }

    @Override
    public void close() {
        try {
            JnaLibc.close(fd);
        } catch (LastErrorException ignored) {
            // Nothing to release.
        }
    }

    static String nameOf(byte[] bytes) {
        int end = 0;
        while (end < bytes.length && bytes[end] != 0) {
            end++;
        }
        return new String(bytes, 0, end, StandardCharsets.US_ASCII);
    }
}
