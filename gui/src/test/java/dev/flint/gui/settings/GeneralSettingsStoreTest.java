package dev.flint.gui.settings;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GeneralSettingsStoreTest {

    @TempDir
    Path dir;

    @Test
    void missingFileGivesDefaults() {
        var s = new GeneralSettingsStore(dir.resolve("x/general_settings.json")).load();
        assertThat(s).isEqualTo(GeneralSettings.defaults());
        assertThat(s.startMinimized()).isTrue();
        assertThat(s.connectOnStartEffective()).isTrue();
    }

    @Test
    void roundTripsWithPrivatePermissionsAndNoTemporaryLeftovers() throws Exception {
        Path file = dir.resolve("cfg/general_settings.json");
        var store = new GeneralSettingsStore(file);
        var s = GeneralSettings.defaults().withFavorite("r1", true).withInternetResource(true)
                .withForm(false, true, false, "  acme ");
        store.save(s);
        assertThat(store.load()).isEqualTo(s);
        assertThat(store.load().accountSlug()).isEqualTo("acme");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent()))).isEqualTo("rwx------");
        try (var files = Files.list(file.getParent())) {
            assertThat(files.map(p -> p.getFileName().toString()).toList()).containsExactly("general_settings.json");
        }
    }

    @Test
    void readsFirezoneFilesAndIgnoresUnknownKeys() throws Exception {
        Path file = dir.resolve("general_settings.json");
        Files.writeString(file, """
                {"favorite_resources":["03000143-e25e-45c7-aafb-144990e57dcd"],"disabled_resources":["x"],
                 "internet_resource_enabled":null,"start_minimized":false,"connect_on_start":false,
                 "account_slug":"firezone","something_new":42}""");
        var s = new GeneralSettingsStore(file).load();
        assertThat(s.favoriteResources()).containsExactly("03000143-e25e-45c7-aafb-144990e57dcd");
        assertThat(s.startMinimized()).isFalse();
        assertThat(s.connectOnStartEffective()).isFalse();
        assertThat(s.internetResourceOn()).isFalse();
        assertThat(s.slug()).contains("firezone");
    }

    @Test
    void corruptFileLoadsAsDefaults() throws Exception {
        Path file = dir.resolve("general_settings.json");
        Files.writeString(file, "{not json");
        assertThat(new GeneralSettingsStore(file).load()).isEqualTo(GeneralSettings.defaults());
    }

    @Test
    void favoritesToggleAndResetKeepsThem() {
        var s = GeneralSettings.defaults().withFavorite("a", true).withFavorite("b", true).withFavorite("a", false);
        assertThat(s.favoriteResources()).isEqualTo(List.of("b"));
        var r = s.withForm(false, true, true, "x").reset();
        assertThat(r.favoriteResources()).containsExactly("b");
        assertThat(r.startMinimized()).isTrue();
        assertThat(r.accountSlug()).isNull();
        assertThat(r.connectOnStart()).isNull();
    }

    @Test
    void xdgDirectoriesFollowTheEnvironment() {
        var d = AppDirs.from(java.util.Map.of("XDG_CONFIG_HOME", "/c", "XDG_RUNTIME_DIR", "/run/user/1000"),
                Path.of("/home/u"), "Linux");
        assertThat(d.generalSettingsFile()).isEqualTo(Path.of("/c/dev.flint.client/config/general_settings.json"));
        assertThat(d.guiSocket()).isEqualTo(Path.of("/run/user/1000/dev.flint.client/data/gui.sock"));
        assertThat(d.logs()).isEqualTo(Path.of("/home/u/.cache/dev.flint.client/data/logs"));
        assertThat(d.session()).isEqualTo(Path.of("/home/u/.local/share/dev.flint.client/data"));
    }
}
