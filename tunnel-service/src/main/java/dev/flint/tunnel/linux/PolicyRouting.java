package dev.flint.tunnel.linux;

import dev.flint.tunnel.os.Cidr;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Flint's routing table and the rules that send traffic into it (reference: data plane §3.3).
 * Resource routes live in table {@link #TABLE}, consulted by a rule for every packet that does
 * <em>not</em> carry {@link #FWMARK}; the service marks its own sockets (portal, relays, gateways)
 * with it, so they keep using the main table and never loop through the tunnel. Routes vanish with
 * the TUN device; the rules do not, hence {@link #removeRules()} on every teardown and at start-up.
 * (The shared {@code RtNetlink} facade only speaks the main table, so these two message kinds are
 * encoded here.)
 */
public final class PolicyRouting implements AutoCloseable {
    public static final int TABLE = 0x2021fd00;
    public static final int FWMARK = 0xfd002021;
    public static final int RULE_PRIORITY = 100;

    private static final int AF_NETLINK = 16;
    private static final int AF_INET = 2;
    private static final int AF_INET6 = 10;
    private static final int SOCK_RAW = 3;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final short RTM_NEWROUTE = 24;
    private static final short RTM_DELROUTE = 25;
    private static final short RTM_NEWRULE = 32;
    private static final short RTM_DELRULE = 33;
    private static final int NLM_F_REQUEST = 0x1;
    private static final int NLM_F_ACK = 0x4;
    private static final int NLM_F_EXCL = 0x200;
    private static final int NLM_F_CREATE = 0x400;
    private static final int ENOENT = 2;
    private static final int EEXIST = 17;

    interface C extends Library {
        C INSTANCE = Native.load("c", C.class);

        int socket(int domain, int type, int protocol) throws LastErrorException;

        NativeLong send(int fd, byte[] buffer, NativeLong length, int flags) throws LastErrorException;

        NativeLong recv(int fd, byte[] buffer, NativeLong length, int flags) throws LastErrorException;

        int close(int fd);
    }

    private final int fd;
    private int sequence;

    private PolicyRouting(int fd) {
        this.fd = fd;
    }

    public static PolicyRouting open() throws IOException {
        try {
            return new PolicyRouting(C.INSTANCE.socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, 0));
        } catch (LastErrorException e) {
            throw new IOException("cannot open a netlink socket (errno " + e.getErrorCode() + ")");
        }
    }

    /** Adds {@code destination} via interface {@code index} to Flint's table. */
    public void addRoute(int index, Cidr destination) throws IOException {
        byte[] address = destination.address().getAddress();
        ByteBuffer m = message(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL);
        m.put((byte) (address.length == 4 ? AF_INET : AF_INET6)).put((byte) destination.prefixLength())
                .put((byte) 0).put((byte) 0)
                .put((byte) 0)        // table: given in full by RTA_TABLE
                .put((byte) 4)        // RTPROT_STATIC
                .put((byte) 0)        // RT_SCOPE_UNIVERSE
                .put((byte) 1)        // RTN_UNICAST
                .putInt(0);
        attribute(m, 1, address);     // RTA_DST
        attribute(m, 4, index);       // RTA_OIF
        attribute(m, 15, TABLE);      // RTA_TABLE
        commit(m, "add route " + destination + " to table " + Integer.toHexString(TABLE), false);
    }

    /** Removes {@code destination} via interface {@code index} from Flint's table; false if it was not there. */
    public boolean deleteRoute(int index, Cidr destination) throws IOException {
        byte[] address = destination.address().getAddress();
        ByteBuffer m = message(RTM_DELROUTE, 0);
        m.put((byte) (address.length == 4 ? AF_INET : AF_INET6)).put((byte) destination.prefixLength())
                .put((byte) 0).put((byte) 0)
                .put((byte) 0).put((byte) 4).put((byte) 0).put((byte) 1)
                .putInt(0);
        attribute(m, 1, address);     // RTA_DST
        attribute(m, 4, index);       // RTA_OIF
        attribute(m, 15, TABLE);      // RTA_TABLE
        return commit(m, "remove route " + destination + " from table " + Integer.toHexString(TABLE), false);
    }

    /** Adds the IPv4 and IPv6 rules {@code not fwmark FWMARK lookup TABLE}. */
    public void addRules() throws IOException {
        for (int family : new int[] {AF_INET, AF_INET6}) {
            commit(rule(RTM_NEWRULE, NLM_F_CREATE, family), "add the policy routing rule", true);
        }
    }

    /** Removes both rules, including copies left by a dead process; absent rules are fine. */
    public void removeRules() throws IOException {
        for (int family : new int[] {AF_INET, AF_INET6}) {
            // Delete until the kernel says there is none: a crashed run may have added more than one.
            for (int i = 0; i < 16; i++) {
                if (!commit(rule(RTM_DELRULE, 0, family), "remove the policy routing rule", false)) {
                    break;
                }
            }
        }
    }

    private ByteBuffer rule(short type, int flags, int family) {
        ByteBuffer m = message(type, flags);
        m.put((byte) family).put((byte) 0).put((byte) 0).put((byte) 0)
                .put((byte) 0)                 // table: in FRA_TABLE
                .put((byte) 0).put((byte) 0)
                .put((byte) 1)                 // FR_ACT_TO_TBL
                .putInt(0x2);                  // FIB_RULE_INVERT: "not fwmark"
        attribute(m, 6, RULE_PRIORITY);        // FRA_PRIORITY
        attribute(m, 10, FWMARK);              // FRA_FWMARK
        attribute(m, 16, 0xffffffff);          // FRA_FWMASK
        attribute(m, 15, TABLE);               // FRA_TABLE
        return m;
    }

    private ByteBuffer message(short type, int flags) {
        ByteBuffer m = ByteBuffer.allocate(256).order(ByteOrder.nativeOrder());
        m.putInt(0).putShort(type).putShort((short) (NLM_F_REQUEST | NLM_F_ACK | flags)).putInt(++sequence).putInt(0);
        return m;
    }

    private static void attribute(ByteBuffer m, int type, int value) {
        m.putShort((short) 8).putShort((short) type).putInt(value);
    }

    private static void attribute(ByteBuffer m, int type, byte[] value) {
        m.putShort((short) (4 + value.length)).putShort((short) type).put(value);
        while (m.position() % 4 != 0) {
            m.put((byte) 0);
        }
    }

    /**
     * Sends and reads the acknowledgement. Returns false when the kernel answered "no such entry"
     * (for deletes) or, with {@code existingIsFine}, "exists".
     */
    private boolean commit(ByteBuffer m, String what, boolean existingIsFine) throws IOException {
        int length = m.position();
        m.putInt(0, length);
        byte[] reply = new byte[4096];
        try {
            C.INSTANCE.send(fd, java.util.Arrays.copyOf(m.array(), length), new NativeLong(length), 0);
            int n = C.INSTANCE.recv(fd, reply, new NativeLong(reply.length), 0).intValue();
            ByteBuffer r = ByteBuffer.wrap(reply, 0, n).order(ByteOrder.nativeOrder());
            if (n < 20 || r.getShort(4) != 2) { // NLMSG_ERROR carries both errors and acks
                throw new IOException("cannot " + what + ": unexpected netlink reply");
            }
            int error = -r.getInt(16);
            if (error == 0) {
                return true;
            }
            if (error == ENOENT || (existingIsFine && error == EEXIST)) {
                return false;
            }
            throw new IOException("cannot " + what + ": errno " + error);
        } catch (LastErrorException e) {
            throw new IOException("cannot " + what + ": errno " + e.getErrorCode());
        }
    }

    static boolean isV4(InetAddress address) {
        return address instanceof Inet4Address;
    }

    @Override
    public void close() {
        C.INSTANCE.close(fd);
    }
}
