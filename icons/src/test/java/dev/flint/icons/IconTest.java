package dev.flint.icons;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IconTest {

    private static final Path MODULE = Path.of(System.getProperty("user.dir"));
    private static final Path RENDERED = MODULE.resolve("src/main/resources/dev/flint/icons");

    @Test
    void everyIconIsRenderedAtEachOfItsSizesWithThatSize() {
        for (Icon icon : Icon.values()) {
            for (int size : icon.sizes()) {
                // PNG: 8-byte signature, then the IHDR chunk whose data starts with width, height.
                ByteBuffer header = ByteBuffer.wrap(icon.png(size), 0, 24);
                assertThat(header.getLong(0)).as("%s %d is a PNG", icon, size).isEqualTo(0x89504E470D0A1A0AL);
                assertThat(header.getInt(16)).as("%s %d width", icon, size).isEqualTo(size);
                assertThat(header.getInt(20)).as("%s %d height", icon, size).isEqualTo(size);
            }
        }
    }

    @Test
    void everySourceIsRenderedAndHasAnIcon() throws IOException {
        try (Stream<Path> sources = Files.list(MODULE.resolve("src/svg"))) {
            for (String name : sources.map(p -> p.getFileName().toString().replace(".svg", "")).toList()) {
                assertThat(Arrays.stream(Icon.values()).filter(i -> rendered(i, name)))
                    .as("an Icon constant whose renders are %s-*.png", name).isNotEmpty();
            }
        }
    }

    @Test
    void theNearestLargerRenderingServesAnUnrenderedSize() {
        assertThat(ByteBuffer.wrap(Icon.APP.png(20)).getInt(16)).isEqualTo(22);
        assertThat(ByteBuffer.wrap(Icon.APP.png(4096)).getInt(16)).isEqualTo(512);
    }

    @Test
    void theAppIconHasWindowsAndMacFormats() throws IOException {
        byte[] ico = Files.readAllBytes(RENDERED.resolve("dev.flint.client.ico"));
        assertThat(ByteBuffer.wrap(ico).getInt(0)).as("ICO header: reserved 0, type 1").isEqualTo(0x00000100);
        byte[] icns = Files.readAllBytes(RENDERED.resolve("dev.flint.client.icns"));
        assertThat(new String(icns, 0, 4, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("icns");
    }

    @Test
    void committedRendersMatchTheirSources(@TempDir Path out) throws Exception {
        assumeTrue(onPath("rsvg-convert") && onPath("icotool") && onPath("png2icns"),
            "the renderers (librsvg2-bin, icoutils, icnsutils) are not installed");
        Process render = new ProcessBuilder("bash", MODULE.resolve("render.sh").toString(), out.toString())
            .redirectErrorStream(true).start();
        String output = new String(render.getInputStream().readAllBytes());
        assertThat(render.waitFor()).as(output).isZero();
        try (Stream<Path> files = Files.list(out)) {
            for (Path fresh : files.toList()) {
                Path committed = RENDERED.resolve(fresh.getFileName().toString());
                assertThat(committed).as("render.sh output %s is committed", committed).exists();
                assertThat(Files.readAllBytes(fresh))
                    .as("%s is out of date: run icons/render.sh", committed)
                    .isEqualTo(Files.readAllBytes(committed));
            }
        }
    }

    /** Whether {@code icon} is the rendering of the source named {@code name}. */
    private static boolean rendered(Icon icon, String name) {
        int size = icon.sizes()[0];
        try {
            return Arrays.equals(icon.png(size), Files.readAllBytes(RENDERED.resolve(name + "-" + size + ".png")));
        } catch (IOException missing) {
            return false;
        }
    }

    private static boolean onPath(String tool) {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
            .anyMatch(dir -> Files.isExecutable(Path.of(dir, tool)));
    }
}
