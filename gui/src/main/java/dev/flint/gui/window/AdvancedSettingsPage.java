package dev.flint.gui.window;

import atlantafx.base.controls.Message;
import atlantafx.base.theme.Styles;
import dev.flint.gui.controller.ControllerEvent;
import dev.flint.gui.controller.UiState;
import dev.flint.ipc.AdvancedSettings;
import dev.flint.ipc.InvalidFieldException;
import dev.flint.ipc.ManagedSettings;
import java.net.URI;
import java.net.URISyntaxException;
import javafx.geometry.Insets;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;

/** Auth URL, API URL and log filter (stored by the service); checked here before they are sent. */
final class AdvancedSettingsPage extends VBox {

    private final TextField authUrl = new TextField();
    private final TextField apiUrl = new TextField();
    private final TextField logFilter = new TextField();
    private final TextField clientCertificate = new TextField();
    private final TextField clientKey = new TextField();
    private final TextField clientPassword = new TextField();
    private final Label certificateNote = new Label();
    private final Label keyNote = new Label();
    private final Label passwordNote = new Label();
    private final Label authNote = new Label();
    private final Label apiNote = new Label();
    private final Label filterNote = new Label();
    private final Label error = new Label();
    /** Folded unless a certificate is set, so the page keeps its height for the common case. */
    private final javafx.scene.control.TitledPane certificatePane;
    private AdvancedSettings shown;
    private ManagedSettings shownManaged;

    AdvancedSettingsPage(WindowShell shell) {
        super(14);
        getStyleClass().add("page");
        setPadding(new Insets(24));
        authUrl.setId("authUrl");
        apiUrl.setId("apiUrl");
        logFilter.setId("logFilter");
        clientCertificate.setId("clientCertificate");
        clientKey.setId("clientKey");
        clientPassword.setId("clientCertificatePassword");
        certificatePane = new javafx.scene.control.TitledPane("Client certificate (mutual TLS to the portal)",
                new VBox(14, Form.fieldBlock("Certificate", clientCertificate, certificateNote),
                        Form.fieldBlock("Key", clientKey, keyNote),
                        Form.fieldBlock("Password or PIN file", clientPassword, passwordNote)));
        certificatePane.setId("clientCertificatePane");
        certificatePane.setExpanded(false);
        error.setId("advancedError");
        error.getStyleClass().add(Styles.DANGER);
        error.setWrapText(true);

        Message warning = new Message("For troubleshooting",
                "These settings are meant for debugging. Changing them can cut you off from your resources; "
                        + "URL changes take effect at the next sign-in.");
        warning.getStyleClass().add(Styles.WARNING);

        VBox fields = new VBox(14,
                Form.fieldBlock("Auth base URL", authUrl, authNote),
                Form.fieldBlock("API URL", apiUrl, apiNote),
                Form.fieldBlock("Log filter", logFilter, filterNote),
                certificatePane);
        fields.getStyleClass().add("card");

        Button apply = new Button("Apply");
        apply.setId("applyAdvanced");
        apply.getStyleClass().add(Styles.ACCENT);
        apply.setOnAction(e -> parse().ifPresent(s -> {
            error.setText("");
            shell.send(new ControllerEvent.ApplyAdvancedSettings(s));
        }));
        Button reset = new Button("Reset to defaults");
        reset.setId("resetAdvanced");
        reset.setOnAction(e -> shell.send(new ControllerEvent.ResetAdvancedSettings()));
        getChildren().addAll(Form.title("Advanced settings"), warning, fields, error, new HBox(8, apply, reset));
    }

    /** The form as settings, or empty with the reason shown under the fields. */
    java.util.Optional<AdvancedSettings> parse() {
        try {
            return java.util.Optional.of(new AdvancedSettings(uri(authUrl, "Auth base URL"), uri(apiUrl, "API URL"),
                    logFilter.getText().strip(), certificate()));
        } catch (InvalidFieldException e) {
            String field = switch (e.getMessage() == null ? "" : e.getMessage()) {
                case String m when m.startsWith("auth_url") -> "Auth base URL";
                case String m when m.startsWith("api_url") -> "API URL";
                case String m when m.startsWith("log_filter") -> "Log filter";
                case String m when m.startsWith("client_certificate.key") -> "Client key";
                case String m when m.startsWith("client_certificate.password_file") -> "Certificate password or PIN file";
                case String m when m.startsWith("client_certificate") -> "Client certificate";
                default -> "A field";
            };
            error.setText(field + ": " + sentence(e));
            return java.util.Optional.empty();
        } catch (IllegalArgumentException e) {
            error.setText(e.getMessage());
            return java.util.Optional.empty();
        }
    }

    /** The certificate fields as a setting; null when the certificate field is empty. */
    private dev.flint.ipc.ClientCertificate certificate() {
        String cert = clientCertificate.getText().strip();
        if (cert.isEmpty()) {
            if (!clientKey.getText().isBlank() || !clientPassword.getText().isBlank()) {
                throw new InvalidFieldException("client_certificate.certificate",
                        "is needed when a key or a password file is given");
            }
            return null;
        }
        String key = clientKey.getText().strip();
        String password = clientPassword.getText().strip();
        return new dev.flint.ipc.ClientCertificate(cert, key.isEmpty() ? null : key,
                password.isEmpty() ? null : password);
    }

    private static String sentence(InvalidFieldException e) {
        String m = e.getMessage();
        int colon = m.indexOf(':');
        return colon >= 0 ? m.substring(colon + 1).strip() : m;
    }

    private static URI uri(TextField f, String name) {
        try {
            return new URI(f.getText().strip());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(name + ": this is not a valid URL.");
        }
    }

    void update(UiState s) {
        if (s.advanced().equals(shown) && s.managed().equals(shownManaged)) {
            return;
        }
        shown = s.advanced();
        shownManaged = s.managed();
        ManagedSettings m = s.managed();
        set(authUrl, authNote, m.authUrl() != null ? m.authUrl().toString() : s.advanced().authUrl().toString(),
                m.authUrl() != null, "Where the browser goes to sign in.");
        set(apiUrl, apiNote, m.apiUrl() != null ? m.apiUrl().toString() : s.advanced().apiUrl().toString(),
                m.apiUrl() != null, "The portal's WebSocket endpoint the tunnel service connects to.");
        set(logFilter, filterNote, m.logFilter() != null ? m.logFilter() : s.advanced().logFilter(),
                m.logFilter() != null, "For example info, debug, or dev.flint=trace,info.");
        boolean managedCert = m.clientCertificate() != null;
        dev.flint.ipc.ClientCertificate c = managedCert ? m.clientCertificate() : s.advanced().clientCertificate();
        certificatePane.setExpanded(c != null);
        set(clientCertificate, certificateNote, c == null ? "" : c.certificate(), managedCert,
                "A PEM or PKCS#12 file, or pkcs11:/path/to/sunpkcs11.cfg for a token; empty for none.");
        set(clientKey, keyNote, c == null || c.key() == null ? "" : c.key(), managedCert,
                "The PEM key (unencrypted PKCS#8) when the certificate file does not hold it.");
        set(clientPassword, passwordNote, c == null || c.passwordFile() == null ? "" : c.passwordFile(), managedCert,
                "A file whose first line is the PKCS#12 password or the token's PIN.");
    }

    private static void set(TextField f, Label note, String value, boolean managed, String help) {
        f.setText(value);
        f.setDisable(managed);
        f.setTooltip(managed ? new Tooltip(Form.MANAGED) : null);
        note.setText(managed ? Form.MANAGED : help);
        note.setId(f.getId() + "Note");
    }
}
