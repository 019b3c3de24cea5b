package dev.flint.connlib.tunnel;

import dev.flint.connlib.packet.IpPacket;
import dev.flint.connlib.packet.PacketBuilder;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * A minimal TCP responder for DNS over TCP on the sentinels (RFC 7766 framing: 2-byte length prefix). It only
 * ever talks to the local host through the TUN, which does not lose packets, so it keeps no retransmission queue;
 * out-of-order data is answered with a duplicate ACK and re-sent by the client.
 */
final class SentinelTcpServer {
    static final int MAX_CONNECTIONS_PER_SENTINEL = 10;
    static final Duration IDLE_TIMEOUT = Duration.ofSeconds(30);
    private static final int MAX_SEGMENT = 1220;
    private static final int WINDOW = 65535;

    record ConnectionKey(InetAddress client, int clientPort, InetAddress sentinel) {}

    record Query(DnsQuerySource.Tcp source, byte[] message) {}

    private static final class Connection {
        long sndNxt;
        long rcvNxt;
        boolean established;
        boolean finSent;
        Instant lastActivity;
        final ByteArrayOutputStream inbox = new ByteArrayOutputStream();
    }

    private final RandomGenerator random;
    private final Map<ConnectionKey, Connection> connections = new HashMap<>();

    SentinelTcpServer(RandomGenerator random) {
        this.random = random;
    }

    List<Query> handle(IpPacket p, Instant now, Deque<byte[]> out) {
        ConnectionKey key = new ConnectionKey(p.source(), p.sourcePort(), p.destination());
        int flags = p.tcpFlags();
        Connection c = connections.get(key);
        long seq = p.tcpSequence();
        byte[] payload = p.payload();
        if ((flags & IpPacket.TCP_RST) != 0) {
            connections.remove(key);
            return List.of();
        }
        if ((flags & IpPacket.TCP_SYN) != 0) {
            if (c == null) {
                long open = connections.keySet().stream().filter(k -> k.sentinel().equals(key.sentinel())).count();
                if (open >= MAX_CONNECTIONS_PER_SENTINEL) {
                    out.add(segment(key, 0, seq + 1, IpPacket.TCP_RST | IpPacket.TCP_ACK, new byte[0]));
                    return List.of();
                }
                c = new Connection();
                c.sndNxt = random.nextLong(1L << 32);
                c.rcvNxt = (seq + 1) & 0xFFFFFFFFL;
                connections.put(key, c);
            }
            c.lastActivity = now;
            out.add(segment(key, c.sndNxt, c.rcvNxt, IpPacket.TCP_SYN | IpPacket.TCP_ACK, new byte[0]));
            return List.of();
        }
        if (c == null) {
            if ((flags & IpPacket.TCP_ACK) != 0) {
                out.add(segment(key, p.tcpAcknowledgement(), 0, IpPacket.TCP_RST, new byte[0]));
            }
            return List.of();
        }
        c.lastActivity = now;
        if (!c.established) {
            if ((flags & IpPacket.TCP_ACK) != 0 && p.tcpAcknowledgement() == ((c.sndNxt + 1) & 0xFFFFFFFFL)) {
                c.established = true;
                c.sndNxt = (c.sndNxt + 1) & 0xFFFFFFFFL;
            } else {
                return List.of();
            }
        }
        if (c.finSent && (flags & IpPacket.TCP_ACK) != 0 && p.tcpAcknowledgement() == c.sndNxt && payload.length == 0
                && (flags & IpPacket.TCP_FIN) == 0) {
            connections.remove(key);
            return List.of();
        }
        List<Query> queries = new ArrayList<>();
        boolean ack = false;
        if (payload.length > 0) {
            if (seq == c.rcvNxt) {
                c.inbox.write(payload, 0, payload.length);
                c.rcvNxt = (c.rcvNxt + payload.length) & 0xFFFFFFFFL;
                queries.addAll(frames(key, c));
            }
            ack = true;
        }
        if ((flags & IpPacket.TCP_FIN) != 0 && ((seq + payload.length) & 0xFFFFFFFFL) == c.rcvNxt) {
            c.rcvNxt = (c.rcvNxt + 1) & 0xFFFFFFFFL;
            out.add(segment(key, c.sndNxt, c.rcvNxt, IpPacket.TCP_ACK | IpPacket.TCP_FIN, new byte[0]));
            c.sndNxt = (c.sndNxt + 1) & 0xFFFFFFFFL;
            c.finSent = true;
            return queries;
        }
        if (ack) {
            out.add(segment(key, c.sndNxt, c.rcvNxt, IpPacket.TCP_ACK, new byte[0]));
        }
        return queries;
    }

    private List<Query> frames(ConnectionKey key, Connection c) {
        List<Query> l = new ArrayList<>();
        byte[] buf = c.inbox.toByteArray();
        int pos = 0;
        while (buf.length - pos >= 2) {
            int len = ((buf[pos] & 0xFF) << 8) | (buf[pos + 1] & 0xFF);
            if (buf.length - pos - 2 < len) {
                break;
            }
            l.add(new Query(new DnsQuerySource.Tcp(key, null), Arrays.copyOfRange(buf, pos + 2, pos + 2 + len)));
            pos += 2 + len;
        }
        c.inbox.reset();
        c.inbox.write(buf, pos, buf.length - pos);
        return l;
    }

    void respond(DnsQuerySource.Tcp source, byte[] message, Deque<byte[]> out) {
        Connection c = connections.get(source.connection());
        if (c == null || c.finSent || message.length > 65535) {
            return;
        }
        byte[] framed = new byte[message.length + 2];
        framed[0] = (byte) (message.length >>> 8);
        framed[1] = (byte) message.length;
        System.arraycopy(message, 0, framed, 2, message.length);
        for (int off = 0; off < framed.length; off += MAX_SEGMENT) {
            byte[] chunk = Arrays.copyOfRange(framed, off, Math.min(framed.length, off + MAX_SEGMENT));
            out.add(segment(source.connection(), c.sndNxt, c.rcvNxt, IpPacket.TCP_ACK | IpPacket.TCP_PSH, chunk));
            c.sndNxt = (c.sndNxt + chunk.length) & 0xFFFFFFFFL;
        }
    }

    void expire(Instant now) {
        connections.values().removeIf(c -> !now.isBefore(c.lastActivity.plus(IDLE_TIMEOUT)));
    }

    Instant nextTimeout() {
        return connections.values().stream().map(c -> c.lastActivity.plus(IDLE_TIMEOUT)).min(Instant::compareTo)
                .orElse(null);
    }

    private static byte[] segment(ConnectionKey k, long seq, long ack, int flags, byte[] payload) {
        return PacketBuilder.tcp(k.sentinel(), k.client(), 53, k.clientPort(), seq, ack, flags, WINDOW, payload)
                .bytes();
    }
}
