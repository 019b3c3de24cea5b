package dev.flint.gui.smoke;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flint.gui.testing.PrivateSessionBus;
import dev.flint.gui.testing.TestService;
import dev.flint.ipc.GuiMessage;
import dev.flint.netns.RealTimeWait;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The two hooks the devstack demo drives the real GUI with: {@code FLINT_GUI_SIGN_IN=1} presses "Sign in" once the
 * service is there, and {@code FLINT_BROWSER} names the program that gets the sign-in URL; the deep link then comes
 * back through a second {@code flint-gui open-deep-link} and the GUI connects with nonce + fragment.
 */
class UnattendedSignInTest {

    @TempDir
    Path home;

    @Test
    void signInStartsByItselfOpensTheNamedBrowserAndTheDeepLinkConnects() throws Exception {
        Assumptions.assumeTrue(PrivateSessionBus.onPath("Xvfb"), "Xvfb is not installed (apt-get install xvfb)");
        Process xvfb = new ProcessBuilder("Xvfb", "-displayfd", "1", "-screen", "0", "1024x768x24", "-nolisten", "tcp")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        Process gui = null;
        try (TestService service = new TestService(home.resolve("run/tunnel.sock")).start()) {
            String display = ":" + new BufferedReader(new InputStreamReader(xvfb.getInputStream(), StandardCharsets.UTF_8))
                    .readLine().strip();
            Path data = home.resolve("flint");
            Files.createDirectories(data.resolve("config"));
            Files.writeString(data.resolve("config/general_settings.json"), "{\"account_slug\":\"demo\"}");
            Path opened = home.resolve("opened-url");
            Path browser = home.resolve("browser");
            Files.writeString(browser, "#!/bin/sh\nprintf '%s' \"$1\" > '" + opened + "'\n");
            Files.setPosixFilePermissions(browser, PosixFilePermissions.fromString("rwx------"));

            ProcessBuilder pb = guiProcess(data, service, display, "--no-deep-links");
            pb.environment().put("FLINT_BROWSER", browser.toString());
            pb.environment().put("FLINT_GUI_SIGN_IN", "1");
            pb.redirectErrorStream(true).redirectOutput(home.resolve("gui.log").toFile());
            gui = pb.start();
            Process g = gui;

            XvfbSmokeTest.await("the GUI to open the sign-in URL with the named browser", RealTimeWait.GENEROUS,
                    () -> Files.exists(opened) || !g.isAlive());
            assertThat(gui.isAlive()).as("GUI log: %s", log()).isTrue();
            URI url = URI.create(Files.readString(opened));
            assertThat(url.getPath()).isEqualTo("/demo");
            Map<String, String> query = query(url);
            assertThat(query).containsEntry("as", "gui-client").containsKeys("nonce", "state");

            String link = "firezone-fd0020211111://handle_client_sign_in_callback?account_name=Flint+Demo"
                    + "&account_slug=demo&actor_name=Alice+Demo&fragment=.frag.ment&identity_provider_identifier=a"
                    + "&state=" + query.get("state");
            ProcessBuilder handOver = guiProcess(data, service, display, "open-deep-link", link);
            handOver.redirectErrorStream(true).redirectOutput(home.resolve("hand-over.log").toFile());
            assertThat(handOver.start().waitFor()).isZero();

            GuiMessage.Connect expected = new GuiMessage.Connect(query.get("nonce") + ".frag.ment", false);
            XvfbSmokeTest.await("Connect with nonce + fragment", RealTimeWait.GENEROUS,
                    () -> service.received().stream().anyMatch(m -> m instanceof GuiMessage.Connect c
                            && c.token().equals(expected.token())));
            assertThat(log()).contains("FLINT_GUI_SIGN_IN is set: starting the sign-in",
                    "GUI shows: phase WAITING_FOR_BROWSER");
        } finally {
            if (gui != null && gui.isAlive()) {
                gui.destroyForcibly().waitFor();
            }
            xvfb.destroyForcibly();
        }
    }

    private static ProcessBuilder guiProcess(Path data, TestService service, String display, String... args) {
        List<String> command = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "-Dprism.order=sw", "dev.flint.gui.FlintGui",
                "--data-dir", data.toString(), "--service-socket", service.socket().toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put("DISPLAY", display);
        pb.environment().remove("DBUS_SESSION_BUS_ADDRESS");
        return pb;
    }

    private static Map<String, String> query(URI url) {
        Map<String, String> out = new HashMap<>();
        for (String pair : url.getRawQuery().split("&")) {
            String[] kv = pair.split("=", 2);
            out.put(kv[0], URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
        }
        return out;
    }

    private String log() {
        try {
            return Files.readString(home.resolve("gui.log"));
        } catch (Exception e) {
            return "(no log)";
        }
    }
}
