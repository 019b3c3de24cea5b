package dev.flint.gui.window;

import atlantafx.base.controls.Tile;
import atlantafx.base.theme.Styles;
import javafx.scene.Node;
import javafx.scene.control.Control;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.VBox;

/** Settings rows: a title, a description and a control; managed rows are locked and say why. */
final class Form {

    static final String MANAGED = "This setting is managed by your organisation.";

    private Form() {
    }

    static Tile row(String title, String description, Node control) {
        Tile t = new Tile(title, description);
        t.setAction(control);
        t.setActionHandler(null);
        return t;
    }

    static void lock(Tile tile, Control control, String id, boolean managed) {
        control.setDisable(managed);
        control.setTooltip(managed ? new Tooltip(MANAGED) : null);
        tile.setDescription(managed ? MANAGED : (String) tile.getProperties().getOrDefault("plain", tile.getDescription()));
        tile.getProperties().putIfAbsent("plain", tile.getDescription());
        tile.pseudoClassStateChanged(javafx.css.PseudoClass.getPseudoClass("managed"), managed);
    }

    static Label title(String text) {
        Label l = new Label(text);
        l.getStyleClass().add(Styles.TITLE_2);
        return l;
    }

    static VBox fieldBlock(String label, Node field, Label note) {
        Label l = new Label(label);
        l.getStyleClass().add(Styles.TEXT_BOLD);
        note.getStyleClass().addAll(Styles.TEXT_MUTED, Styles.TEXT_SMALL);
        note.setWrapText(true);
        return new VBox(4, l, field, note);
    }
}
