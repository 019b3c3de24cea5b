package dev.flint.connlib.tunnel;

import static dev.flint.connlib.tunnel.ClientStateTest.ME4;
import static dev.flint.connlib.tunnel.NatTableTest.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.flint.connlib.dns.DnsCodec;
import dev.flint.connlib.dns.DnsMessage;
import dev.flint.connlib.dns.DnsRecord;
import dev.flint.connlib.dns.RData;
import dev.flint.connlib.dns.Rcode;
import dev.flint.connlib.dns.RecordType;
import dev.flint.connlib.packet.IpPacket;
import dev.flint.connlib.packet.PacketBuilder;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** DNS over TCP to a sentinel, driven packet by packet as an application's TCP stack would. */
class SentinelTcpServerTest {
    final ClientStateTest fixture = new ClientStateTest();
    final ClientState client = fixture.client;
    final InetAddress sentinel = client.tunConfig().dnsBySentinel().keySet().iterator().next();

    IpPacket send(int port, long seq, long ack, int flags, byte[] payload) {
        client.handleTunInput(PacketBuilder.tcp(ME4, sentinel, port, 53, seq, ack, flags, 65535, payload).bytes(), T0);
        List<IpPacket> out = fixture.tun();
        return out.isEmpty() ? null : out.getLast();
    }

    @Test
    void answersAFramedQueryInSegmentsAndClosesCleanly() {
        IpPacket synAck = send(40000, 100, 0, IpPacket.TCP_SYN, new byte[0]);
        assertThat(synAck.tcpFlags()).isEqualTo(IpPacket.TCP_SYN | IpPacket.TCP_ACK);
        assertThat(synAck.tcpAcknowledgement()).isEqualTo(101);
        long server = synAck.tcpSequence() + 1;
        send(40000, 101, server, IpPacket.TCP_ACK, new byte[0]);
        DnsMessage q = DnsMessage.query(42, "big.example.org", RecordType.TXT);
        byte[] wire = DnsCodec.encode(q);
        byte[] framed = new byte[wire.length + 2];
        framed[1] = (byte) wire.length;
        System.arraycopy(wire, 0, framed, 2, wire.length);
        // the length prefix and the message arrive in separate segments
        send(40000, 101, server, IpPacket.TCP_ACK | IpPacket.TCP_PSH, new byte[] {framed[0], framed[1]});
        send(40000, 103, server, IpPacket.TCP_ACK | IpPacket.TCP_PSH, java.util.Arrays.copyOfRange(framed, 2,
                framed.length));
        ClientEvent.UpstreamDnsQuery up = fixture.events(ClientEvent.UpstreamDnsQuery.class).getFirst();
        assertThat(up.transport()).isEqualTo(DnsTransport.TCP);
        List<DnsRecord> many = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            many.add(DnsRecord.in("big.example.org", 60, new RData.Txt(List.of("z".repeat(80)))));
        }
        client.handleUpstreamResult(up.queryId(), new UpstreamResult.Response(DnsCodec.encode(q.respond(Rcode.NOERROR,
                many))), T0);
        List<IpPacket> segments = fixture.tun();
        assertThat(segments.size()).isGreaterThan(3);
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        long expectSeq = server;
        for (IpPacket s : segments) {
            assertThat(s.length()).isLessThanOrEqualTo(1280);
            assertThat(s.tcpSequence()).isEqualTo(expectSeq);
            byte[] d = s.payload();
            stream.write(d, 0, d.length);
            expectSeq += d.length;
        }
        byte[] all = stream.toByteArray();
        int len = ((all[0] & 0xFF) << 8) | (all[1] & 0xFF);
        assertThat(all).hasSize(len + 2);
        DnsMessage m = ((DnsCodec.DecodeResult.Decoded) DnsCodec.decode(java.util.Arrays.copyOfRange(all, 2,
                all.length))).message();
        assertThat(m.id()).isEqualTo(42);
        assertThat(m.truncated()).isFalse();
        assertThat(m.answers()).hasSize(60);
        IpPacket finAck = send(40000, 101 + framed.length, expectSeq, IpPacket.TCP_ACK | IpPacket.TCP_FIN,
                new byte[0]);
        assertThat(finAck.tcpFlags() & IpPacket.TCP_FIN).isNotZero();
        assertThat(send(40000, 102 + framed.length, expectSeq + 1, IpPacket.TCP_ACK, new byte[0])).isNull();
    }

    @Test
    void atMostTenConnectionsPerSentinel() {
        for (int i = 0; i < 10; i++) {
            assertThat(send(41000 + i, 1, 0, IpPacket.TCP_SYN, new byte[0]).tcpFlags() & IpPacket.TCP_SYN)
                    .isNotZero();
        }
        assertThat(send(41010, 1, 0, IpPacket.TCP_SYN, new byte[0]).tcpFlags() & IpPacket.TCP_RST).isNotZero();
        // idle connections are dropped, making room again
        client.handleTimeout(T0.plus(SentinelTcpServer.IDLE_TIMEOUT));
        assertThat(send(41010, 1, 0, IpPacket.TCP_SYN, new byte[0]).tcpFlags() & IpPacket.TCP_SYN).isNotZero();
    }
}
