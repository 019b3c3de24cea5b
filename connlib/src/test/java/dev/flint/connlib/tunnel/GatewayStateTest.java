package dev.flint.connlib.tunnel;

import static dev.flint.connlib.tunnel.NatTableTest.ip;
import static org.assertj.core.api.Assertions.assertThat;

import dev.flint.connlib.dns.DnsCodec;
import dev.flint.connlib.dns.DnsMessage;
import dev.flint.connlib.net.IpPrefix;
import dev.flint.connlib.dns.RecordType;
import dev.flint.connlib.packet.IpPacket;
import dev.flint.connlib.packet.P2pControlFrame;
import dev.flint.connlib.packet.PacketBuilder;
import dev.flint.connlib.packet.ParseResult;
import dev.flint.connlib.packet.UnreachableReason;
import dev.flint.connlib.portal.Authorization;
import dev.flint.connlib.portal.Filter;
import dev.flint.connlib.portal.GatewayInterface;
import dev.flint.connlib.portal.GatewayResource;
import dev.flint.connlib.net.IpPrefix;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class GatewayStateTest {
    static final Instant T0 = NatTableTest.T0;
    static final UUID C1 = new UUID(0, 0xC1);
    static final Inet4Address C1V4 = (Inet4Address) ip("100.64.0.1");
    static final Inet6Address C1V6 = (Inet6Address) ip("fd00:2021:1111::1");
    static final UUID CIDR = new UUID(0, 0x3001);
    static final UUID DNS = new UUID(0, 0x2001);
    static final UUID NET = new UUID(0, 0x1001);
    static final GatewayInterface IFACE = new GatewayInterface((Inet4Address) ip("100.64.0.11"),
            (Inet6Address) ip("fd00:2021:1111::11"));

    final List<String> resolved = new ArrayList<>();
    final GatewayState gw = new GatewayState(new GatewayResolver() {
        @Override
        public List<InetAddress> resolve(String domain) {
            resolved.add(domain);
            return domain.equals("app.example.com") ? List.of(ip("10.0.0.7"), ip("10.0.0.8")) : List.of();
        }

        @Override
        public Optional<byte[]> forward(byte[] query) {
            DnsMessage q = ((DnsCodec.DecodeResult.Decoded) DnsCodec.decode(query)).message();
            return Optional.of(DnsCodec.encode(q.withId(0).respond(3, List.of())));
        }
    });

    GatewayStateTest() {
        gw.init(IFACE, List.of(), T0);
    }

    static GatewayResource.Cidr cidr(List<Filter> filters) {
        IpPrefix p = IpPrefix.parse("10.1.0.0/16");
        return new GatewayResource.Cidr(CIDR, p, "n", filters);
    }

    List<IpPacket> toClient() {
        List<IpPacket> l = new ArrayList<>();
        GatewayTransmit t;
        while ((t = gw.pollClientTransmit()) != null) {
            l.add(((ParseResult.Parsed) IpPacket.parse(t.packet())).packet());
        }
        return l;
    }

    List<IpPacket> toTun() {
        List<IpPacket> l = new ArrayList<>();
        byte[] b;
        while ((b = gw.pollTunPacket()) != null) {
            l.add(((ParseResult.Parsed) IpPacket.parse(b)).packet());
        }
        return l;
    }

    @Test
    void cidrTrafficIsFilteredAndSpoofingDropped() {
        gw.authorize(C1, C1V4, C1V6, cidr(List.of(new Filter.Udp(53, 53))), null, T0);
        gw.handleClientPacket(C1, PacketBuilder.udp(C1V4, ip("10.1.2.3"), 999, 53, new byte[1]).bytes(), T0);
        assertThat(toTun()).hasSize(1);
        gw.handleClientPacket(C1, PacketBuilder.udp(C1V4, ip("10.1.2.3"), 999, 54, new byte[1]).bytes(), T0);
        IpPacket err = toClient().getFirst();
        assertThat(err.icmpCode()).isEqualTo(UnreachableReason.PROHIBITED.v4Code());
        gw.handleClientPacket(C1, PacketBuilder.udp(ip("100.64.0.2"), ip("10.1.2.3"), 999, 53, new byte[1]).bytes(),
                T0);
        assertThat(toTun()).isEmpty();
        assertThat(gw.counters().droppedSpoofed()).isOne();
        gw.handleClientPacket(C1, PacketBuilder.udp(C1V4, ip("10.2.0.1"), 999, 53, new byte[1]).bytes(), T0);
        assertThat(toClient().getFirst().icmpCode()).isEqualTo(13);
        // replies only from authorized sources with permitted source ports
        gw.handleTunInput(PacketBuilder.udp(ip("10.1.2.3"), C1V4, 53, 999, new byte[1]).bytes(), T0);
        gw.handleTunInput(PacketBuilder.udp(ip("10.9.9.9"), C1V4, 53, 999, new byte[1]).bytes(), T0);
        assertThat(toClient()).hasSize(1);
    }

    static byte[] syn(InetAddress src, InetAddress dst, int srcPort, int dstPort, int flags) {
        return PacketBuilder.tcp(src, dst, srcPort, dstPort, 1, 0, flags, 65535, new byte[0]).bytes();
    }

    @Test
    void aCachedCidrReplyVerdictIsNotTakenForADnsResourcesFlowToTheSameAddressAndPort() {
        // One client reaches 10.0.0.7:80 both as a CIDR resource (replies pass unchanged, and the data path caches
        // that) and as app.example.com (replies must come back from the proxy address, or its kernel resets them).
        gw.authorize(C1, C1V4, C1V6, new GatewayResource.Cidr(CIDR, IpPrefix.parse("10.0.0.0/24"), "n", List.of()),
            null, T0);
        gw.authorize(C1, C1V4, C1V6, new GatewayResource.Dns(DNS, "*.example.com", "d", List.of()), null, T0);
        gw.handleClientPacket(C1, new P2pControlEvent.AssignedIps(DNS, "app.example.com",
            List.of(ip("100.96.0.1"), ip("100.96.0.2"), ip("100.96.0.3"), ip("100.96.0.4"))).encode(), T0);
        toClient();
        gw.handleClientPacket(C1, syn(C1V4, ip("10.0.0.7"), 4001, 80, IpPacket.TCP_SYN), T0);
        gw.handleClientPacket(C1, syn(C1V4, ip("100.96.0.1"), 4002, 80, IpPacket.TCP_SYN), T0);
        assertThat(toTun()).extracting(IpPacket::destination).containsOnly(ip("10.0.0.7"));

        byte[] cidrReply = syn(ip("10.0.0.7"), C1V4, 80, 4001, IpPacket.TCP_SYN | IpPacket.TCP_ACK);
        gw.handleTunInput(cidrReply, T0);
        assertThat(gw.clientOfFlow(java.nio.ByteBuffer.wrap(cidrReply), 0, cidrReply.length)).isEqualTo(C1);

        byte[] dnsReply = syn(ip("10.0.0.7"), C1V4, 80, 4002, IpPacket.TCP_SYN | IpPacket.TCP_ACK);
        assertThat(gw.clientOfFlow(java.nio.ByteBuffer.wrap(dnsReply), 0, dnsReply.length))
            .as("the DNS resource's reply takes the slow path, which translates it").isNull();
        gw.handleTunInput(dnsReply, T0);
        assertThat(toClient()).extracting(IpPacket::source).containsExactly(ip("10.0.0.7"), ip("100.96.0.1"));
    }

    @Test
    void aPingTakesTheDataPathsShortcutsLikeAnyFlowButAnIcmpErrorNever() {
        gw.authorize(C1, C1V4, C1V6, cidr(List.of()), null, T0);
        byte[] request = PacketBuilder.icmpEchoRequest(C1V4, ip("10.1.2.3"), 77, 1, new byte[8]).bytes();
        assertThat(gw.forwardsFlow(C1, java.nio.ByteBuffer.wrap(request), 0, request.length)).isFalse();
        gw.handleClientPacket(C1, request, T0);
        assertThat(toTun()).hasSize(1);
        byte[] next = PacketBuilder.icmpEchoRequest(C1V4, ip("10.1.2.3"), 77, 2, new byte[8]).bytes();
        assertThat(gw.forwardsFlow(C1, java.nio.ByteBuffer.wrap(next), 0, next.length))
            .as("the next echo request of the same ping").isTrue();
        byte[] otherPing = PacketBuilder.icmpEchoRequest(C1V4, ip("10.1.2.3"), 78, 1, new byte[8]).bytes();
        assertThat(gw.forwardsFlow(C1, java.nio.ByteBuffer.wrap(otherPing), 0, otherPing.length))
            .as("the next ping run: its new identifier changes nothing the gateway decided").isTrue();
        byte[] quoted = PacketBuilder.udp(ip("10.1.2.3"), C1V4, 53, 77, new byte[1]).bytes();
        byte[] error = PacketBuilder.icmpError(C1V4, ip("10.1.2.3"), 3, 3, 0, quoted).bytes();
        assertThat(gw.forwardsFlow(C1, java.nio.ByteBuffer.wrap(error), 0, error.length))
            .as("an ICMP error to the pinged address").isFalse();

        byte[] reply = PacketBuilder.icmpEchoReply(ip("10.1.2.3"), C1V4, 77, 1, new byte[8]).bytes();
        gw.handleTunInput(reply, T0);
        assertThat(toClient()).hasSize(1);
        byte[] nextReply = PacketBuilder.icmpEchoReply(ip("10.1.2.3"), C1V4, 77, 2, new byte[8]).bytes();
        assertThat(gw.clientOfFlow(java.nio.ByteBuffer.wrap(nextReply), 0, nextReply.length)).isEqualTo(C1);
        byte[] request77 = PacketBuilder.icmpEchoRequest(ip("10.1.2.3"), C1V4, 77, 3, new byte[8]).bytes();
        assertThat(gw.clientOfFlow(java.nio.ByteBuffer.wrap(request77), 0, request77.length))
            .as("an echo request is not the reply flow of the same identifier").isNull();
        byte[] otherReply = PacketBuilder.icmpEchoReply(ip("10.1.2.3"), C1V4, 78, 1, new byte[8]).bytes();
        assertThat(gw.clientOfFlow(java.nio.ByteBuffer.wrap(otherReply), 0, otherReply.length))
            .as("replies are told apart by identifier: a DNS resource's are translated back").isNull();
    }

    @Test
    void dnsResourceNatEndToEndWithIcmpErrorTranslation() {
        gw.authorize(C1, C1V4, C1V6, new GatewayResource.Dns(DNS, "*.example.com", "d", List.of()), null, T0);
        List<InetAddress> proxies = List.of(ip("100.96.0.1"), ip("100.96.0.2"), ip("100.96.0.3"), ip("100.96.0.4"));
        gw.handleClientPacket(C1, new P2pControlEvent.AssignedIps(DNS, "app.example.com", proxies).encode(), T0);
        assertThat(resolved).containsExactly("app.example.com");
        assertThat(status(toClient().getFirst())).isEqualTo(new P2pControlEvent.DomainStatus(DNS, "app.example.com",
                true));
        // round robin: proxy 1 -> .7, proxy 2 -> .8
        gw.handleClientPacket(C1, PacketBuilder.udp(C1V4, ip("100.96.0.2"), 4000, 80, new byte[1]).bytes(), T0);
        IpPacket out = toTun().getFirst();
        assertThat(out.destination()).isEqualTo(ip("10.0.0.8"));
        assertThat(out.checksumsValid()).isTrue();
        // the resource answers port unreachable: the client sees it from the proxy, quoting its own packet
        IpPacket icmp = PacketBuilder.destinationUnreachable(out, UnreachableReason.PORT_UNREACHABLE);
        gw.handleTunInput(icmp.bytes(), T0);
        IpPacket translated = toClient().getFirst();
        assertThat(translated.source()).isEqualTo(ip("100.96.0.2"));
        assertThat(translated.icmpCode()).isEqualTo(3);
        IpPacket quoted = ((ParseResult.Parsed) translated.icmpQuoted()).packet();
        assertThat(quoted.destination()).isEqualTo(ip("100.96.0.2"));
        assertThat(quoted.sourcePort()).isEqualTo(4000);
        assertThat(translated.checksumsValid()).isTrue();
        // a proxy address without an assignment (its authorization expired, say) is refused, so the client asks again
        gw.handleClientPacket(C1, PacketBuilder.udp(C1V4, ip("100.96.0.9"), 4000, 80, new byte[1]).bytes(), T0);
        assertThat(toClient().getFirst().icmpCode()).isEqualTo(UnreachableReason.PROHIBITED.v4Code());
    }

    @Test
    void assignedIpsForAnUnauthorizedResourceOrForeignDomainAreInactive() {
        List<InetAddress> proxies = List.of(ip("100.96.0.1"), ip("100.96.0.2"), ip("100.96.0.3"), ip("100.96.0.4"));
        gw.authorize(C1, C1V4, C1V6, new GatewayResource.Dns(DNS, "*.example.com", "d", List.of()), null, T0);
        gw.handleClientPacket(C1, new P2pControlEvent.AssignedIps(new UUID(0, 5), "app.example.com", proxies)
                .encode(), T0);
        gw.handleClientPacket(C1, new P2pControlEvent.AssignedIps(DNS, "evil.org", proxies).encode(), T0);
        assertThat(toClient()).extracting(GatewayStateTest::status).allMatch(s -> !s.active()).hasSize(2);
        assertThat(resolved).isEmpty();
    }

    @Test
    void initKeepsOnlyListedAuthorizationsExpiryAndRejectAccessRevokeAndSayGoodbye() {
        gw.authorize(C1, C1V4, C1V6, cidr(List.of()), T0.plusSeconds(100), T0);
        gw.authorize(C1, C1V4, C1V6, new GatewayResource.Internet(NET), T0.plusSeconds(100), T0);
        gw.init(IFACE, List.of(new Authorization(C1, CIDR, T0.plusSeconds(50))), T0.plusSeconds(1));
        assertThat(gw.authorizedResources(C1)).containsExactly(CIDR);
        assertThat(gw.pollTimeout()).isEqualTo(T0.plusSeconds(50));
        gw.handleTimeout(T0.plusSeconds(50));
        assertThat(gw.authorizedResources(C1)).isEmpty();
        assertThat(toClient()).singleElement().matches(IpPacket::isP2pControl);
        assertThat(gw.pollEvent()).isEqualTo(new GatewayEvent.CloseConnection(C1));

        gw.authorize(C1, C1V4, C1V6, cidr(List.of()), null, T0);
        gw.rejectAccess(C1, CIDR, T0);
        assertThat(gw.pollEvent()).isEqualTo(new GatewayEvent.CloseConnection(C1));
    }

    @Test
    void internetResourceRejectsPrivateDestinationsAsNetworkUnreachable() {
        gw.authorize(C1, C1V4, C1V6, new GatewayResource.Internet(NET), null, T0);
        gw.handleClientPacket(C1, PacketBuilder.icmpEchoRequest(C1V4, ip("192.168.1.1"), 1, 1, new byte[0]).bytes(),
                T0);
        assertThat(toClient().getFirst().icmpCode()).isEqualTo(0);
        gw.handleClientPacket(C1, PacketBuilder.icmpEchoRequest(C1V6, ip("2606:4700::1"), 1, 1, new byte[0]).bytes(),
                T0);
        assertThat(toTun()).hasSize(1);
        // ICMP errors from the client are never forwarded
        IpPacket fake = PacketBuilder.destinationUnreachable(
                PacketBuilder.udp(ip("2606:4700::1"), C1V6, 1, 2, new byte[0]), UnreachableReason.PORT_UNREACHABLE);
        gw.handleClientPacket(C1, fake.bytes(), T0);
        assertThat(toTun()).isEmpty();
    }

    @Test
    void dnsServerOnPort53535AnswersClientsWithTheirId() {
        gw.authorize(C1, C1V4, C1V6, cidr(List.of()), null, T0);
        byte[] q = DnsCodec.encode(DnsMessage.query(77, "_x._tcp.example.com", RecordType.SRV));
        gw.handleClientPacket(C1, PacketBuilder.udp(C1V6, IFACE.ipv6(), 50000, 53535, q).bytes(), T0);
        IpPacket a = toClient().getFirst();
        assertThat(a.sourcePort()).isEqualTo(53535);
        assertThat(a.destinationPort()).isEqualTo(50000);
        DnsMessage m = ((DnsCodec.DecodeResult.Decoded) DnsCodec.decode(a.payload())).message();
        assertThat(m.id()).isEqualTo(77);
        assertThat(m.rcode()).isEqualTo(3);
    }

    @Test
    void malformedPacketsAreCounted() {
        gw.authorize(C1, C1V4, C1V6, cidr(List.of()), null, T0);
        gw.handleClientPacket(C1, new byte[] {0x60, 0}, T0);
        gw.handleTunInput(new byte[] {0x45}, T0);
        assertThat(gw.counters().malformedClientPackets()).isOne();
        assertThat(gw.counters().malformedTunPackets()).isOne();
    }

    static P2pControlEvent.DomainStatus status(IpPacket p) {
        var frame = ((P2pControlFrame.Result.Decoded) P2pControlFrame.decode(p)).frame();
        return (P2pControlEvent.DomainStatus) ((P2pControlEvent.Event) P2pControlEvent.decode(frame)).event();
    }
}
