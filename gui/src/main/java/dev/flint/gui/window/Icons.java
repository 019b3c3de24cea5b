package dev.flint.gui.window;

import dev.flint.ipc.ResourceStatus;
import javafx.scene.image.Image;
import javafx.scene.image.ImageView;
import javafx.scene.paint.Color;
import javafx.scene.shape.Circle;
import javafx.scene.shape.SVGPath;

/** Small vector glyphs drawn by JavaFX, so they look the same with any installed font. */
final class Icons {

    private Icons() {
    }

    static SVGPath star(boolean filled) {
        SVGPath p = new SVGPath();
        p.setContent("M8 1.2l2.1 4.3 4.7.7-3.4 3.3.8 4.7L8 12l-4.2 2.2.8-4.7L1.2 6.2l4.7-.7z");
        p.getStyleClass().add(filled ? "star-on" : "star-off");
        return p;
    }

    static SVGPath copy() {
        SVGPath p = new SVGPath();
        p.setContent("M5 1h8a2 2 0 0 1 2 2v8h-2V3H5zM1 5a2 2 0 0 1 2-2h7a2 2 0 0 1 2 2v8a2 2 0 0 1-2 2H3a2 2 0 0 1-2-2zm2 0v8h7V5z");
        p.getStyleClass().add("glyph");
        return p;
    }

    static Circle dot(ResourceStatus status) {
        Circle c = new Circle(5);
        c.setFill(switch (status) {
            case ONLINE -> Color.web("#2EA44F");
            case OFFLINE -> Color.web("#D73A49");
            case UNKNOWN -> Color.web("#8C929B");
            case CONNECTING -> Color.web("#D4A72C");
        });
        return c;
    }

    static ImageView logo(double size) {
        Image img = new Image(new java.io.ByteArrayInputStream(dev.flint.icons.Icon.LOGO.png((int) Math.ceil(size * 2))),
                size, size, true, true);
        return new ImageView(img);
    }
}
