package dev.flint.gui.settings;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads and saves {@code general_settings.json} in Firezone's key names. Unknown keys are ignored and
 * missing keys take their defaults, so files written by other versions load; a corrupt file loads as
 * defaults (logged) instead of stopping the app.
 */
public final class GeneralSettingsStore {

    private static final Logger LOG = LoggerFactory.getLogger(GeneralSettingsStore.class);
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .enable(SerializationFeature.INDENT_OUTPUT);

    private final Path file;

    public GeneralSettingsStore(Path file) {
        this.file = file;
    }

    public Path file() {
        return file;
    }

    record Stored(
            @JsonProperty("favorite_resources") List<String> favoriteResources,
            @JsonProperty("internet_resource_enabled") Boolean internetResourceEnabled,
            @JsonProperty("start_minimized") Boolean startMinimized,
            @JsonProperty("start_on_login") Boolean startOnLogin,
            @JsonProperty("connect_on_start") Boolean connectOnStart,
            @JsonProperty("account_slug") String accountSlug) {
    }

    public GeneralSettings load() {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return GeneralSettings.defaults();
        } catch (IOException e) {
            LOG.warn("Cannot read {}: {}; using defaults", file, e.toString());
            return GeneralSettings.defaults();
        }
        try {
            Stored s = JSON.readValue(bytes, Stored.class);
            return new GeneralSettings(s.favoriteResources(), s.internetResourceEnabled(),
                    s.startMinimized() == null || s.startMinimized(), s.startOnLogin(), s.connectOnStart(),
                    s.accountSlug());
        } catch (IOException e) {
            LOG.warn("{} is not valid settings JSON ({}); using defaults", file, e.getMessage());
            return GeneralSettings.defaults();
        }
    }

    public void save(GeneralSettings s) throws IOException {
        Stored stored = new Stored(s.favoriteResources(), s.internetResourceEnabled(), s.startMinimized(),
                s.startOnLogin(), s.connectOnStart(), s.accountSlug());
        PrivateFiles.writeAtomically(file, JSON.writeValueAsBytes(stored));
    }
}
