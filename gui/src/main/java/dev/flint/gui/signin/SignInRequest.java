package dev.flint.gui.signin;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * One in-flight browser sign-in. The nonce never leaves this process (the portal only sees it in
 * the URL we open and returns a fragment), so a leaked callback link alone is not a usable token.
 */
public record SignInRequest(String nonce, String state) {

    public SignInRequest {
        if (!isHex64(nonce) || !isHex64(state)) {
            throw new IllegalArgumentException("nonce and state must be 64 lower-case hex characters");
        }
    }

    /** Two independent 32-byte values from {@code random} (a {@code SecureRandom} in production). */
    public static SignInRequest create(RandomGenerator random) {
        return new SignInRequest(hex32(random), hex32(random));
    }

    /**
     * {@code <auth base>/<slug>?as=gui-client&nonce=…&state=…}; with no slug the path is {@code /}.
     * The slug replaces the base URL's path, as the portal expects.
     */
    public URI url(URI authBase, Optional<String> accountSlug) {
        String base = authBase.getScheme() + "://" + authBase.getRawAuthority();
        String path = accountSlug.map(String::strip).filter(s -> !s.isEmpty())
                .map(s -> "/" + encodePathSegment(s)).orElse("/");
        return URI.create(base + path + "?as=gui-client&nonce=" + nonce + "&state=" + state);
    }

    /** The token the service presents to the portal. */
    public String tokenFor(CallbackLink link) {
        return nonce + link.fragment();
    }

    /** Compares the callback's state with ours in time independent of where they differ. */
    public boolean stateMatches(CallbackLink link) {
        return MessageDigest.isEqual(state.getBytes(StandardCharsets.UTF_8),
                link.state().getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "SignInRequest[redacted]";
    }

    private static String hex32(RandomGenerator random) {
        byte[] b = new byte[32];
        random.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    private static boolean isHex64(String s) {
        if (s == null || s.length() != 64) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return false;
            }
        }
        return true;
    }

    private static String encodePathSegment(String s) {
        StringBuilder out = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '_' || c == '.' || c == '~') {
                out.append((char) c);
            } else {
                out.append('%').append(String.format("%02X", c));
            }
        }
        return out.toString();
    }
}
