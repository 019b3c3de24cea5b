package dev.flint.gui.window;

import atlantafx.base.theme.Styles;
import dev.flint.gui.controller.ControllerEvent;
import dev.flint.gui.controller.UiState;
import dev.flint.gui.diagnostics.ConnectivityCheck;
import dev.flint.gui.diagnostics.LogFiles;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.Optional;
import javafx.application.Platform;
import javafx.geometry.Insets;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;

/** Log size, export and clear, and the connectivity check. */
final class DiagnosticsPage extends VBox {

    private final WindowShell shell;
    private final Label size = new Label();
    private final Label exportResult = new Label();
    private final VBox checkResult = new VBox(6);
    private final Button check = new Button("Run connectivity check");
    private final Button selfTest = new Button("Run self test");
    private final Button copyReport = new Button("Copy report");
    private final Label verdict = new Label();
    private ConnectivityCheck.Report lastReport;

    DiagnosticsPage(WindowShell shell) {
        super(14);
        this.shell = shell;
        getStyleClass().add("page");
        setPadding(new Insets(24));
        size.setId("logSize");
        exportResult.setId("exportResult");
        exportResult.setWrapText(true);
        exportResult.getStyleClass().add(Styles.TEXT_MUTED);
        checkResult.setId("connectivityResult");

        Label dir = new Label("App logs are in " + shell.logFiles().guiLogs());
        dir.getStyleClass().addAll(Styles.TEXT_MUTED, Styles.TEXT_SMALL);
        dir.setWrapText(true);

        Button export = new Button("Export logs\u2026");
        export.setId("exportLogs");
        export.getStyleClass().add(Styles.ACCENT);
        export.setOnAction(e -> exportLogs());
        Button clear = new Button("Clear logs");
        clear.setId("clearLogs");
        clear.setOnAction(e -> shell.send(new ControllerEvent.ClearLogs()));
        Button refresh = new Button("Refresh");
        refresh.setId("refreshLogs");
        refresh.getStyleClass().add(Styles.FLAT);
        refresh.setOnAction(e -> recount());

        Label logsTitle = new Label("Logs");
        logsTitle.getStyleClass().add(Styles.TITLE_4);
        VBox logs = new VBox(10, logsTitle, size, dir, new HBox(8, export, clear, refresh), exportResult);
        logs.getStyleClass().add("card");

        check.setId("checkConnectivity");
        check.setOnAction(e -> runCheck(false));
        selfTest.setId("selfTest");
        selfTest.getStyleClass().add(Styles.ACCENT);
        selfTest.setOnAction(e -> runCheck(true));
        copyReport.setId("copyReport");
        copyReport.setDisable(true);
        copyReport.setOnAction(e -> {
            if (lastReport != null) {
                shell.copyToClipboard(lastReport.text());
            }
        });
        verdict.setId("selfTestVerdict");
        verdict.setWrapText(true);
        verdict.getStyleClass().add(Styles.TITLE_4);
        verdict.setVisible(false);
        verdict.setManaged(false);
        Label checkTitle = new Label("Connectivity");
        checkTitle.getStyleClass().add(Styles.TITLE_4);
        Label checkHelp = new Label("Checks the tunnel service and its DNS, the portal (TCP, TLS, HTTP and its clock), "
                + "each relay over UDP (STUN and a TURN allocation), the NAT, the external addresses and whether full-size "
                + "tunnel packets get through. The self test also makes one request to one of your resources. "
                + "The report goes into the exported logs.");
        checkHelp.getStyleClass().add(Styles.TEXT_MUTED);
        checkHelp.setWrapText(true);
        VBox conn = new VBox(10, checkTitle, checkHelp, new HBox(8, selfTest, check, copyReport), verdict, checkResult);
        conn.getStyleClass().add("card");

        getChildren().addAll(Form.title("Diagnostics"), logs, conn);
        recount();
    }

    void recount() {
        size.setText("Log directory size: " + shell.logFiles().size().describe());
    }

    void logsCleared(Optional<String> error) {
        recount();
        exportResult.setText(error.orElse("Logs cleared."));
    }

    void update(UiState s) {
        // Nothing here depends on the session; counts refresh on demand.
    }

    private void exportLogs() {
        String stem = LogFiles.defaultStem(LocalDateTime.now());
        Optional<Path> target = shell.chooseExportFile(stem + ".zip");
        if (target.isEmpty()) {
            return;
        }
        Thread.ofVirtual().name("log-export").start(() -> {
            String result;
            try {
                shell.logFiles().export(target.get(), stem);
                result = "Logs exported to " + target.get() + ".";
            } catch (Exception ex) {
                result = "Flint couldn't export the logs: " + ex.getMessage() + ".";
            }
            String r = result;
            Platform.runLater(() -> exportResult.setText(r));
        });
    }

    private void runCheck(boolean withResource) {
        check.setDisable(true);
        selfTest.setDisable(true);
        verdict.setVisible(false);
        verdict.setManaged(false);
        checkResult.getChildren().setAll(new Label(withResource ? "Testing\u2026" : "Checking\u2026"));
        Thread.ofVirtual().name("connectivity-check").start(() -> {
            ConnectivityCheck.Report report = shell.checkConnectivity(withResource);
            try {
                shell.logFiles().saveConnectivityReport(report.text());
            } catch (java.io.IOException e) {
                org.slf4j.LoggerFactory.getLogger(DiagnosticsPage.class).warn("Could not save the connectivity report: {}", e.toString());
            }
            Platform.runLater(() -> show(report));
        });
    }

    void show(ConnectivityCheck.Report report) {
        lastReport = report;
        checkResult.getChildren().clear();
        for (ConnectivityCheck.Step step : report.steps()) {
            Label l = new Label((step.ok() ? "\u2713 " : "\u2717 ") + step.name() + ": " + step.sentence());
            l.setWrapText(true);
            l.getStyleClass().add(step.ok() ? Styles.SUCCESS : Styles.DANGER);
            checkResult.getChildren().add(l);
        }
        report.verdict().ifPresent(v -> {
            verdict.setText(v);
            verdict.getStyleClass().removeAll(Styles.SUCCESS, Styles.DANGER);
            verdict.getStyleClass().add(report.steps().getLast().ok() ? Styles.SUCCESS : Styles.DANGER);
            verdict.setVisible(true);
            verdict.setManaged(true);
        });
        copyReport.setDisable(false);
        check.setDisable(false);
        selfTest.setDisable(false);
    }
}
