package dev.flint.gui.window;

import atlantafx.base.theme.Styles;
import dev.flint.gui.controller.UiState;
import java.net.URI;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Hyperlink;
import javafx.scene.control.Label;
import javafx.scene.layout.VBox;

/** Logo, version, device id and links. */
final class AboutPage extends VBox {

    static final URI DOCS = URI.create("https://www.firezone.dev/kb?utm_source=product");
    private final Label device = new Label();
    private final WindowShell shell;

    AboutPage(WindowShell shell) {
        super(10);
        this.shell = shell;
        getStyleClass().add("page");
        setPadding(new Insets(40, 24, 24, 24));
        setAlignment(Pos.TOP_CENTER);
        Label name = new Label("Flint");
        name.getStyleClass().add(Styles.TITLE_1);
        Label tagline = new Label("A desktop client for Firezone-compatible zero-trust networks.");
        tagline.getStyleClass().add(Styles.TEXT_MUTED);
        Label version = new Label("Version " + shell.version());
        version.setId("aboutVersion");
        device.setId("aboutDevice");
        device.getStyleClass().addAll(Styles.TEXT_MUTED, Styles.TEXT_SMALL);
        Hyperlink docs = new Hyperlink("Documentation");
        docs.setId("docsLink");
        docs.setOnAction(e -> shell.openUrl(DOCS));
        getChildren().addAll(Icons.logo(96), name, tagline, version, device, docs);
    }

    void update(UiState s) {
        device.setText(shell.deviceId().map(id -> "Device ID " + id).orElse(""));
    }
}
