package dev.flint.devstack.portal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

/**
 * Mints flow-log ingest tokens: HS256 JWTs with every claim Firezone peers require (portal reference §2.9), two
 * per authorization (role {@code initiator} for the client, {@code responder} for the gateway). Uploads are
 * disabled: the devstack has no flow-log ingest endpoint.
 */
final class FlowLogTokens {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final String HEADER = B64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}"
        .getBytes(StandardCharsets.UTF_8));

    private final byte[] key;

    FlowLogTokens(String secret) {
        this.key = ("flint-devstack-flow-logs|" + secret).getBytes(StandardCharsets.UTF_8);
    }

    /** The facts of one authorization the claims are made of. */
    record Flow(String accountId, String clientId, String gatewayId, String authorizationId, String policyId,
                String resourceId, String resourceName, String resourceAddress, String actorId, String actorName,
                String actorEmail, String clientVersion, Instant authorizedAt, Instant expiresAt) {
    }

    String mint(Flow flow, String role, Instant now) {
        ObjectNode c = JSON.createObjectNode();
        c.put("account_id", flow.accountId());
        c.put("iat", now.getEpochSecond());
        c.put("exp", flow.expiresAt().getEpochSecond() + 30L * 24 * 3600);
        c.put("uploads_enabled", false);
        c.put("role", role);
        c.put("initiator_device_id", flow.clientId());
        c.put("responder_device_id", flow.gatewayId());
        c.put("policy_authorization_id", flow.authorizationId());
        c.put("policy_id", flow.policyId());
        c.put("resource_id", flow.resourceId());
        c.put("resource_name", flow.resourceName());
        c.put("resource_address", flow.resourceAddress());
        c.put("initiator_actor_id", flow.actorId());
        c.put("initiator_actor_name", flow.actorName());
        c.put("initiator_actor_email", flow.actorEmail());
        c.put("initiator_client_version", flow.clientVersion());
        c.put("authorized_at", flow.authorizedAt().toString());
        c.put("authorization_expires_at", flow.expiresAt().toString());
        String signingInput = HEADER + "." + B64.encodeToString(c.toString().getBytes(StandardCharsets.UTF_8));
        return signingInput + "." + B64.encodeToString(
            PeerCredentials.hmacSha256(key, signingInput.getBytes(StandardCharsets.UTF_8)));
    }
}
