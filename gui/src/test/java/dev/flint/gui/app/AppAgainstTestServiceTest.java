package dev.flint.gui.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flint.gui.controller.Controller;
import dev.flint.gui.controller.ControllerEvent;
import dev.flint.gui.controller.Page;
import dev.flint.gui.controller.Phase;
import dev.flint.gui.diagnostics.LogFiles;
import dev.flint.gui.platform.Autostart;
import dev.flint.gui.service.ControllerLoop;
import dev.flint.gui.service.ServiceLink;
import dev.flint.gui.settings.AppDirs;
import dev.flint.gui.settings.GeneralSettingsStore;
import dev.flint.gui.settings.SessionRecord;
import dev.flint.gui.signin.SingleInstance;
import dev.flint.gui.testing.TestService;
import dev.flint.gui.token.MemoryTokenStore;
import dev.flint.ipc.GuiMessage;
import dev.flint.ipc.InstanceMessage;
import dev.flint.ipc.ServiceMessage;
import dev.flint.netns.RealTimeWait;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The controller loop, the real service link and the real single-instance socket against a test
 * service speaking the IPC protocol over a Unix socket: sign-in, restart, disconnect, expiry, quit.
 */
class AppAgainstTestServiceTest {

    @TempDir
    Path dir;

    TestService service;
    ControllerLoop loop;
    SingleInstance instance;
    final MemoryTokenStore tokens = new MemoryTokenStore();
    final List<URI> opened = new CopyOnWriteArrayList<>();
    final List<String> notifications = new CopyOnWriteArrayList<>();
    final List<String> errors = new CopyOnWriteArrayList<>();
    final List<Integer> exits = new CopyOnWriteArrayList<>();
    AppDirs dirs;

    void startApp() throws Exception {
        dirs = AppDirs.under(dir);
        var settings = new GeneralSettingsStore(dirs.generalSettingsFile());
        var start = new Controller.Start(tokens.load(), SessionRecord.load(dirs), settings.load(), false,
                Optional.empty(), "0.1.0");
        var controller = new Controller(start, new SecureRandom());
        ControllerLoop[] ref = new ControllerLoop[1];
        ServiceLink link = new ServiceLink(service.socket(), e -> ref[0].post(e));
        UiSink ui = new UiSink() {
            public void showWindow(Page page) {
            }

            public void showError(String sentence) {
                errors.add(sentence);
            }

            public void logsCleared(Optional<String> error) {
            }

            public void copyToClipboard(String text) {
            }

            public void exit(int status) {
                exits.add(status);
            }
        };
        Autostart noAutostart = new Autostart() {
            public void set(boolean enabled) {
            }

            public boolean enabled() {
                return false;
            }
        };
        var parts = new AppShell.Parts(dirs, link, tokens, settings, (t, b, c) -> notifications.add(t + ": " + b),
                opened::add, noAutostart, new LogFiles(dirs.logs(), dirs.serviceLogs()), f -> { }, ui);
        loop = new ControllerLoop(controller, new AppShell(parts, e -> ref[0].post(e)), Clock.systemUTC());
        ref[0] = loop;
        instance = SingleInstance.tryAcquire(dirs.launchLock(), dirs.guiSocket()).orElseThrow();
        instance.listen(m -> {
            switch (m) {
                case InstanceMessage.DeepLink d -> loop.post(new ControllerEvent.DeepLinkReceived(d.url().toString()));
                case InstanceMessage.NewInstance n -> loop.post(new ControllerEvent.NewInstance());
                case InstanceMessage.Ack a -> { }
            }
        });
        loop.start();
    }

    @AfterEach
    void stop() throws Exception {
        if (loop != null) {
            loop.close();
        }
        if (instance != null) {
            instance.close();
        }
        if (service != null) {
            service.close();
        }
    }

    static void await(String what, BooleanSupplier condition) {
        RealTimeWait.until(what, RealTimeWait.GENEROUS, condition, () -> "");
    }

    void awaitPhase(Phase phase) throws InterruptedException {
        await("phase " + phase + " (is " + loop.state().phase() + ")", () -> loop.state().phase() == phase);
    }

    /** Plays the browser: takes the URL Flint opened and comes back with the portal's callback. */
    String signInThroughBrowser(String fragment) throws Exception {
        int before = opened.size();
        loop.post(new ControllerEvent.SignIn());
        await("browser opened", () -> opened.size() > before);
        String query = opened.getLast().getQuery();
        String state = query.replaceAll(".*state=([0-9a-f]{64}).*", "$1");
        String nonce = query.replaceAll(".*nonce=([0-9a-f]{64}).*", "$1");
        String link = "firezone-fd0020211111://handle_client_sign_in_callback?account_name=Acme&account_slug=acme"
                + "&actor_name=Ada+Lovelace&fragment=" + fragment + "&identity_provider_identifier=1&state=" + state;
        // A second launch (what the browser starts) hands the link over the per-user socket.
        SingleInstance.forward(dirs.guiSocket(), new InstanceMessage.DeepLink(URI.create(link)), 10, RealTimeWait.GENEROUS);
        return nonce + fragment;
    }

    @Test
    void signInConnectsAndPersistsEverything() throws Exception {
        service = new TestService(dir.resolve("run/tunnel.sock")).start();
        startApp();
        awaitPhase(Phase.SIGNED_OUT);

        // A link with the wrong state is ignored.
        loop.post(new ControllerEvent.SignIn());
        await("browser", () -> opened.size() == 1);
        SingleInstance.forward(dirs.guiSocket(), new InstanceMessage.DeepLink(URI.create(
                "firezone-fd0020211111://handle_client_sign_in_callback?account_slug=a&actor_name=b&fragment=c&state=" + "0".repeat(64))),
                3, RealTimeWait.GENEROUS);
        loop.flush();
        assertThat(loop.state().phase()).isEqualTo(Phase.WAITING_FOR_BROWSER);

        String token = signInThroughBrowser("FRAGMENT42");
        awaitPhase(Phase.SIGNED_IN);
        assertThat(service.received()).contains(new GuiMessage.Connect(token, false));
        assertThat(loop.state().resources()).hasSize(3);
        assertThat(loop.state().actorName()).contains("Ada Lovelace");
        for (int i = 0; i < 500 && tokens.load().isEmpty(); i++) {
            Thread.sleep(10); // the keyring is written on its own thread (a keyring may prompt the user)
        }
        assertThat(tokens.load()).contains(token);
        assertThat(SessionRecord.load(dirs)).contains(new SessionRecord("acme", "Ada Lovelace"));
        assertThat(new GeneralSettingsStore(dirs.generalSettingsFile()).load().accountSlug()).isEqualTo("acme");
        assertThat(Files.exists(AppShell.ranBeforeFile(dirs))).isTrue();
        assertThat(notifications).contains("Flint connected: You are now signed in and able to access resources.");
        assertThat(opened.getLast().toString()).startsWith("https://app.firezone.dev/?as=gui-client&nonce=");
    }

    @Test
    void survivesAServiceRestartAndResumesWithTheStoredToken() throws Exception {
        service = new TestService(dir.resolve("run/tunnel.sock")).start();
        startApp();
        awaitPhase(Phase.SIGNED_OUT);
        String token = signInThroughBrowser("F1");
        awaitPhase(Phase.SIGNED_IN);

        service.stop();
        awaitPhase(Phase.WAITING_FOR_SERVICE);
        assertThat(loop.state().serviceProblem()).isPresent();
        service.received().clear();
        service.start();
        awaitPhase(Phase.SIGNED_IN);
        assertThat(service.received()).contains(new GuiMessage.Connect(token, false));
        assertThat(service.connections()).isEqualTo(2);
        assertThat(loop.state().serviceProblem()).isEmpty();
    }

    @Test
    void startsWithAStoredTokenDisconnectsAndReconnectsWithoutSigningOut() throws Exception {
        tokens.save("stored-token");
        dirs = AppDirs.under(dir);
        new SessionRecord("acme", "Ada Lovelace").save(dirs);
        service = new TestService(dir.resolve("run/tunnel.sock")).start();
        startApp();
        awaitPhase(Phase.SIGNED_IN);
        loop.post(new ControllerEvent.Disconnect());
        awaitPhase(Phase.PAUSED);
        await("disconnect", () -> service.received().contains(new GuiMessage.Disconnect()));
        assertThat(tokens.load()).contains("stored-token");
        loop.post(new ControllerEvent.Connect());
        awaitPhase(Phase.SIGNED_IN);
        assertThat(service.received().stream().filter(m -> m instanceof GuiMessage.Connect).count()).isEqualTo(2);
    }

    @Test
    void expiredTokenNotifiesAndSignsOut() throws Exception {
        tokens.save("old-token");
        dirs = AppDirs.under(dir);
        new SessionRecord("acme", "Ada").save(dirs);
        service = new TestService(dir.resolve("run/tunnel.sock")).start();
        startApp();
        awaitPhase(Phase.SIGNED_IN);
        service.push(new ServiceMessage.Disconnected("invalid_token", true));
        awaitPhase(Phase.SIGNED_OUT);
        await("notification", () -> notifications.contains("Your Flint sign-in has expired: To access resources, sign in again."));
        await("token deleted", () -> tokens.load().isEmpty());
        assertThat(SessionRecord.load(dirs)).isEmpty();
    }

    @Test
    void rejectedTokenIsExplained() throws Exception {
        service = new TestService(dir.resolve("run/tunnel.sock")).start();
        service.rejectTokensWith("The portal did not accept the sign-in token.");
        startApp();
        awaitPhase(Phase.SIGNED_OUT);
        signInThroughBrowser("X");
        await("error", () -> !errors.isEmpty());
        assertThat(errors).containsExactly(
                "Flint couldn't connect to the portal: The portal did not accept the sign-in token. Please sign in again.");
        awaitPhase(Phase.SIGNED_OUT);
    }

    @Test
    void quitDisconnectsThenExits() throws Exception {
        tokens.save("t");
        dirs = AppDirs.under(dir);
        new SessionRecord("acme", "Ada").save(dirs);
        service = new TestService(dir.resolve("run/tunnel.sock")).start();
        startApp();
        awaitPhase(Phase.SIGNED_IN);
        loop.post(new ControllerEvent.Quit());
        await("exit", () -> exits.equals(List.of(0)));
        assertThat(service.received()).endsWith(new GuiMessage.Disconnect());
        assertThat(tokens.load()).contains("t");
    }

    @Test
    void noServiceAtStartIsExplainedAndTheAppWaits() throws Exception {
        service = new TestService(dir.resolve("run/tunnel.sock"));
        startApp();
        await("problem", () -> loop.state().serviceProblem().isPresent());
        assertThat(notifications).hasSize(1);
        // Signed out, the user may already start a sign-in while Flint keeps trying the service.
        assertThat(loop.state().phase()).isEqualTo(Phase.SIGNED_OUT);
        service.start();
        await("service attached", () -> service.connections() == 1 && loop.state().serviceProblem().isEmpty());
        assertThat(loop.state().phase()).isEqualTo(Phase.SIGNED_OUT);
    }

    @Test
    void secondInstanceIsRefusedTheLockAndCanSayNewInstance() throws Exception {
        service = new TestService(dir.resolve("run/tunnel.sock")).start();
        startApp();
        assertThat(SingleInstance.tryAcquire(dirs.launchLock(), dirs.guiSocket())).isEmpty();
        SingleInstance.forward(dirs.guiSocket(), new InstanceMessage.NewInstance(), 3, RealTimeWait.GENEROUS);
    }
}
