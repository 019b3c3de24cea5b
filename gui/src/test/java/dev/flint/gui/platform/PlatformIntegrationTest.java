package dev.flint.gui.platform;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flint.gui.controller.ControllerEvent;
import dev.flint.gui.platform.linux.DesktopEntries;
import dev.flint.gui.platform.linux.FreedesktopNotifier;
import dev.flint.gui.platform.windows.RegistryKeys;
import dev.flint.gui.testing.PrivateSessionBus;
import dev.flint.netns.RealTimeWait;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.freedesktop.dbus.connections.impl.DBusConnection;
import org.freedesktop.dbus.connections.impl.DBusConnectionBuilder;
import org.freedesktop.dbus.types.UInt32;
import org.freedesktop.dbus.types.Variant;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlatformIntegrationTest {

    @TempDir
    Path dir;

    @Test
    void deepLinkHandlerIsRegisteredPerUserAndBecomesTheDefault() throws Exception {
        var entries = new DesktopEntries(dir.resolve("data"), dir.resolve("config"), List.of("/opt/flint/bin/flint-gui"));
        entries.register();
        String file = Files.readString(entries.handlerFile());
        assertThat(file).contains("Exec=/opt/flint/bin/flint-gui open-deep-link %u")
                .contains("MimeType=x-scheme-handler/firezone-fd0020211111;").contains("NoDisplay=true");
        Assumptions.assumeTrue(PrivateSessionBus.onPath("xdg-mime"), "xdg-utils not installed");
        var pb = new ProcessBuilder("xdg-mime", "query", "default", "x-scheme-handler/firezone-fd0020211111").redirectErrorStream(true);
        pb.environment().put("XDG_DATA_HOME", dir.resolve("data").toString());
        pb.environment().put("XDG_CONFIG_HOME", dir.resolve("config").toString());
        pb.environment().put("HOME", dir.toString());
        Process p = pb.start();
        assertThat(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip()).isEqualTo(DesktopEntries.HANDLER_FILE);
    }

    @Test
    void execLineQuotesPathsWithSpaces() {
        var entries = new DesktopEntries(dir, dir, List.of("/home/a b/flint", "--data-dir", "/x/100%"));
        assertThat(entries.autostartEntry()).contains("Exec=\"/home/a b/flint\" --data-dir \"/x/100%%\"");
    }

    @Test
    void autostartEntryComesAndGoes() throws Exception {
        var entries = new DesktopEntries(dir.resolve("data"), dir.resolve("config"), List.of("/usr/bin/flint-gui"));
        assertThat(entries.enabled()).isFalse();
        entries.set(true);
        assertThat(entries.enabled()).isTrue();
        assertThat(Files.readString(dir.resolve("config/autostart/dev.flint.client.desktop"))).contains("Exec=/usr/bin/flint-gui\n");
        entries.set(false);
        assertThat(entries.enabled()).isFalse();
    }

    @Test
    void windowsRegistryValuesMatchWhatWindowsExpects() throws Exception {
        Map<String, String> reg = new HashMap<>();
        RegistryKeys.Registry fake = new RegistryKeys.Registry() {
            public void setString(String key, String name, String data) {
                reg.put(key + "|" + name, data);
            }

            public void deleteValue(String key, String name) {
                reg.remove(key + "|" + name);
            }

            public boolean hasValue(String key, String name) {
                return reg.containsKey(key + "|" + name);
            }
        };
        var keys = new RegistryKeys("C:\\Program Files\\Flint\\flint-gui.exe", fake);
        keys.register();
        assertThat(reg).containsEntry("Software\\Classes\\firezone-fd0020211111|", "URL:dev.flint.client")
                .containsEntry("Software\\Classes\\firezone-fd0020211111|URL Protocol", "")
                .containsEntry("Software\\Classes\\firezone-fd0020211111\\DefaultIcon|", "C:\\Program Files\\Flint\\flint-gui.exe,0")
                .containsEntry("Software\\Classes\\firezone-fd0020211111\\shell\\open\\command|",
                        "\"C:\\Program Files\\Flint\\flint-gui.exe\" open-deep-link \"%1\"");
        keys.set(true);
        assertThat(keys.enabled()).isTrue();
        assertThat(reg).containsEntry("Software\\Microsoft\\Windows\\CurrentVersion\\Run|Flint", "\"C:\\Program Files\\Flint\\flint-gui.exe\"");
        keys.set(false);
        assertThat(keys.enabled()).isFalse();
    }

    @Test
    void updateCheckComparesWithAConfiguredReleasesUrl() throws Exception {
        List<String> agents = new CopyOnWriteArrayList<>();
        String[] body = {"{\"gui\":\"1.2.0\",\"headless\":\"9.9.9\"}"};
        java.net.ServerSocket server = new java.net.ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            while (!server.isClosed()) {
                try (var sock = server.accept()) {
                    var in = new java.io.BufferedReader(new java.io.InputStreamReader(sock.getInputStream(), StandardCharsets.US_ASCII));
                    for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                        if (line.toLowerCase(java.util.Locale.ROOT).startsWith("user-agent:")) {
                            agents.add(line.substring(11).strip());
                        }
                    }
                    byte[] b = body[0].getBytes(StandardCharsets.UTF_8);
                    sock.getOutputStream().write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + b.length
                            + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    sock.getOutputStream().write(b);
                } catch (IOException e) {
                    return;
                }
            }
        });
        try {
            URI url = URI.create("http://127.0.0.1:" + server.getLocalPort() + "/api/releases");
            assertThat(new UpdateChecker(url, "https://dl.example.com/flint/{version}", "1.1.9").check())
                    .isEqualTo(new ControllerEvent.UpdateFound("1.2.0", URI.create("https://dl.example.com/flint/1.2.0")));
            assertThat(new UpdateChecker(url, "x/{version}", "1.2.0").check()).isEqualTo(new ControllerEvent.NoUpdate());
            assertThat(new UpdateChecker(url, "x/{version}", "1.2.0-SNAPSHOT").check()).isInstanceOf(ControllerEvent.UpdateFound.class);
            assertThat(agents).allMatch(a -> a.startsWith("Flint/"));
            body[0] = "{\"apple\":\"1.0.0\"}";
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> new UpdateChecker(url, "x", "1.0.0").check())
                    .isInstanceOf(IOException.class).hasMessageContaining("\"gui\"");
        } finally {
            server.close();
        }
        assertThat(UpdateChecker.compare("1.10.0", "1.9.9")).isPositive();
        assertThat(UpdateChecker.compare("2.0", "2.0.0")).isZero();
    }

    /** The notification daemon a desktop runs, recording what it is asked to show. */
    static final class TestNotifications implements FreedesktopNotifier.Notifications {
        final List<String> shown = new CopyOnWriteArrayList<>();
        final List<List<String>> actions = new CopyOnWriteArrayList<>();

        @Override
        public UInt32 Notify(String appName, UInt32 replacesId, String appIcon, String summary, String body,
                             String[] actionList, Map<String, Variant<?>> hints, int expireTimeout) {
            shown.add(appName + "|" + summary + "|" + body);
            actions.add(List.of(actionList));
            return new UInt32(shown.size());
        }

        @Override
        public String getObjectPath() {
            return "/org/freedesktop/Notifications";
        }
    }

    @Test
    void notificationsGoOverDBusAndClicksOpenTheUrl() throws Exception {
        try (var bus = PrivateSessionBus.start(dir);
             DBusConnection daemon = DBusConnectionBuilder.forAddress(bus.address()).withShared(false).build();
             DBusConnection app = DBusConnectionBuilder.forAddress(bus.address()).withShared(false).build()) {
            TestNotifications server = new TestNotifications();
            daemon.exportObject(server.getObjectPath(), server);
            daemon.requestBusName("org.freedesktop.Notifications");
            List<URI> opened = new CopyOnWriteArrayList<>();
            var notifier = new FreedesktopNotifier(app, opened::add);
            notifier.notify("Flint connected", "You are now signed in and able to access resources.", Optional.empty());
            URI dl = URI.create("https://dl.example.com/flint/1.2.0");
            notifier.notify("Flint 1.2.0 available for download", "Click here to download the new version.", Optional.of(dl));
            assertThat(server.shown).containsExactly("Flint|Flint connected|You are now signed in and able to access resources.",
                    "Flint|Flint 1.2.0 available for download|Click here to download the new version.");
            assertThat(server.actions).containsExactly(List.of(), List.of("default", "Open"));
            daemon.sendMessage(new FreedesktopNotifier.Notifications.ActionInvoked(server.getObjectPath(), new UInt32(2), "default"));
            RealTimeWait.until("the notification's action to open its link", RealTimeWait.GENEROUS,
                () -> !opened.isEmpty(), () -> "");
            assertThat(opened).containsExactly(dl);
        }
    }

    @Test
    void withoutANotificationDaemonNothingBreaks() throws Exception {
        try (var bus = PrivateSessionBus.start(dir);
             DBusConnection app = DBusConnectionBuilder.forAddress(bus.address()).withShared(false).build()) {
            List<URI> opened = new ArrayList<>();
            new FreedesktopNotifier(app, opened::add).notify("t", "b", Optional.empty());
            assertThat(opened).isEmpty();
        }
    }
}
