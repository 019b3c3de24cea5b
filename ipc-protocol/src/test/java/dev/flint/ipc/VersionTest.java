package dev.flint.ipc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class VersionTest {
    @Test
    void flintVersionComesFromTheBuild() {
        assertThat(FlintVersion.current())
                .isEqualTo(System.getProperty("flint.expected.version"))
                .doesNotContain("${")
                .isNotEqualTo("unknown");
    }

    @Test
    void sameProtocolVersionIsNoMismatch() {
        assertThat(ProtocolVersion.mismatch(ProtocolVersion.CURRENT, "0.9.0", "0.1.0")).isEmpty();
    }

    @Test
    void newerServiceAsksToUpdateTheApp() {
        assertThat(ProtocolVersion.mismatch(ProtocolVersion.CURRENT + 1, "2.0.0", "1.0.0")).hasValue(
                "The Flint tunnel service is version 2.0.0 and speaks IPC protocol " + (ProtocolVersion.CURRENT + 1)
                        + "; this Flint app is version 1.0.0 and speaks protocol " + ProtocolVersion.CURRENT
                        + ". Update the Flint app so both come from the same release.");
    }

    @Test
    void olderServiceAsksToUpdateTheService() {
        var hello = new ServiceMessage.Hello(ProtocolVersion.CURRENT + 5, "9.9.9", "device", AdvancedSettings.defaults(),
                ManagedSettings.none());
        assertThat(ProtocolVersion.mismatch(hello, "1.0.0")).hasValueSatisfying(s -> assertThat(s).contains("9.9.9", "1.0.0"));
        assertThat(ProtocolVersion.mismatch(0, "0.0.1", "1.0.0")).hasValueSatisfying(
                s -> assertThat(s).contains("Update the Flint tunnel service"));
    }
}
