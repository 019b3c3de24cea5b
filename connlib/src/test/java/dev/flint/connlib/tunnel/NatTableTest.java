package dev.flint.connlib.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flint.connlib.net.IpPrefix;
import dev.flint.connlib.packet.IpPacket;
import dev.flint.connlib.packet.PacketBuilder;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class NatTableTest {
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    static final InetAddress CLIENT = ip("100.64.0.1");
    static final InetAddress PROXY1 = ip("100.96.0.1");
    static final InetAddress PROXY2 = ip("100.96.0.5");
    static final InetAddress REAL = ip("10.0.0.7");

    static InetAddress ip(String s) {
        try {
            return IpPrefix.parse(s).address();
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    final NatTable nat = new NatTable();

    IpPacket udpOut(InetAddress proxy, int sport) {
        return PacketBuilder.udp(CLIENT, proxy, sport, 53, new byte[] {1});
    }

    IpPacket udpReply(int dport) {
        return PacketBuilder.udp(REAL, CLIENT, 53, dport, new byte[] {2});
    }

    @Test
    void rewritesDestinationAndBackPreservingThePort() {
        IpPacket out = udpOut(PROXY1, 4000);
        NatTable.Outside o = nat.translateOutbound(out, REAL, T0);
        assertThat(o).isEqualTo(new NatTable.Outside(17, 4000, REAL));
        assertThat(out.destination()).isEqualTo(REAL);
        assertThat(out.sourcePort()).isEqualTo(4000);
        assertThat(out.checksumsValid()).isTrue();
        IpPacket in = udpReply(4000);
        assertThat(nat.translateInbound(in, T0.plusMillis(1))).contains(new NatTable.Inside(17, 4000, PROXY1));
        assertThat(in.source()).isEqualTo(PROXY1);
        assertThat(in.checksumsValid()).isTrue();
    }

    @Test
    void twoProxiesOfTheSameRealIpAndPortGetDistinctOutsidePorts() {
        nat.translateOutbound(udpOut(PROXY1, 4000), REAL, T0);
        IpPacket second = udpOut(PROXY2, 4000);
        NatTable.Outside o = nat.translateOutbound(second, REAL, T0);
        assertThat(o.l4Id()).isEqualTo(4001);
        assertThat(second.sourcePort()).isEqualTo(4001);
        assertThat(second.checksumsValid()).isTrue();
        IpPacket reply = udpReply(4001);
        assertThat(nat.translateInbound(reply, T0)).contains(new NatTable.Inside(17, 4000, PROXY2));
        assertThat(reply.destinationPort()).isEqualTo(4000);
        assertThat(reply.source()).isEqualTo(PROXY2);
        assertThat(reply.checksumsValid()).isTrue();
    }

    @Test
    void outsidePortWrapsAround() {
        nat.translateOutbound(udpOut(PROXY1, 65535), REAL, T0);
        IpPacket p = udpOut(PROXY2, 65535);
        assertThat(nat.translateOutbound(p, REAL, T0).l4Id()).isZero();
    }

    @Test
    void icmpEchoIsKeyedByIdentifier() {
        IpPacket ping = PacketBuilder.icmpEchoRequest(CLIENT, PROXY1, 77, 1, new byte[4]);
        nat.translateOutbound(ping, REAL, T0);
        IpPacket pong = PacketBuilder.icmpEchoReply(REAL, CLIENT, 77, 1, new byte[4]);
        assertThat(nat.translateInbound(pong, T0)).isPresent();
        assertThat(pong.source()).isEqualTo(PROXY1);
        assertThat(pong.checksumsValid()).isTrue();
    }

    @Test
    void unconfirmedSessionsExpireAfterSixtySecondsConfirmedUdpAfterTwoMinutes() {
        nat.translateOutbound(udpOut(PROXY1, 1), REAL, T0);
        assertThat(nat.nextExpiry()).isEqualTo(T0.plus(NatTable.UNCONFIRMED_TTL));
        nat.expire(T0.plusSeconds(60));
        assertThat(nat.size()).isZero();
        assertThat(nat.translateInbound(udpReply(1), T0.plusSeconds(60))).isEmpty();

        nat.translateOutbound(udpOut(PROXY1, 2), REAL, T0);
        nat.translateInbound(udpReply(2), T0.plusSeconds(1));
        nat.expire(T0.plusSeconds(100));
        assertThat(nat.size()).isOne();
        assertThat(nat.nextExpiry()).isEqualTo(T0.plusSeconds(1).plus(NatTable.UDP_TTL));
        nat.expire(T0.plusSeconds(121));
        assertThat(nat.size()).isZero();
    }

    @Test
    void tcpLivesLongUntilBothFinsThenFiveSecondsAndRstEndsItAtOnce() {
        IpPacket syn = PacketBuilder.tcp(CLIENT, PROXY1, 5, 80, 1, 0, IpPacket.TCP_SYN, 100, new byte[0]);
        nat.translateOutbound(syn, REAL, T0);
        nat.translateInbound(PacketBuilder.tcp(REAL, CLIENT, 80, 5, 9, 2, IpPacket.TCP_SYN | IpPacket.TCP_ACK, 100,
                new byte[0]), T0);
        assertThat(nat.nextExpiry()).isEqualTo(T0.plus(Duration.ofMinutes(124)));
        nat.translateOutbound(PacketBuilder.tcp(CLIENT, PROXY1, 5, 80, 2, 10, IpPacket.TCP_FIN | IpPacket.TCP_ACK, 100,
                new byte[0]), REAL, T0);
        nat.translateInbound(PacketBuilder.tcp(REAL, CLIENT, 80, 5, 10, 3, IpPacket.TCP_FIN | IpPacket.TCP_ACK, 100,
                new byte[0]), T0);
        assertThat(nat.nextExpiry()).isEqualTo(T0.plusSeconds(5));

        nat.translateOutbound(PacketBuilder.tcp(CLIENT, PROXY2, 6, 80, 1, 0, IpPacket.TCP_SYN, 100, new byte[0]), REAL,
                T0);
        nat.translateOutbound(PacketBuilder.tcp(CLIENT, PROXY2, 6, 80, 2, 0, IpPacket.TCP_RST, 100, new byte[0]), REAL,
                T0);
        nat.expire(T0);
        assertThat(nat.size()).isOne(); // the FIN-closed one lives 5 s more, the reset one is gone
    }

    @Test
    void reResolutionToAnotherRealIpReplacesTheSession() {
        nat.translateOutbound(udpOut(PROXY1, 7), REAL, T0);
        IpPacket p = udpOut(PROXY1, 7);
        nat.translateOutbound(p, ip("10.0.0.8"), T0);
        assertThat(p.destination()).isEqualTo(ip("10.0.0.8"));
        assertThat(nat.size()).isOne();
        assertThat(nat.translateInbound(udpReply(7), T0)).isEmpty();
    }
}
