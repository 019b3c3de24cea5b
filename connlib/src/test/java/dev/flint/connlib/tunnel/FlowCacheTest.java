package dev.flint.connlib.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flint.connlib.packet.PacketBuilder;
import dev.flint.connlib.packet.UnreachableReason;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/**
 * What makes two packets one flow for a cached verdict: the fields the verdict depends on, and no more. A ping's
 * identifier is one only where the gateway tells its replies apart by it.
 */
class FlowCacheTest {
    static final InetAddress CLIENT = address("100.64.0.1");
    static final InetAddress HOST = address("10.0.1.5");
    static final InetAddress CLIENT6 = address("fd00:2021:1111::1");
    static final InetAddress HOST6 = address("fd00:10::5");
    static final byte[] DATA = "ping".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    @Test
    void anEchoOfAnotherIdentifierIsTheSameFlowTowardsAResourceAndBack() {
        FlowCache<String> out = new FlowCache<>(FlowCache.Side.DESTINATION);
        FlowCache<String> in = new FlowCache<>(FlowCache.Side.SOURCE);
        out.put(PacketBuilder.icmpEchoRequest(CLIENT, HOST, 1, 1, DATA).bytes(), null, "gateway");
        in.put(PacketBuilder.icmpEchoReply(HOST, CLIENT, 1, 1, DATA).bytes(), "gateway", "in");

        assertThat(get(out, PacketBuilder.icmpEchoRequest(CLIENT, HOST, 2, 1, DATA).bytes(), null))
            .as("the next ping run, a new identifier").isEqualTo("gateway");
        assertThat(get(in, PacketBuilder.icmpEchoReply(HOST, CLIENT, 2, 1, DATA).bytes(), "gateway")).isEqualTo("in");
        assertThat(get(out, PacketBuilder.icmpEchoRequest(CLIENT, address("10.0.1.6"), 1, 1, DATA).bytes(), null))
            .as("another destination").isNull();
        assertThat(get(out, PacketBuilder.icmpEchoReply(CLIENT, HOST, 1, 1, DATA).bytes(), null))
            .as("another echo type").isNull();
    }

    @Test
    void theSameHoldsForIcmpv6() {
        FlowCache<String> out = new FlowCache<>(FlowCache.Side.DESTINATION);
        out.put(PacketBuilder.icmpEchoRequest(CLIENT6, HOST6, 7, 1, DATA).bytes(), null, "gateway");
        assertThat(get(out, PacketBuilder.icmpEchoRequest(CLIENT6, HOST6, 8, 3, DATA).bytes(), null))
            .isEqualTo("gateway");
    }

    @Test
    void aGatewayTellsRepliesApartByTheirIdentifier() {
        // One client may ping a host by a CIDR resource (replies pass unchanged) and by a DNS resource's proxy
        // address (replies are translated back): the identifier is all that tells the two kinds of reply apart.
        FlowCache<String> replies = new FlowCache<>(FlowCache.Side.REPLY);
        replies.put(PacketBuilder.icmpEchoReply(HOST, CLIENT, 1, 1, DATA).bytes(), null, "client");
        assertThat(get(replies, PacketBuilder.icmpEchoReply(HOST, CLIENT, 1, 2, DATA).bytes(), null))
            .as("the same ping run").isEqualTo("client");
        assertThat(get(replies, PacketBuilder.icmpEchoReply(HOST, CLIENT, 2, 1, DATA).bytes(), null)).isNull();
    }

    @Test
    void anIcmpErrorNeverPassesForTheEchoFlowItSharesAddressesWith() {
        FlowCache<String> in = new FlowCache<>(FlowCache.Side.SOURCE);
        byte[] reply = PacketBuilder.icmpEchoReply(HOST, CLIENT, 1, 1, DATA).bytes();
        in.put(reply, "gateway", "in");
        byte[] error = PacketBuilder.destinationUnreachable(PacketBuilder.icmpEchoRequest(CLIENT, HOST, 1, 1, DATA),
            UnreachableReason.PROHIBITED).bytes();
        in.put(error, "gateway", "error");
        assertThat(get(in, error, "gateway")).isNull();
        assertThat(get(in, reply, "gateway")).isEqualTo("in");
    }

    @Test
    void udpFlowsAreKeyedByTheirDestinationPortTowardsAResource() {
        FlowCache<String> out = new FlowCache<>(FlowCache.Side.DESTINATION);
        out.put(SessionPair.udp(CLIENT, HOST, 40000, 53, "q"), null, "gateway");
        assertThat(get(out, SessionPair.udp(CLIENT, HOST, 40001, 53, "q"), null)).isEqualTo("gateway");
        assertThat(get(out, SessionPair.udp(CLIENT, HOST, 40000, 54, "q"), null)).isNull();
    }

    private static String get(FlowCache<String> cache, byte[] packet, Object owner) {
        return cache.get(ByteBuffer.wrap(packet), 0, packet.length, owner);
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
