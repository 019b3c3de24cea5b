package dev.flint.connlib.tunnel;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Objects;
import java.util.Queue;
import java.util.UUID;

/**
 * A gateway the client is authorized through. Packets for it wait in a bounded buffer until the connection layer
 * reports the connection up, so the first packets of a flow are not lost to ICE and the handshake.
 */
final class GatewayConnection {
    static final int BUFFER = 128;

    final UUID id;
    final Inet4Address ipv4;
    final Inet6Address ipv6;
    private final Queue<GatewayTransmit> out;
    private final UniquePacketBuffer buffer = new UniquePacketBuffer(BUFFER);
    private boolean established;

    GatewayConnection(UUID id, Inet4Address ipv4, Inet6Address ipv6, Queue<GatewayTransmit> out) {
        this.id = id;
        this.ipv4 = ipv4;
        this.ipv6 = ipv6;
        this.out = Objects.requireNonNull(out);
    }

    boolean established() {
        return established;
    }

    /** Marks the connection up and releases what waited for it; a repeated report changes nothing. */
    void establish() {
        if (established) {
            return;
        }
        established = true;
        for (byte[] p : buffer.drain()) {
            out.add(new GatewayTransmit(id, p));
        }
    }

    void send(byte[] packet) {
        if (established) {
            out.add(new GatewayTransmit(id, packet));
        } else {
            buffer.add(packet);
        }
    }

    /** The gateway's own tunnel address of the family of {@code peer}. */
    InetAddress addressFor(InetAddress peer) {
        return peer instanceof Inet4Address ? ipv4 : ipv6;
    }

    boolean isAddress(InetAddress a) {
        return a.equals(ipv4) || a.equals(ipv6);
    }
}
