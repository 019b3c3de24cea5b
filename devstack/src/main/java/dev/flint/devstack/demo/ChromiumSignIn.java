package dev.flint.devstack.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real Chromium on the sign-in page, driven over the DevTools protocol: it opens the page, optionally fills in
 * the form and presses "Sign in" (headless, unattended), and watches the answer to the form's submission for the
 * redirect to Flint's deep link, which a browser cannot open by itself without a desktop link handler. With a
 * display and no credentials it leaves the typing to the person in front of it.
 */
public final class ChromiumSignIn implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern DEVTOOLS = Pattern.compile("DevTools listening on (ws://\\S+)");

    private final Process chromium;
    private final Path profile;
    private final WebSocket page;
    private final BlockingQueue<JsonNode> events = new LinkedBlockingQueue<>();
    private final AtomicInteger ids = new AtomicInteger();

    private ChromiumSignIn(Process chromium, Path profile, WebSocket page) {
        this.chromium = chromium;
        this.profile = profile;
        this.page = page;
    }

    /** The Chromium binary on this machine, if there is one. */
    public static Optional<Path> find() {
        for (String name : List.of("chromium", "chromium-browser", "google-chrome")) {
            for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
                Path candidate = Path.of(dir, name);
                if (Files.isExecutable(candidate)) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }

    /** Starts Chromium (headless or on the display) with a fresh profile and attaches to its first tab. */
    public static ChromiumSignIn start(Path binary, boolean headless, Duration timeout)
        throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory("flint-chromium-");
        List<String> command = new ArrayList<>(List.of(binary.toString(), "--remote-debugging-port=0",
            "--user-data-dir=" + profile, "--no-first-run", "--no-default-browser-check", "--disable-gpu",
            "--disable-extensions", "--disable-sync", "--password-store=basic"));
        if (headless) {
            command.add("--headless=new");
        }
        if (ProcessHandle.current().info().user().map("root"::equals).orElse(false)) {
            command.add("--no-sandbox"); // Chromium refuses to run as root with its sandbox
        }
        command.add("about:blank");
        Process chromium = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            long deadline = System.nanoTime() + timeout.toNanos();
            URI browser = devtoolsAddress(chromium, timeout);
            HttpClient http = HttpClient.newHttpClient();
            URI list = URI.create("http://" + browser.getAuthority() + "/json/list");
            String pageSocket = null;
            // DevTools can listen before the first tab is there; a busy machine makes that gap longer.
            while (pageSocket == null) {
                JsonNode tabs = JSON.readTree(http.send(HttpRequest.newBuilder(list).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
                for (JsonNode tab : tabs) {
                    if (tab.path("type").asText().equals("page")) {
                        pageSocket = tab.path("webSocketDebuggerUrl").asText();
                        break;
                    }
                }
                if (pageSocket == null && System.nanoTime() - deadline > 0) {
                    throw new IOException("Chromium opened no tab to drive within " + timeout.toSeconds() + " s ("
                        + tabs + ")");
                }
                if (pageSocket == null) {
                    Thread.sleep(50);
                }
            }
            Listener listener = new Listener();
            WebSocket socket = http.newWebSocketBuilder().buildAsync(URI.create(pageSocket), listener)
                .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            ChromiumSignIn driver = new ChromiumSignIn(chromium, profile, socket);
            listener.events = driver.events;
            return driver;
        } catch (IOException | RuntimeException | java.util.concurrent.ExecutionException
                 | java.util.concurrent.TimeoutException e) {
            chromium.destroyForcibly();
            deleteTree(profile);
            throw e instanceof IOException io ? io : new IOException("cannot drive Chromium: " + e.getMessage(), e);
        }
    }

    private static URI devtoolsAddress(Process chromium, Duration timeout) throws IOException, InterruptedException {
        CompletableFuture<URI> address = new CompletableFuture<>();
        List<String> said = new ArrayList<>();
        Thread.ofVirtual().start(() -> {
            try (var reader = new BufferedReader(new InputStreamReader(chromium.getInputStream(),
                StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    Matcher m = DEVTOOLS.matcher(line);
                    if (m.find()) {
                        address.complete(URI.create(m.group(1)));
                    } else if (!address.isDone()) {
                        synchronized (said) {
                            said.add(line);
                        }
                    }
                }
            } catch (IOException e) {
                // Chromium ended
            }
            address.completeExceptionally(new IOException("Chromium exited before it opened DevTools"));
        });
        try {
            return address.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            synchronized (said) {
                throw new IOException("Chromium did not open DevTools within " + timeout.toSeconds() + " s: "
                    + String.join(" | ", said.subList(Math.max(0, said.size() - 3), said.size())));
            }
        }
    }

    /** Collects the DevTools messages (frames may arrive in parts). */
    private static final class Listener implements WebSocket.Listener {
        volatile BlockingQueue<JsonNode> events;
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                try {
                    BlockingQueue<JsonNode> queue = events;
                    JsonNode message = JSON.readTree(partial.toString());
                    if (queue != null) {
                        queue.add(message);
                    }
                } catch (IOException e) {
                    // not JSON: ignored
                }
                partial.setLength(0);
            }
            socket.request(1);
            return null;
        }
    }

    /** Sends a DevTools command without waiting for its result; returns its id. */
    private int send(String method, ObjectNode params) {
        int id = ids.incrementAndGet();
        ObjectNode message = JSON.createObjectNode();
        message.put("id", id);
        message.put("method", method);
        message.set("params", params == null ? JSON.createObjectNode() : params);
        page.sendText(message.toString(), true).join();
        return id;
    }

    /**
     * Sends a DevTools command and waits until Chromium has carried it out; the events that arrive meanwhile are
     * kept in {@code early}, in order, for the caller to handle.
     */
    private void call(String method, ObjectNode params, long deadline, Trail trail, Deque<JsonNode> early)
        throws IOException, InterruptedException {
        int id = send(method, params);
        while (true) {
            JsonNode message = next(deadline);
            if (message == null) {
                throw new IOException("Chromium did not carry out " + method + " in time; what the tab did: " + trail);
            }
            trail.add(message);
            if (message.path("id").asInt(-1) == id) {
                if (message.has("error")) {
                    throw new IOException("Chromium refused " + method + ": " + message.path("error").path("message")
                        .asText());
                }
                return;
            }
            early.add(message);
        }
    }

    /** The next DevTools message, or null once {@code deadline} (a {@link System#nanoTime()}) has passed. */
    private JsonNode next(long deadline) throws InterruptedException {
        long left = deadline - System.nanoTime();
        return left > 0 ? events.poll(left, TimeUnit.NANOSECONDS) : null;
    }

    /**
     * Opens {@code signInUrl}; with credentials fills in the form and submits it; then waits (up to
     * {@code timeout}) for the portal's redirect to the deep link and returns it.
     */
    public SignInFollower.Outcome signIn(URI signInUrl, Optional<String[]> credentials, Duration timeout)
        throws InterruptedException {
        try {
            ObjectNode pattern = JSON.createObjectNode();
            pattern.put("urlPattern", "*");
            pattern.put("requestStage", "Response");
            ObjectNode fetch = JSON.createObjectNode();
            fetch.putArray("patterns").add(pattern);
            long deadline = System.nanoTime() + timeout.toNanos();
            Trail trail = new Trail();
            Deque<JsonNode> early = new ArrayDeque<>();
            // Chromium answers Page.enable once the tab's renderer reports page events, which can take a while on
            // a busy machine; a navigation sent before that loads the page unseen (no load event, so the form is
            // never filled in). The page is opened only when both are in force.
            call("Fetch.enable", fetch, deadline, trail, early);
            call("Page.enable", null, deadline, trail, early);
            ObjectNode navigate = JSON.createObjectNode();
            navigate.put("url", signInUrl.toString());
            send("Page.navigate", navigate);
            while (true) {
                // One loop over every event, so none is dropped while waiting for another (a paused request
                // that is never continued would stall the page).
                JsonNode event = early.poll();
                if (event == null) {
                    event = next(deadline);
                    if (event == null) {
                        throw new IOException("no redirect to a Flint sign-in link within " + timeout.toSeconds()
                            + " s; what the tab did: " + trail);
                    }
                    trail.add(event);
                }
                JsonNode params = event.path("params");
                switch (event.path("method").asText()) {
                    case "Fetch.requestPaused" -> {
                        String location = "";
                        for (JsonNode header : params.path("responseHeaders")) {
                            if (header.path("name").asText().equalsIgnoreCase("location")) {
                                location = header.path("value").asText();
                            }
                        }
                        int status = params.path("responseStatusCode").asInt();
                        if (status / 100 == 3 && location.startsWith(SignInFollower.DEEP_LINK_SCHEME + "://")) {
                            return new SignInFollower.Outcome.DeepLink(URI.create(location));
                        }
                        // Unattended, the form is submitted once: any other answer to it is the portal's verdict
                        // (a person at the display may try again instead).
                        if (credentials.isPresent() && status / 100 != 3
                            && params.path("request").path("method").asText().equals("POST")) {
                            throw new IOException("the portal answered the submitted form with HTTP " + status);
                        }
                        ObjectNode resume = JSON.createObjectNode();
                        resume.put("requestId", params.path("requestId").asText());
                        send("Fetch.continueRequest", resume);
                    }
                    case "Page.loadEventFired", "Page.frameStoppedLoading" -> {
                        // Every finished load is offered the script (the renderer's load event, and the browser's
                        // word that the frame stopped loading, whichever comes), because the first one may be the
                        // blank page the tab started with; the page's session storage makes sure the form is
                        // submitted only once.
                        if (credentials.isPresent()) {
                            ObjectNode evaluate = JSON.createObjectNode();
                            // It may also run in a document still being parsed (a message sent for the blank
                            // page can arrive after the next one committed), so it acts only on a whole form.
                            evaluate.put("expression", "(function () {"
                                + " if (sessionStorage.getItem('flint-signed-in')) { return 'submitted before'; }"
                                + " var email = document.getElementById('email');"
                                + " var password = document.getElementById('password');"
                                + " var button = document.getElementById('sign-in');"
                                + " if (document.readyState !== 'complete' || !email || !password || !button) {"
                                + "   return 'no form yet'; }"
                                + " sessionStorage.setItem('flint-signed-in', '1');"
                                + " email.value = " + js(credentials.get()[0]) + ";"
                                + " password.value = " + js(credentials.get()[1]) + ";"
                                + " button.click(); return 'submitted'; })()");
                            send("Runtime.evaluate", evaluate);
                        }
                    }
                    default -> {
                        // other events and command results
                    }
                }
            }
        } catch (IOException e) {
            return new SignInFollower.Outcome.Failed("Chromium did not end the sign-in in a Flint sign-in link: "
                + e.getMessage() + ".");
        }
    }

    /** The last events of the tab, in short, for the sentence that says why a sign-in did not end. */
    private static final class Trail {
        private static final int KEPT = 24;
        private final Deque<String> kept = new ArrayDeque<>();

        void add(JsonNode event) {
            JsonNode params = event.path("params");
            String line = switch (event.path("method").asText()) {
                case "Fetch.requestPaused" -> params.path("responseStatusCode").asInt() + " "
                    + params.path("request").path("method").asText() + " " + params.path("request").path("url").asText();
                case "Page.frameNavigated" -> "navigated " + params.path("frame").path("url").asText();
                case "Page.loadEventFired" -> "load";
                case "" -> event.has("error") ? "error " + event.path("error").path("message").asText()
                    : event.path("result").has("exceptionDetails") ? "result " + event.path("id").asText() + " threw "
                        + event.path("result").path("exceptionDetails").path("exception").path("description").asText()
                    : "result " + event.path("id").asText() + " " + event.path("result").path("result").path("value")
                        .asText("");
                default -> event.path("method").asText();
            };
            if (kept.size() == KEPT) {
                kept.removeFirst();
            }
            kept.addLast(line.strip());
        }

        @Override
        public String toString() {
            return kept.isEmpty() ? "nothing" : String.join(", ", kept);
        }
    }

    private static String js(String s) {
        return JSON.getNodeFactory().textNode(s).toString();
    }

    @Override
    public void close() {
        page.abort();
        chromium.destroy();
        try {
            if (!chromium.waitFor(5, TimeUnit.SECONDS)) {
                chromium.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        deleteTree(profile);
    }

    private static void deleteTree(Path root) {
        // Chromium's helper processes may still write into the profile as they exit: files vanish or appear
        // while it is walked, so walk again a few times; it is a temporary profile, so best effort.
        for (int attempt = 0; attempt < 3 && Files.exists(root); attempt++) {
            try (var paths = Files.walk(root)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            } catch (IOException | java.io.UncheckedIOException e) {
                // try again
            }
        }
    }

    /**
     * {@code ChromiumSignIn [--headless --email E --password P] URL}: prints the deep link (exit 0) or says why not
     * (exit 1). Without credentials the person at the display signs in.
     */
    public static void main(String[] args) throws Exception {
        boolean headless = false;
        String email = null;
        String password = null;
        String url = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--headless" -> headless = true;
                case "--email" -> email = args[++i];
                case "--password" -> password = args[++i];
                default -> url = args[i];
            }
        }
        Optional<Path> binary = find();
        if (url == null || binary.isEmpty()) {
            System.err.println(url == null ? "usage: ChromiumSignIn [--headless --email E --password P] URL"
                : "no Chromium here (apt-get install chromium)");
            System.exit(2);
        }
        Optional<String[]> credentials = email == null ? Optional.empty() : Optional.of(new String[] {email, password});
        try (ChromiumSignIn browser = start(binary.get(), headless, Duration.ofSeconds(30))) {
            switch (browser.signIn(URI.create(url), credentials, Duration.ofMinutes(headless ? 1 : 10))) {
                case SignInFollower.Outcome.DeepLink(URI link) -> System.out.println(link);
                case SignInFollower.Outcome.Failed(String sentence) -> {
                    System.err.println(sentence);
                    System.exit(1);
                }
            }
        }
    }
}
