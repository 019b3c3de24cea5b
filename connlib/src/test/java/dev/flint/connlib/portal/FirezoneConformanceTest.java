package dev.flint.connlib.portal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flint.connlib.phoenix.FrameCodec;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** Behaviours pinned against Firezone's own client (issue 17). */
class FirezoneConformanceTest {

    /** Firezone's client IngressMessages has no v1 variants: flow_creation_failed is skipped, never acted on. */
    @Test
    void firezoneClientIgnoresTheV1EventFlowCreationFailed() {
        var payload = FrameCodec.parse("{\"resource_id\":\"733e8d14-c18d-4931-af30-3639fa09c0c0\",\"reason\":\"offline\"}");
        assertThat(PortalCodec.decodePortalToClient("flow_creation_failed", payload))
            .isEqualTo(new Decoded.UnknownEvent<>("flow_creation_failed"));
        assertThat(PortalCodec.decodePortalToClient("authorization_creation_failed", payload))
            .isInstanceOf(Decoded.Ok.class);
    }

    /** Firezone's client ignores flow_created as well: the v2 socket's name is authorization_created. */
    @Test
    void firezoneClientIgnoresTheV1EventFlowCreated() {
        assertThat(PortalCodec.decodePortalToClient("flow_created", FrameCodec.parse("{}")))
            .isEqualTo(new Decoded.UnknownEvent<>("flow_created"));
    }

    private static String b64(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    /** Firezone's ingest-token model (flow-tracker token.rs) keeps every claim, nullable where optional. */
    @Test
    void firezoneIngestTokenKeepsAllItsClaims() {
        String claims = """
            {"account_id":"acc","iat":10,"exp":20,"uploads_enabled":false,"role":"initiator",
             "initiator_device_id":"idev","responder_device_id":"rdev","policy_authorization_id":"pa",
             "policy_id":"pol","resource_id":"res","resource_name":"Name","resource_address":"10.0.0.0/24",
             "initiator_actor_id":"act","initiator_actor_name":"Ann","initiator_actor_email":"ann@example.com",
             "initiator_auth_provider_id":"prov","initiator_client_version":"1.5.17",
             "initiator_device_os_name":"Linux","initiator_device_os_version":"6.8","initiator_device_serial":"S1",
             "initiator_device_uuid":"U1","initiator_device_identifier_for_vendor":null,
             "authorized_at":"2026-01-01T00:00:00Z","authorization_expires_at":"2026-01-02T00:00:00Z"}""";
        IngestToken token = IngestToken.parse(b64("{\"alg\":\"HS256\",\"typ\":\"JWT\"}") + "." + b64(claims) + ".c2ln");
        assertThat(token.claims()).isEqualTo(new IngestToken.Claims("acc", 10, 20, false, "initiator", "idev", "rdev",
            "pa", "pol", "res", "Name", "10.0.0.0/24", "act", "Ann", "ann@example.com", "prov", "1.5.17", "Linux",
            "6.8", "S1", "U1", null, null, "2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z"));
        assertThat(token.role()).isEqualTo("initiator");
        assertThat(token.expiresAt()).isEqualTo(20);
        assertThat(token.toString()).doesNotContain("ann@example.com");
    }
}
