package dev.flint.connlib.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class IpPrefixTest {

    @Test
    void networksKnowTheirHostBits() throws Exception {
        assertThat(IpPrefix.tryParse("10.0.0.0/24").isCanonical()).isTrue();
        assertThat(IpPrefix.tryParse("10.0.0.1/24").isCanonical()).isFalse();
        assertThat(IpPrefix.tryParse("2001:db8::/64").isCanonical()).isTrue();
        assertThat(IpPrefix.tryParse("2001:db8::1/64").isCanonical()).isFalse();
        assertThat(IpPrefix.tryParse("10.0.0.0/33")).isNull();
        assertThat(IpPrefix.tryParse("10.0.0.0/024")).isNull();
        assertThat(IpPrefix.tryParse("10.0.0.0/")).isNull();
        assertThat(IpPrefix.tryParse("10.0.0.0/8/8")).isNull();
        assertThat(IpPrefix.of(InetAddress.getByName("100.64.1.38")).toString()).isEqualTo("100.64.1.38/32");
        assertThat(IpPrefix.tryParse("fd00:2021:1111:0::125/128").toString()).isEqualTo("fd00:2021:1111::125/128");
    }

    @Test
    void interfaceAddressesKeepTheirHostBits() {
        IpPrefix address = IpPrefix.parse("10.10.1.2/24");
        assertThat(address).hasToString("10.10.1.2/24");
        assertThat(address.network()).hasToString("10.10.1.0/24");
        assertThat(address.contains(InetLiteral.parse("10.10.1.200"))).isTrue();
        assertThat(address.contains(InetLiteral.parse("10.10.2.1"))).isFalse();
        assertThat(address.contains(InetLiteral.parse("::1"))).isFalse();
        assertThat(IpPrefix.parse("100.64.0.3").isHost()).isTrue();
        assertThat(IpPrefix.parse("fd00::1/64").network()).hasToString("fd00::/64");
    }

    @Test
    void hostsAreCountedFromTheNetwork() {
        assertThat(IpPrefix.parse("10.1.2.0/24").host(7)).hasToString("10.1.2.7/24");
        assertThat(IpPrefix.parse("10.1.2.9/24").host(7)).hasToString("10.1.2.7/24");
        assertThat(IpPrefix.parse("fd00::/64").host(1)).hasToString("fd00::1/64");
        assertThat(IpPrefix.parse("10.0.0.0/8").addressAt(256)).isEqualTo(InetLiteral.parse("10.0.1.0"));
        assertThat(IpPrefix.parse("10.1.2.0/30").size()).isEqualTo(4);
        assertThat(IpPrefix.parse("::/0").size()).isEqualTo(Long.MAX_VALUE);
        assertThatThrownBy(() -> IpPrefix.parse("10.1.2.0/30").host(4)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("10.1.2.0/30");
    }

    @Test
    void parseErrorsSayWhatIsWrong() {
        assertThatThrownBy(() -> IpPrefix.parse("example.com/24")).hasMessageContaining("'example.com' is not an IPv4");
        assertThatThrownBy(() -> IpPrefix.parse("10.0.0.0/33")).hasMessageContaining("exceeds 32");
        assertThatThrownBy(() -> IpPrefix.parse("10.0.0.0/x")).hasMessageContaining("prefix length 'x'");
        assertThatThrownBy(() -> IpPrefix.parse("10.0.0.0/8/8")).hasMessageContaining("more than one '/'");
        assertThat(IpPrefix.tryParse("10.0.0.0/8/8")).isNull();
    }
}
