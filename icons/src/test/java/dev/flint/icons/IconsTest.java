package dev.flint.icons;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IconsTest {

    private static final Path MODULE = Path.of(System.getProperty("user.dir"));
    private static final Path RENDERED = MODULE.resolve("src/main/resources/dev/flint/icons");

    @Test
    void everySourceIsRenderedAtEverySizeWithThatSize() throws IOException {
        List<String> names;
        try (Stream<Path> sources = Files.list(MODULE.resolve("src/svg"))) {
            names = sources.map(p -> p.getFileName().toString().replace(".svg", "")).sorted().toList();
        }
        assertThat(names).contains(Icons.APP);
        for (String name : names) {
            for (int size : Icons.SIZES) {
                var url = Icons.png(name, size);
                assertThat(url).as("%s at %d", name, size).isPresent();
                try (InputStream in = url.get().openStream()) {
                    // PNG: 8-byte signature, then the IHDR chunk whose data starts with width, height.
                    ByteBuffer header = ByteBuffer.wrap(in.readNBytes(24));
                    assertThat(header.getLong(0)).isEqualTo(0x89504E470D0A1A0AL);
                    assertThat(header.getInt(16)).as("width").isEqualTo(size);
                    assertThat(header.getInt(20)).as("height").isEqualTo(size);
                }
            }
        }
    }

    @Test
    void picksTheNextSizeUp() {
        assertThat(Icons.sizeAtLeast(20)).isEqualTo(22);
        assertThat(Icons.sizeAtLeast(48)).isEqualTo(48);
        assertThat(Icons.sizeAtLeast(4096)).isEqualTo(512);
    }

    @Test
    void committedRendersMatchTheirSources(@TempDir Path out) throws Exception {
        assumeTrue(onPath("rsvg-convert") && onPath("icotool") && onPath("png2icns"),
            "the renderers (librsvg2-bin, icoutils, icnsutils) are not installed");
        Process render = new ProcessBuilder("bash", MODULE.resolve("render.sh").toString(), out.toString())
            .redirectErrorStream(true).start();
        String output = new String(render.getInputStream().readAllBytes());
        assertThat(render.waitFor()).as(output).isZero();
        try (Stream<Path> files = Files.walk(out)) {
            for (Path fresh : files.filter(Files::isRegularFile).toList()) {
                Path committed = RENDERED.resolve(out.relativize(fresh).toString());
                assertThat(committed).as("render.sh output %s is committed", committed).exists();
                assertThat(Files.readAllBytes(fresh))
                    .as("%s is out of date: run icons/render.sh", committed)
                    .isEqualTo(Files.readAllBytes(committed));
            }
        }
    }

    private static boolean onPath(String tool) {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
            .anyMatch(dir -> Files.isExecutable(Path.of(dir, tool)));
    }
}
