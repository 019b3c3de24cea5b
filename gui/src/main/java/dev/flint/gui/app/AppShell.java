package dev.flint.gui.app;

import dev.flint.gui.controller.ControllerEvent;
import dev.flint.gui.controller.Effect;
import dev.flint.gui.diagnostics.LogFiles;
import dev.flint.gui.platform.Autostart;
import dev.flint.gui.platform.Notifier;
import dev.flint.gui.platform.UrlOpener;
import dev.flint.gui.service.ServiceLink;
import dev.flint.gui.settings.AppDirs;
import dev.flint.gui.settings.GeneralSettingsStore;
import dev.flint.gui.settings.PrivateFiles;
import dev.flint.gui.settings.SessionRecord;
import dev.flint.gui.token.TokenStore;
import dev.flint.gui.token.TokenStoreException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Performs the controller's effects with the real collaborators. Runs on the controller thread;
 * anything slow or UI-bound is handed off. Failures become sentences for the user or log lines.
 */
public final class AppShell implements Consumer<Effect> {

    private static final Logger LOG = LoggerFactory.getLogger(AppShell.class);

    /** Everything the shell acts on. */
    public record Parts(AppDirs dirs, ServiceLink link, TokenStore tokens, GeneralSettingsStore settings,
                        Notifier notifier, UrlOpener opener, Autostart autostart, LogFiles logs,
                        Consumer<String> logFilter, UiSink ui) {
    }

    private final Parts p;
    private final Consumer<ControllerEvent> post;
    /**
     * Keyring calls run here, in order: a keyring may show a prompt (create or unlock a keyring) and wait for the
     * user, which must not stop the controller.
     */
    private final java.util.concurrent.ExecutorService keyring = java.util.concurrent.Executors.newSingleThreadExecutor(
            r -> Thread.ofPlatform().name("keyring").daemon(true).unstarted(r));
    private volatile Path currentLogFile;

    public AppShell(Parts parts, Consumer<ControllerEvent> post) {
        this.p = parts;
        this.post = post;
    }

    public void currentLogFile(Path file) {
        this.currentLogFile = file;
    }

    public static Path ranBeforeFile(AppDirs dirs) {
        return dirs.session().resolve("ran_before.txt");
    }

    @Override
    public void accept(Effect effect) {
        switch (effect) {
            case Effect.ConnectToService c -> Thread.ofPlatform().daemon(true).name("service-connect").start(p.link()::connect);
            case Effect.CloseServiceConnection c -> p.link().close();
            case Effect.SendToService s -> p.link().send(s.message());
            case Effect.OpenUrl o -> {
                try {
                    p.opener().open(o.url());
                } catch (IOException e) {
                    p.ui().showError("Flint couldn't open your browser (" + e.getMessage()
                            + "). Open this address yourself: " + o.url());
                }
            }
            case Effect.SaveToken t -> keyring.execute(() -> {
                try {
                    p.tokens().save(t.token());
                } catch (TokenStoreException e) {
                    LOG.warn("Token not saved: {}", e.getMessage());
                    post.accept(new ControllerEvent.TokenNotSaved(e.getMessage()));
                }
            });
            case Effect.DeleteToken d -> keyring.execute(() -> {
                try {
                    p.tokens().delete();
                } catch (TokenStoreException e) {
                    LOG.warn("Token not deleted: {}", e.getMessage());
                }
            });
            case Effect.SaveSession s -> io("save who is signed in", () -> s.session().save(p.dirs()));
            case Effect.DeleteSession d -> io("forget who was signed in", () -> SessionRecord.delete(p.dirs()));
            case Effect.SaveGeneralSettings s -> io("save the settings", () -> p.settings().save(s.settings()));
            case Effect.ApplyStartOnLogin a -> io(a.enabled() ? "turn on start on login" : "turn off start on login",
                    () -> p.autostart().set(a.enabled()));
            case Effect.MarkRanBefore m -> io("remember the first run", () -> {
                PrivateFiles.writeAtomically(ranBeforeFile(p.dirs()), new byte[0]);
            });
            case Effect.Notify n -> p.notifier().notify(n.title(), n.body(), n.click());
            case Effect.ShowError e -> p.ui().showError(e.sentence());
            case Effect.ShowWindow w -> p.ui().showWindow(w.page());
            case Effect.ClearGuiLogs c -> p.logs().clearGuiLogs(currentLogFile);
            case Effect.LogsCleared l -> p.ui().logsCleared(l.error());
            case Effect.SetLogFilter f -> p.logFilter().accept(f.filter());
            case Effect.DiagnosticsReceived d -> p.ui().diagnostics(d.result());
            case Effect.DiagnosticsUnavailable d -> p.ui().diagnosticsUnavailable(d.sentence());
            case Effect.Exit x -> p.ui().exit(x.status());
        }
    }

    private interface IoAction {
        void run() throws IOException;
    }

    private void io(String what, IoAction action) {
        try {
            action.run();
        } catch (IOException e) {
            LOG.warn("Could not {}: {}", what, e.toString());
            p.ui().showError("Flint couldn't " + what + " (" + e.getMessage() + ").");
        }
    }

    /** Whether a connection ever succeeded on this machine for this user. */
    public static boolean ranBefore(AppDirs dirs) {
        return Files.exists(ranBeforeFile(dirs));
    }
}
