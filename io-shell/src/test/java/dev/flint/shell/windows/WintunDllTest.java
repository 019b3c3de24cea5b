package dev.flint.shell.windows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What can be checked of the wintun.dll binding without Windows: the pinned builds and the GUID layout. */
class WintunDllTest {

    @Test
    void pinsExactlyTheBuildsTheInstallerShips() throws Exception {
        var packaged = Files.readAllLines(Path.of("..", "packaging", "src", "windows", "wintun.sha256")).stream()
                .filter(line -> !line.isBlank()).map(line -> line.split("\\s+")[0]).toList();
        assertThat(WintunDll.PINNED_SHA256).containsExactlyInAnyOrderElementsOf(packaged);
    }

    @Test
    void refusesAnyOtherDllBeforeLoadingIt(@TempDir Path dir) throws Exception {
        Path dll = dir.resolve("wintun.dll");
        Files.write(dll, new byte[] {'M', 'Z', 0, 0});
        assertThatThrownBy(() -> WintunDll.load(dll.toAbsolutePath()))
                .hasMessageContaining("is not the wintun.dll Flint ships")
                .hasMessageContaining(WintunDll.sha256(dll));
        assertThatThrownBy(() -> WintunDll.load(dir.resolve("missing.dll").toAbsolutePath()))
                .hasMessageContaining("missing");
        assertThatThrownBy(() -> WintunDll.load(Path.of("wintun.dll"))).as("never through the search order")
                .hasMessageContaining("missing");
    }

    @Test
    void guidsAreLaidOutAsWindowsStoresThem() {
        // Firezone's adapter GUID {e9245bc1-b8c1-44ca-ab1d-c6aad4f13b9c}: Data1-3 little-endian, Data4 as written.
        assertThat(HexFormat.of().formatHex(WintunDll.guidBytes(UUID.fromString("e9245bc1-b8c1-44ca-ab1d-c6aad4f13b9c"))))
                .isEqualTo("c15b24e9c1b8ca44ab1dc6aad4f13b9c");
    }
}
