package dev.flint.connlib.peer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flint.connlib.turn.RelayCredentials;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The one rule that turns the portal's relay entries into relays: merged by id, STUN-only entries left out. */
class RelayTest {
    static final Instant EXPIRY = Instant.ofEpochSecond(2_145_916_800L);

    @Test
    void oneRelayPerIdWithBothFamiliesOnceAndStunEntriesLeftOut() {
        UUID dual = UUID.randomUUID();
        UUID single = UUID.randomUUID();
        InetSocketAddress v4 = new InetSocketAddress(InetAddress.ofLiteral("198.18.0.10"), 3478);
        InetSocketAddress v6 = new InetSocketAddress(InetAddress.ofLiteral("2001:db8:18::10"), 3478);
        InetSocketAddress other = new InetSocketAddress(InetAddress.ofLiteral("198.18.0.11"), 3478);
        List<Relay> relays = Relay.fromPortal(List.of(
            new dev.flint.connlib.portal.Relay.Turn(dual, v4, "2145916800:salt", "pw", EXPIRY),
            new dev.flint.connlib.portal.Relay.Stun(UUID.randomUUID(), other),
            new dev.flint.connlib.portal.Relay.Turn(single, other, "2145916800:salt2", "pw2", EXPIRY),
            new dev.flint.connlib.portal.Relay.Turn(dual, v6, "2145916800:salt", "pw", EXPIRY),
            new dev.flint.connlib.portal.Relay.Turn(dual, v6, "2145916800:salt", "pw", EXPIRY)));
        assertThat(relays).containsExactly(
            new Relay(dual, List.of(v4, v6), new RelayCredentials("2145916800:salt", "pw")),
            new Relay(single, List.of(other), new RelayCredentials("2145916800:salt2", "pw2")));
    }

    @Test
    void noEntriesNoRelays() {
        assertThat(Relay.fromPortal(List.of())).isEmpty();
    }
}
