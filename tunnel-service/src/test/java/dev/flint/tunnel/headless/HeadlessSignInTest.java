package dev.flint.tunnel.headless;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HeadlessSignInTest {

    @TempDir
    Path dir;

    /** Firezone's headless build_auth_url: <auth url>/<slug>?as=headless-client; the pasted token is kept as is. */
    @Test
    void firezoneHeadlessSignInUrlAndPastedToken() {
        HeadlessSignIn signIn = HeadlessSignIn.start(URI.create("https://app.firezone.dev"), "acme", false,
            new SecureRandom());
        assertThat(signIn.url()).isEqualTo(URI.create("https://app.firezone.dev/acme?as=headless-client"));
        assertThat(signIn.complete("  .SFMyNTY.abc.def \n")).isEqualTo(".SFMyNTY.abc.def");
        assertThatThrownBy(() -> signIn.complete("")).hasMessage("nothing was pasted");
        assertThatThrownBy(() -> signIn.complete("two words")).hasMessageContaining("not a token");
        assertThatThrownBy(() -> signIn.complete("firezone://handle_client_sign_in_callback?fragment=x&state=y"))
            .hasMessageContaining("--deep-link");
    }

    @Test
    void deepLinkCompletionChecksTheStateAndPrefixesTheNonce() {
        HeadlessSignIn signIn = HeadlessSignIn.start(URI.create("https://portal.example/"), null, true,
            new SecureRandom());
        String url = signIn.url().toString();
        assertThat(url).startsWith("https://portal.example/?as=gui-client&nonce=");
        String nonce = url.replaceAll(".*nonce=([0-9a-f]{64}).*", "$1");
        String state = url.replaceAll(".*state=([0-9a-f]{64}).*", "$1");
        String link = "firezone-fd0020211111://handle_client_sign_in_callback?account_slug=a&actor_name=A"
            + "&fragment=.SFMyNTY.frag&state=" + state;
        assertThat(signIn.complete(link)).isEqualTo(nonce + ".SFMyNTY.frag");
        assertThatThrownBy(() -> signIn.complete(link.replace(state, "0".repeat(64))))
            .hasMessageContaining("state does not match");
        assertThatThrownBy(() -> signIn.complete(".token")).hasMessageContaining("paste the whole");
        assertThatThrownBy(() -> HeadlessSignIn.start(URI.create("ftp://x/"), null, false, new SecureRandom()))
            .hasMessageContaining("auth URL");
        assertThatThrownBy(() -> HeadlessSignIn.start(URI.create("https://x/"), "a/b", false, new SecureRandom()))
            .hasMessageContaining("account slug");
    }

    /** The token file is replaced atomically and is never readable by others (0600), no temporary file left. */
    @Test
    void tokenFileIsWrittenAtomicallyWithMode0600() throws Exception {
        Path file = dir.resolve("etc/token");
        HeadlessSignIn.writeToken(file, "first");
        HeadlessSignIn.writeToken(file, "second");
        assertThat(Files.readString(file)).isEqualTo("second\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        try (var listing = Files.list(file.getParent())) {
            assertThat(listing.map(p -> p.getFileName().toString())).containsExactly("token");
        }
    }

    @Test
    void theCommandPrintsTheUrlOpensItOnADesktopAndWritesThePastedToken() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<URI> opened = new ArrayList<>();
        Path token = dir.resolve("token");
        int rc = SignInCommand.run(List.of("--account", "acme", "--token-file", token.toString()),
            Map.of("DISPLAY", ":0"), new BufferedReader(new StringReader("\n.SFMyNTY.t\n")),
            new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
            URI.create("https://portal.example/"), url -> opened.add(url));
        assertThat(rc).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("https://portal.example/acme?as=headless-client");
        assertThat(opened).containsExactly(URI.create("https://portal.example/acme?as=headless-client"));
        assertThat(token).hasContent(".SFMyNTY.t");

        opened.clear();
        rc = SignInCommand.run(List.of("--token-file", token.toString(), "--bogus"), Map.of(),
            new BufferedReader(new StringReader("")), new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8), URI.create("https://portal.example/"), opened::add);
        assertThat(rc).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("'--bogus' is not a known flag of sign-in");
        rc = SignInCommand.run(List.of("--token-file", token.toString()), Map.of(),
            new BufferedReader(new StringReader("")), new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8), URI.create("https://portal.example/"), opened::add);
        assertThat(rc).isEqualTo(1);
        assertThat(opened).isEmpty(); // no desktop: nothing opened
    }
}
