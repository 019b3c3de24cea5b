package dev.flint.gui.controller;

import dev.flint.gui.settings.GeneralSettings;
import dev.flint.ipc.AdvancedSettings;
import dev.flint.ipc.ServiceMessage;
import java.net.URI;
import java.util.UUID;

/** Everything that can happen to the GUI: service traffic, user requests, and results of effects. */
public sealed interface ControllerEvent {

    // --- the tunnel service connection ---

    /** The socket to the service is open (the service will send Hello). */
    record ServiceAttached() implements ControllerEvent {
    }

    /** The socket could not be opened; {@code reason} is for the log. */
    record ServiceUnreachable(String reason) implements ControllerEvent {
    }

    /** A frame from the service. */
    record FromService(ServiceMessage message) implements ControllerEvent {
    }

    /** The service speaks another protocol version; {@code sentence} says which side to update. */
    record ServiceIncompatible(String sentence) implements ControllerEvent {
    }

    /** The connection ended (EOF, read error, undecodable frame); {@code reason} is for the log. */
    record ServiceLost(String reason) implements ControllerEvent {
    }

    // --- user requests (tray, windows, second instance) ---

    record SignIn() implements ControllerEvent {
    }

    record CancelSignIn() implements ControllerEvent {
    }

    record SignOut() implements ControllerEvent {
    }

    /** Connect again with the stored token, without a new sign-in. */
    record Connect() implements ControllerEvent {
    }

    /** Leave the tunnel but stay signed in. */
    record Disconnect() implements ControllerEvent {
    }

    record Quit() implements ControllerEvent {
    }

    /** A deep link handed over by the browser (through the single-instance socket). */
    record DeepLinkReceived(String url) implements ControllerEvent {
    }

    /** The user launched the GUI again. */
    record NewInstance() implements ControllerEvent {
    }

    record SetFavorite(UUID resourceId, boolean favorite) implements ControllerEvent {
    }

    record SetInternetResource(boolean enabled) implements ControllerEvent {
    }

    record ApplyGeneralSettings(boolean startMinimized, boolean startOnLogin, boolean connectOnStart, String accountSlug)
            implements ControllerEvent {
    }

    record ResetGeneralSettings() implements ControllerEvent {
    }

    record ApplyAdvancedSettings(AdvancedSettings settings) implements ControllerEvent {
    }

    record ResetAdvancedSettings() implements ControllerEvent {
    }

    /** "Connect now" while connecting to the portal: the service skips the rest of its back-off. */
    record ConnectNow() implements ControllerEvent {
    }

    record ClearLogs() implements ControllerEvent {
    }

    /** The connectivity check wants the service's facts (and, with a resource id, one request to it). */
    record RunDiagnostics(UUID probeResourceId) implements ControllerEvent {
    }

    record ShowWindow(Page page) implements ControllerEvent {
    }

    // --- results the shell reports back ---

    /** The update check found {@code version} (newer than ours), downloadable at {@code url}. */
    record UpdateFound(String version, URI url) implements ControllerEvent {
    }

    /** The update check found nothing newer. */
    record NoUpdate() implements ControllerEvent {
    }

    /** Saving the token failed; the sign-in continues in memory. */
    record TokenNotSaved(String sentence) implements ControllerEvent {
    }

    /** Replaces the in-memory general settings (the shell read them from disk). */
    record GeneralSettingsLoaded(GeneralSettings settings) implements ControllerEvent {
    }
}
