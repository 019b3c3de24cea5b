package dev.flint.tunnel.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flint.ipc.AdvancedSettings;
import dev.flint.ipc.ClientCertificate;
import dev.flint.shell.tls.TlsSettings;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The service's flags for the client certificate and the Internet Resource. */
class ServiceCommandOptionsTest {

    @Test
    void clientCertificateFlagsAreMadeAbsoluteAndCheckedByName() {
        var options = ServiceCommand.parse("headless", List.of("--client-certificate", "device.pem", "--client-key",
            "/etc/flint/device.key", "--activate-internet-resource"), Map.of());
        assertThat(options.clientCertificate()).contains(new ClientCertificate(
            Path.of("device.pem").toAbsolutePath().toString(), "/etc/flint/device.key", null));
        assertThat(options.activateInternetResource()).isTrue();
        assertThat(ServiceCommand.parse("headless", List.of(), Map.of("FLINT_ACTIVATE_INTERNET_RESOURCE", "true"))
            .activateInternetResource()).isTrue();
        assertThat(ServiceCommand.parse("headless", List.of(), Map.of()).activateInternetResource()).isFalse();
        assertThatThrownBy(() -> ServiceCommand.parse("run", List.of("--client-key", "/k"), Map.of()))
            .hasMessageContaining("need --client-certificate");
        assertThatThrownBy(() -> ServiceCommand.parse("run", List.of("--client-certificate", "pkcs11:/p.cfg",
            "--client-key", "/k"), Map.of())).hasMessage("--client-key must be empty for a PKCS#11 token");
    }

    @Test
    void anUnreadableCertificateIsASentenceAtConnectNotARetryLoop() throws Exception {
        assertThat(ServiceCommand.tls(Optional.empty(), AdvancedSettings.defaults())).isEqualTo(TlsSettings.SYSTEM);
        var missing = new ClientCertificate("/nonexistent/flint/device.pem", null, null);
        assertThatThrownBy(() -> ServiceCommand.tls(Optional.of(missing), AdvancedSettings.defaults()))
            .isInstanceOf(Session.UnavailableException.class)
            .hasMessage("The client certificate cannot be used: client certificate /nonexistent/flint/device.pem "
                + "does not exist");
    }
}
