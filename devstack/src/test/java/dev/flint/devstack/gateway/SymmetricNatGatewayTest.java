package dev.flint.devstack.gateway;

import dev.flint.netns.NatType;
import org.junit.jupiter.api.Tag;

/** The same, with symmetric NATs in front of both client and gateway: only the relay path through coturn works. */
@Tag("privileged")
class SymmetricNatGatewayTest extends GatewayNamespaceTest {
    @Override
    NatType natType() {
        return NatType.SYMMETRIC;
    }
}
