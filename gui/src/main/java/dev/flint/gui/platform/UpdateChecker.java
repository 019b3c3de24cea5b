package dev.flint.gui.platform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flint.gui.controller.ControllerEvent;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/**
 * Asks a releases URL (JSON like {@code {"gui":"1.2.3", ...}}) for the newest GUI version and
 * compares it with ours. The URL is configurable so that an organisation (or a test) can point it
 * at its own mirror; nothing else is sent but the User-Agent.
 */
public final class UpdateChecker {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http;
    private final URI releasesUrl;
    private final String downloadTemplate;
    private final String ourVersion;

    /** @param downloadTemplate the download URL with {@code {version}} where the version goes */
    public UpdateChecker(URI releasesUrl, String downloadTemplate, String ourVersion) {
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30))
                .followRedirects(HttpClient.Redirect.NORMAL).build();
        this.releasesUrl = releasesUrl;
        this.downloadTemplate = downloadTemplate;
        this.ourVersion = ourVersion;
    }

    /** {@code UpdateFound} if a newer version is published, else {@code NoUpdate}. */
    public ControllerEvent check() throws IOException, InterruptedException {
        HttpRequest req = HttpRequest.newBuilder(releasesUrl).timeout(Duration.ofSeconds(30))
                .header("User-Agent", "Flint/" + ourVersion).header("Accept", "application/json").GET().build();
        HttpResponse<byte[]> resp = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
        if (resp.statusCode() != 200) {
            throw new IOException("the releases URL answered HTTP " + resp.statusCode());
        }
        JsonNode gui = JSON.readTree(resp.body()).path("gui");
        if (!gui.isTextual()) {
            throw new IOException("the releases document has no \"gui\" version");
        }
        String latest = gui.asText();
        if (compare(latest, ourVersion) > 0) {
            return new ControllerEvent.UpdateFound(latest, URI.create(downloadTemplate.replace("{version}", latest)));
        }
        return new ControllerEvent.NoUpdate();
    }

    /** Compares dotted numeric versions; a pre-release suffix ({@code -SNAPSHOT}, {@code -rc1}) sorts before the release. */
    public static int compare(String a, String b) {
        Optional<int[]> x = parse(a);
        Optional<int[]> y = parse(b);
        if (x.isEmpty() || y.isEmpty()) {
            return 0;
        }
        for (int i = 0; i < 3; i++) {
            int c = Integer.compare(x.get()[i], y.get()[i]);
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(x.get()[3], y.get()[3]);
    }

    private static Optional<int[]> parse(String v) {
        String s = v.strip();
        int dash = s.indexOf('-');
        boolean pre = dash >= 0;
        String[] parts = (pre ? s.substring(0, dash) : s).split("\\.");
        int[] out = new int[4];
        try {
            for (int i = 0; i < 3; i++) {
                out[i] = i < parts.length ? Integer.parseInt(parts[i]) : 0;
            }
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        out[3] = pre ? 0 : 1;
        return Optional.of(out);
    }
}
