package dev.flint.connlib.portal;

import dev.flint.connlib.wireguard.WireGuardKey;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class ValueTypesTest {

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
