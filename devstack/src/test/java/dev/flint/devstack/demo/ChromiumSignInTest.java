package dev.flint.devstack.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.flint.devstack.portal.ClientTokens;
import dev.flint.devstack.portal.PortalConfigReader;
import dev.flint.devstack.portal.PortalEmulator;
import dev.flint.devstack.portal.PortalMain;
import dev.flint.netns.RealTimeWait;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Headless Chromium types into the portal emulator's sign-in page and ends in the right deep link. */
class ChromiumSignInTest {
    /** For a real browser to start, load and submit: seconds when idle, many times that on a loaded machine. */
    static final Duration PATIENCE = RealTimeWait.GENEROUS;

    PortalEmulator portal;

    @BeforeEach
    void start() throws Exception {
        assumeTrue(ChromiumSignIn.find().isPresent(), "needs Chromium (apt-get install chromium)");
        portal = PortalEmulator.start(PortalConfigReader.parse(PortalMain.sample())
            .withListen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)));
    }

    @AfterEach
    void stop() {
        if (portal != null) {
            portal.close();
        }
    }

    @Test
    void chromiumSubmitsTheFormAndThePortalRedirectsToTheDeepLinkWithStateAndAFragmentCompletingTheNonce()
        throws Exception {
        URI page = portal.baseUri().resolve("/demo?as=gui-client&nonce=636872306d65&state=73746174652d31");
        SignInFollower.Outcome outcome;
        try (ChromiumSignIn chromium = ChromiumSignIn.start(ChromiumSignIn.find().orElseThrow(), true, PATIENCE)) {
            outcome = chromium.signIn(page, Optional.of(new String[] {"alice@flint.test", "alice"}), PATIENCE);
        }

        assertThat(outcome).isInstanceOf(SignInFollower.Outcome.DeepLink.class);
        URI link = ((SignInFollower.Outcome.DeepLink) outcome).link();
        assertThat(link.getScheme() + "://" + link.getAuthority())
            .isEqualTo("firezone-fd0020211111://handle_client_sign_in_callback");
        Map<String, String> query = SignInFollowerTest.query(link);
        assertThat(query).containsEntry("state", "73746174652d31").containsEntry("actor_name", "Alice Demo")
            .containsEntry("account_slug", "demo");
        assertThat(new ClientTokens(portal.config().signingSecret())
            .verify("636872306d65" + query.get("fragment"), Instant.now()).valid()).isPresent();
    }

    @Test
    void aWrongPasswordIsRefusedByThePortalAndNeverReachesTheDeepLink() throws Exception {
        URI page = portal.baseUri().resolve("/demo?as=gui-client&nonce=6e&state=73");
        try (ChromiumSignIn chromium = ChromiumSignIn.start(ChromiumSignIn.find().orElseThrow(), true, PATIENCE)) {
            assertThat(chromium.signIn(page, Optional.of(new String[] {"alice@flint.test", "wrong"}), PATIENCE))
                .isInstanceOfSatisfying(SignInFollower.Outcome.Failed.class,
                    f -> assertThat(f.sentence()).contains("answered the submitted form with HTTP 401"));
        }
    }
}
