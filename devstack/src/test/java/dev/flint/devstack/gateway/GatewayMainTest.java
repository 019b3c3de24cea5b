package dev.flint.devstack.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GatewayMainTest {

    @Test
    void theDevstackCommandLineParses() {
        Gateway.Options options = GatewayMain.parse("--api-url", "ws://198.18.0.5:8081", "--token", "secret");
        assertThat(options).isEqualTo(new Gateway.Options(URI.create("ws://198.18.0.5:8081"), "secret", "tun-gateway",
            null));
    }

    @Test
    void theTokenComesFromAFileWithoutItsLineEnd(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("token");
        Files.writeString(file, "from-file\n");
        Gateway.Options options = GatewayMain.parse("--api-url", "ws://h:1", "--token-file", file.toString(),
            "--interface", "tun-gw2", "--dns", "172.20.0.53");
        assertThat(options.token()).isEqualTo("from-file");
        assertThat(options.interfaceName()).isEqualTo("tun-gw2");
        assertThat(options.dns()).isEqualTo(InetAddress.ofLiteral("172.20.0.53"));
    }

    @Test
    void badCommandLinesSayWhatIsWrong(@TempDir Path dir) {
        assertThatThrownBy(() -> GatewayMain.parse("--token", "t")).hasMessageContaining("--api-url is required");
        assertThatThrownBy(() -> GatewayMain.parse("--api-url", "ws://h:1")).hasMessageContaining("--token");
        assertThatThrownBy(() -> GatewayMain.parse("--api-url", "ws://h:1", "--token", "t", "--dns", "dns.example"))
            .hasMessageContaining("--dns needs an IP address");
        assertThatThrownBy(() -> GatewayMain.parse("--api-url", "ws://h:1", "--token-file", dir.resolve("no").toString()))
            .hasMessageContaining("cannot read the token file");
        assertThatThrownBy(() -> GatewayMain.parse("--api-url")).hasMessageContaining("--api-url needs a value");
        assertThatThrownBy(() -> GatewayMain.parse("--frobnicate")).hasMessageContaining("unknown option --frobnicate");
        assertThat(GatewayMain.parse("--help")).isNull();
    }

    @Test
    void usageErrorsExitWithTwoWithoutTouchingTheSystem() {
        assertThat(GatewayMain.run(System.out, "--api-url", "ws://h:1")).isEqualTo(2);
        assertThat(GatewayMain.run(System.out, "--help")).isZero();
    }
}
