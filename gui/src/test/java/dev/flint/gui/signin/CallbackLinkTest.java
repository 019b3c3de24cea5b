package dev.flint.gui.signin;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.security.SecureRandom;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CallbackLinkTest {

    static final String GOOD = "firezone-fd0020211111://handle_client_sign_in_callback?account_name=Firezone"
            + "&account_slug=firezone&actor_name=Foo+Bar&fragment=frag123&identity_provider_identifier=1234&state=";

    @Test
    void parsesThePortalsCallback() {
        var r = CallbackLink.parse(GOOD + "abc");
        assertThat(r).isEqualTo(new CallbackLink.Parsed(new CallbackLink("firezone", "Foo Bar", "frag123", "abc")));
    }

    @Test
    void pathSlashAndEmptyValuesAreAccepted() {
        var r = CallbackLink.parse("firezone-fd0020211111://handle_client_sign_in_callback/?account_slug=&actor_name=&fragment=&state=");
        assertThat(r).isEqualTo(new CallbackLink.Parsed(new CallbackLink("", "", "", "")));
    }

    @Test
    void unknownHostIsRejected() {
        assertThat(CallbackLink.parse(GOOD.replace("handle_client_sign_in_callback", "evil") + "x"))
                .isEqualTo(new CallbackLink.Rejected("unknown host 'evil'"));
    }

    /** Firezone's deep_link::parse_auth_callback checks the host and path, not the scheme. */
    @Test
    void firezoneParserAcceptsAnySchemeSuchAsFirezone() {
        assertThat(CallbackLink.parse(GOOD.replace("firezone-fd0020211111", "firezone") + "x"))
                .isEqualTo(new CallbackLink.Parsed(new CallbackLink("firezone", "Foo Bar", "frag123", "x")));
        assertThat(CallbackLink.parse(GOOD.replace("firezone-fd0020211111://", "") + "x"))
                .isEqualTo(new CallbackLink.Rejected("not a URL with a scheme"));
        assertThat(CallbackLink.parse(GOOD.replace("firezone-fd0020211111", "1bad") + "x"))
                .isEqualTo(new CallbackLink.Rejected("not a URL with a scheme"));
    }

    @Test
    void eachMissingParameterIsRejectedByName() {
        for (String key : new String[] {"account_slug", "actor_name", "fragment", "state"}) {
            String link = GOOD + "s";
            link = link.replaceAll("([?&])" + key + "=[^&]*", "$1dropped=1");
            assertThat(CallbackLink.parse(link)).isEqualTo(new CallbackLink.Rejected("missing parameter '" + key + "'"));
        }
    }

    @Test
    void duplicateParameterIsRejected() {
        assertThat(CallbackLink.parse(GOOD + "a&state=b"))
                .isEqualTo(new CallbackLink.Rejected("parameter 'state' given more than once"));
    }

    @Test
    void otherPathsPortsAndFragmentsAreRejected() {
        assertThat(CallbackLink.parse(GOOD.replace("callback?", "callback/x?") + "s")).isInstanceOf(CallbackLink.Rejected.class);
        assertThat(CallbackLink.parse(GOOD.replace("callback?", "callback:80?") + "s")).isInstanceOf(CallbackLink.Rejected.class);
        assertThat(CallbackLink.parse(GOOD + "s#x")).isInstanceOf(CallbackLink.Rejected.class);
        assertThat(CallbackLink.parse(GOOD + "%zz")).isEqualTo(new CallbackLink.Rejected("malformed percent-encoding"));
        assertThat(CallbackLink.parse(GOOD + "a".repeat(9000))).isInstanceOf(CallbackLink.Rejected.class);
        assertThat(CallbackLink.parse(null)).isInstanceOf(CallbackLink.Rejected.class);
    }

    @Test
    void arbitraryInputNeverThrows() {
        var rnd = new SplittableRandom(7);
        for (int i = 0; i < 5000; i++) {
            int n = rnd.nextInt(120);
            StringBuilder sb = new StringBuilder(i % 2 == 0 ? GOOD : "");
            for (int j = 0; j < n; j++) {
                String alphabet = "%&=?#/:+ a\u00e9\u0000z";
                sb.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
            }
            assertThat(CallbackLink.parse(sb.toString())).isNotNull();
        }
    }

    @Test
    void requestIsTwoIndependent32ByteHexValues() {
        var req = SignInRequest.create(new SecureRandom());
        assertThat(req.nonce()).matches("[0-9a-f]{64}");
        assertThat(req.state()).matches("[0-9a-f]{64}");
        assertThat(req.nonce()).isNotEqualTo(req.state());
        assertThat(req.toString()).doesNotContain(req.nonce()).doesNotContain(req.state());
    }

    @Test
    void signInUrlUsesTheSlugAsPath() {
        var req = new SignInRequest("a".repeat(64), "b".repeat(64));
        assertThat(req.url(URI.create("https://app.firezone.dev"), Optional.of("acme")).toString())
                .isEqualTo("https://app.firezone.dev/acme?as=gui-client&nonce=" + "a".repeat(64) + "&state=" + "b".repeat(64));
        assertThat(req.url(URI.create("https://app.firezone.dev/old/path"), Optional.empty()).toString())
                .startsWith("https://app.firezone.dev/?as=gui-client&nonce=");
        assertThat(req.url(URI.create("http://127.0.0.1:8080/"), Optional.of(" my slug ")).toString())
                .startsWith("http://127.0.0.1:8080/my%20slug?as=gui-client");
    }

    @Test
    void tokenIsNonceThenFragmentAndStateComparesExactly() {
        var req = new SignInRequest("a".repeat(64), "b".repeat(64));
        var ok = new CallbackLink("s", "n", "FRAG", "b".repeat(64));
        assertThat(req.tokenFor(ok)).isEqualTo("a".repeat(64) + "FRAG");
        assertThat(req.stateMatches(ok)).isTrue();
        assertThat(req.stateMatches(new CallbackLink("s", "n", "FRAG", "b".repeat(63) + "c"))).isFalse();
        assertThat(req.stateMatches(new CallbackLink("s", "n", "FRAG", "b".repeat(63)))).isFalse();
        assertThat(req.stateMatches(new CallbackLink("s", "n", "FRAG", ""))).isFalse();
    }
}
