package dev.flint.devstack.portal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.UUID;

/**
 * Client tokens shaped like the portal's: {@code token = nonce + fragment}, where the fragment is
 * {@code ".SFMyNTY.<base64url claims>.<base64url HMAC>"} and the HMAC covers the nonce too, so a fragment is
 * worthless without the nonce the client kept (portal reference §9.4). The claims name the account, the user,
 * the token id and its expiry.
 */
public final class ClientTokens {

    /** What a valid token says. */
    public record Claims(UUID tokenId, UUID accountId, UUID userId, Instant expiresAt) {
    }

    /** Why a token was refused. */
    public enum Refusal { MALFORMED, BAD_SIGNATURE, EXPIRED }

    private static final String MARKER = "SFMyNTY";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private final byte[] key;

    public ClientTokens(String secret) {
        this.key = ("flint-devstack-client-token|" + secret).getBytes(StandardCharsets.UTF_8);
    }

    /** The fragment for a nonce; the client's token is {@code nonce + fragment}. */
    public String fragment(String nonce, Claims claims) {
        ObjectNode c = JSON.createObjectNode();
        c.put("tid", claims.tokenId().toString());
        c.put("aid", claims.accountId().toString());
        c.put("uid", claims.userId().toString());
        c.put("exp", claims.expiresAt().getEpochSecond());
        String body = MARKER + "." + B64.encodeToString(c.toString().getBytes(StandardCharsets.UTF_8));
        return "." + body + "." + B64.encodeToString(mac(nonce, body));
    }

    /** Checks a whole token (whitespace already removed); the refusal or the claims. */
    public Result verify(String token, Instant now) {
        int dot = token.indexOf('.');
        if (dot < 0) {
            return new Result(null, Refusal.MALFORMED);
        }
        String nonce = token.substring(0, dot);
        String[] parts = token.substring(dot + 1).split("\\.", -1);
        if (parts.length != 3 || !parts[0].equals(MARKER)) {
            return new Result(null, Refusal.MALFORMED);
        }
        String body = parts[0] + "." + parts[1];
        byte[] signature;
        JsonNode c;
        try {
            signature = Base64.getUrlDecoder().decode(parts[2]);
            c = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
        } catch (IllegalArgumentException | IOException e) {
            return new Result(null, Refusal.MALFORMED);
        }
        if (!MessageDigest.isEqual(signature, mac(nonce, body))) {
            return new Result(null, Refusal.BAD_SIGNATURE);
        }
        Claims claims;
        try {
            claims = new Claims(UUID.fromString(c.path("tid").asText()), UUID.fromString(c.path("aid").asText()),
                UUID.fromString(c.path("uid").asText()), Instant.ofEpochSecond(c.path("exp").asLong()));
        } catch (IllegalArgumentException e) {
            return new Result(null, Refusal.MALFORMED);
        }
        if (!now.isBefore(claims.expiresAt())) {
            return new Result(null, Refusal.EXPIRED);
        }
        return new Result(claims, null);
    }

    /** Exactly one of {@code claims} and {@code refusal} is set. */
    public record Result(Claims claims, Refusal refusal) {
        public Optional<Claims> valid() {
            return Optional.ofNullable(claims);
        }
    }

    private byte[] mac(String nonce, String body) {
        return PeerCredentials.hmacSha256(key, (nonce + "|" + body).getBytes(StandardCharsets.UTF_8));
    }
}
