package dev.flint.connlib.ice;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class IceTimingTest {
    @Test
    void iceTimeoutsMatchFirezonesProfiles() {
        assertThat(IceTiming.CLIENT_DEFAULT.iceTimeout()).isEqualTo(Duration.ofMillis(16_500));
        assertThat(IceTiming.CLIENT_IDLE.iceTimeout()).isEqualTo(Duration.ofSeconds(100));
        assertThat(IceTiming.SERVER_DEFAULT.iceTimeout()).isEqualTo(Duration.ofMillis(615_500));
        assertThat(IceTiming.SERVER_IDLE.iceTimeout()).isEqualTo(Duration.ofSeconds(1000));
    }

    @Test
    void retransmitsBackOffToTheCap() {
        IceTiming t = IceTiming.CLIENT_DEFAULT;
        assertThat(t.retransmitDelay(1)).isEqualTo(Duration.ofMillis(250));
        assertThat(t.retransmitDelay(2)).isEqualTo(Duration.ofMillis(500));
        assertThat(t.retransmitDelay(3)).isEqualTo(Duration.ofMillis(1000));
        assertThat(t.retransmitDelay(4)).isEqualTo(Duration.ofMillis(1500));
        assertThat(t.retransmitDelay(40)).isEqualTo(Duration.ofMillis(1500));
    }
}
