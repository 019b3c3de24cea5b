package dev.flint.connlib.tunnel;

import static dev.flint.connlib.tunnel.NatTableTest.ip;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.flint.connlib.dns.DnsCodec;
import dev.flint.connlib.dns.DnsMessage;
import dev.flint.connlib.dns.RecordType;
import dev.flint.connlib.packet.PacketBuilder;
import dev.flint.connlib.portal.GatewayResource;
import java.net.InetAddress;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;

/**
 * Hostile bytes into every engine input that reads them (TUN, tunnel, DNS to the sentinel) must be dropped and
 * counted, never thrown. The {@code @FuzzTest} replays its corpus in the suite ({@code JAZZER_FUZZ=1} to fuzz);
 * jqwik mutates valid packets on every run.
 */
class EngineFuzzTest {
    static final Instant T0 = NatTableTest.T0;

    @FuzzTest(maxDuration = "10s")
    void enginesNeverThrow(byte[] data) {
        feed(data);
    }

    @Property(tries = 1000)
    void mutatedPackets(@ForAll int which, @ForAll @Size(min = 1, max = 5) int[] flips) {
        byte[] dnsQuery = DnsCodec.encode(DnsMessage.query(1, "app.example.com", RecordType.A));
        byte[][] seeds = {
            PacketBuilder.udp(ClientStateTest.ME4, ip("100.100.111.1"), 5, 53, dnsQuery).bytes(),
            PacketBuilder.tcp(ClientStateTest.ME4, ip("100.100.111.1"), 5, 53, 1, 0, 2, 100, new byte[0]).bytes(),
            PacketBuilder.icmpEchoRequest(ClientStateTest.ME4, ip("10.0.0.5"), 1, 1, new byte[8]).bytes(),
            new P2pControlEvent.AssignedIps(GatewayStateTest.DNS, "app.example.com", List.of(ip("100.96.0.1"),
                    ip("100.96.0.2"), ip("100.96.0.3"), ip("100.96.0.4"))).encode(),
            new P2pControlEvent.DomainStatus(GatewayStateTest.DNS, "app.example.com", true).encode(),
        };
        byte[] b = seeds[Math.floorMod(which, seeds.length)].clone();
        for (int f : flips) {
            b[Math.floorMod(f, b.length)] ^= (byte) ((f >>> 16) | 1);
        }
        feed(b);
    }

    @Property(tries = 1000)
    void randomBytes(@ForAll @Size(max = 100) byte[] data) {
        feed(data);
    }

    static void feed(byte[] data) {
        ClientStateTest t = new ClientStateTest();
        ClientState client = t.client;
        client.upsertResource(ClientStateTest.cidr(ClientStateTest.CIDR, "10.0.0.0/24", List.of()), T0);
        client.upsertResource(ClientStateTest.dns("*.example.com", List.of()), T0);
        client.handleTunInput(ping(), T0);
        client.handleAuthorizationCreated(ClientStateTest.CIDR, ClientStateTest.SITE, ClientStateTest.GW,
                ClientStateTest.GW4, ClientStateTest.GW6, T0);
        client.handleConnectionEstablished(ClientStateTest.GW, T0);
        client.handleTunInput(data, T0);
        client.handleGatewayPacket(ClientStateTest.GW, data, T0);
        client.handleTimeout(T0.plusSeconds(60));

        GatewayState gw = new GatewayState(new GatewayResolver() {
            @Override
            public List<InetAddress> resolve(String domain) {
                return List.of(ip("10.0.0.7"));
            }

            @Override
            public Optional<byte[]> forward(byte[] query) {
                return Optional.of(query);
            }
        });
        gw.init(GatewayStateTest.IFACE, List.of(), T0);
        gw.authorize(GatewayStateTest.C1, GatewayStateTest.C1V4, GatewayStateTest.C1V6,
                new GatewayResource.Dns(GatewayStateTest.DNS, "*.example.com", "d", List.of()), null, T0);
        gw.authorize(GatewayStateTest.C1, GatewayStateTest.C1V4, GatewayStateTest.C1V6,
                new GatewayResource.Internet(new UUID(0, 1)), null, T0);
        gw.handleClientPacket(GatewayStateTest.C1, data, T0);
        gw.handleTunInput(data, T0);
        gw.handleTimeout(T0.plusSeconds(600));
    }

    private static byte[] ping() {
        return PacketBuilder.icmpEchoRequest(ClientStateTest.ME4, ip("10.0.0.5"), 1, 1, new byte[0]).bytes();
    }
}
