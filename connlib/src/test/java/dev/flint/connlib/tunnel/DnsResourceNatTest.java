package dev.flint.connlib.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flint.connlib.dns.ProxyIpAllocator;
import dev.flint.connlib.dns.ProxyIps;
import dev.flint.connlib.packet.IpPacket;
import dev.flint.connlib.packet.P2pControlFrame;
import dev.flint.connlib.packet.ParseResult;
import dev.flint.connlib.portal.IpStack;
import dev.flint.connlib.portal.Resource;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The client's half of DNS-resource NAT on its own: what goes to the gateway, and what waits for its answer. */
class DnsResourceNatTest {
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    static final String DOMAIN = "app.example.com";
    static final UUID GATEWAY = UUID.fromString("00000000-0000-0000-0000-0000000000aa");

    final ProxyIpAllocator allocator = new ProxyIpAllocator();
    final ArrayDeque<GatewayTransmit> out = new ArrayDeque<>();
    final GatewayConnection gateway = connectedGateway();
    int flowsChanged;
    final DnsResourceNat nat = new DnsResourceNat(allocator, () -> flowsChanged++);
    final ProxyIps proxies = allocator.allocate(DOMAIN).orElseThrow();

    GatewayConnection connectedGateway() {
        try {
            GatewayConnection g = new GatewayConnection(GATEWAY, (Inet4Address) InetAddress.getByName("100.64.0.2"),
                    (Inet6Address) InetAddress.getByName("fd00::2"), out);
            g.establish();
            return g;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static Resource.Dns resource(IpStack stack) {
        return new Resource.Dns(UUID.fromString("00000000-0000-0000-0000-000000000001"), "*.example.com", null, "app",
                stack, List.of(), List.of());
    }

    /** Drains what went to the gateway: control events decoded, data packets as they are. */
    List<Object> sent() {
        List<Object> l = new ArrayList<>();
        for (GatewayTransmit t; (t = out.poll()) != null; ) {
            if (IpPacket.parse(t.packet()) instanceof ParseResult.Parsed(IpPacket p) && p.isP2pControl()
                    && P2pControlFrame.decode(p) instanceof P2pControlFrame.Result.Decoded(P2pControlFrame f)
                    && P2pControlEvent.decode(f) instanceof P2pControlEvent.Event(P2pControlEvent e)) {
                l.add(e);
            } else {
                l.add(t.packet());
            }
        }
        return l;
    }

    /** A resource whose translation the gateway has confirmed, with nothing left to send. */
    Resource.Dns confirmed() {
        Resource.Dns r = resource(IpStack.DUAL);
        nat.send(gateway, r, DOMAIN, new byte[] {1}, T0);
        nat.domainStatus(gateway, r.id(), DOMAIN, true);
        sent();
        return r;
    }

    /** Sends a packet that must go to the gateway at once; returns whether the data path may cache its flow. */
    boolean passesAtOnce(Resource.Dns r, Instant at) {
        byte[] packet = {9};
        boolean cacheable = nat.send(gateway, r, DOMAIN, packet, at);
        assertThat(sent()).containsExactly(packet);
        return cacheable;
    }

    @Test
    void holdsPacketsUntilTheGatewayConfirmsAndAsksAgainOnlyAfterTheInterval() {
        Resource.Dns r = resource(IpStack.DUAL);
        byte[] first = {1};
        byte[] second = {2};
        assertThat(nat.send(gateway, r, DOMAIN, first, T0)).isFalse();
        assertThat(nat.send(gateway, r, DOMAIN, second, T0.plusMillis(10))).isFalse();
        assertThat(sent()).containsExactly(new P2pControlEvent.AssignedIps(r.id(), DOMAIN, proxies.all()));

        nat.send(gateway, r, DOMAIN, second, T0.plus(ClientState.REQUEST_INTERVAL));
        assertThat(sent()).hasSize(1); // the retransmitted packet is held once; the request is sent again

        nat.domainStatus(gateway, r.id(), DOMAIN.toUpperCase(), true);
        assertThat(sent()).containsExactly(first, second);
        assertThat(flowsChanged).isEqualTo(1);
        assertThat(passesAtOnce(r, T0.plusSeconds(3))).as("the data path may cache the flow").isTrue();
    }

    @Test
    void assignsOnlyTheFamiliesTheResourceServes() {
        Resource.Dns r = resource(IpStack.IPV4_ONLY);
        nat.send(gateway, r, DOMAIN, new byte[] {1}, T0);
        assertThat(sent()).containsExactly(new P2pControlEvent.AssignedIps(r.id(), DOMAIN, List.copyOf(proxies.v4())));
    }

    @Test
    void aNewAnswerForTheDomainAgreesTheTranslationAnewWithoutHoldingPackets() {
        nat.reassigned(gateway, DOMAIN, resource(IpStack.DUAL).id(), T0);
        assertThat(sent()).as("nothing is created before the first packet").isEmpty();

        Resource.Dns r = confirmed();
        nat.reassigned(gateway, DOMAIN, r.id(), T0.plusSeconds(1));
        assertThat(sent()).containsExactly(new P2pControlEvent.AssignedIps(r.id(), DOMAIN, proxies.all()));
        assertThat(flowsChanged).isEqualTo(2);
        assertThat(passesAtOnce(r, T0.plusSeconds(1))).as("not cached while recreating").isFalse();
    }

    @Test
    void forgettingTheGatewayStartsOver() {
        Resource.Dns r = confirmed();
        nat.forgetGateway(GATEWAY);
        assertThat(nat.send(gateway, r, DOMAIN, new byte[] {2}, T0.plusSeconds(1))).isFalse();
        assertThat(sent()).containsExactly(new P2pControlEvent.AssignedIps(r.id(), DOMAIN, proxies.all()));
    }
}
