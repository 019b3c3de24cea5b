package dev.flint.devstack.portal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The sign-in page over HTTP: form, credentials check, and the deep link a Firezone client expects. */
class SignInPageTest {

    PortalEmulator portal;

    @BeforeEach
    void start() throws Exception {
        portal = PortalEmulator.start(PortalConfigReader.parse(PortalMain.sample())
            .withListen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)));
    }

    @AfterEach
    void stop() {
        portal.close();
    }

    TestHttp.Response post(String path, Map<String, String> form) throws Exception {
        StringBuilder body = new StringBuilder();
        form.forEach((k, v) -> body.append(body.isEmpty() ? "" : "&").append(k).append('=')
            .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return TestHttp.send(portal.address(), "POST", path,
            Map.of("Content-Type", "application/x-www-form-urlencoded"), body.toString());
    }

    @Test
    void formCarriesNonceAndStateAndEscapesThem() throws Exception {
        TestHttp.Response page = TestHttp.send(portal.address(), "GET",
            "/demo?as=gui-client&nonce=abc123&state=%22%3E%3Cscript%3E", Map.of(), null);
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.header("content-type")).startsWith("text/html");
        assertThat(page.body()).contains("Sign in to Flint Demo", "name=\"email\"", "name=\"password\"",
            "action=\"/demo/sign_in\"", "name=\"nonce\" value=\"abc123\"", "value=\"&quot;&gt;&lt;script&gt;\"");
        assertThat(page.body()).doesNotContain("\"><script>");
        assertThat(TestHttp.send(portal.address(), "GET", "/nope?as=gui-client", Map.of(), null).status())
            .isEqualTo(404);
    }

    @Test
    void goodCredentialsRedirectToTheDeepLinkWhoseTokenConnects() throws Exception {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("as", "gui-client");
        form.put("nonce", "4e6f6e6365");
        form.put("state", "5374617465");
        form.put("email", "alice@flint.test");
        form.put("password", "alice");
        TestHttp.Response response = post("/demo/sign_in", form);
        assertThat(response.status()).isEqualTo(302);
        String location = response.header("location");
        URI link = URI.create(location);
        assertThat(link.getScheme()).isEqualTo("firezone-fd0020211111");
        assertThat(link.getAuthority()).isEqualTo("handle_client_sign_in_callback");
        List<String> keys = new ArrayList<>();
        Map<String, String> query = new LinkedHashMap<>();
        for (String pair : link.getRawQuery().split("&")) {
            String[] kv = pair.split("=", 2);
            keys.add(kv[0]);
            query.put(kv[0], URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
        }
        assertThat(keys).containsExactly("account_name", "account_slug", "actor_name", "fragment",
            "identity_provider_identifier", "state");
        assertThat(query).containsEntry("account_slug", "demo").containsEntry("account_name", "Flint Demo")
            .containsEntry("actor_name", "Alice Demo").containsEntry("identity_provider_identifier", "alice@flint.test")
            .containsEntry("state", "5374617465");
        assertThat(location).contains("actor_name=Alice+Demo");
        String fragment = query.get("fragment");
        assertThat(fragment).startsWith(".SFMyNTY.");

        // token = nonce + fragment, and only that combination is accepted.
        ClientTokens tokens = new ClientTokens(portal.config().signingSecret());
        assertThat(tokens.verify("4e6f6e6365" + fragment, Instant.now()).valid()).isPresent();
        assertThat(tokens.verify("other" + fragment, Instant.now()).valid()).isEmpty();
        TestHttp.Response connect = TestHttp.send(portal.address(), "GET",
            "/client/v2/websocket?external_id=e&public_key=" + URLEncoder.encode(
                "uMBCkAxTewfSgypIyxdQ18uCi84HLtKmQJy0wvQrYWY=", StandardCharsets.UTF_8),
            Map.of("X-Authorization", "Bearer 4e6f6e6365" + fragment, "User-Agent", PortalEmulatorTest.UA), null);
        assertThat(connect.status()).isEqualTo(400); // authenticated; refused only for not upgrading
        assertThat(connect.body()).contains("expected a WebSocket upgrade");
    }

    @Test
    void wrongPasswordShowsTheFormAgain() throws Exception {
        TestHttp.Response response = post("/demo/sign_in", Map.of("as", "gui-client", "nonce", "n", "state", "s",
            "email", "alice@flint.test", "password", "wrong"));
        assertThat(response.status()).isEqualTo(401);
        assertThat(response.header("location")).isNull();
        assertThat(response.body()).contains("Invalid email or password", "name=\"nonce\" value=\"n\"");
    }

    @Test
    void nonceWithDotOrMissingStateIsRefused() throws Exception {
        assertThat(post("/demo/sign_in", Map.of("as", "gui-client", "nonce", "a.b", "state", "s",
            "email", "alice@flint.test", "password", "alice")).status()).isEqualTo(400);
        assertThat(post("/demo/sign_in", Map.of("as", "gui-client", "nonce", "ab",
            "email", "alice@flint.test", "password", "alice")).status()).isEqualTo(400);
    }

    @Test
    void headlessSignInShowsATokenWithAnEmptyNonce() throws Exception {
        TestHttp.Response response = post("/demo/sign_in", Map.of("as", "headless-client",
            "email", "bob@flint.test", "password", "bob"));
        assertThat(response.status()).isEqualTo(200);
        String token = response.body().replaceAll("(?s).*<pre id=\"token\">([^<]*)</pre>.*", "$1");
        assertThat(token).startsWith(".SFMyNTY.");
        assertThat(new ClientTokens(portal.config().signingSecret()).verify(token, Instant.now()).valid())
            .isPresent();
    }
}
