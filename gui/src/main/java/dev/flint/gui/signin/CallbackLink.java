package dev.flint.gui.signin;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The portal's sign-in callback, {@code firezone-fd0020211111://handle_client_sign_in_callback?…}.
 * Parsing is strict about what Firezone's {@code deep_link::parse_auth_callback} checks, the host and the
 * path, and the exactly-once parameters; like it, it does not look at the scheme (any well-formed
 * {@code scheme://} is taken, e.g. {@code firezone://}), since the OS decides which scheme reaches us and the
 * {@code state} check is what ties the link to our request. What is wrong is a {@link Rejected} value naming
 * it, never an exception.
 */
public record CallbackLink(String accountSlug, String actorName, String fragment, String state) {

    public static final String SCHEME = "firezone-fd0020211111";
    public static final String HOST = "handle_client_sign_in_callback";
    static final int MAX_LENGTH = 8192;
    private static final Set<String> REQUIRED = Set.of("account_slug", "actor_name", "fragment", "state");
    private static final Set<String> IGNORED = Set.of("account_name", "identity_provider_identifier");

    /** What parsing a link gave. */
    public sealed interface Result permits Parsed, Rejected {
    }

    public record Parsed(CallbackLink link) implements Result {
    }

    public record Rejected(String reason) implements Result {
    }

    public static Result parse(String url) {
        if (url == null || url.isEmpty()) {
            return new Rejected("empty link");
        }
        if (url.length() > MAX_LENGTH) {
            return new Rejected("link longer than " + MAX_LENGTH + " characters");
        }
        int schemeEnd = url.indexOf("://");
        if (schemeEnd <= 0 || !url.substring(0, schemeEnd).matches("[A-Za-z][A-Za-z0-9+.-]*")) {
            return new Rejected("not a URL with a scheme");
        }
        String rest = url.substring(schemeEnd + 3);
        int hash = rest.indexOf('#');
        if (hash >= 0) {
            return new Rejected("link carries a #fragment");
        }
        int q = rest.indexOf('?');
        String hostAndPath = q < 0 ? rest : rest.substring(0, q);
        String query = q < 0 ? "" : rest.substring(q + 1);
        int slash = hostAndPath.indexOf('/');
        String host = slash < 0 ? hostAndPath : hostAndPath.substring(0, slash);
        String path = slash < 0 ? "" : hostAndPath.substring(slash);
        if (!host.equals(HOST)) {
            return new Rejected("unknown host '" + printable(host) + "'");
        }
        if (!path.isEmpty() && !path.equals("/")) {
            return new Rejected("unexpected path '" + printable(path) + "'");
        }
        Map<String, String> params = new HashMap<>();
        if (!query.isEmpty()) {
            for (String pair : query.split("&", -1)) {
                int eq = pair.indexOf('=');
                String key;
                String value;
                try {
                    key = decode(eq < 0 ? pair : pair.substring(0, eq));
                    value = eq < 0 ? "" : decode(pair.substring(eq + 1));
                } catch (IllegalArgumentException e) {
                    return new Rejected("malformed percent-encoding");
                }
                if (REQUIRED.contains(key)) {
                    if (params.putIfAbsent(key, value) != null) {
                        return new Rejected("parameter '" + key + "' given more than once");
                    }
                } else if (!IGNORED.contains(key) && !key.isEmpty()) {
                    // Unknown parameters are tolerated (portals add fields over time) but never used.
                    continue;
                }
            }
        }
        for (String key : new String[] {"account_slug", "actor_name", "fragment", "state"}) {
            if (!params.containsKey(key)) {
                return new Rejected("missing parameter '" + key + "'");
            }
        }
        return new Parsed(new CallbackLink(params.get("account_slug"), params.get("actor_name"),
                params.get("fragment"), params.get("state")));
    }

    @Override
    public String toString() {
        return "CallbackLink[account_slug=" + accountSlug + ", actor_name=" + actorName + ", secrets redacted]";
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    private static String printable(String s) {
        String cut = s.length() > 64 ? s.substring(0, 64) + "…" : s;
        return cut.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
