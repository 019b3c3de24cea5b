package dev.flint.devstack.gateway;

import dev.flint.netns.NatType;
import org.junit.jupiter.api.Tag;

/** The client end to end with symmetric NATs on both sides: everything goes through coturn. */
@Tag("privileged")
class SymmetricNatEndToEndTest extends ClientTunnelEndToEndTest {
    @Override
    NatType natType() {
        return NatType.SYMMETRIC;
    }
}
