package dev.flint.gui.smoke;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flint.gui.settings.AppDirs;
import dev.flint.gui.settings.SessionRecord;
import dev.flint.gui.testing.MenuPainter;
import dev.flint.gui.testing.PrivateSessionBus;
import dev.flint.gui.testing.Screenshots;
import dev.flint.gui.testing.TestService;
import dev.flint.gui.tray.linux.SniApi;
import dev.flint.ipc.GuiMessage;
import dev.flint.netns.RealTimeWait;
import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javax.imageio.ImageIO;
import org.freedesktop.dbus.connections.impl.DBusConnection;
import org.freedesktop.dbus.connections.impl.DBusConnectionBuilder;
import org.freedesktop.dbus.types.UInt32;
import org.freedesktop.dbus.types.Variant;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real GUI process on the real GTK toolkit under Xvfb, with a private session bus (gnome-keyring
 * holding a saved sign-in, and a test tray host), against the test service. It must come up signed
 * in, draw the Overview, export its tray menu, and obey clicks on it: Disconnect, Sign out, Quit.
 */
class XvfbSmokeTest {

    @TempDir
    Path home;

    static final class Watcher implements SniApi.StatusNotifierWatcher {
        final List<String> items = new CopyOnWriteArrayList<>();

        @Override
        public void RegisterStatusNotifierItem(String service) {
            items.add(service);
        }

        @Override
        public void RegisterStatusNotifierHost(String service) {
        }

        @Override
        public String getObjectPath() {
            return "/StatusNotifierWatcher";
        }
    }

    static void await(String what, Duration timeout, BooleanSupplier condition) {
        RealTimeWait.until(what, timeout, condition, () -> "");
    }

    static MenuPainter.Node convert(Object o) {
        Object[] parts;
        if (o instanceof SniApi.LayoutNode ln) {
            parts = new Object[] {ln.id, ln.properties, ln.children};
        } else {
            parts = (Object[]) o;
        }
        @SuppressWarnings("unchecked")
        var props = (java.util.Map<String, Variant<?>>) parts[1];
        @SuppressWarnings("unchecked")
        var kids = (List<Variant<?>>) parts[2];
        List<MenuPainter.Node> children = new ArrayList<>();
        for (Variant<?> v : kids) {
            children.add(convert(v.getValue()));
        }
        return new MenuPainter.Node((Integer) parts[0], props, children);
    }

    @Test
    void realGuiUnderXvfb() throws Exception {
        Assumptions.assumeTrue(PrivateSessionBus.onPath("Xvfb"), "Xvfb is not installed (apt-get install xvfb)");
        Process xvfb = new ProcessBuilder("Xvfb", "-displayfd", "1", "-screen", "0", "1280x800x24", "-nolisten", "tcp")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        Process gui = null;
        try (PrivateSessionBus bus = PrivateSessionBus.start(home);
             TestService service = new TestService(home.resolve("run/tunnel.sock")).start()) {
            String display = ":" + new BufferedReader(new InputStreamReader(xvfb.getInputStream(), StandardCharsets.UTF_8)).readLine().strip();
            bus.startKeyring();
            bus.runWithInput("smoke-token", "secret-tool", "store", "--label=Flint", "service", "dev.flint.client", "username", "token");
            AppDirs dirs = AppDirs.under(home.resolve("flint"));
            new SessionRecord("acme", "Ada Lovelace").save(dirs);

            try (DBusConnection panel = DBusConnectionBuilder.forAddress(bus.address()).withShared(false).build()) {
                Watcher watcher = new Watcher();
                panel.exportObject(watcher.getObjectPath(), watcher);
                panel.requestBusName("org.kde.StatusNotifierWatcher");

                Path shot = Screenshots.dir().resolve("xvfb-overview-signed-in.png");
                Files.deleteIfExists(shot);
                ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp", System.getProperty("java.class.path"), "-Dprism.order=sw",
                        "dev.flint.gui.FlintGui", "--data-dir", home.resolve("flint").toString(), "--no-deep-links",
                        "--service-socket", service.socket().toString(), "--snapshot", shot.toString());
                bus.env(pb.environment());
                pb.environment().put("DISPLAY", display);
                pb.redirectErrorStream(true).redirectOutput(home.resolve("gui.log").toFile());
                gui = pb.start();
                Process g = gui;

                await("the GUI to connect with the saved token", RealTimeWait.GENEROUS,
                        () -> service.received().contains(new GuiMessage.Connect("smoke-token", false)) || !g.isAlive());
                assertThat(gui.isAlive()).as("GUI log: %s", log()).isTrue();
                await("the Overview snapshot", RealTimeWait.GENEROUS, () -> Files.exists(shot) || !g.isAlive());
                BufferedImage overview = ImageIO.read(shot.toFile());
                assertThat(overview.getWidth()).isGreaterThanOrEqualTo(720);

                await("the tray to register", RealTimeWait.GENEROUS, () -> !watcher.items.isEmpty());
                SniApi.DBusMenu menu = panel.getRemoteObject(watcher.items.getFirst(), "/MenuBar", SniApi.DBusMenu.class);
                await("the signed-in tray menu", RealTimeWait.GENEROUS,
                        () -> convert(menu.GetLayout(0, -1, List.of()).second).children().getFirst().label().startsWith("Signed in as"));
                MenuPainter.Node signedIn = convert(menu.GetLayout(0, -1, List.of()).second);
                assertThat(signedIn.children().getFirst().label()).isEqualTo("Signed in as Ada Lovelace");
                ImageIO.write(MenuPainter.paint(signedIn, List.of("MyCorp GitLab")), "png",
                        Screenshots.dir().resolve("tray-menu-signed-in.png").toFile());

                menu.Event(signedIn.find("Disconnect").id(), "clicked", new Variant<>(""), new UInt32(0));
                await("Disconnect at the service", RealTimeWait.GENEROUS, () -> service.received().contains(new GuiMessage.Disconnect()));
                await("the disconnected menu", RealTimeWait.GENEROUS,
                        () -> convert(menu.GetLayout(0, -1, List.of()).second).children().getFirst().label().endsWith("(disconnected)"));
                MenuPainter.Node paused = convert(menu.GetLayout(0, -1, List.of()).second);
                ImageIO.write(MenuPainter.paint(paused, List.of()), "png", Screenshots.dir().resolve("tray-menu-disconnected.png").toFile());

                menu.Event(paused.find("Sign out").id(), "clicked", new Variant<>(""), new UInt32(0));
                await("the signed-out menu", RealTimeWait.GENEROUS,
                        () -> convert(menu.GetLayout(0, -1, List.of()).second).children().getFirst().label().equals("Sign In"));
                MenuPainter.Node signedOut = convert(menu.GetLayout(0, -1, List.of()).second);
                ImageIO.write(MenuPainter.paint(signedOut, List.of("Help")), "png", Screenshots.dir().resolve("tray-menu-signed-out.png").toFile());
                await("the token to leave the keyring", RealTimeWait.GENEROUS, () -> {
                    try {
                        return bus.run("secret-tool", "lookup", "service", "dev.flint.client", "username", "token").isEmpty();
                    } catch (Exception e) {
                        return false;
                    }
                });

                menu.Event(signedOut.find("Quit Flint").id(), "clicked", new Variant<>(""), new UInt32(0));
                assertThat(gui.waitFor(RealTimeWait.GENEROUS.toSeconds(), TimeUnit.SECONDS)).as("GUI quits; log: %s", log()).isTrue();
                assertThat(gui.exitValue()).isZero();
            }
        } finally {
            if (gui != null && gui.isAlive()) {
                gui.destroyForcibly();
            }
            xvfb.destroyForcibly();
        }
    }

    private String log() {
        try {
            return Files.readString(home.resolve("gui.log"));
        } catch (Exception e) {
            return "(no log)";
        }
    }
}
