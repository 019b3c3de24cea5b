package dev.flint.gui.window;

import atlantafx.base.theme.Styles;
import dev.flint.gui.controller.Page;
import dev.flint.gui.controller.UiState;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.ToggleGroup;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.stage.Stage;

/**
 * The one window: a sidebar and the pages. Closing it only hides it (Flint keeps running in the
 * tray); with no tray it is the app's only face, so it then says how to get one.
 */
public final class MainWindow {

    public static final double WIDTH = 900;
    public static final double HEIGHT = 600;

    private final Stage stage;
    private final BorderPane root = new BorderPane();
    private final OverviewPage overview;
    private final ConnectionsPage connections;
    private final GeneralSettingsPage general;
    private final AdvancedSettingsPage advanced;
    private final DiagnosticsPage diagnostics;
    private final AboutPage about;
    private final Map<Page, ToggleButton> nav = new EnumMap<>(Page.class);
    private final Map<Page, Node> pages = new EnumMap<>(Page.class);
    private final Label trayHint = new Label();
    private Page current = Page.OVERVIEW;

    public MainWindow(Stage stage, WindowShell shell) {
        this(stage, shell, java.time.Clock.systemUTC());
    }

    /** @param clock for "last handshake 12 s ago" */
    public MainWindow(Stage stage, WindowShell shell, java.time.Clock clock) {
        this.stage = stage;
        overview = new OverviewPage(shell);
        connections = new ConnectionsPage(shell, clock);
        general = new GeneralSettingsPage(shell);
        advanced = new AdvancedSettingsPage(shell);
        diagnostics = new DiagnosticsPage(shell);
        about = new AboutPage(shell);
        pages.put(Page.OVERVIEW, overview);
        pages.put(Page.CONNECTIONS, scroll(connections));
        pages.put(Page.GENERAL_SETTINGS, scroll(general));
        pages.put(Page.ADVANCED_SETTINGS, scroll(advanced));
        pages.put(Page.DIAGNOSTICS, scroll(diagnostics));
        pages.put(Page.ABOUT, about);

        ToggleGroup group = new ToggleGroup();
        VBox side = new VBox(4);
        side.getStyleClass().add("sidebar");
        side.setPadding(new Insets(16, 10, 16, 10));
        HBox brand = new HBox(8, Icons.logo(28), new Label("Flint"));
        brand.setAlignment(Pos.CENTER_LEFT);
        brand.getStyleClass().add("brand");
        brand.setPadding(new Insets(0, 6, 14, 6));
        side.getChildren().add(brand);
        side.getChildren().add(navButton(group, Page.OVERVIEW, "Overview"));
        side.getChildren().add(navButton(group, Page.CONNECTIONS, "Connections"));
        side.getChildren().add(section("Settings"));
        side.getChildren().add(navButton(group, Page.GENERAL_SETTINGS, "General"));
        side.getChildren().add(navButton(group, Page.ADVANCED_SETTINGS, "Advanced"));
        side.getChildren().add(section("Help"));
        side.getChildren().add(navButton(group, Page.DIAGNOSTICS, "Diagnostics"));
        side.getChildren().add(navButton(group, Page.ABOUT, "About"));
        Region grow = new Region();
        VBox.setVgrow(grow, Priority.ALWAYS);
        trayHint.setId("trayHint");
        trayHint.setWrapText(true);
        trayHint.getStyleClass().addAll(Styles.TEXT_SMALL, Styles.TEXT_MUTED);
        trayHint.setVisible(false);
        side.getChildren().addAll(grow, trayHint);
        side.setPrefWidth(200);
        side.setMinWidth(200);

        root.setLeft(side);
        show(Page.OVERVIEW);
        Scene scene = new Scene(root, WIDTH, HEIGHT);
        scene.getStylesheets().add(MainWindow.class.getResource("flint.css").toExternalForm());
        stage.setScene(scene);
        stage.setTitle("Flint");
        stage.setMinWidth(720);
        stage.setMinHeight(480);
        stage.getIcons().add(Icons.logo(64).getImage());
    }

    public Stage stage() {
        return stage;
    }

    public Node root() {
        return root;
    }

    public Page currentPage() {
        return current;
    }

    /** Shows the page and raises the window. */
    public void open(Page page) {
        show(page);
        stage.show();
        stage.toFront();
        stage.requestFocus();
    }

    public void show(Page page) {
        current = page;
        nav.get(page).setSelected(true);
        root.setCenter(pages.get(page));
    }

    public void update(UiState s) {
        overview.update(s);
        connections.update(s);
        general.update(s);
        advanced.update(s);
        diagnostics.update(s);
        about.update(s);
    }

    public void logsCleared(Optional<String> error) {
        diagnostics.logsCleared(error);
    }

    /** With no tray, the window is the app: say how to get a tray icon. */
    public void showNoTrayHint(String sentence) {
        trayHint.setText(sentence);
        trayHint.setVisible(true);
    }

    private ToggleButton navButton(ToggleGroup group, Page page, String text) {
        ToggleButton b = new ToggleButton(text);
        b.setId("nav-" + page.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
        b.setToggleGroup(group);
        b.getStyleClass().add("nav");
        b.setMaxWidth(Double.MAX_VALUE);
        b.setAlignment(Pos.CENTER_LEFT);
        b.setOnAction(e -> {
            if (!b.isSelected()) {
                b.setSelected(true);
            }
            show(page);
        });
        nav.put(page, b);
        return b;
    }

    private static Label section(String text) {
        Label l = new Label(text.toUpperCase(java.util.Locale.ROOT));
        l.getStyleClass().add("nav-section");
        return l;
    }

    private static ScrollPane scroll(Node n) {
        ScrollPane p = new ScrollPane(n);
        p.setFitToWidth(true);
        p.getStyleClass().add("page-scroll");
        return p;
    }
}
