package dev.flint.gui.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import javafx.embed.swing.SwingFXUtils;
import javafx.scene.Node;
import javafx.scene.image.WritableImage;
import javax.imageio.ImageIO;
import org.testfx.api.FxRobot;

/** Saves PNG snapshots of nodes into the repository's {@code docs/screenshots/}. */
public final class Screenshots {

    private Screenshots() {
    }

    public static Path dir() {
        Path cwd = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        Path root = Files.exists(cwd.resolve("gui/pom.xml")) ? cwd : cwd.getParent();
        return root.resolve("docs/screenshots");
    }

    public static Path save(FxRobot robot, Node node, String name) throws IOException {
        AtomicReference<WritableImage> img = new AtomicReference<>();
        robot.interact(() -> img.set(node.snapshot(null, null)));
        Path file = dir().resolve(name + ".png");
        Files.createDirectories(file.getParent());
        ImageIO.write(SwingFXUtils.fromFXImage(img.get(), null), "png", file.toFile());
        return file;
    }
}
