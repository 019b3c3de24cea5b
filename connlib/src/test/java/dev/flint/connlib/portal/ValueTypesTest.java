package dev.flint.connlib.portal;

import dev.flint.connlib.wireguard.WireGuardKey;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class ValueTypesTest {

    @Test
    void ipv6IsPrintedInRfc5952Form() {
        assertThat(InetLiteral.format(InetLiteral.parse("fd00:2021:1111:0:0:0:13:efb9"))).isEqualTo("fd00:2021:1111::13:efb9");
        assertThat(InetLiteral.format(InetLiteral.parse("FD00:2021:1111:8000::"))).isEqualTo("fd00:2021:1111:8000::");
        assertThat(InetLiteral.format(InetLiteral.parse("::"))).isEqualTo("::");
        assertThat(InetLiteral.format(InetLiteral.parse("::1"))).isEqualTo("::1");
        assertThat(InetLiteral.format(InetLiteral.parse("2001:db8:0:1:0:0:0:1"))).isEqualTo("2001:db8:0:1::1");
        assertThat(InetLiteral.format(InetLiteral.parse("2001:db8:0:0:1:0:0:1"))).isEqualTo("2001:db8::1:0:0:1");
        assertThat(InetLiteral.format(InetLiteral.parse("2001:0:0:1:0:0:0:1"))).isEqualTo("2001:0:0:1::1");
        assertThat(InetLiteral.format(InetLiteral.parse("1:0:2:3:4:5:6:7"))).isEqualTo("1:0:2:3:4:5:6:7");
    }

    @Test
    void literalsNeverResolveNames() {
        assertThat(InetLiteral.parse("localhost")).isNull();
        assertThat(InetLiteral.parse("example.com")).isNull();
        assertThat(InetLiteral.parse("1.2.3")).isNull();
        assertThat(InetLiteral.parse("01.2.3.4")).isNull();
        assertThat(InetLiteral.parse("256.1.1.1")).isNull();
        assertThat(InetLiteral.parse("fe80::1%eth0")).isNull();
        assertThat(InetLiteral.parse("[::1]")).isNull();
        assertThat(InetLiteral.parse("")).isNull();
        assertThat(InetLiteral.parseIpv4("100.64.0.7")).isNotNull();
        assertThat(InetLiteral.parseIpv6("::ffff:1.2.3.4")).isNotNull();
    }

    @Test
    void networksKnowTheirHostBits() throws Exception {
        assertThat(IpNetwork.parse("10.0.0.0/24").isCanonical()).isTrue();
        assertThat(IpNetwork.parse("10.0.0.1/24").isCanonical()).isFalse();
        assertThat(IpNetwork.parse("2001:db8::/64").isCanonical()).isTrue();
        assertThat(IpNetwork.parse("2001:db8::1/64").isCanonical()).isFalse();
        assertThat(IpNetwork.parse("10.0.0.0/33")).isNull();
        assertThat(IpNetwork.parse("10.0.0.0/024")).isNull();
        assertThat(IpNetwork.parse("10.0.0.0/")).isNull();
        assertThat(IpNetwork.parse("10.0.0.0/8/8")).isNull();
        assertThat(IpNetwork.host(InetAddress.getByName("100.64.1.38")).toString()).isEqualTo("100.64.1.38/32");
        assertThat(IpNetwork.parse("fd00:2021:1111:0::125/128").toString()).isEqualTo("fd00:2021:1111::125/128");
    }

    @Test
    void keysMustBePaddedBase64Of32Bytes() {
        assertThat(WireGuardKey.parse("uMBCkAxTewfSgypIyxdQ18uCi84HLtKmQJy0wvQrYWY=")).isNotNull();
        assertThat(WireGuardKey.parse("uMBCkAxTewfSgypIyxdQ18uCi84HLtKmQJy0wvQrYWY")).isNull();
        assertThat(WireGuardKey.parse("uMBCkAxTewfSgypIyxdQ18uCi84HLtKmQJy0wvQrYW==")).isNull();
        assertThat(WireGuardKey.parse("uMBCkAxTewfSgypIyxdQ18uCi84HLtKmQJy0wvQrYWZ=")).isNull(); // non-canonical tail
        assertThat(WireGuardKey.fromBytes(new byte[32]).toBase64()).isEqualTo("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");
        assertThat(WireGuardKey.fromBytes(new byte[32]).toString()).doesNotContain("AAAAAAAAAAAA");
        assertThatThrownBy(() -> WireGuardKey.fromBase64("short")).isInstanceOf(IllegalArgumentException.class);
    }

    private static String b64(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    private static final String CLAIMS = "\"account_id\":\"a\",\"iat\":1,\"exp\":2,\"uploads_enabled\":true,"
        + "\"initiator_device_id\":\"a\",\"responder_device_id\":\"a\",\"policy_authorization_id\":\"a\","
        + "\"policy_id\":\"a\",\"resource_id\":\"a\",\"resource_name\":\"a\",\"initiator_actor_id\":\"a\","
        + "\"initiator_actor_name\":\"a\",\"authorized_at\":\"a\",\"authorization_expires_at\":\"a\"";

    private static String token(String header, String claims, String signature) {
        return b64(header) + "." + b64(claims) + "." + signature;
    }

    @Test
    void ingestTokensAreCheckedForShape() {
        String header = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";
        IngestToken ok = IngestToken.parse(token(header, "{" + CLAIMS + ",\"role\":\"responder\",\"extra\":1}", "c2ln"));
        assertThat(ok.role()).isEqualTo("responder");
        assertThat(ok.uploadsEnabled()).isTrue();
        assertThat(ok.expiresAt()).isEqualTo(2);
        assertThat(IngestToken.parse(token(header, "{" + CLAIMS + ",\"role\":\"initiator\",\"resource_address\":null}",
            "c2ln")).role()).isEqualTo("initiator");

        assertRejected(token(header, "{" + CLAIMS + ",\"role\":\"observer\"}", "c2ln"), "claim role");
        assertRejected(token(header, "{" + CLAIMS + ",\"role\":\"initiator\"}", ""), "empty signature");
        assertRejected(token(header, "{" + CLAIMS.replace("\"iat\":1", "\"iat\":-1") + ",\"role\":\"initiator\"}",
            "c2ln"), "claim iat");
        assertRejected(token(header, "{" + CLAIMS.replace("\"iat\":1", "\"iat\":\"1\"") + ",\"role\":\"initiator\"}",
            "c2ln"), "claim iat");
        assertRejected(token(header, "{" + CLAIMS.replace("true", "1") + ",\"role\":\"initiator\"}", "c2ln"),
            "uploads_enabled");
        assertRejected(token(header, "{" + CLAIMS + ",\"role\":\"initiator\",\"resource_address\":5}", "c2ln"),
            "resource_address");
        assertRejected(token(header, "[]", "c2ln"), "payload is not a JSON object");
        assertRejected(b64(header) + "=." + b64("{}") + ".c2ln", "header is padded");
        assertRejected("a.b.c.d", "three");
        assertRejected("!!!.e30.c2ln", "header is not base64url");
    }

    private static void assertRejected(String token, String why) {
        assertThatThrownBy(() -> IngestToken.parse(token)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining(why);
    }
}
