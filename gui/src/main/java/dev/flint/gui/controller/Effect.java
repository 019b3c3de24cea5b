package dev.flint.gui.controller;

import dev.flint.gui.settings.GeneralSettings;
import dev.flint.gui.settings.SessionRecord;
import dev.flint.ipc.GuiMessage;
import java.net.URI;
import java.util.Optional;

/** What the controller asks the shell to do. The shell performs them in order. */
public sealed interface Effect {

    /** Open the socket to the tunnel service; report {@code ServiceAttached} or {@code ServiceUnreachable}. */
    record ConnectToService() implements Effect {
    }

    record CloseServiceConnection() implements Effect {
    }

    record SendToService(GuiMessage message) implements Effect {
    }

    record OpenUrl(URI url) implements Effect {
    }

    record SaveToken(String token) implements Effect {
        @Override
        public String toString() {
            return "SaveToken[<redacted>]";
        }
    }

    record DeleteToken() implements Effect {
    }

    record SaveSession(SessionRecord session) implements Effect {
    }

    record DeleteSession() implements Effect {
    }

    record SaveGeneralSettings(GeneralSettings settings) implements Effect {
    }

    /** Make start-on-login match the setting. */
    record ApplyStartOnLogin(boolean enabled) implements Effect {
    }

    /** Remember that a connection succeeded once (the welcome window then respects start-minimized). */
    record MarkRanBefore() implements Effect {
    }

    /** A desktop notification; clicking it opens {@code click} if present. */
    record Notify(String title, String body, Optional<URI> click) implements Effect {
        public static Notify of(String title, String body) {
            return new Notify(title, body, Optional.empty());
        }
    }

    /** A modal error dialog with one plain sentence. */
    record ShowError(String sentence) implements Effect {
    }

    record ShowWindow(Page page) implements Effect {
    }

    /** Delete the GUI's own log files (the service's are cleared over IPC). */
    record ClearGuiLogs() implements Effect {
    }

    /** Clearing logs finished; {@code error} empty on success. */
    record LogsCleared(Optional<String> error) implements Effect {
    }

    /** The service's answer to {@code RunDiagnostics}, for the connectivity check waiting for it. */
    record DiagnosticsReceived(dev.flint.ipc.ServiceMessage.DiagnosticsResult result) implements Effect {
    }

    /** {@code RunDiagnostics} cannot be answered: the service is not connected. */
    record DiagnosticsUnavailable(String sentence) implements Effect {
    }

    /** Apply a new log filter to the GUI's own logger. */
    record SetLogFilter(String filter) implements Effect {
    }

    record Exit(int status) implements Effect {
    }
}
