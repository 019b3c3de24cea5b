package dev.flint.devstack.portal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flint.connlib.portal.Decoded;
import dev.flint.connlib.portal.PortalCodec;
import dev.flint.connlib.portal.PortalToClient;
import dev.flint.connlib.portal.Resource;
import dev.flint.netns.RealTimeWait;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The official {@code phoenix} JavaScript client (npm, V2 array framing) joins the emulator's client channel and
 * receives {@code init}. The npm packages are installed into {@code target/} on first use.
 */
class PhoenixJsClientTest {

    static final Path NPM_DIR = Path.of("target", "npm-phoenix").toAbsolutePath();
    static final List<String> PACKAGES = List.of("phoenix@1.8.16", "ws@8.23.0");

    static boolean onPath(String program) {
        try {
            Process p = new ProcessBuilder(program, "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    static String run(List<String> command, Path dir, int timeoutSeconds) throws Exception {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        byte[][] out = new byte[1][];
        Thread reader = Thread.ofVirtual().start(() -> {
            try (InputStream in = p.getInputStream()) {
                out[0] = in.readAllBytes();
            } catch (IOException e) {
                out[0] = new byte[0];
            }
        });
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
        }
        reader.join();
        String text = new String(out[0], StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new IOException(command + " exited " + p.exitValue() + ":\n" + text);
        }
        return text;
    }

    static void installPackages() throws Exception {
        if (Files.isDirectory(NPM_DIR.resolve("node_modules/phoenix"))
            && Files.isDirectory(NPM_DIR.resolve("node_modules/ws"))) {
            return;
        }
        Files.createDirectories(NPM_DIR);
        List<String> command = new ArrayList<>(List.of("npm", "install", "--prefix", NPM_DIR.toString(),
            "--no-audit", "--no-fund", "--no-save"));
        command.addAll(PACKAGES);
        run(command, NPM_DIR, 300);
    }

    @Test
    void officialPhoenixClientJoinsWithV2FramingAndReceivesInit() throws Exception {
        assumeTrue(onPath("node") && onPath("npm"), "node and npm are needed for the Phoenix JS client test");
        installPackages();
        Path script = NPM_DIR.resolve("phoenix-join.js");
        try (InputStream in = getClass().getResourceAsStream("/portal/phoenix-join.js")) {
            Files.write(script, in.readAllBytes());
        }
        PortalConfig config = PortalConfigReader.parse(PortalMain.sample())
            .withListen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        try (PortalEmulator portal = PortalEmulator.start(config)) {
            String token = portal.issueToken("demo", "alice@flint.test", "jsnonce");
            String endpoint = "ws://127.0.0.1:" + portal.address().getPort() + "/client/v2";
            String output = run(List.of("node", script.toString(), endpoint, token,
                "uMBCkAxTewfSgypIyxdQ18uCi84HLtKmQJy0wvQrYWY="), NPM_DIR, (int) RealTimeWait.GENEROUS.toSeconds());

            ObjectMapper json = new ObjectMapper();
            List<JsonNode> lines = output.lines().filter(l -> l.startsWith("{")).map(l -> {
                try {
                    return json.readTree(l);
                } catch (IOException e) {
                    throw new IllegalStateException(l, e);
                }
            }).toList();
            assertThat(lines).hasSize(2);
            assertThat(lines.get(0).get("joined").toString()).isEqualTo("{}");
            Decoded<PortalToClient> init = PortalCodec.decodePortalToClient("init", lines.get(1).get("init"));
            assertThat(init).isInstanceOf(Decoded.Ok.class);
            PortalToClient.Init message = (PortalToClient.Init) ((Decoded.Ok<PortalToClient>) init).message();
            assertThat(message.resources()).extracting(Resource::id).containsExactlyElementsOf(
                config.account("demo").orElseThrow().resources().stream().map(PortalConfig.ResourceEntry::id).toList());
            assertThat(message.relays()).isNotEmpty();
        }
    }
}
