package dev.flint.devstack.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flint.netns.NatType;
import org.junit.jupiter.api.Test;

/** The rule {@code flint demo --check} judges the path by: the NAT matrix of the hole-punching issue. */
class DirectPathRuleTest {
    @Test
    void onlyASymmetricNatFacingAPortFilteringOneLeavesTheRelay() {
        for (NatType client : NatType.values()) {
            for (NatType gateway : NatType.values()) {
                boolean relayOnly = (client == NatType.SYMMETRIC && filtersByPort(gateway))
                    || (gateway == NatType.SYMMETRIC && filtersByPort(client));
                assertThat(Demo.directExpected(client, gateway)).as(client + " / " + gateway).isEqualTo(!relayOnly);
            }
        }
        assertThat(Demo.directExpected(NatType.SYMMETRIC, NatType.FULL_CONE)).isTrue();
        assertThat(Demo.directExpected(NatType.PORT_RESTRICTED_CONE, NatType.PORT_RESTRICTED_CONE)).isTrue();
        assertThat(Demo.directExpected(NatType.SYMMETRIC, NatType.NONE)).isTrue();
    }

    private static boolean filtersByPort(NatType type) {
        return type == NatType.PORT_RESTRICTED_CONE || type == NatType.SYMMETRIC;
    }
}
