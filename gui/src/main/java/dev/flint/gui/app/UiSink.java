package dev.flint.gui.app;

import dev.flint.gui.controller.Page;
import java.util.Optional;

/** The visible parts the effects reach: the window, dialogs and the clipboard (JavaFX in the app). */
public interface UiSink {

    void showWindow(Page page);

    /** A modal dialog with one sentence. */
    void showError(String sentence);

    void logsCleared(Optional<String> error);

    void copyToClipboard(String text);

    void exit(int status);

    /** The service answered {@code run_diagnostics}. */
    default void diagnostics(dev.flint.ipc.ServiceMessage.DiagnosticsResult result) {
    }

    /** {@code run_diagnostics} could not be sent. */
    default void diagnosticsUnavailable(String sentence) {
    }

    /** Nothing visible: for headless runs and tests. */
    UiSink NONE = new UiSink() {
        @Override
        public void showWindow(Page page) {
        }

        @Override
        public void showError(String sentence) {
        }

        @Override
        public void logsCleared(Optional<String> error) {
        }

        @Override
        public void copyToClipboard(String text) {
        }

        @Override
        public void exit(int status) {
        }
    };
}
