package dev.flint.devstack.demo;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Does what a person does with the sign-in page when there is no display: loads the page the GUI opened, fills in
 * the form's email and password (keeping every hidden field, so the GUI's nonce and state go back unchanged),
 * submits it and returns the deep link the portal redirects to. It reads the page's own form, not a known URL, so
 * it follows whatever the portal serves.
 */
public final class SignInFollower {

    /** The scheme Firezone portals redirect a GUI client's sign-in to. */
    public static final String DEEP_LINK_SCHEME = "firezone-fd0020211111";

    private static final Pattern FORM = Pattern.compile("<form\\b([^>]*)>(.*?)</form>",
        Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    private static final Pattern INPUT = Pattern.compile("<input\\b([^>]*)>", Pattern.CASE_INSENSITIVE);
    private static final Pattern ATTRIBUTE = Pattern.compile("([a-zA-Z_:-]+)\\s*=\\s*\"([^\"]*)\"");
    private static final Pattern ERROR = Pattern.compile("<p class=\"error\"[^>]*>(.*?)</p>", Pattern.DOTALL);

    private final HttpClient http;

    public SignInFollower(Duration timeout) {
        this.http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).connectTimeout(timeout).build();
    }

    /** What came of following the page: the deep link, or a sentence saying what went wrong. */
    public sealed interface Outcome {
        record DeepLink(URI link) implements Outcome {
        }

        record Failed(String sentence) implements Outcome {
        }
    }

    /** Loads {@code signInUrl}, submits its form as {@code email}/{@code password} and returns the outcome. */
    public Outcome follow(URI signInUrl, String email, String password) throws InterruptedException {
        HttpResponse<String> page;
        try {
            page = http.send(HttpRequest.newBuilder(signInUrl).GET().build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return new Outcome.Failed("The sign-in page " + signInUrl + " could not be loaded: " + e.getMessage());
        }
        if (page.statusCode() != 200) {
            return new Outcome.Failed("The sign-in page " + signInUrl + " answered HTTP " + page.statusCode() + ".");
        }
        Matcher form = FORM.matcher(page.body());
        if (!form.find()) {
            return new Outcome.Failed("The page at " + signInUrl + " has no sign-in form.");
        }
        Map<String, String> formAttributes = attributes(form.group(1));
        Map<String, String> fields = new LinkedHashMap<>();
        boolean hasEmail = false;
        boolean hasPassword = false;
        Matcher input = INPUT.matcher(form.group(2));
        while (input.find()) {
            Map<String, String> a = attributes(input.group(1));
            String name = a.get("name");
            if (name == null) {
                continue;
            }
            String type = a.getOrDefault("type", "text").toLowerCase(java.util.Locale.ROOT);
            switch (type) {
                case "email" -> {
                    fields.put(name, email);
                    hasEmail = true;
                }
                case "password" -> {
                    fields.put(name, password);
                    hasPassword = true;
                }
                default -> fields.put(name, a.getOrDefault("value", ""));
            }
        }
        if (!hasEmail || !hasPassword) {
            return new Outcome.Failed("The sign-in form at " + signInUrl + " asks for no email and password.");
        }
        URI action = signInUrl.resolve(formAttributes.getOrDefault("action", signInUrl.getRawPath()));
        String body = fields.entrySet().stream()
            .map(e -> enc(e.getKey()) + "=" + enc(e.getValue()))
            .collect(Collectors.joining("&"));
        HttpResponse<String> answer;
        try {
            answer = http.send(HttpRequest.newBuilder(action)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return new Outcome.Failed("Submitting the sign-in form to " + action + " failed: " + e.getMessage());
        }
        String location = answer.headers().firstValue("Location").orElse("");
        if (answer.statusCode() / 100 == 3 && location.startsWith(DEEP_LINK_SCHEME + "://")) {
            return new Outcome.DeepLink(URI.create(location));
        }
        Matcher error = ERROR.matcher(answer.body());
        String why = error.find() ? ": \"" + unescape(error.group(1)).strip() + "\"" : "";
        return new Outcome.Failed("Signing in as " + email + " did not end in a Flint sign-in link (HTTP "
            + answer.statusCode() + (location.isEmpty() ? "" : ", to " + location) + ")" + why + ".");
    }

    private static Map<String, String> attributes(String tag) {
        Map<String, String> out = new LinkedHashMap<>();
        Matcher m = ATTRIBUTE.matcher(tag);
        while (m.find()) {
            out.put(m.group(1).toLowerCase(java.util.Locale.ROOT), unescape(m.group(2)));
        }
        return out;
    }

    static String unescape(String html) {
        return html.replace("&quot;", "\"").replace("&#39;", "'").replace("&lt;", "<").replace("&gt;", ">")
            .replace("&amp;", "&");
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /**
     * {@code SignInFollower [--email E] [--password P] URL}: prints the deep link on standard output (exit 0), or
     * the reason on standard error (exit 1). The demo runs it as the GUI's browser.
     */
    public static void main(String[] args) throws InterruptedException {
        String email = "alice@flint.test";
        String password = "alice";
        String url = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--email" -> email = args[++i];
                case "--password" -> password = args[++i];
                default -> url = args[i];
            }
        }
        if (url == null) {
            System.err.println("usage: SignInFollower [--email E] [--password P] SIGN-IN-URL");
            System.exit(2);
        }
        switch (new SignInFollower(Duration.ofSeconds(10)).follow(URI.create(url), email, password)) {
            case Outcome.DeepLink(URI link) -> System.out.println(link);
            case Outcome.Failed(String sentence) -> {
                System.err.println(sentence);
                System.exit(1);
            }
        }
    }
}
