package dev.flint.connlib.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

/** Literals parse without DNS and IPv6 prints as RFC 5952 says, the one text every module writes. */
class InetLiteralTest {

    static String text(String literal) {
        return InetLiteral.format(InetAddress.ofLiteral(literal));
    }

    @Test
    void ipv6IsPrintedInRfc5952Form() {
        assertThat(InetLiteral.format(InetLiteral.parse("fd00:2021:1111:0:0:0:13:efb9"))).isEqualTo("fd00:2021:1111::13:efb9");
        assertThat(InetLiteral.format(InetLiteral.parse("FD00:2021:1111:8000::"))).isEqualTo("fd00:2021:1111:8000::");
        assertThat(InetLiteral.format(InetLiteral.parse("::"))).isEqualTo("::");
        assertThat(InetLiteral.format(InetLiteral.parse("::1"))).isEqualTo("::1");
        assertThat(InetLiteral.format(InetLiteral.parse("2001:db8:0:1:0:0:0:1"))).isEqualTo("2001:db8:0:1::1");
        assertThat(InetLiteral.format(InetLiteral.parse("2001:db8:0:0:1:0:0:1"))).isEqualTo("2001:db8::1:0:0:1");
        assertThat(InetLiteral.format(InetLiteral.parse("2001:0:0:1:0:0:0:1"))).isEqualTo("2001:0:0:1::1");
        assertThat(InetLiteral.format(InetLiteral.parse("1:0:2:3:4:5:6:7"))).isEqualTo("1:0:2:3:4:5:6:7");
        assertThat(InetLiteral.format(InetLiteral.parse("1:0:2:0:0:3:0:0"))).isEqualTo("1:0:2::3:0:0");
        assertThat(IpPrefix.parse("fd00:0:0:1::").addressText()).isEqualTo("fd00:0:0:1::");
    }

    @Test
    void literalsNeverResolveNames() {
        assertThat(InetLiteral.parse("localhost")).isNull();
        assertThat(InetLiteral.parse("example.com")).isNull();
        assertThat(InetLiteral.parse("1.2.3")).isNull();
        assertThat(InetLiteral.parse("01.2.3.4")).isNull();
        assertThat(InetLiteral.parse("256.1.1.1")).isNull();
        assertThat(InetLiteral.parse("fe80::1%eth0")).isNull();
        assertThat(InetLiteral.parse("[::1]")).isNull();
        assertThat(InetLiteral.parse("")).isNull();
        assertThat(InetLiteral.parseIpv4("100.64.0.7")).isNotNull();
        assertThat(InetLiteral.parseIpv6("::ffff:1.2.3.4")).isNotNull();
    }

    @Test
    void ipv6IsShortenedAtTheLongestRunOfZeros() {
        assertThat(text("fd00:2021:1111:0:0:0:0:2")).isEqualTo("fd00:2021:1111::2");
        assertThat(text("2001:db8:0:0:1:0:0:1")).isEqualTo("2001:db8::1:0:0:1");
        assertThat(text("2001:db8:0:1:1:1:1:1")).as("one zero group stays").isEqualTo("2001:db8:0:1:1:1:1:1");
        assertThat(text("::")).isEqualTo("::");
        assertThat(text("::1")).isEqualTo("::1");
        assertThat(text("fe80::")).isEqualTo("fe80::");
        assertThat(text("2001:0:0:1:0:0:0:1")).as("the longer run wins").isEqualTo("2001:0:0:1::1");
    }

    @Test
    void everyShortenedFormMeansTheSameAddress() {
        java.util.Random random = new java.util.Random(7);
        for (int n = 0; n < 2000; n++) {
            byte[] bytes = new byte[16];
            for (int i = 0; i < 16; i += 2) {
                if (random.nextInt(3) != 0) {
                    bytes[i] = (byte) random.nextInt(256);
                    bytes[i + 1] = (byte) random.nextInt(256);
                }
            }
            InetAddress a = InetAddress.ofLiteral(java.util.HexFormat.ofDelimiter(":").formatHex(bytes)
                .replaceAll("(\\w\\w):(\\w\\w)", "$1$2"));
            String shortened = InetLiteral.format(a);
            assertThat(InetAddress.ofLiteral(shortened)).as(shortened).isEqualTo(a);
            assertThat(shortened).doesNotContain(":::").satisfies(s -> assertThat(s.split("::", -1).length).isLessThanOrEqualTo(2));
        }
    }
}
