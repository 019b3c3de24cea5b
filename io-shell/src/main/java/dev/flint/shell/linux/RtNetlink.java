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
 * A typed facade over rtnetlink ({@code AF_NETLINK}, {@code NETLINK_ROUTE}), and the only place
 * Flint encodes or decodes its messages: link state and MTU, interface addresses, routes through an
 * interface (main table or a table of their own), policy-routing rules on a firewall mark, link
 * deletion, and the change notifications a subscribed socket receives. Each request asks for an
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
    private static final short RTM_NEWRULE = 32;
    private static final short RTM_DELRULE = 33;
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
    private static final short RTA_TABLE = 15;
    private static final short FRA_PRIORITY = 6;
    private static final short FRA_FWMARK = 10;
    private static final short FRA_TABLE = 15;
    private static final short FRA_FWMASK = 16;
    private static final byte FR_ACT_TO_TBL = 1;
    private static final int FIB_RULE_INVERT = 0x2;
    private static final byte RTPROT_STATIC = 4;
    private static final int ENOENT = 2;
    private static final int EEXIST = 17;
    private static final int SOL_SOCKET = 1;
    private static final int SO_RCVTIMEO = 20;

    /** {@code RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV4_ROUTE | RTMGRP_IPV6_IFADDR | RTMGRP_IPV6_ROUTE}. */
    public static final int LINK_ADDRESS_ROUTE_GROUPS = 0x1 | 0x10 | 0x40 | 0x100 | 0x400;
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
        return bound(0);
    }

    /**
     * A socket that receives the kernel's notifications for {@code groups} (e.g.
     * {@link #LINK_ADDRESS_ROUTE_GROUPS}); {@link #receive} waits at most {@code receiveTimeout}, so
     * a reader can look at its own closed flag between waits without signals.
     */
    public static RtNetlink subscribe(int groups, java.time.Duration receiveTimeout) throws IOException {
        RtNetlink netlink = bound(groups);
        java.nio.ByteBuffer timeval = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder());
        timeval.putLong(receiveTimeout.toSeconds()).putLong(receiveTimeout.toMillisPart() * 1000L);
        int[] value = new int[4];
        timeval.flip().asIntBuffer().get(value);
        try {
            Libc.setsockopt(netlink.fd, SOL_SOCKET, SO_RCVTIMEO, value, 16);
        } catch (LastErrorException e) {
            netlink.close();
            throw new IOException("cannot set a receive timeout on the netlink socket: "
                + Libc.strerror(e.getErrorCode()));
        }
        return netlink;
    }

    private static RtNetlink bound(int groups) throws IOException {
        int fd;
        try {
            fd = Libc.socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
        } catch (LastErrorException e) {
            throw new IOException("cannot open a netlink socket: " + Libc.strerror(e.getErrorCode()));
        }
        ByteBuffer sockaddr = ByteBuffer.allocate(12).order(ByteOrder.nativeOrder());
        sockaddr.putShort((short) AF_NETLINK).putShort((short) 0).putInt(0).putInt(groups);
        try {
            Libc.bind(fd, sockaddr.array(), 12);
        } catch (LastErrorException e) {
            Libc.close(fd);
            throw new IOException("cannot bind a netlink socket: " + Libc.strerror(e.getErrorCode()));
        }
        return new RtNetlink(fd);
    }

    /**
     * Waits for notifications and returns how many bytes of them {@code buffer} holds; 0 when the
     * receive timeout passed, a signal interrupted, or the kernel dropped messages because the
     * socket was full (the caller then simply listens on).
     */
    public int receive(byte[] buffer) {
        try {
            return Math.max(Libc.recv(fd, buffer, new NativeLong(buffer.length), 0).intValue(), 0);
        } catch (LastErrorException e) {
            return 0;
        }
    }

    /** The interface indexes that the link, address and route notifications in {@code messages} are about. */
    public static java.util.Set<Integer> interfacesIn(ByteBuffer messages) {
        java.util.Set<Integer> indexes = new java.util.TreeSet<>();
        int offset = messages.position();
        int end = messages.limit();
        while (offset + 16 <= end) {
            int length = messages.getInt(offset);
            int type = messages.getShort(offset + 4) & 0xffff;
            if (length < 16 || offset + length > end) {
                break;
            }
            switch (type) {
                case RTM_NEWLINK, RTM_DELLINK, RTM_NEWADDR, RTM_DELADDR -> {
                    // ifinfomsg and ifaddrmsg both carry the index at byte 4 of their body.
                    if (length >= 24) {
                        indexes.add(messages.getInt(offset + 20));
                    }
                }
                case RTM_NEWROUTE, RTM_DELROUTE -> {
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

    /** The kernel's index of interface {@code name}. */
    public static int linkIndex(String name) throws IOException {
        try {
            int index = Libc.if_nametoindex(name);
            if (index == 0) {
                throw new IOException("no interface named " + name);
            }
            return index;
        } catch (LastErrorException e) {
            throw new IOException("no interface named " + name + ": " + Libc.strerror(e.getErrorCode()));
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

    /** Adds a unicast route to {@code destination/prefixLength} through the link into routing table {@code table}. */
    public void addTableRoute(int index, InetAddress destination, int prefixLength, int table) throws IOException {
        tableRoute(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, index, destination, prefixLength, table);
        commit("add route " + destination.getHostAddress() + "/" + prefixLength + " to table " + Integer.toHexString(table));
    }

    /** Removes that route from table {@code table}; false if it was not there. */
    public boolean deleteTableRoute(int index, InetAddress destination, int prefixLength, int table) throws IOException {
        tableRoute(RTM_DELROUTE, 0, index, destination, prefixLength, table);
        return commit("remove route " + destination.getHostAddress() + "/" + prefixLength + " from table "
            + Integer.toHexString(table), ENOENT) == 0;
    }

    /** Adds the rule {@code not fwmark MARK lookup TABLE} at {@code priority}; false if it was there already. */
    public boolean addInvertedMarkRule(boolean ipv6, int mark, int table, int priority) throws IOException {
        markRule(RTM_NEWRULE, NLM_F_CREATE, ipv6, mark, table, priority);
        return commit("add the policy routing rule", EEXIST) == 0;
    }

    /** Removes one such rule; false if there was none. */
    public boolean deleteInvertedMarkRule(boolean ipv6, int mark, int table, int priority) throws IOException {
        markRule(RTM_DELRULE, 0, ipv6, mark, table, priority);
        return commit("remove the policy routing rule", ENOENT) == 0;
    }

    private void tableRoute(short type, int flags, int index, InetAddress destination, int prefixLength, int table) {
        boolean v4 = destination instanceof Inet4Address;
        header(type, flags);
        // The table byte is 0: RTA_TABLE carries all 32 bits of Flint's table number.
        request.put((byte) (v4 ? AF_INET : AF_INET6)).put((byte) prefixLength).put((byte) 0).put((byte) 0)
            .put((byte) 0).put(RTPROT_STATIC).put(RT_SCOPE_UNIVERSE).put(RTN_UNICAST).putInt(0);
        attribute(RTA_DST, destination.getAddress());
        attribute(RTA_OIF, index);
        attribute(RTA_TABLE, table);
    }

    private void markRule(short type, int flags, boolean ipv6, int mark, int table, int priority) {
        header(type, flags);
        request.put((byte) (ipv6 ? AF_INET6 : AF_INET)).put((byte) 0).put((byte) 0).put((byte) 0)
            .put((byte) 0).put((byte) 0).put((byte) 0).put(FR_ACT_TO_TBL).putInt(FIB_RULE_INVERT);
        attribute(FRA_PRIORITY, priority);
        attribute(FRA_FWMARK, mark);
        attribute(FRA_FWMASK, 0xffffffff);
        attribute(FRA_TABLE, table);
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
        commit(what, 0);
    }

    /** Sends the request and reads its acknowledgement: 0, or {@code tolerated} when the kernel refused with that errno. */
    private int commit(String what, int tolerated) throws IOException {
        int length = request.position();
        request.putInt(0, length);
        byte[] bytes = new byte[length];
        request.get(0, bytes);
        try {
            Libc.send(fd, bytes, new NativeLong(length), 0);
        } catch (LastErrorException e) {
            throw new IOException("cannot " + what + ": " + Libc.strerror(e.getErrorCode()));
        }
        while (true) {
            int n;
            try {
                n = Libc.recv(fd, reply, new NativeLong(reply.length), 0).intValue();
            } catch (LastErrorException e) {
                throw new IOException("cannot " + what + ": " + Libc.strerror(e.getErrorCode()));
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
                        return 0;
                    }
                    if (tolerated != 0 && -error == tolerated) {
                        return tolerated;
                    }
                    throw new IOException("cannot " + what + ": " + Libc.strerror(-error));
                }
                in.position(start + ((len + 3) & ~3));
            }
        }
    }

    @Override
    public void close() {
        try {
            Libc.close(fd);
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
