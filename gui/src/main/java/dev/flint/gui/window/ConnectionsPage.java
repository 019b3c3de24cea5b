package dev.flint.gui.window;

import atlantafx.base.theme.Styles;
import dev.flint.gui.controller.Phase;
import dev.flint.gui.controller.UiState;
import dev.flint.gui.status.StatusText;
import dev.flint.ipc.GatewayConnection;
import dev.flint.ipc.PathKind;
import dev.flint.ipc.ResourceView;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;

/**
 * The peers view: one card per gateway connection with the resources it carries, whether the path is direct or
 * relayed, both candidates, the round trip, bytes each way and the last WireGuard handshake.
 */
final class ConnectionsPage extends VBox {

    private final WindowShell shell;
    private final Clock clock;
    private final Label summary = new Label();
    private final VBox cards = new VBox(12);
    private List<GatewayConnection> shown;

    ConnectionsPage(WindowShell shell, Clock clock) {
        super(16);
        this.shell = shell;
        this.clock = clock;
        getStyleClass().add("page");
        setPadding(new Insets(24));
        summary.setId("connectionsSummary");
        summary.setWrapText(true);
        summary.getStyleClass().add(Styles.TEXT_MUTED);
        cards.setId("connectionCards");
        getChildren().addAll(Form.title("Connections"), summary, cards);
    }

    void update(UiState s) {
        List<GatewayConnection> list = s.connections();
        summary.setText(summaryText(s));
        if (list.equals(shown)) {
            return;
        }
        shown = list;
        cards.getChildren().setAll(list.stream().map(c -> card(c, s)).toList());
    }

    static String summaryText(UiState s) {
        if (s.phase() != Phase.SIGNED_IN) {
            return "Connect to see the gateways Flint talks to.";
        }
        List<GatewayConnection> list = s.connections();
        if (list.isEmpty()) {
            return "No gateway connection yet: Flint connects to a gateway the first time you use one of its resources.";
        }
        long direct = list.stream().filter(c -> c.path() != null && c.path().kind() == PathKind.DIRECT).count();
        long relayed = list.stream().filter(c -> c.path() != null && c.path().kind() == PathKind.RELAYED).count();
        long pending = list.size() - direct - relayed;
        return list.size() + (list.size() == 1 ? " gateway connection: " : " gateway connections: ") + direct
                + " direct, " + relayed + " relayed" + (pending > 0 ? ", " + pending + " connecting" : "") + ".";
    }

    private VBox card(GatewayConnection c, UiState s) {
        String id = c.gatewayId().toString();
        Label title = new Label(gatewayName(c, s));
        title.getStyleClass().add(Styles.TITLE_4);
        Label headline = new Label(headline(c));
        headline.setId("connection-path-" + id);
        headline.getStyleClass().add(c.path() == null ? Styles.WARNING
                : c.path().kind() == PathKind.DIRECT ? Styles.SUCCESS : Styles.ACCENT);
        Button copy = new Button(null, Icons.copy());
        copy.getStyleClass().addAll(Styles.BUTTON_ICON, Styles.FLAT);
        copy.setTooltip(new Tooltip("Copy these details"));
        copy.setOnAction(e -> shell.copyToClipboard(describe(c, s, clock.instant())));
        Region grow = new Region();
        HBox.setHgrow(grow, Priority.ALWAYS);
        HBox top = new HBox(12, title, grow, headline, copy);
        top.setAlignment(Pos.CENTER_LEFT);

        GridPane grid = new GridPane();
        grid.setHgap(16);
        grid.setVgap(6);
        Instant now = clock.instant();
        int row = 0;
        row(grid, row++, "Resources", resourceNames(c, s), "connection-resources-" + id);
        row(grid, row++, "Local candidate", c.path() == null ? "\u2014" : c.path().local().type() + " " + c.path().local().address(),
                "connection-local-" + id);
        row(grid, row++, "Gateway candidate", c.path() == null ? "\u2014" : c.path().remote().type() + " " + c.path().remote().address(),
                "connection-remote-" + id);
        row(grid, row++, "Round trip", c.rttMicros() == null ? "not measured yet" : StatusText.rtt(c.rttMicros()),
                "connection-rtt-" + id);
        row(grid, row++, "Transfer", StatusText.bytes(c.bytesReceived()) + " received, " + StatusText.bytes(c.bytesSent()) + " sent",
                "connection-bytes-" + id);
        row(grid, row, "Last handshake", StatusText.ago(c.lastHandshakeMillis(), now), "connection-handshake-" + id);
        VBox card = new VBox(10, top, grid);
        card.getStyleClass().add("card");
        card.setId("connection-" + id);
        return card;
    }

    private static void row(GridPane grid, int row, String name, String value, String id) {
        Label n = new Label(name);
        n.getStyleClass().add(Styles.TEXT_MUTED);
        Label v = new Label(value);
        v.setId(id);
        v.setWrapText(true);
        grid.addRow(row, n, v);
    }

    static String headline(GatewayConnection c) {
        if (c.path() == null) {
            return "Connecting\u2026";
        }
        String kind = c.path().kind() == PathKind.DIRECT ? "Direct" : "Relayed";
        return c.rttMicros() == null ? kind : kind + " \u00b7 " + StatusText.rtt(c.rttMicros());
    }

    /** The site of its resources (all of one gateway's resources share it) and the gateway id's first block. */
    static String gatewayName(GatewayConnection c, UiState s) {
        String site = s.resources().stream().filter(r -> c.resourceIds().contains(r.id()))
                .flatMap(r -> r.sites().stream()).map(dev.flint.ipc.Site::name).findFirst().orElse("Gateway");
        return site + " gateway " + c.gatewayId().toString().substring(0, 8);
    }

    static String resourceNames(GatewayConnection c, UiState s) {
        List<String> names = c.resourceIds().stream().map(id -> nameOf(id, s)).toList();
        return names.isEmpty() ? "none any more" : String.join(", ", names);
    }

    private static String nameOf(UUID id, UiState s) {
        return s.resources().stream().filter(r -> r.id().equals(id)).map(ResourceView::name).findFirst()
                .orElse(id.toString());
    }

    /** The card as text, for pasting into a support request. */
    static String describe(GatewayConnection c, UiState s, Instant now) {
        return gatewayName(c, s) + " (" + c.gatewayId() + ")\n"
                + "  resources: " + resourceNames(c, s) + "\n"
                + "  path: " + (c.path() == null ? "none yet" : StatusText.path(c.path())) + "\n"
                + "  round trip: " + (c.rttMicros() == null ? "not measured yet" : StatusText.rtt(c.rttMicros())) + "\n"
                + "  received " + StatusText.bytes(c.bytesReceived()) + ", sent " + StatusText.bytes(c.bytesSent()) + "\n"
                + "  last handshake: " + StatusText.ago(c.lastHandshakeMillis(), now) + "\n";
    }
}
