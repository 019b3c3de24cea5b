package dev.flint.devstack.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** The gateway writes socket addresses with connlib's RFC 5952 text, so its sentences can be read and grepped. */
class AddressTextTest {

    @Test
    void socketAddressesPutIpv6InBrackets() {
        assertThat(Gateway.text(new InetSocketAddress(InetAddress.ofLiteral("198.18.0.10"), 3478)))
            .isEqualTo("198.18.0.10:3478");
        assertThat(Gateway.text(new InetSocketAddress(InetAddress.ofLiteral("2001:db8:18::10"), 3478)))
            .isEqualTo("[2001:db8:18::10]:3478");
    }
}
