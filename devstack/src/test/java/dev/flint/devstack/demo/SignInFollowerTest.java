package dev.flint.devstack.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flint.devstack.portal.ClientTokens;
import dev.flint.devstack.portal.PortalConfigReader;
import dev.flint.devstack.portal.PortalEmulator;
import dev.flint.devstack.portal.PortalMain;
import dev.flint.netns.RealTimeWait;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The follower against the real portal emulator: from the URL the GUI opens to the deep link it hands back. */
class SignInFollowerTest {

    PortalEmulator portal;
    final SignInFollower follower = new SignInFollower(RealTimeWait.GENEROUS);

    @BeforeEach
    void start() throws Exception {
        portal = PortalEmulator.start(PortalConfigReader.parse(PortalMain.sample())
            .withListen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)));
    }

    @AfterEach
    void stop() {
        if (portal != null) {
            portal.close();
        }
    }

    URI signInUrl(String nonce, String state) {
        return portal.baseUri().resolve("/demo?as=gui-client&nonce=" + nonce + "&state=" + state);
    }

    static Map<String, String> query(URI link) {
        Map<String, String> query = new LinkedHashMap<>();
        for (String pair : link.getRawQuery().split("&")) {
            String[] kv = pair.split("=", 2);
            query.put(kv[0], URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
        }
        return query;
    }

    @Test
    void followsThePageToTheDeepLinkCarryingTheStateAndAFragmentThatCompletesTheNonce() throws Exception {
        var outcome = follower.follow(signInUrl("6e6f6e6365", "7374617465"), "alice@flint.test", "alice");

        assertThat(outcome).isInstanceOf(SignInFollower.Outcome.DeepLink.class);
        URI link = ((SignInFollower.Outcome.DeepLink) outcome).link();
        assertThat(link.getScheme()).isEqualTo(SignInFollower.DEEP_LINK_SCHEME);
        assertThat(link.getAuthority()).isEqualTo("handle_client_sign_in_callback");
        Map<String, String> query = query(link);
        assertThat(query).containsEntry("state", "7374617465").containsEntry("actor_name", "Alice Demo")
            .containsEntry("account_slug", "demo");
        ClientTokens tokens = new ClientTokens(portal.config().signingSecret());
        assertThat(tokens.verify("6e6f6e6365" + query.get("fragment"), Instant.now()).valid()).isPresent();
    }

    @Test
    void bobSignsInAsBob() throws Exception {
        var outcome = follower.follow(signInUrl("n1", "s1"), "bob@flint.test", "bob");

        assertThat(query(((SignInFollower.Outcome.DeepLink) outcome).link())).containsEntry("actor_name", "Bob Demo");
    }

    @Test
    void aWrongPasswordIsASentenceQuotingThePage() throws Exception {
        var outcome = follower.follow(signInUrl("n1", "s1"), "alice@flint.test", "wrong");

        assertThat(outcome).isEqualTo(new SignInFollower.Outcome.Failed("Signing in as alice@flint.test did not end in"
            + " a Flint sign-in link (HTTP 401): \"Invalid email or password.\"."));
    }

    @Test
    void aPageWithoutTheFormOrNoPortalAtAllIsASentence() throws Exception {
        assertThat(follower.follow(portal.baseUri().resolve("/nope"), "alice@flint.test", "alice"))
            .isEqualTo(new SignInFollower.Outcome.Failed("The sign-in page " + portal.baseUri().resolve("/nope")
                + " answered HTTP 404."));
        URI gone = portal.baseUri().resolve("/demo?as=gui-client&nonce=n&state=s");
        portal.close();
        portal = null;
        assertThat(follower.follow(gone, "alice@flint.test", "alice"))
            .isInstanceOfSatisfying(SignInFollower.Outcome.Failed.class,
                f -> assertThat(f.sentence()).startsWith("The sign-in page " + gone + " could not be loaded"));
    }
}
