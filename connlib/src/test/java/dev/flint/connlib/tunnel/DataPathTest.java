package dev.flint.connlib.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flint.connlib.packet.PacketBuilder;
import dev.flint.connlib.peer.DatagramRoute;
import dev.flint.connlib.peer.PeerNode;
import dev.flint.connlib.portal.GatewayResource;
import dev.flint.connlib.net.IpPrefix;
import dev.flint.connlib.portal.PortalToClient;
import dev.flint.connlib.portal.PortalToGateway;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The copy-free data path of both sessions: once the policy layer passed a flow the slow way, its next packets are
 * sealed straight into a datagram and opened straight into a TUN slot, byte for byte the same packets; a change of
 * what is allowed sends them the slow way again, where the policy decides anew.
 */
class DataPathTest {
    SessionPair pair;
    final ByteBuffer datagram = ByteBuffer.allocateDirect(2048);
    final ByteBuffer tun = ByteBuffer.allocateDirect(2048);

    @BeforeEach
    void connected() {
        pair = new SessionPair(42);
        pair.connect();
    }

    /** Seals {@code packet} on one side and opens it on the other; the route taken, or null for the slow way. */
    private byte[] crossFast(TunnelSession from, TunnelSession to, byte[] packet, boolean clientSends) {
        datagram.clear();
        DatagramRoute route = from.sealTunPacket(ByteBuffer.wrap(packet), datagram, pair.now);
        if (route == null) {
            return null;
        }
        assertThat(route.viaRelay()).as("both hosts are public: a direct path").isFalse();
        datagram.flip();
        tun.clear();
        var receiver = clientSends ? pair.gatewayHost.local : pair.clientHost.local;
        var sender = clientSends ? pair.clientHost.local : pair.gatewayHost.local;
        PeerNode.Opened opened = to.openDatagram(receiver, sender, datagram, tun, pair.now);
        assertThat(opened).isEqualTo(PeerNode.Opened.PACKET);
        byte[] out = new byte[tun.position()];
        tun.flip().get(out);
        return out;
    }

    @Test
    void aKnownFlowCrossesWithoutTheSlowPathAndArrivesUnchanged() {
        byte[] second = SessionPair.udp(SessionPair.CLIENT_V4, SessionPair.HOST, 40000, 5000, "second");
        assertThat(crossFast(pair.client, pair.gateway, second, true)).isEqualTo(second);

        // The reply's flow is new to both: the first reply goes the slow way and teaches both sides.
        byte[] reply = SessionPair.udp(SessionPair.HOST, SessionPair.CLIENT_V4, 5000, 40000, "reply");
        assertThat(pair.gateway.sealTunPacket(ByteBuffer.wrap(reply), datagram.clear(), pair.now)).isNull();
        pair.gateway.handleTunInput(reply, pair.now);
        pair.run(java.time.Duration.ofMillis(100));
        assertThat(pair.clientTun).anySatisfy(p -> assertThat(p).isEqualTo(reply));

        byte[] again = SessionPair.udp(SessionPair.HOST, SessionPair.CLIENT_V4, 5000, 40000, "reply 2");
        assertThat(crossFast(pair.gateway, pair.client, again, false)).isEqualTo(again);
    }

    @Test
    void theNextPingRunCrossesWithoutTheSlowPathAlthoughItsIdentifierIsNew() {
        byte[] data = "ping".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] first = PacketBuilder.icmpEchoRequest(SessionPair.CLIENT_V4, SessionPair.HOST, 1, 1, data).bytes();
        assertThat(crossFast(pair.client, pair.gateway, first, true)).as("the first echo to the host").isNull();
        pair.client.handleTunInput(first, pair.now);
        pair.run(java.time.Duration.ofMillis(100));
        assertThat(pair.gatewayTun).anySatisfy(p -> assertThat(p).isEqualTo(first));
        pair.gateway.handleTunInput(PacketBuilder.icmpEchoReply(SessionPair.HOST, SessionPair.CLIENT_V4, 1, 1, data)
            .bytes(), pair.now);
        pair.run(java.time.Duration.ofMillis(100));

        byte[] next = PacketBuilder.icmpEchoRequest(SessionPair.CLIENT_V4, SessionPair.HOST, 2, 1, data).bytes();
        assertThat(crossFast(pair.client, pair.gateway, next, true)).isEqualTo(next);
    }

    @Test
    void aFlowOfAnotherPortTakesTheSlowPathFirst() {
        byte[] other = SessionPair.udp(SessionPair.CLIENT_V4, SessionPair.HOST, 40000, 5001, "other port");
        assertThat(crossFast(pair.client, pair.gateway, other, true)).isNull();
    }

    @Test
    void aResourceTheClientLostIsNoLongerSealed() {
        pair.client.handlePortalMessage(new PortalToClient.ResourceDeleted(SessionPair.RESOURCE), pair.now);
        pair.run(java.time.Duration.ofMillis(100));
        byte[] packet = SessionPair.udp(SessionPair.CLIENT_V4, SessionPair.HOST, 40000, 5000, "after");
        assertThat(pair.client.sealTunPacket(ByteBuffer.wrap(packet), datagram.clear(), pair.now)).isNull();
    }

    @Test
    void anAccessTheGatewayRevokedIsDecidedAgainAndRefused() {
        // Another resource keeps the connection up, so the revoked one's packets still arrive.
        pair.gateway.handlePortalMessage(new PortalToGateway.CreateAuthorization("ref-2", new GatewayResource.Cidr(
            new java.util.UUID(0, 0x3001), IpPrefix.tryParse("10.0.9.0/24"), "other", List.of()),
            dev.flint.connlib.portal.GatewayClient.of(SessionPair.CLIENT_ID, pair.client.publicKey(),
                dev.flint.connlib.wireguard.WireGuardKey.generatePreshared(new java.util.SplittableRandom(1)),
                SessionPair.CLIENT_V4, SessionPair.CLIENT_V6),
            new dev.flint.connlib.ice.IceCredentials("clnt", "clientpasswordxxxxxxxx"),
            new dev.flint.connlib.ice.IceCredentials("gate", "gatewaypasswordxxxxxxx"), null, null, false,
            SessionPair.TOKEN), pair.now);
        revokeAtTheGateway();
        // The client does not know: its first packet is refused, which makes it ask again; this test's portal says
        // yes, so the gateway grants it again.
        pair.client.handleTunInput(SessionPair.udp(SessionPair.CLIENT_V4, SessionPair.HOST, 40000, 5000, "again"),
            pair.now);
        pair.run(java.time.Duration.ofMillis(100));
        assertThat(pair.gateway.counters().rejected()).isPositive();
        assertThat(pair.client.counters().refusalsReasked()).isOne();
        // Revoked once more, soon after: the client, told nothing, learns the flow again from its next packet (the
        // gateway refuses it, and this refusal reaches the application: the client asked again moments ago).
        revokeAtTheGateway();
        pair.client.handleTunInput(SessionPair.udp(SessionPair.CLIENT_V4, SessionPair.HOST, 40000, 5000, "and again"),
            pair.now);
        pair.run(java.time.Duration.ofMillis(100));
        assertThat(pair.client.counters().refusalsReasked()).isOne();
        int delivered = pair.gatewayTun.size();
        long rejected = pair.gateway.counters().rejected();

        byte[] packet = SessionPair.udp(SessionPair.CLIENT_V4, SessionPair.HOST, 40000, 5000, "revoked");
        datagram.clear();
        DatagramRoute route = pair.client.sealTunPacket(ByteBuffer.wrap(packet), datagram, pair.now);
        assertThat(route).as("the client still thinks it may").isNotNull();
        datagram.flip();
        PeerNode.Opened opened = pair.gateway.openDatagram(pair.gatewayHost.local, pair.clientHost.local, datagram,
            tun.clear(), pair.now);
        assertThat(opened).isEqualTo(PeerNode.Opened.CONSUMED);
        pair.drain();
        assertThat(pair.gatewayTun).hasSize(delivered);
        assertThat(pair.gateway.counters().rejected()).isEqualTo(rejected + 1);
    }

    /** The gateway is told the client may no longer reach the resource; the client is told nothing. */
    private void revokeAtTheGateway() {
        pair.gateway.handlePortalMessage(new PortalToGateway.RejectAccess(SessionPair.CLIENT_ID, SessionPair.RESOURCE),
            pair.now);
        pair.run(java.time.Duration.ofMillis(100));
    }
}
