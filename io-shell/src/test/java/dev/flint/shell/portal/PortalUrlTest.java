package dev.flint.shell.portal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.Test;

class PortalUrlTest {

    private static final String KEY = "uMBCkAxTewfSgypIyxdQ18uCi84HLtKmQJy0wvQrYWY=";

    @Test
    void clientUrlHasTheV2PathAndParametersInFirezoneOrder() {
        URI url = PortalUrl.build(URI.create("https://api.firezone.dev/"), PortalUrl.Mode.CLIENT,
            new DeviceIdentity("my device+id", "laptop 42", KEY, "C02XL0GYJGH5", "0F0C22B1-64FA-4A04-A1C1-5B4B6C0C2D47"));
        assertThat(url.toString()).isEqualTo("wss://api.firezone.dev/client/v2/websocket?external_id=my+device%2Bid"
            + "&name=laptop+42&device_serial=C02XL0GYJGH5&device_uuid=0F0C22B1-64FA-4A04-A1C1-5B4B6C0C2D47"
            + "&public_key=uMBCkAxTewfSgypIyxdQ18uCi84HLtKmQJy0wvQrYWY%3D");
    }

    @Test
    void schemesPathsAndQueries() {
        DeviceIdentity d = new DeviceIdentity("x", "n", KEY);
        assertThat(PortalUrl.build(URI.create("http://localhost:8081"), PortalUrl.Mode.GATEWAY, d).toString())
            .startsWith("ws://localhost:8081/gateway/v2/websocket?external_id=x&name=n&public_key=");
        assertThat(PortalUrl.build(URI.create("wss://example.com/portal/?token=old"), PortalUrl.Mode.CLIENT, d).toString())
            .startsWith("wss://example.com/portal/client/v2/websocket?external_id=x&");
        assertThat(PortalUrl.build(URI.create("ws://[::1]:4000"), PortalUrl.Mode.CLIENT, d).getHost()).isEqualTo("[::1]");
        assertThatThrownBy(() -> PortalUrl.build(URI.create("ftp://example.com"), PortalUrl.Mode.CLIENT, d))
            .isInstanceOf(IllegalArgumentException.class);
        assertThat(PortalUrl.port(URI.create("wss://example.com/x"))).isEqualTo(443);
        assertThat(PortalUrl.port(URI.create("ws://example.com/x"))).isEqualTo(80);
        assertThat(PortalUrl.port(URI.create("ws://example.com:8081/x"))).isEqualTo(8081);
    }

    @Test
    void uuidDeviceIdsAreSentAsTheirSha256() {
        // sha256("4f0b3c1e-8a2d-4c5b-9e7f-0a1b2c3d4e5f"), computed independently with sha256sum
        assertThat(PortalUrl.externalId("4f0b3c1e-8a2d-4c5b-9e7f-0a1b2c3d4e5f"))
            .isEqualTo("5de9b88cd5bf9518ee0a6370410fa5edeedc75dedd68a959eb8006d0edf84710");
        assertThat(PortalUrl.externalId("not-a-uuid")).isEqualTo("not-a-uuid");
    }

    @Test
    void userAgentCarriesAKnownComponentAndFlint() {
        UserAgent ua = new UserAgent("Debian", "13", "x86_64", "6.12.38+deb13-amd64", "0.1.0");
        assertThat(ua.header()).isEqualTo("Debian/13 gui-client/1.5.17 (x86_64; 6.12.38+deb13-amd64) flint/0.1.0");
        assertThat(new UserAgent("Arch Linux", "rolling", "amd64", "6.9 (custom)", "0.1.0-SNAPSHOT").header())
            .isEqualTo("Arch-Linux/rolling gui-client/1.5.17 (amd64; 6.9-custom) flint/0.1.0-SNAPSHOT");
        assertThat(new UserAgent("Débian", "13", "x86_64", "6", "0.1").header()).startsWith("Dbian/13 ");
        assertThat(UserAgent.arch("amd64")).isEqualTo("x86_64");
        String detected = UserAgent.detect("0.1.0").header();
        assertThat(detected.split(" ")).hasSize(5);
        assertThat(detected).contains(" gui-client/1.5.17 (").endsWith(") flint/0.1.0");
    }

    @Test
    void tokenWhitespaceIsRemoved() {
        assertThat(PortalConnection.stripWhitespace(" n.SFMy\r\nNTY.a b\tc\u00a0 ")).isEqualTo("n.SFMyNTY.abc");
    }
}
