package dev.flint.gui.window;

import atlantafx.base.controls.Message;
import atlantafx.base.controls.Spacer;
import atlantafx.base.controls.ToggleSwitch;
import atlantafx.base.theme.Styles;
import dev.flint.gui.controller.ControllerEvent;
import dev.flint.gui.controller.Phase;
import dev.flint.gui.controller.UiState;
import dev.flint.gui.status.StatusText;
import dev.flint.ipc.ResourceView;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.collections.transformation.FilteredList;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

/** Who is signed in, the connection, and a searchable list of resources with copy and favorite actions. */
final class OverviewPage extends VBox {

    private final WindowShell shell;
    private final VBox banners = new VBox(8);
    private final Label statusTitle = new Label();
    private final Label statusDetail = new Label();
    private final HBox buttons = new HBox(8);
    private final ToggleSwitch internet = new ToggleSwitch("Internet Resource");
    private final Label internetHint = new Label("Send all other traffic through the tunnel as well.");
    private final HBox internetRow;
    private final TextField search = new TextField();
    private final ObservableList<ResourceView> items = FXCollections.observableArrayList();
    private final FilteredList<ResourceView> filtered = new FilteredList<>(items);
    private final ListView<ResourceView> list = new ListView<>(filtered);
    private final Label empty = new Label();
    private final VBox resourceBox;
    private UiState state;
    private boolean updating;

    OverviewPage(WindowShell shell) {
        super(16);
        this.shell = shell;
        getStyleClass().add("page");
        setPadding(new Insets(24));

        Label title = new Label("Overview");
        title.getStyleClass().add(Styles.TITLE_2);

        statusTitle.setId("statusTitle");
        statusTitle.getStyleClass().add(Styles.TITLE_4);
        statusDetail.setId("statusDetail");
        statusDetail.getStyleClass().add(Styles.TEXT_MUTED);
        statusDetail.setWrapText(true);
        VBox statusText = new VBox(4, statusTitle, statusDetail);
        HBox.setHgrow(statusText, Priority.ALWAYS);
        HBox statusCard = new HBox(16, statusText, buttons);
        statusCard.setAlignment(Pos.CENTER_LEFT);
        statusCard.getStyleClass().add("card");
        buttons.setAlignment(Pos.CENTER_RIGHT);

        internet.setId("internetToggle");
        internet.selectedProperty().addListener((o, was, on) -> {
            if (!updating) {
                shell.send(new ControllerEvent.SetInternetResource(on));
            }
        });
        internetHint.getStyleClass().add(Styles.TEXT_MUTED);
        internetRow = new HBox(12, internet, internetHint);
        internetRow.setAlignment(Pos.CENTER_LEFT);

        search.setId("searchField");
        search.setPromptText("Search resources by name or address");
        search.textProperty().addListener((o, a, b) -> applyFilter());

        list.setId("resourceList");
        list.setCellFactory(v -> new ResourceCell());
        list.setPlaceholder(empty);
        empty.getStyleClass().add(Styles.TEXT_MUTED);
        VBox.setVgrow(list, Priority.ALWAYS);
        Label resourcesTitle = new Label("Resources");
        resourcesTitle.getStyleClass().add(Styles.TITLE_4);
        resourceBox = new VBox(10, resourcesTitle, internetRow, search, list);
        VBox.setVgrow(resourceBox, Priority.ALWAYS);

        getChildren().addAll(title, banners, statusCard, resourceBox);
    }

    void update(UiState s) {
        this.state = s;
        updating = true;
        try {
            banners.getChildren().clear();
            s.serviceProblem().ifPresent(p -> banners.getChildren().add(banner("Tunnel service", p, Styles.WARNING, "serviceBanner")));
            s.notice().ifPresent(n -> banners.getChildren().add(banner("Sign-in storage", n, Styles.ACCENT, "noticeBanner")));

            String who = s.actorName().orElse("");
            String slug = s.accountSlug().orElse("");
            buttons.getChildren().clear();
            switch (s.phase()) {
                case SIGNED_IN -> {
                    status("Connected", "You are signed in to " + slug + " as " + who + ".");
                    buttons.getChildren().addAll(button("Disconnect", "disconnectButton", new ControllerEvent.Disconnect(), false),
                            button("Sign out", "signOutButton", new ControllerEvent.SignOut(), false));
                }
                case PAUSED -> {
                    status("Disconnected", "You are signed in to " + slug + " as " + who
                            + ", but the tunnel is off. Connect to reach your resources.");
                    buttons.getChildren().addAll(button("Connect", "connectButton", new ControllerEvent.Connect(), true),
                            button("Sign out", "signOutButton", new ControllerEvent.SignOut(), false));
                }
                case SIGNED_OUT -> {
                    status("Signed out", "Sign in with your browser: use the Sign in button here or the Flint icon in the tray.");
                    buttons.getChildren().add(button("Sign in", "signInButton", new ControllerEvent.SignIn(), true));
                }
                case WAITING_FOR_BROWSER -> {
                    status("Waiting for your browser", "Finish signing in in the browser window that just opened.");
                    buttons.getChildren().add(button("Cancel", "cancelButton", new ControllerEvent.CancelSignIn(), false));
                }
                case CONNECTING_TO_PORTAL -> {
                    status("Connecting to the portal\u2026", "Signing in as " + who + ".");
                    buttons.getChildren().add(button("Cancel", "cancelButton", new ControllerEvent.CancelSignIn(), false));
                }
                case RAISING_TUNNEL -> {
                    status("Raising the tunnel\u2026", "Almost there: setting up routes and DNS.");
                    buttons.getChildren().add(button("Cancel", "cancelButton", new ControllerEvent.CancelSignIn(), false));
                }
                case WAITING_FOR_SERVICE -> status("Waiting for the tunnel service\u2026",
                        s.actorName().isPresent() ? "You stay signed in as " + who + "; Flint reconnects when the service is back."
                                : "Flint connects as soon as the flint-tunnel service is running.");
                case LOADING -> status("Loading\u2026", "");
                case QUITTING -> status("Quitting\u2026", "");
            }

            boolean showResources = s.phase() == Phase.SIGNED_IN;
            resourceBox.setVisible(showResources);
            resourceBox.setManaged(showResources);
            Optional<ResourceView> net = s.resources().stream().filter(r -> r instanceof ResourceView.Internet).findFirst();
            internetRow.setVisible(net.isPresent());
            internetRow.setManaged(net.isPresent());
            internet.setSelected(s.general().internetResourceOn());
            List<ResourceView> rest = s.resources().stream().filter(r -> !(r instanceof ResourceView.Internet)).toList();
            if (!rest.equals(items)) {
                items.setAll(rest);
            }
            empty.setText(items.isEmpty() ? "No resources are available to you yet." : "No resource matches your search.");
            list.refresh();
        } finally {
            updating = false;
        }
    }

    private void status(String title, String detail) {
        statusTitle.setText(title);
        statusDetail.setText(detail);
    }

    private Button button(String text, String id, ControllerEvent event, boolean accent) {
        Button b = new Button(text);
        b.setId(id);
        if (accent) {
            b.getStyleClass().add(Styles.ACCENT);
        }
        b.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
        b.setOnAction(e -> shell.send(event));
        return b;
    }

    private static Message banner(String title, String text, String style, String id) {
        Message m = new Message(title, text);
        m.setId(id);
        m.getStyleClass().add(style);
        return m;
    }

    private void applyFilter() {
        String q = search.getText() == null ? "" : search.getText().strip().toLowerCase(Locale.ROOT);
        filtered.setPredicate(r -> q.isEmpty() || r.name().toLowerCase(Locale.ROOT).contains(q)
                || address(r).toLowerCase(Locale.ROOT).contains(q));
    }

    static String address(ResourceView r) {
        return switch (r) {
            case ResourceView.Dns d -> d.address();
            case ResourceView.Cidr c -> c.address();
            case ResourceView.Internet i -> "All network traffic";
        };
    }

    private final class ResourceCell extends ListCell<ResourceView> {
        @Override
        protected void updateItem(ResourceView r, boolean isEmpty) {
            super.updateItem(r, isEmpty);
            if (isEmpty || r == null) {
                setGraphic(null);
                setText(null);
                return;
            }
            Label name = new Label(r.name());
            name.getStyleClass().add(Styles.TEXT_BOLD);
            Label addr = new Label(address(r));
            addr.getStyleClass().addAll(Styles.TEXT_MUTED, Styles.TEXT_SMALL);
            VBox text = new VBox(2, name, addr);
            String status = StatusText.resource(r.status(), state == null ? Optional.empty() : state.connectionOf(r.id()));
            String siteText = r.sites().isEmpty() ? status : r.sites().getFirst().name() + " \u00b7 " + status;
            Label site = new Label(siteText, Icons.dot(r.status()));
            site.getStyleClass().addAll(Styles.TEXT_MUTED, Styles.TEXT_SMALL);
            site.setGraphicTextGap(6);
            site.setId("status-" + r.id());

            boolean fav = state != null && state.general().isFavorite(r.id().toString());
            Button star = new Button(null, Icons.star(fav));
            star.getStyleClass().addAll(Styles.BUTTON_ICON, Styles.FLAT);
            star.setId("favorite-" + r.id());
            star.setTooltip(new Tooltip(fav ? "Remove from favorites" : "Add to favorites"));
            star.setOnAction(e -> shell.send(new ControllerEvent.SetFavorite(r.id(), !fav)));

            Button copy = new Button(null, Icons.copy());
            copy.getStyleClass().addAll(Styles.BUTTON_ICON, Styles.FLAT);
            copy.setId("copy-" + r.id());
            copy.setTooltip(new Tooltip("Copy address"));
            copy.setOnAction(e -> shell.copyToClipboard(address(r)));

            HBox row = new HBox(12, text, new Spacer(), site, star, copy);
            row.setAlignment(Pos.CENTER_LEFT);
            setText(null);
            setGraphic(row);
        }
    }
}
