package dev.flint.gui.settings;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Who is signed in ({@code session_data.json} in the session directory). The token itself is never
 * here; it lives in the token store.
 */
public record SessionRecord(@JsonProperty("account_slug") String accountSlug,
                            @JsonProperty("actor_name") String actorName) {

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    public static Path file(AppDirs dirs) {
        return dirs.session().resolve("session_data.json");
    }

    public static Optional<SessionRecord> load(AppDirs dirs) {
        try {
            SessionRecord r = JSON.readValue(Files.readAllBytes(file(dirs)), SessionRecord.class);
            return r.actorName() == null ? Optional.empty() : Optional.of(r);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    public void save(AppDirs dirs) throws IOException {
        PrivateFiles.writeAtomically(file(dirs), JSON.writeValueAsBytes(this));
    }

    public static void delete(AppDirs dirs) throws IOException {
        Files.deleteIfExists(file(dirs));
    }
}
