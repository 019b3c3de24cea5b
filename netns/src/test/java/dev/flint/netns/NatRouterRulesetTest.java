package dev.flint.netns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class NatRouterRulesetTest {

    private static final NetworkNamespace ROUTER = NetworkNamespace.existing("unused");

    private static String rules(NatType type) throws Exception {
        return new NatRouter(ROUTER, type, "lan", "wan").ruleset(InetAddress.getByName("10.0.0.2"));
    }

    @Test
    void eachTypeTranslatesAsDocumented() throws Exception {
        assertThat(rules(NatType.NONE)).isEmpty();
        assertThat(rules(NatType.PORT_RESTRICTED_CONE))
            .contains("oifname \"wan\" masquerade persistent", "policy drop", "ct state established,related accept")
            .doesNotContain("dnat", "random");
        assertThat(rules(NatType.SYMMETRIC)).contains("masquerade random,fully-random").doesNotContain("dnat");
        for (NatType type : List.of(NatType.FULL_CONE, NatType.PORT_RESTRICTED_CONE, NatType.SYMMETRIC)) {
            assertThat(rules(type)).as("unsolicited UDP to the router leaves no conntrack entry")
                .contains("iifname \"wan\" meta l4proto udp ct state new drop");
        }
        assertThat(rules(NatType.FULL_CONE)).contains("masquerade persistent",
            "iifname \"wan\" udp dport 1024-65535 dnat ip to 10.0.0.2", "ct status dnat accept");
        assertThatThrownBy(() -> new NatRouter(ROUTER, NatType.FULL_CONE, "lan", "wan").ruleset(null))
            .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void typesParseFromTheirCommandLineSpelling() {
        for (NatType type : NatType.values()) {
            assertThat(NatType.parse(type.label())).isEqualTo(type);
        }
        assertThat(NatType.parse("port-restricted-cone")).isEqualTo(NatType.PORT_RESTRICTED_CONE);
        assertThatThrownBy(() -> NatType.parse("restricted")).hasMessageContaining("none, full-cone");
    }
}
