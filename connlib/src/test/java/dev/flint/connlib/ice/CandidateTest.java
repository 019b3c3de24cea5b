package dev.flint.connlib.ice;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flint.connlib.ice.Candidate.ParseResult;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class CandidateTest {
    @Test
    void parsesFirezoneSrflxAndRelayStrings() {
        Candidate srflx = parsed("candidate:7854631899965427361 1 udp 1694498559 172.28.0.100 47717 typ srflx");
        assertThat(srflx.type()).isEqualTo(CandidateType.SERVER_REFLEXIVE);
        assertThat(srflx.address()).isEqualTo(new InetSocketAddress("172.28.0.100", 47717));
        assertThat(srflx.priority()).isEqualTo(1694498559L);
        assertThat(srflx.foundation()).isEqualTo("7854631899965427361");
        Candidate relay = parsed("candidate:7031633958891736544 1 udp 50331391 35.244.108.190 53909 typ relay");
        assertThat(relay.type()).isEqualTo(CandidateType.RELAYED);
    }

    @Test
    void parsesRelatedAddressAndIgnoresExtensions() {
        Candidate c = parsed("a=candidate:1 1 UDP 2130706431 2001:db8::5 52625 typ srflx raddr 10.0.0.2 rport 52625 generation 0");
        assertThat(c.address()).isEqualTo(new InetSocketAddress("2001:db8::5", 52625));
        assertThat(c.related()).isEqualTo(new InetSocketAddress("10.0.0.2", 52625));
    }

    @Test
    void printsAndReparses() {
        Candidate host = Candidate.host(new InetSocketAddress("192.0.2.10", 52625));
        assertThat(host.toSdp()).matches("candidate:\\d+ 1 udp 2130706175 192\\.0\\.2\\.10 52625 typ host");
        assertThat(parsed(host.toSdp())).isEqualTo(host);
        Candidate relay = Candidate.relayed(new InetSocketAddress("2001:db8::9", 50000),
                new InetSocketAddress("2001:db8::1", 52625));
        assertThat(relay.priority()).isEqualTo((65535L << 8) | 255);
        Candidate back = parsed(relay.toSdp());
        assertThat(back.type()).isEqualTo(CandidateType.RELAYED);
        assertThat(back.priority()).isEqualTo(relay.priority());
        Candidate withRelated = new Candidate(CandidateType.SERVER_REFLEXIVE, new InetSocketAddress("198.51.100.1", 4000),
                new InetSocketAddress("10.0.0.1", 52625), new InetSocketAddress("10.0.0.1", 52625), 1694498559L, "42");
        assertThat(withRelated.toSdp()).isEqualTo(
                "candidate:42 1 udp 1694498559 198.51.100.1 4000 typ srflx raddr 10.0.0.1 rport 52625");
        assertThat(parsed(withRelated.toSdp())).isEqualTo(withRelated);
    }

    @Test
    void srflxPriorityMatchesFirezonesIpv4Example() {
        assertThat(Candidate.priority(CandidateType.SERVER_REFLEXIVE, new InetSocketAddress("172.28.0.100", 1)))
                .isEqualTo(1694498559L);
    }

    @Test
    void namesTheBadField() {
        assertThat(field("candidate:1 1 udp 12 example.com 5 typ host")).isEqualTo("connection-address");
        assertThat(field("candidate:1 1 udp x 1.2.3.4 5 typ host")).isEqualTo("priority");
        assertThat(field("candidate:1 1 udp 4294967296 1.2.3.4 5 typ host")).isEqualTo("priority");
        assertThat(field("candidate:1 2 udp 1 1.2.3.4 5 typ host")).isEqualTo("component");
        assertThat(field("candidate:1 1 tcp 1 1.2.3.4 5 typ host")).isEqualTo("transport");
        assertThat(field("candidate:1 1 udp 1 1.2.3.4 0 typ host")).isEqualTo("port");
        assertThat(field("candidate:1 1 udp 1 1.2.3.4 5 typ bogus")).isEqualTo("cand-type");
        assertThat(field("candidate:1 1 udp 1 1.2.3 5 typ host")).isEqualTo("connection-address");
        assertThat(field("candidate:1 1 udp 1 1.2.3.4 5 typ srflx raddr 1.2.3.4")).isEqualTo("raddr");
        assertThat(field("garbage")).isEqualTo("candidate");
        assertThat(field("candidate:1 1 udp")).isEqualTo("candidate");
    }

    private static Candidate parsed(String s) {
        return ((ParseResult.Parsed) Candidate.parse(s)).candidate();
    }

    private static String field(String s) {
        return ((ParseResult.Invalid) Candidate.parse(s)).field();
    }
}
