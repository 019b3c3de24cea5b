package dev.flint.connlib.tunnel.sim;

import dev.flint.connlib.packet.IpPacket;
import dev.flint.connlib.packet.PacketBuilder;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.function.Consumer;

/** An application's side of one DNS-over-TCP exchange with a sentinel: handshake, one framed query, close. */
final class TcpDnsClient {
    private final InetAddress self;
    private final InetAddress sentinel;
    private final int port;
    private final byte[] query;
    private final Consumer<byte[]> toTun;
    private long sndNxt = 1000;
    private long rcvNxt;
    private boolean established;
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();
    byte[] response;

    TcpDnsClient(InetAddress self, InetAddress sentinel, int port, byte[] query, Consumer<byte[]> toTun) {
        this.self = self;
        this.sentinel = sentinel;
        this.port = port;
        this.query = query;
        this.toTun = toTun;
    }

    void start() {
        send(sndNxt, 0, IpPacket.TCP_SYN, new byte[0]);
        sndNxt++;
    }

    void handle(IpPacket p) {
        int flags = p.tcpFlags();
        if ((flags & IpPacket.TCP_RST) != 0) {
            return;
        }
        if (!established) {
            if ((flags & IpPacket.TCP_SYN) != 0 && (flags & IpPacket.TCP_ACK) != 0 && p.tcpAcknowledgement() == sndNxt) {
                established = true;
                rcvNxt = (p.tcpSequence() + 1) & 0xFFFFFFFFL;
                byte[] framed = new byte[query.length + 2];
                framed[0] = (byte) (query.length >>> 8);
                framed[1] = (byte) query.length;
                System.arraycopy(query, 0, framed, 2, query.length);
                send(sndNxt, rcvNxt, IpPacket.TCP_ACK, new byte[0]);
                send(sndNxt, rcvNxt, IpPacket.TCP_ACK | IpPacket.TCP_PSH, framed);
                sndNxt += framed.length;
            }
            return;
        }
        byte[] data = p.payload();
        if (data.length > 0 && p.tcpSequence() == rcvNxt) {
            received.write(data, 0, data.length);
            rcvNxt = (rcvNxt + data.length) & 0xFFFFFFFFL;
            byte[] all = received.toByteArray();
            if (response == null && all.length >= 2) {
                int len = ((all[0] & 0xFF) << 8) | (all[1] & 0xFF);
                if (all.length >= len + 2) {
                    response = Arrays.copyOfRange(all, 2, 2 + len);
                    send(sndNxt, rcvNxt, IpPacket.TCP_ACK | IpPacket.TCP_FIN, new byte[0]);
                    sndNxt++;
                    return;
                }
            }
            send(sndNxt, rcvNxt, IpPacket.TCP_ACK, new byte[0]);
        }
        if ((flags & IpPacket.TCP_FIN) != 0) {
            rcvNxt = (rcvNxt + 1) & 0xFFFFFFFFL;
            send(sndNxt, rcvNxt, IpPacket.TCP_ACK, new byte[0]);
        }
    }

    private void send(long seq, long ack, int flags, byte[] payload) {
        toTun.accept(PacketBuilder.tcp(self, sentinel, port, 53, seq, ack, flags, 65535, payload).bytes());
    }
}
