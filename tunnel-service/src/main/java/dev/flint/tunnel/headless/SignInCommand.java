package dev.flint.tunnel.headless;

import dev.flint.ipc.AdvancedSettings;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * {@code flint-tunnel headless sign-in [--auth-url URL] [--account SLUG] [--token-file FILE] [--deep-link]
 * [--no-browser]}: prints the sign-in URL (and opens it with {@code xdg-open} on a desktop), reads the token or
 * the deep link from standard input, and writes the token file (atomically, mode 0600).
 */
public final class SignInCommand {

    /** The token file Firezone's headless client reads by default, Flint's name for it. */
    public static final Path DEFAULT_TOKEN_FILE = Path.of("/etc/dev.flint.client/token");

    public static final String USAGE = """
              headless sign-in [--auth-url URL] [--account SLUG] [--token-file FILE] [--deep-link] [--no-browser]
                                  print (and on a desktop open) the sign-in URL, then read the token the portal
                                  shows (or with --deep-link the handle_client_sign_in_callback link) from
                                  standard input and write it to FILE (default %s, mode 0600)
            """.formatted(DEFAULT_TOKEN_FILE);

    /** Opens a URL in the desktop's browser; returns whether it could. */
    @FunctionalInterface
    public interface Browser {
        boolean open(URI url);
    }

    private SignInCommand() {
    }

    /**
     * @param defaultAuthUrl the advanced settings' auth URL
     */
    public static int run(List<String> args, Map<String, String> env, BufferedReader in, PrintStream out,
                          PrintStream err, URI defaultAuthUrl, Browser browser) {
        URI authUrl = defaultAuthUrl == null ? AdvancedSettings.DEFAULT_AUTH_URL : defaultAuthUrl;
        String account = env.get("FLINT_ACCOUNT_SLUG");
        Path tokenFile = DEFAULT_TOKEN_FILE;
        boolean deepLink = false;
        boolean openBrowser = true;
        try {
            for (int i = 0; i < args.size(); i++) {
                String flag = args.get(i);
                Function<String, String> value = name -> {
                    throw new IllegalArgumentException(name + " needs a value");
                };
                switch (flag) {
                    case "--deep-link" -> deepLink = true;
                    case "--no-browser" -> openBrowser = false;
                    case "--auth-url", "--account", "--token-file" -> {
                        if (i + 1 >= args.size()) {
                            value.apply(flag);
                        }
                        String v = args.get(++i);
                        switch (flag) {
                            case "--auth-url" -> authUrl = uri(v);
                            case "--account" -> account = v;
                            default -> tokenFile = Path.of(v);
                        }
                    }
                    default -> throw new IllegalArgumentException("'" + flag + "' is not a known flag of sign-in");
                }
            }
            HeadlessSignIn signIn = HeadlessSignIn.start(authUrl, account, deepLink, new SecureRandom());
            out.println("Sign in at:");
            out.println();
            out.println("    " + signIn.url());
            out.println();
            if (openBrowser && desktop(env) && browser.open(signIn.url())) {
                out.println("(opened in your browser)");
            }
            out.println(signIn.expectsDeepLink()
                ? "Then paste the handle_client_sign_in_callback link the browser was sent to:"
                : "Then paste the token the portal shows:");
            out.flush();
            String answer = HeadlessSignIn.readAnswer(in);
            if (answer == null) {
                err.println("flint-tunnel: sign-in: standard input ended before a token was pasted.");
                return 1;
            }
            String token = signIn.complete(answer);
            HeadlessSignIn.writeToken(tokenFile, token);
            out.println("Signed in. The token is in " + tokenFile + "; connect with:");
            out.println("    flint-tunnel headless --token-file " + tokenFile);
            return 0;
        } catch (IllegalArgumentException e) {
            err.println("flint-tunnel: sign-in: " + e.getMessage());
            return 2;
        } catch (IOException e) {
            err.println("flint-tunnel: sign-in: cannot write the token file " + tokenFile + ": " + e.getMessage());
            return 1;
        }
    }

    /** A graphical session is there to open a browser in. */
    static boolean desktop(Map<String, String> env) {
        return env.containsKey("DISPLAY") || env.containsKey("WAYLAND_DISPLAY");
    }

    /** {@code xdg-open URL}, detached; false when it is missing or fails to start. */
    public static boolean xdgOpen(URI url) {
        try {
            new ProcessBuilder("xdg-open", url.toString()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static URI uri(String value) {
        try {
            return new URI(value);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("--auth-url is not a URL: '" + value + "'");
        }
    }
}
