package dev.flint.devstack.portal;

import dev.flint.devstack.portal.PortalConfig.Account;
import dev.flint.devstack.portal.PortalConfig.User;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The sign-in page (portal reference §9): {@code GET /<slug>?as=gui-client&nonce=…&state=…} shows an email and
 * password form; a good {@code POST /<slug>/sign_in} redirects (302) to
 * {@code firezone-fd0020211111://handle_client_sign_in_callback?account_name=…&account_slug=…&actor_name=…&fragment=…&identity_provider_identifier=…&state=…},
 * the client's token being {@code nonce + fragment}. With {@code as=headless-client} the token is shown instead.
 */
final class SignInPage {

    static final String DEEP_LINK = "firezone-fd0020211111://handle_client_sign_in_callback";

    private final Portal portal;

    SignInPage(Portal portal) {
        this.portal = portal;
    }

    FullHttpResponse handle(FullHttpRequest request) {
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        List<String> segments = List.of(uri.path().split("/")).stream().filter(s -> !s.isEmpty()).toList();
        if (segments.isEmpty()) {
            return html(HttpResponseStatus.OK, "Flint devstack portal", "<p>Sign in at <code>/&lt;account&gt;</code>: "
                + String.join(", ", portal.config().accounts().stream().map(a -> "<a href=\"/" + esc(a.slug()) + "\">"
                + esc(a.slug()) + "</a>").toList()) + "</p>");
        }
        Optional<Account> account = portal.config().account(segments.getFirst());
        boolean signInPath = segments.size() == 1 || (segments.size() == 2 && segments.get(1).equals("sign_in"));
        if (account.isEmpty() || !signInPath) {
            return html(HttpResponseStatus.NOT_FOUND, "Not found", "<p>No such page.</p>");
        }
        if (request.method().equals(HttpMethod.POST)) {
            String body = request.content().toString(StandardCharsets.UTF_8);
            return submit(account.get(), first(new QueryStringDecoder(body, false).parameters()));
        }
        if (request.method().equals(HttpMethod.GET) || request.method().equals(HttpMethod.HEAD)) {
            return form(account.get(), first(uri.parameters()), HttpResponseStatus.OK, null);
        }
        return html(HttpResponseStatus.METHOD_NOT_ALLOWED, "Method not allowed", "<p>GET or POST only.</p>");
    }

    private FullHttpResponse form(Account account, Map<String, String> params, HttpResponseStatus status,
                                  String error) {
        StringBuilder b = new StringBuilder();
        b.append("<h1>Sign in to ").append(esc(account.name())).append("</h1>");
        if (error != null) {
            b.append("<p class=\"error\" role=\"alert\">").append(esc(error)).append("</p>");
        }
        b.append("<form method=\"post\" action=\"/").append(esc(account.slug())).append("/sign_in\">");
        for (String hidden : List.of("as", "nonce", "state")) {
            if (params.containsKey(hidden)) {
                b.append("<input type=\"hidden\" name=\"").append(hidden).append("\" value=\"")
                    .append(esc(params.get(hidden))).append("\">");
            }
        }
        b.append("<label>Email <input id=\"email\" type=\"email\" name=\"email\" autocomplete=\"username\" value=\"")
            .append(esc(params.getOrDefault("email", ""))).append("\" required></label>")
            .append("<label>Password <input id=\"password\" type=\"password\" name=\"password\""
                + " autocomplete=\"current-password\" required></label>")
            .append("<button id=\"sign-in\" type=\"submit\">Sign in</button></form>");
        return html(status, "Sign in · " + account.name(), b.toString());
    }

    private FullHttpResponse submit(Account account, Map<String, String> params) {
        String as = params.getOrDefault("as", "");
        String nonce = params.getOrDefault("nonce", "");
        String state = params.getOrDefault("state", "");
        boolean client = as.equals("gui-client") || as.equals("client");
        if (client && (nonce.isEmpty() || nonce.contains(".") || nonce.length() > 128 || state.isEmpty())) {
            return form(account, params, HttpResponseStatus.BAD_REQUEST,
                "The sign-in link is invalid (nonce and state are required; the nonce may not contain '.').");
        }
        Optional<User> user = account.userByEmail(params.getOrDefault("email", ""))
            .filter(u -> MessageDigest.isEqual(u.password().getBytes(StandardCharsets.UTF_8),
                params.getOrDefault("password", "").getBytes(StandardCharsets.UTF_8)));
        if (user.isEmpty()) {
            return form(account, params, HttpResponseStatus.UNAUTHORIZED, "Invalid email or password.");
        }
        if (client) {
            String fragment = portal.issueFragment(account, user.get(), nonce);
            // Keys in alphabetical order and spaces as '+', as the portal's URI.encode_query writes them.
            String location = DEEP_LINK + "?account_name=" + enc(account.name()) + "&account_slug=" + enc(account.slug())
                + "&actor_name=" + enc(user.get().name()) + "&fragment=" + enc(fragment)
                + "&identity_provider_identifier=" + enc(user.get().email()) + "&state=" + enc(state);
            FullHttpResponse response = PortalEmulator.response(HttpResponseStatus.FOUND, "text/html; charset=utf-8",
                "<a href=\"" + esc(location) + "\">Open Flint</a>");
            response.headers().set(HttpHeaderNames.LOCATION, location);
            return response;
        }
        if (as.equals("headless-client")) {
            String token = portal.issueFragment(account, user.get(), "");
            return html(HttpResponseStatus.OK, "Signed in", "<p>Copy this token into the headless client:</p>"
                + "<pre id=\"token\">" + esc(token) + "</pre>");
        }
        return html(HttpResponseStatus.OK, "Signed in", "<p>Signed in as " + esc(user.get().name())
            + ". The admin portal is not emulated; sign in from the Flint client.</p>");
    }

    private static Map<String, String> first(Map<String, List<String>> params) {
        Map<String, String> out = new java.util.HashMap<>();
        params.forEach((k, v) -> out.put(k, v.getFirst()));
        return out;
    }

    private static FullHttpResponse html(HttpResponseStatus status, String title, String body) {
        String page = "<!doctype html><html><head><meta charset=\"utf-8\"><title>" + esc(title) + "</title>"
            + "<style>body{font-family:sans-serif;max-width:28em;margin:3em auto}label{display:block;margin:.6em 0}"
            + "input{display:block;width:100%}.error{color:#b00}</style></head><body>" + body + "</body></html>";
        return PortalEmulator.response(status, "text/html; charset=utf-8", page);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;")
            .replace("'", "&#39;");
    }
}
