package dev.flint.connlib.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flint.connlib.packet.IpPacket;
import dev.flint.connlib.packet.P2pControlFrame;
import dev.flint.connlib.packet.ParseResult;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class P2pControlEventTest {
    static final UUID R = UUID.fromString("00000000-0000-0000-0000-000000000065");

    static P2pControlEvent.Decoded roundTrip(byte[] packet) {
        IpPacket p = ((ParseResult.Parsed) IpPacket.parse(packet)).packet();
        return P2pControlEvent.decode(((P2pControlFrame.Result.Decoded) P2pControlFrame.decode(p)).frame());
    }

    @Test
    void assignedIpsBodyIsTheReferenceJson() {
        var e = new P2pControlEvent.AssignedIps(R, "app.example.com", List.of(NatTableTest.ip("100.96.0.1"),
                NatTableTest.ip("100.96.0.2"), NatTableTest.ip("100.96.0.3"), NatTableTest.ip("100.96.0.4"),
                NatTableTest.ip("fd00:2021:1111:8000::"), NatTableTest.ip("fd00:2021:1111:8000::1"),
                NatTableTest.ip("fd00:2021:1111:8000::2"), NatTableTest.ip("fd00:2021:1111:8000::3")));
        byte[] packet = e.encode();
        assertThat(packet[40]).isZero();
        assertThat(new String(Arrays.copyOfRange(packet, 48, packet.length), StandardCharsets.UTF_8)).isEqualTo(
                "{\"resource\":\"00000000-0000-0000-0000-000000000065\",\"domain\":\"app.example.com\","
                        + "\"proxy_ips\":[\"100.96.0.1\",\"100.96.0.2\",\"100.96.0.3\",\"100.96.0.4\","
                        + "\"fd00:2021:1111:8000::\",\"fd00:2021:1111:8000::1\",\"fd00:2021:1111:8000::2\","
                        + "\"fd00:2021:1111:8000::3\"]}");
        assertThat(roundTrip(packet)).isEqualTo(new P2pControlEvent.Event(e));
    }

    @Test
    void domainStatusAndGoodbye() {
        byte[] status = new P2pControlEvent.DomainStatus(R, "app.example.com", true).encode();
        assertThat(new String(Arrays.copyOfRange(status, 48, status.length), StandardCharsets.UTF_8)).isEqualTo(
                "{\"resource\":\"00000000-0000-0000-0000-000000000065\",\"domain\":\"app.example.com\","
                        + "\"status\":\"Active\"}");
        assertThat(status[40]).isEqualTo((byte) 1);
        byte[] bye = new P2pControlEvent.Goodbye().encode();
        assertThat(bye).hasSize(48);
        assertThat(bye[40]).isEqualTo((byte) 2);
        assertThat(roundTrip(bye)).isEqualTo(new P2pControlEvent.Event(new P2pControlEvent.Goodbye()));
    }

    @Test
    void unknownStatusIsInactiveUnknownTypeIsReportedBadBodiesAreMalformed() {
        byte[] odd = new P2pControlFrame(1, ("{\"resource\":\"" + R + "\",\"domain\":\"a\",\"status\":\"Weird\"}")
                .getBytes(StandardCharsets.UTF_8)).encode();
        assertThat(roundTrip(odd)).isEqualTo(new P2pControlEvent.Event(new P2pControlEvent.DomainStatus(R, "a",
                false)));
        assertThat(roundTrip(new P2pControlFrame(9, new byte[0]).encode()))
                .isEqualTo(new P2pControlEvent.UnknownType(9));
        assertThat(roundTrip(new P2pControlFrame(0, "{\"resource\":\"x\"}".getBytes()).encode()))
                .isInstanceOf(P2pControlEvent.Malformed.class);
        assertThat(roundTrip(new P2pControlFrame(0, ("{\"resource\":\"" + R + "\",\"domain\":\"a\",\"proxy_ips\":"
                + "[\"100.96.0.1\"]}").getBytes()).encode())).isInstanceOf(P2pControlEvent.Malformed.class);
        assertThat(roundTrip(new P2pControlFrame(1, new byte[] {'{'}).encode()))
                .isInstanceOf(P2pControlEvent.Malformed.class);
    }

    /** Firezone's AssignedIps refuses a proxy-IP count other than 4 or 8 when serializing, as when parsing. */
    @Test
    void firezoneRefusesToEncodeAssignedIpsWithOtherThanFourOrEightProxyIps() {
        for (int n : new int[] {0, 1, 3, 5, 7, 9}) {
            List<java.net.InetAddress> ips = new java.util.ArrayList<>();
            for (int i = 0; i < n; i++) {
                ips.add(NatTableTest.ip("100.96.0." + (i + 1)));
            }
            var event = new P2pControlEvent.AssignedIps(R, "app.example.com", ips);
            org.assertj.core.api.Assertions.assertThatThrownBy(event::encode)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("AssignedIps proxy_ips must hold 4 or 8 addresses, got " + n);
        }
    }
}
