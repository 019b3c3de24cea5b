package dev.flint.connlib.wireguard;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.security.SecureRandom;
import java.time.Instant;

/**
 * A minimal UDP shell around {@link WireGuardNode} for {@link WireGuardGoInteropTest}; it runs in its own JVM
 * inside the test's network namespace. {@code initiate}: handshakes with wireguard-go, sends three ICMP echo
 * requests to its tunnel address and waits for the replies. {@code respond}: answers the echo requests that
 * wireguard-go's side sends after it initiated. Prints the peer's byte counters; exits 0 on success.
 *
 * <p>Arguments: mode, our private key, wireguard-go's public key, preshared key or "-", wireguard-go's UDP port,
 * our UDP port.
 */
public final class InteropDriver {
    private static final byte[] OUR_IP = {10, 99, 0, 2};
    private static final byte[] GO_IP = {10, 99, 0, 1};

    private InteropDriver() {}

    public static void main(String[] args) throws Exception {
        boolean initiate = args[0].equals("initiate");
        var node = new WireGuardNode(WireGuardKey.fromBase64(args[1]), WireGuardConfig.standard(), new SecureRandom());
        var goAddress = new InetSocketAddress("127.0.0.1", Integer.parseInt(args[4]));
        WireGuardKey psk = args[3].equals("-") ? null : WireGuardKey.fromBase64(args[3]);
        WireGuardPeer peer = node.addPeer(WireGuardKey.fromBase64(args[2]), psk, null, goAddress, Instant.now());
        try (var channel = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", Integer.parseInt(args[5])))) {
            channel.configureBlocking(false);
            System.out.println("ready");
            if (initiate) {
                node.initiateHandshake(peer, Instant.now());
            }
            ByteBuffer in = ByteBuffer.allocateDirect(2048);
            ByteBuffer out = ByteBuffer.allocateDirect(2048);
            int done = 0;
            boolean pinged = false;
            // Three echoes take milliseconds; a loaded machine may need many times that before the JVMs get going.
            long deadline = System.nanoTime() + WireGuardGoInteropTest.PATIENCE.toNanos();
            while (done < 3 && System.nanoTime() < deadline) {
                for (var t = node.pollTransmit(); t != null; t = node.pollTransmit()) {
                    channel.send(ByteBuffer.wrap(t.payload()), t.endpoint());
                }
                for (var e = node.pollEvent(); e != null; e = node.pollEvent()) {
                    System.out.println("event " + e);
                }
                if (initiate && !pinged && peer.hasSession(Instant.now())) {
                    for (int seq = 1; seq <= 3; seq++) {
                        out.clear();
                        node.encrypt(peer, ByteBuffer.wrap(echo(8, seq, OUR_IP, GO_IP)), out, Instant.now());
                        channel.send(out.flip(), peer.endpoint());
                    }
                    pinged = true;
                }
                SocketAddress from = channel.receive(in.clear());
                if (from == null) {
                    Thread.sleep(5);
                    node.handleTimeout(Instant.now());
                    continue;
                }
                Received r = node.decrypt((InetSocketAddress) from, in.flip(), out.clear(), Instant.now());
                System.out.println("received " + r.kind() + (r.isDropped() ? " " + r.dropReason() : ""));
                if (r.kind() != Received.Kind.DATA) {
                    continue;
                }
                byte[] packet = new byte[out.flip().remaining()];
                out.get(packet);
                if (initiate && packet[20] == 0) {
                    done++; // echo reply from the kernel behind wireguard-go
                } else if (!initiate && packet[20] == 8) {
                    byte[] reply = packet.clone(); // same identifier, sequence and payload, as ping expects
                    System.arraycopy(packet, 16, reply, 12, 4);
                    System.arraycopy(packet, 12, reply, 16, 4);
                    reply[20] = 0;
                    checksum(reply);
                    ByteBuffer datagram = ByteBuffer.allocate(2048);
                    node.encrypt(peer, ByteBuffer.wrap(reply), datagram, Instant.now());
                    channel.send(datagram.flip(), from);
                    done++;
                }
            }
            System.out.println("rx=" + peer.rxBytes() + " tx=" + peer.txBytes() + " drops=" + node.dropCounters());
            System.exit(done == 3 ? 0 : 1);
        }
    }

    /** An IPv4 ICMP echo (type 8) or echo reply (type 0) of 84 bytes, like ping's default. */
    static byte[] echo(int type, int seq, byte[] src, byte[] dst) {
        byte[] p = new byte[84];
        p[0] = 0x45;
        p[3] = (byte) p.length;
        p[8] = 64;
        p[9] = 1;
        System.arraycopy(src, 0, p, 12, 4);
        System.arraycopy(dst, 0, p, 16, 4);
        p[20] = (byte) type;
        p[24] = 0x12;
        p[25] = 0x34;
        p[27] = (byte) seq;
        for (int i = 28; i < p.length; i++) {
            p[i] = (byte) i;
        }
        checksum(p);
        return p;
    }

    private static void checksum(byte[] p) {
        p[10] = p[11] = p[22] = p[23] = 0;
        int c = sum(p, 0, 20);
        p[10] = (byte) (c >> 8);
        p[11] = (byte) c;
        c = sum(p, 20, p.length - 20);
        p[22] = (byte) (c >> 8);
        p[23] = (byte) c;
    }

    private static int sum(byte[] b, int off, int len) {
        long s = 0;
        for (int i = 0; i < len; i += 2) {
            s += ((b[off + i] & 0xff) << 8) | (i + 1 < len ? b[off + i + 1] & 0xff : 0);
        }
        while ((s >> 16) != 0) {
            s = (s & 0xffff) + (s >> 16);
        }
        return (int) (~s & 0xffff);
    }
}
