package dev.flint.tunnel.headless;

import java.io.BufferedReader;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;

/**
 * {@code flint-tunnel headless sign-in}, Firezone's headless sign-in (1.5.7): the sign-in URL is
 * {@code <auth url>/<account>?as=headless-client} (Firezone's {@code build_auth_url}); the portal then shows the
 * token, which the user pastes. With {@code deepLink} the URL is the GUI's instead ({@code as=gui-client} with a
 * fresh 32-byte nonce and state, hex) and the user pastes the {@code handle_client_sign_in_callback} link the
 * browser was sent to: its {@code state} must match, and the token is {@code nonce + fragment}.
 */
public final class HeadlessSignIn {

    private final URI url;
    private final String nonce;
    private final String state;

    private HeadlessSignIn(URI url, String nonce, String state) {
        this.url = url;
        this.nonce = nonce;
        this.state = state;
    }

    /**
     * @param authUrl  the portal's sign-in base URL (the advanced settings' auth URL)
     * @param account  the account slug, or null for the portal's account chooser
     * @param deepLink complete with the deep link rather than a pasted token
     */
    public static HeadlessSignIn start(URI authUrl, String account, boolean deepLink, SecureRandom random) {
        Objects.requireNonNull(authUrl, "authUrl");
        if (!"https".equals(authUrl.getScheme()) && !"http".equals(authUrl.getScheme())) {
            throw new IllegalArgumentException("the auth URL must be http(s), not '" + authUrl + "'");
        }
        if (account != null && !account.matches("[A-Za-z0-9_-]{1,100}")) {
            throw new IllegalArgumentException("the account slug may hold letters, digits, '_' and '-' only, not '"
                + account + "'");
        }
        String base = authUrl.toString().endsWith("/") ? authUrl.toString() : authUrl + "/";
        String path = base + (account == null ? "" : account);
        if (!deepLink) {
            return new HeadlessSignIn(URI.create(path + "?as=headless-client"), null, null);
        }
        String nonce = hex(random, 32);
        String state = hex(random, 32);
        return new HeadlessSignIn(URI.create(path + "?as=gui-client&nonce=" + nonce + "&state=" + state), nonce, state);
    }

    /** The URL to open in a browser. */
    public URI url() {
        return url;
    }

    /** Whether the answer expected is a deep link (else a token). */
    public boolean expectsDeepLink() {
        return nonce != null;
    }

    /**
     * The token from what the user pasted: the token itself, or (in deep-link mode) the callback link.
     *
     * @throws IllegalArgumentException saying what is wrong with the answer
     */
    public String complete(String pasted) {
        String answer = pasted == null ? "" : pasted.strip();
        if (answer.isEmpty()) {
            throw new IllegalArgumentException("nothing was pasted");
        }
        if (answer.contains("://")) {
            if (nonce == null) {
                throw new IllegalArgumentException("this sign-in expects the token shown by the portal, not a link "
                    + "(use --deep-link to complete with the link)");
            }
            return fromDeepLink(answer);
        }
        if (nonce != null) {
            throw new IllegalArgumentException("paste the whole handle_client_sign_in_callback link the browser "
                + "was sent to");
        }
        if (answer.chars().anyMatch(Character::isWhitespace) || answer.length() > 4096) {
            throw new IllegalArgumentException("that is not a token (tokens have no spaces and are at most 4096 "
                + "characters)");
        }
        return answer;
    }

    private String fromDeepLink(String link) {
        int schemeEnd = link.indexOf("://");
        String rest = link.substring(schemeEnd + 3);
        int q = rest.indexOf('?');
        String hostAndPath = q < 0 ? rest : rest.substring(0, q);
        if (!hostAndPath.equals("handle_client_sign_in_callback")
                && !hostAndPath.equals("handle_client_sign_in_callback/")) {
            throw new IllegalArgumentException("the link is not a handle_client_sign_in_callback link");
        }
        Map<String, String> params = new HashMap<>();
        for (String pair : (q < 0 ? "" : rest.substring(q + 1)).split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                String key = URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8);
                if (params.putIfAbsent(key, URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8)) != null
                        && (key.equals("fragment") || key.equals("state"))) {
                    throw new IllegalArgumentException("the link carries '" + key + "' more than once");
                }
            }
        }
        String fragment = params.get("fragment");
        String got = params.get("state");
        if (fragment == null || got == null) {
            throw new IllegalArgumentException("the link has no " + (fragment == null ? "fragment" : "state"));
        }
        if (!MessageDigest.isEqual(got.getBytes(StandardCharsets.UTF_8), state.getBytes(StandardCharsets.UTF_8))) {
            throw new IllegalArgumentException("the link answers another sign-in (its state does not match)");
        }
        return nonce + fragment;
    }

    /** Reads the first non-blank line of {@code in}; null at its end. */
    public static String readAnswer(BufferedReader in) throws IOException {
        String line;
        while ((line = in.readLine()) != null) {
            if (!line.isBlank()) {
                return line;
            }
        }
        return null;
    }

    /**
     * Writes the token file atomically with mode 0600: a private temporary file in the same directory, synced,
     * then renamed over the target, so a reader sees the old token or the new one, never a part, and never a
     * readable one.
     */
    public static void writeToken(Path file, String token) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path temporary = Files.createTempFile(dir, "." + file.getFileName() + ".", ".tmp",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Files.writeString(temporary, token + "\n", StandardCharsets.UTF_8, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.SYNC);
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    private static String hex(SecureRandom random, int bytes) {
        byte[] b = new byte[bytes];
        random.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
