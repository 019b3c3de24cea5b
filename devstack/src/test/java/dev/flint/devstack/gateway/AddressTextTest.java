package dev.flint.devstack.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** The gateway writes addresses as RFC 5952 does, so its sentences can be read and grepped. */
class AddressTextTest {

    static String text(String literal) {
        return Gateway.text(InetAddress.ofLiteral(literal));
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
            String shortened = Gateway.text(a);
            assertThat(InetAddress.ofLiteral(shortened)).as(shortened).isEqualTo(a);
            assertThat(shortened).doesNotContain(":::").satisfies(s -> assertThat(s.split("::", -1).length).isLessThanOrEqualTo(2));
        }
    }

    @Test
    void socketAddressesPutIpv6InBrackets() {
        assertThat(Gateway.text(new InetSocketAddress(InetAddress.ofLiteral("198.18.0.10"), 3478)))
            .isEqualTo("198.18.0.10:3478");
        assertThat(Gateway.text(new InetSocketAddress(InetAddress.ofLiteral("2001:db8:18::10"), 3478)))
            .isEqualTo("[2001:db8:18::10]:3478");
    }
}
