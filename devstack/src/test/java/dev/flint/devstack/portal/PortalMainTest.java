package dev.flint.devstack.portal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PortalMainTest {

    @Test
    void commandLineOverridesTheFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("portal.json");
        Files.writeString(file, PortalMain.sample().replace("\"token_lifetime_secs\": 604800",
            "\"token_lifetime_secs\": 60"));
        PortalConfig config = PortalMain.load(file, "127.0.0.1:18081", "from-devstack-state");
        assertThat(config.listen()).isEqualTo(new InetSocketAddress("127.0.0.1", 18081));
        assertThat(config.relaySecret()).isEqualTo("from-devstack-state");
        assertThat(config.tokenLifetime().toSeconds()).isEqualTo(60);
        assertThat(PortalMain.load(null, null, null).listen().getPort()).isEqualTo(8081);
    }

    @Test
    void badArgumentsPrintUsage() {
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            assertThat(PortalMain.run("--bogus")).isEqualTo(2);
            assertThat(PortalMain.run("--config", "/nonexistent/portal.json", "--listen", "127.0.0.1:0")).isEqualTo(1);
        } finally {
            System.setErr(err);
        }
        assertThat(captured.toString(StandardCharsets.UTF_8)).contains("unknown option --bogus", "Usage:",
            "/nonexistent/portal.json");
    }
}
