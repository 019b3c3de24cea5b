package dev.flint.ipc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class SettingsValidationTest {
    @ParameterizedTest
    @CsvSource({
        "https://app.firezone.dev/, wss://api.firezone.dev/",
        "http://localhost:4000/, ws://localhost:8081/",
        "http://127.0.0.1:13000/, ws://[::1]:8081/",
        "HTTPS://Portal.Example.com/, WSS://api.example.com",
    })
    void acceptsEncryptedUrlsAndPlainTextOnlyOnLoopback(String auth, String api) {
        var settings = new AdvancedSettings(URI.create(auth), URI.create(api), "info");
        assertThat(settings.parsedLogFilter().defaultLevel()).isEqualTo(dev.flint.ipc.logging.LogLevel.INFO);
    }

    @ParameterizedTest
    @CsvSource({
        "http://portal.example.com/, wss://api.example.com/, auth_url",
        "https://portal.example.com/, ws://api.example.com/, api_url",
        "https://portal.example.com/, https://api.example.com/, api_url",
        "/relative, wss://api.example.com/, auth_url",
        "http://127.0.0.1.evil.example/, wss://a/, auth_url",
    })
    void rejectsOtherUrlsNamingTheField(String auth, String api, String field) {
        assertThatThrownBy(() -> new AdvancedSettings(URI.create(auth), URI.create(api), "info"))
                .isInstanceOfSatisfying(InvalidFieldException.class, e -> assertThat(e.field()).isEqualTo(field));
    }

    @Test
    void managedSettingsAreAllOptionalButValidatedWhenPresent() {
        assertThat(ManagedSettings.none().authUrl()).isNull();
        assertThatThrownBy(() -> new ManagedSettings(null, null, "info,", null, null, null, null, null))
                .isInstanceOfSatisfying(InvalidFieldException.class, e -> assertThat(e.field()).isEqualTo("log_filter"));
        assertThatThrownBy(() -> new ManagedSettings(null, null, null, null, null, null, null, URI.create("ftp://x/")))
                .isInstanceOfSatisfying(InvalidFieldException.class, e -> assertThat(e.field()).isEqualTo("support_url"));
    }

    @org.junit.jupiter.api.Test
    void aClientCertificateNamesTheBadField() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new ClientCertificate("device.pem", null, null))
                .isInstanceOf(InvalidFieldException.class)
                .hasMessageContaining("client_certificate.certificate").hasMessageContaining("absolute");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new ClientCertificate("/d.pem", "key.pem", null))
                .hasMessageContaining("client_certificate.key");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new ClientCertificate("pkcs11:/etc/p11.cfg", "/k", null))
                .hasMessageContaining("PKCS#11");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new ClientCertificate(" ", null, null))
                .hasMessageContaining("client_certificate.certificate");
        org.assertj.core.api.Assertions.assertThat(new ClientCertificate("pkcs11:/etc/p11.cfg", null, "/etc/pin"))
                .isNotNull();
    }
}
