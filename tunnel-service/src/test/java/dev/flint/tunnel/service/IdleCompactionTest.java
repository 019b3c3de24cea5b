package dev.flint.tunnel.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class IdleCompactionTest {
    private static final Instant T0 = Instant.parse("2026-12-07T00:00:00Z");
    private final IdleCompaction idle = new IdleCompaction();

    private boolean at(int second, long totalBytes) {
        return idle.observe(totalBytes, T0.plusSeconds(second));
    }

    @Test
    void compactsOnceThirtySecondsAfterTheStartWhenNothingMoves() {
        assertThat(at(0, 0)).isFalse();
        assertThat(at(28, 300)).as("keepalives are not traffic").isFalse();
        assertThat(at(30, 320)).isTrue();
        assertThat(at(60, 400)).as("once per quiet spell").isFalse();
        assertThat(at(600, 900)).isFalse();
    }

    @Test
    void aDownloadPostponesItAndItsEndStartsTheQuietSpell() {
        at(0, 0);
        assertThat(at(2, 50_000_000)).isFalse();
        assertThat(at(20, 900_000_000)).isFalse();
        assertThat(at(40, 900_000_100)).as("quiet only since second 40").isFalse();
        assertThat(at(68, 900_000_200)).isFalse();
        assertThat(at(70, 900_000_300)).isTrue();
    }

    @Test
    void trafficAfterACompactionArmsTheNextOne() {
        at(0, 0);
        assertThat(at(30, 0)).isTrue();
        assertThat(at(32, 10_000_000)).isFalse();
        assertThat(at(34, 10_000_000)).isFalse();
        assertThat(at(64, 10_000_000)).isTrue();
    }

    @Test
    void theTunnelComingUpCompactsOnceAndLeavesTheQuietRuleAlone() {
        assertThat(idle.tunnelUp()).isTrue();
        assertThat(idle.tunnelUp()).as("a new tunnel configuration is not a new sign-in").isFalse();
        at(0, 0);
        assertThat(at(30, 0)).isTrue();
    }
}
