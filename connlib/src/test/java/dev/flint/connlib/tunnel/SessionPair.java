package dev.flint.connlib.tunnel;

import dev.flint.connlib.ice.IceCredentials;
import dev.flint.connlib.ice.Transmit;
import dev.flint.connlib.packet.PacketBuilder;
import dev.flint.connlib.portal.ClientToPortal;
import dev.flint.connlib.portal.FlowLogsConfig;
import dev.flint.connlib.portal.GatewayClient;
import dev.flint.connlib.portal.GatewayConfig;
import dev.flint.connlib.portal.GatewayInterface;
import dev.flint.connlib.portal.GatewayResource;
import dev.flint.connlib.portal.GatewayToPortal;
import dev.flint.connlib.portal.IngestToken;
import dev.flint.connlib.portal.Interface;
import dev.flint.connlib.portal.IpNetwork;
import dev.flint.connlib.portal.PortalToClient;
import dev.flint.connlib.portal.PortalToGateway;
import dev.flint.connlib.portal.Resource;
import dev.flint.connlib.portal.Site;
import dev.flint.connlib.sim.SimRelay;
import dev.flint.connlib.sim.VirtualNetwork;
import dev.flint.connlib.wireguard.WireGuardKey;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * One {@link ClientSession} and one {@link GatewaySession} on a virtual network with a relay, joined by a portal the
 * test plays itself (init, authorization, candidates), in virtual time. Made for looking at the data path once the
 * connection is up: {@link #connect} brings it up with one packet the slow way.
 */
final class SessionPair {
    static final UUID CLIENT_ID = new UUID(0, 0xC);
    static final UUID GATEWAY_ID = new UUID(0, 0x6A7E);
    static final UUID SITE = new UUID(0, 0x5);
    static final UUID RESOURCE = new UUID(0, 0x3000);
    static final Inet4Address CLIENT_V4 = (Inet4Address) VirtualNetwork.addr("100.64.0.1");
    static final Inet6Address CLIENT_V6 = (Inet6Address) VirtualNetwork.addr("fd00:2021:1111::1");
    static final Inet4Address GATEWAY_V4 = (Inet4Address) VirtualNetwork.addr("100.64.0.2");
    static final Inet6Address GATEWAY_V6 = (Inet6Address) VirtualNetwork.addr("fd00:2021:1111::2");
    static final InetAddress HOST = VirtualNetwork.addr("10.0.1.5");
    static final IngestToken TOKEN = new IngestToken("test.flow.token", new IngestToken.Claims("acc", 0, 0, false,
        "initiator", "c", "g", "a", "p", "r", "resource", null, "u", "user", null, null, null, null, null, null, null,
        null, null, "0", "0"));

    Instant now = Instant.parse("2026-06-01T12:00:00Z");
    final VirtualNetwork net;
    final ClientSession client;
    final GatewaySession gateway;
    final VirtualNetwork.Host clientHost;
    final VirtualNetwork.Host gatewayHost;
    final List<byte[]> clientTun = new ArrayList<>();
    final List<byte[]> gatewayTun = new ArrayList<>();
    private final SimRelay relay;

    SessionPair(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        net = new VirtualNetwork(random.split(), () -> now);
        relay = net.addRelay("192.0.2.100");
        client = new ClientSession(WireGuardKey.generatePrivate(random.split()), random.split(), now);
        gateway = new GatewaySession(WireGuardKey.generatePrivate(random.split()), new GatewayResolver() {
            @Override
            public List<InetAddress> resolve(String domain) {
                return List.of();
            }

            @Override
            public java.util.Optional<byte[]> forward(byte[] query) {
                return java.util.Optional.empty();
            }
        }, random.split(), now);
        clientHost = net.addHost(new InetSocketAddress("198.51.100.10", 52625), VirtualNetwork.Nat.NONE, null,
            (local, from, payload) -> client.handleNetworkInput(local, from, payload, 0, payload.length, now));
        gatewayHost = net.addHost(new InetSocketAddress("203.0.113.10", 52625), VirtualNetwork.Nat.NONE, null,
            (local, from, payload) -> gateway.handleNetworkInput(local, from, payload, 0, payload.length, now));
    }

    /** Joins both to the portal, authorizes the CIDR resource with one packet and runs until it crossed. */
    void connect() {
        var relays = List.<dev.flint.connlib.portal.Relay>of(VirtualNetwork.portalRelay(relay));
        client.handlePortalJoined(now);
        client.handlePortalMessage(new PortalToClient.Init(new Interface(CLIENT_V4, CLIENT_V6, List.of(), List.of(),
            List.of(), null), List.of(new Resource.Cidr(RESOURCE, IpNetwork.parse("10.0.1.0/24"), null, "lab",
            List.of(new Site(SITE, "site")), List.of())), relays, List.of(), flowLogs()), now);
        gateway.handlePortalJoined(now);
        gateway.handlePortalMessage(new PortalToGateway.Init(new GatewayInterface(GATEWAY_V4, GATEWAY_V6),
            new GatewayConfig(true, true), "acme", relays, List.of(), flowLogs()), now);
        run(Duration.ofSeconds(1));
        client.handleTunInput(udp(CLIENT_V4, HOST, 40000, 5000, "first"), now);
        run(Duration.ofSeconds(5));
        if (gatewayTun.isEmpty()) {
            throw new AssertionError("the first packet did not reach the gateway's TUN side");
        }
    }

    static FlowLogsConfig flowLogs() {
        return new FlowLogsConfig("https://flow.invalid/", 0, 1000);
    }

    static byte[] udp(InetAddress from, InetAddress to, int fromPort, int toPort, String text) {
        return PacketBuilder.udp(from, to, fromPort, toPort, text.getBytes(java.nio.charset.StandardCharsets.UTF_8))
            .bytes();
    }

    /** Lets virtual time pass: datagrams land, timers fire, the portal relays what each side says. */
    void run(Duration d) {
        Instant end = now.plus(d);
        while (true) {
            drain();
            Instant next = earliest(net.nextDelivery(), client.pollTimeout(), gateway.pollTimeout());
            if (next == null || next.isAfter(end)) {
                now = end;
                return;
            }
            if (next.isAfter(now)) {
                now = next;
            }
            net.deliverDue(now);
            Instant c = client.pollTimeout();
            if (c != null && !c.isAfter(now)) {
                client.handleTimeout(now);
            }
            Instant g = gateway.pollTimeout();
            if (g != null && !g.isAfter(now)) {
                gateway.handleTimeout(now);
            }
        }
    }

    private static Instant earliest(Instant... all) {
        Instant e = null;
        for (Instant t : all) {
            if (t != null && (e == null || t.isBefore(e))) {
                e = t;
            }
        }
        return e;
    }

    void drain() {
        boolean moved = true;
        while (moved) {
            moved = false;
            for (Transmit t = client.pollTransmit(); t != null; t = client.pollTransmit()) {
                clientHost.send(t.destination(), t.payload());
                moved = true;
            }
            for (Transmit t = gateway.pollTransmit(); t != null; t = gateway.pollTransmit()) {
                gatewayHost.send(t.destination(), t.payload());
                moved = true;
            }
            for (byte[] p = client.pollTunPacket(); p != null; p = client.pollTunPacket()) {
                clientTun.add(p);
                moved = true;
            }
            for (byte[] p = gateway.pollTunPacket(); p != null; p = gateway.pollTunPacket()) {
                gatewayTun.add(p);
                moved = true;
            }
            for (ClientToPortal m = client.pollPortalMessage(); m != null; m = client.pollPortalMessage()) {
                fromClient(m);
                moved = true;
            }
            for (GatewayToPortal m = gateway.pollPortalMessage(); m != null; m = gateway.pollPortalMessage()) {
                fromGateway(m);
                moved = true;
            }
            while (client.pollEvent() != null || gateway.pollEvent() != null) {
                moved = true;
            }
        }
    }

    private final IceCredentials clientIce = new IceCredentials("clnt", "clientpasswordxxxxxxxx");
    private final IceCredentials gatewayIce = new IceCredentials("gate", "gatewaypasswordxxxxxxx");
    private final WireGuardKey psk = WireGuardKey.generatePreshared(new SplittableRandom(1));

    private void fromClient(ClientToPortal m) {
        switch (m) {
            case ClientToPortal.RequestAuthorization r -> gateway.handlePortalMessage(
                new PortalToGateway.CreateAuthorization("ref-1", new GatewayResource.Cidr(RESOURCE,
                    IpNetwork.parse("10.0.1.0/24"), "lab", List.of()), GatewayClient.of(CLIENT_ID,
                    client.publicKey(), psk, CLIENT_V4, CLIENT_V6), clientIce, gatewayIce, null, null, false, TOKEN),
                now);
            case ClientToPortal.NewGatewayIceCandidates c ->
                gateway.handlePortalMessage(new PortalToGateway.IceCandidates(CLIENT_ID, c.candidates()), now);
            case ClientToPortal.InvalidateGatewayIceCandidates c ->
                gateway.handlePortalMessage(new PortalToGateway.InvalidateIceCandidates(CLIENT_ID, c.candidates()), now);
            default -> { }
        }
    }

    private void fromGateway(GatewayToPortal m) {
        switch (m) {
            case GatewayToPortal.AuthorizationCreated a -> client.handlePortalMessage(
                new PortalToClient.AuthorizationCreated(RESOURCE, SITE, GATEWAY_ID, gateway.publicKey(), GATEWAY_V4,
                    GATEWAY_V6, psk, clientIce, gatewayIce, false, TOKEN), now);
            case GatewayToPortal.BroadcastIceCandidates c ->
                client.handlePortalMessage(new PortalToClient.IceCandidates(GATEWAY_ID, c.candidates()), now);
            case GatewayToPortal.BroadcastInvalidatedIceCandidates c ->
                client.handlePortalMessage(new PortalToClient.InvalidateIceCandidates(GATEWAY_ID, c.candidates()),
                    now);
            default -> { }
        }
    }
}
