package dev.flint.ipc;

import com.fasterxml.jackson.annotation.JsonTypeName;

/**
 * Messages the GUI sends to the tunnel service. Each record's {@link JsonTypeName} is its wire
 * {@code "type"}; field names are snake_case.
 */
public sealed interface GuiMessage {

    /**
     * Start a session with this token (replacing any current one). The token is a secret: it is
     * never part of {@link #toString()}, so it cannot reach a log line by accident.
     */
    @JsonTypeName("connect")
    record Connect(String token, boolean internetResourceEnabled) implements GuiMessage {
        public Connect {
            InvalidFieldException.requireNonBlank(token, "token");
        }

        @Override
        public String toString() {
            return "Connect[token=<redacted>, internetResourceEnabled=" + internetResourceEnabled + "]";
        }
    }

    /** End the session; idempotent. The service replies {@link ServiceMessage.DisconnectedGracefully}. */
    @JsonTypeName("disconnect")
    record Disconnect() implements GuiMessage {}

    /** Turn the Internet Resource on or off in the current session; no reply. */
    @JsonTypeName("set_internet_resource_enabled")
    record SetInternetResourceEnabled(boolean enabled) implements GuiMessage {}

    /** Validate, store and apply these settings; the service replies {@link ServiceMessage.AdvancedSettingsApplied}. */
    @JsonTypeName("apply_advanced_settings")
    record ApplyAdvancedSettings(AdvancedSettings settings) implements GuiMessage {
        public ApplyAdvancedSettings {
            InvalidFieldException.requireNonNull(settings, "settings");
        }
    }

    /**
     * "Connect now": while the session waits for the network or backs off between portal connection attempts,
     * try again at once and start the back-off afresh. No reply; ignored without a session.
     */
    @JsonTypeName("connect_now")
    record ConnectNow() implements GuiMessage {}

    /**
     * Report what the connectivity check needs from the service; with {@code probe_resource_id} also make one
     * request to that resource through the tunnel (the self test). The service replies
     * {@link ServiceMessage.DiagnosticsResult}. New in protocol 2.
     */
    @JsonTypeName("run_diagnostics")
    record RunDiagnostics(java.util.UUID probeResourceId) implements GuiMessage {}

    /** Delete the service's log files; the service replies {@link ServiceMessage.LogsCleared}. */
    @JsonTypeName("clear_logs")
    record ClearLogs() implements GuiMessage {}
}
