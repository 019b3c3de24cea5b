package dev.flint.gui.window;

import atlantafx.base.controls.Tile;
import atlantafx.base.controls.ToggleSwitch;
import atlantafx.base.theme.Styles;
import dev.flint.gui.controller.ControllerEvent;
import dev.flint.gui.controller.UiState;
import dev.flint.gui.settings.GeneralSettings;
import javafx.geometry.Insets;
import javafx.scene.control.Button;
import javafx.scene.control.TextField;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;

/** Start minimized, start on login, connect on start, account slug. */
final class GeneralSettingsPage extends VBox {

    private final ToggleSwitch startMinimized = new ToggleSwitch();
    private final ToggleSwitch startOnLogin = new ToggleSwitch();
    private final ToggleSwitch connectOnStart = new ToggleSwitch();
    private final TextField slug = new TextField();
    private final Tile connectTile;
    private final Tile slugTile;
    private GeneralSettings shown;
    private Boolean shownManagedConnect;
    private String shownManagedSlug;

    GeneralSettingsPage(WindowShell shell) {
        super(12);
        getStyleClass().add("page");
        setPadding(new Insets(24));
        startMinimized.setId("startMinimized");
        startOnLogin.setId("startOnLogin");
        connectOnStart.setId("connectOnStart");
        slug.setId("accountSlug");
        slug.setPromptText("your-company");
        slug.setPrefColumnCount(16);

        connectTile = Form.row("Connect on start", "Connect with your saved sign-in when Flint starts.", connectOnStart);
        slugTile = Form.row("Account slug", "The part of the sign-in address after the portal, e.g. 'acme'.", slug);
        VBox rows = new VBox(0,
                Form.row("Start minimized", "Start in the tray without opening this window.", startMinimized),
                Form.row("Start on login", "Start Flint when you log in to your desktop.", startOnLogin),
                connectTile, slugTile);
        rows.getStyleClass().add("card");

        Button apply = new Button("Apply");
        apply.setId("applyGeneral");
        apply.getStyleClass().add(Styles.ACCENT);
        apply.setDefaultButton(true);
        apply.setOnAction(e -> shell.send(new ControllerEvent.ApplyGeneralSettings(startMinimized.isSelected(),
                startOnLogin.isSelected(), connectOnStart.isSelected(), slug.getText())));
        Button reset = new Button("Reset to defaults");
        reset.setId("resetGeneral");
        reset.setOnAction(e -> shell.send(new ControllerEvent.ResetGeneralSettings()));
        getChildren().addAll(Form.title("General settings"), rows, new HBox(8, apply, reset));
    }

    void update(UiState s) {
        var g = s.general();
        var managedConnect = s.managed().connectOnStart();
        var managedSlug = s.managed().accountSlug();
        if (g.equals(shown) && java.util.Objects.equals(managedConnect, shownManagedConnect)
                && java.util.Objects.equals(managedSlug, shownManagedSlug)) {
            return; // keep what the user is editing
        }
        shown = g;
        shownManagedConnect = managedConnect;
        shownManagedSlug = managedSlug;
        startMinimized.setSelected(g.startMinimized());
        startOnLogin.setSelected(Boolean.TRUE.equals(g.startOnLogin()));
        // Unset connect-on-start means "yes" to the controller; show what will actually happen.
        connectOnStart.setSelected(managedConnect != null ? managedConnect : g.connectOnStartEffective());
        slug.setText(managedSlug != null ? managedSlug : g.accountSlug() == null ? "" : g.accountSlug());
        Form.lock(connectTile, connectOnStart, "connectOnStart", managedConnect != null);
        Form.lock(slugTile, slug, "accountSlug", managedSlug != null);
    }
}
