package dev.flint.connlib.peer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flint.connlib.dns.DnsCodec;
import dev.flint.connlib.dns.DnsMessage;
import dev.flint.connlib.dns.IpPrefix;
import dev.flint.connlib.dns.ProxyIpAllocator;
import dev.flint.connlib.dns.RData;
import dev.flint.connlib.dns.RecordType;
import dev.flint.connlib.ice.IceCredentials;
import dev.flint.connlib.ice.IceRole;
import dev.flint.connlib.packet.IpPacket;
import dev.flint.connlib.packet.PacketBuilder;
import dev.flint.connlib.packet.ParseResult;
import dev.flint.connlib.peer.SimNetwork.Host;
import dev.flint.connlib.sim.VirtualNetwork.Nat;
import dev.flint.connlib.portal.GatewayInterface;
import dev.flint.connlib.portal.GatewayResource;
import dev.flint.connlib.portal.Interface;
import dev.flint.connlib.portal.IpStack;
import dev.flint.connlib.portal.Resource;
import dev.flint.connlib.portal.Site;
import dev.flint.connlib.tunnel.ClientEvent;
import dev.flint.connlib.tunnel.ClientState;
import dev.flint.connlib.tunnel.GatewayEvent;
import dev.flint.connlib.tunnel.GatewayResolver;
import dev.flint.connlib.tunnel.GatewayState;
import dev.flint.connlib.tunnel.GatewayTransmit;
import dev.flint.connlib.wireguard.WireGuardKey;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The policy layer on the real connection layer: ClientState over a client PeerNode (ICE, TURN, WireGuard) through
 * a port-restricted NAT (a TURN relay available) to a gateway PeerNode with GatewayState — a DNS resource is resolved, authorized,
 * NATed with the p2p control protocol inside WireGuard, pinged, and finally closed with a Goodbye.
 */
class TunnelOverPeerTest {
    static final UUID LINK = UUID.fromString("00000000-0000-0000-0000-0000000000aa"); // gateway id = client id here
    static final UUID SITE = new UUID(0, 0xA);
    static final UUID DNS = new UUID(0, 0x2001);
    static final Inet4Address ME4 = (Inet4Address) ip("100.64.0.1");
    static final Inet6Address ME6 = (Inet6Address) ip("fd00:2021:1111::1");
    static final Inet4Address GW4 = (Inet4Address) ip("100.64.0.11");
    static final Inet6Address GW6 = (Inet6Address) ip("fd00:2021:1111::11");

    final SimNetwork net = new SimNetwork(3);
    final Host client = net.addHost("10.0.0.10", Nat.PORT_RESTRICTED, "198.51.100.1", false);
    final Host gateway = net.addHost("203.0.113.10", Nat.NONE, null, true);
    final ClientState cs = new ClientState(new ProxyIpAllocator(), new SplittableRandom(5));
    final List<String> resolved = new ArrayList<>();
    final GatewayState gs = new GatewayState(new GatewayResolver() {
        @Override
        public List<InetAddress> resolve(String domain) {
            resolved.add(domain);
            return List.of(ip("10.0.0.7"));
        }

        @Override
        public Optional<byte[]> forward(byte[] query) {
            return Optional.empty();
        }
    });
    final List<IpPacket> clientTun = new ArrayList<>();
    final List<IpPacket> resourceNetwork = new ArrayList<>();
    final List<GatewayEvent> gatewayEvents = new ArrayList<>();
    int clientEventsSeen;

    static InetAddress ip(String s) {
        try {
            return IpPrefix.address(s);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** Moves packets between the engines and their peer nodes, and runs the network, for {@code d} of virtual time. */
    void pump(Duration d) {
        for (int i = 0; i < d.toMillis() / 10; i++) {
            for (GatewayTransmit t = cs.pollGatewayTransmit(); t != null; t = cs.pollGatewayTransmit()) {
                client.node.encapsulate(t.peer(), t.packet(), net.now)
                        .ifPresent(tx -> client.outbound(tx.destination(), tx.payload()));
            }
            for (GatewayTransmit t = gs.pollClientTransmit(); t != null; t = gs.pollClientTransmit()) {
                gateway.node.encapsulate(t.peer(), t.packet(), net.now)
                        .ifPresent(tx -> gateway.outbound(tx.destination(), tx.payload()));
            }
            for (byte[] b = gs.pollTunPacket(); b != null; b = gs.pollTunPacket()) {
                IpPacket p = ((ParseResult.Parsed) IpPacket.parse(b)).packet();
                resourceNetwork.add(p);
                if (p.isIcmpEchoRequest()) { // the resource answers
                    gs.handleTunInput(PacketBuilder.icmpEchoReply(p.destination(), p.source(), p.icmpIdentifier(),
                            p.icmpSequence(), p.payload()).bytes(), net.now);
                }
            }
            for (GatewayEvent e = gs.pollEvent(); e != null; e = gs.pollEvent()) {
                gatewayEvents.add(e);
            }
            for (byte[] b = cs.pollTunPacket(); b != null; b = cs.pollTunPacket()) {
                clientTun.add(((ParseResult.Parsed) IpPacket.parse(b)).packet());
            }
            for (; clientEventsSeen < client.events.size(); clientEventsSeen++) {
                switch (client.events.get(clientEventsSeen)) {
                    case PeerEvent.ConnectionEstablished(UUID id, var path) -> cs.handleConnectionEstablished(id, net.now);
                    case PeerEvent.ConnectionFailed(UUID id, String reason) -> cs.handleConnectionFailed(id, net.now);
                    default -> { }
                }
            }
            for (DecryptedPacket p : List.copyOf(gateway.packets)) {
                gs.handleClientPacket(p.connection(), p.packet(), net.now);
            }
            gateway.packets.clear();
            for (DecryptedPacket p : List.copyOf(client.packets)) {
                cs.handleGatewayPacket(p.connection(), p.packet(), net.now);
            }
            client.packets.clear();
            net.run(Duration.ofMillis(10));
        }
    }

    @Test
    void dnsResourceThroughIceTurnAndWireGuard() {
        List<Relay> relays = List.of(SimNetwork.relayFor(net.addRelay("192.0.2.100")));
        client.node.updateRelays(List.of(), relays, net.now);
        gateway.node.updateRelays(List.of(), relays, net.now);
        client.peer = gateway;
        gateway.peer = client;
        net.run(Duration.ofSeconds(1));

        cs.setSystemResolvers(List.of(ip("192.0.2.53")));
        cs.setInterface(new Interface(ME4, ME6, List.of(), List.of(), List.of(), null));
        cs.upsertResource(new Resource.Dns(DNS, "*.example.com", null, "app", IpStack.DUAL,
                List.of(new Site(SITE, "HQ")), List.of()), net.now);
        gs.init(new GatewayInterface(GW4, GW6), List.of(), net.now);
        InetAddress sentinel = cs.tunConfig().dnsBySentinel().keySet().iterator().next();

        cs.handleTunInput(PacketBuilder.udp(ME4, sentinel, 5000, 53,
                DnsCodec.encode(DnsMessage.query(1, "app.example.com", RecordType.A))).bytes(), net.now);
        pump(Duration.ofMillis(10));
        DnsMessage answer = ((DnsCodec.DecodeResult.Decoded) DnsCodec.decode(clientTun.getFirst().payload())).message();
        InetAddress proxy = ((RData.A) answer.answers().getFirst().data()).address();
        clientTun.clear();

        cs.handleTunInput(PacketBuilder.icmpEchoRequest(ME4, proxy, 9, 1, new byte[] {42}).bytes(), net.now);
        ClientEvent.RequestAuthorization request = null;
        for (ClientEvent e = cs.pollEvent(); e != null; e = cs.pollEvent()) {
            if (e instanceof ClientEvent.RequestAuthorization r) {
                request = r;
            }
        }
        assertThat(request).isEqualTo(new ClientEvent.RequestAuthorization(DNS, List.of()));

        // what the portal does with it: authorize on the gateway, set up both ends, tell the client
        gs.authorize(LINK, ME4, ME6, new GatewayResource.Dns(DNS, "*.example.com", "app", List.of()), null, net.now);
        IceCredentials cc = new IceCredentials("clnt", "clientpasswordxxxxxxxx");
        IceCredentials gc = new IceCredentials("gate", "gatewaypasswordxxxxxxx");
        WireGuardKey psk = WireGuardKey.generatePreshared(new SplittableRandom(1));
        assertThat(gateway.node.upsertConnection(LINK, client.node.publicKey(), psk, gc, cc, IceRole.CONTROLLED,
                net.now)).isTrue();
        assertThat(client.node.upsertConnection(LINK, gateway.node.publicKey(), psk, cc, gc, IceRole.CONTROLLING,
                net.now)).isTrue();
        cs.handleAuthorizationCreated(DNS, SITE, LINK, GW4, GW6, net.now);
        pump(Duration.ofSeconds(5));

        assertThat(resolved).containsExactly("app.example.com"); // AssignedIps went through WireGuard
        assertThat(resourceNetwork).singleElement().satisfies(p -> {
            assertThat(p.destination()).isEqualTo(ip("10.0.0.7"));
            assertThat(p.source()).isEqualTo(ME4);
        });
        assertThat(clientTun).singleElement().satisfies(p -> {
            assertThat(p.isIcmpEchoReply()).isTrue();
            assertThat(p.source()).isEqualTo(proxy);
            assertThat(p.icmpIdentifier()).isEqualTo(9);
        });

        // the last resource goes: the client says Goodbye inside the tunnel and the gateway lets go at once
        cs.removeResource(DNS, net.now);
        pump(Duration.ofMillis(500));
        assertThat(gatewayEvents).contains(new GatewayEvent.CloseConnection(LINK));
    }
}
