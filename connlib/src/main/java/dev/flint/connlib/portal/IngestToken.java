package dev.flint.connlib.portal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * A flow-log ingest token. The signature is not verified (the key belongs to the portal), but the shape is
 * checked as Firezone peers check it, so a message carrying a malformed token is rejected as a whole:
 * three unpadded base64url segments, an HS256 header, a non-empty signature and all required claims.
 */
public record IngestToken(String value, String role, boolean uploadsEnabled, long expiresAt) {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final List<String> REQUIRED_STRING_CLAIMS = List.of(
        "account_id", "initiator_device_id", "responder_device_id", "policy_authorization_id", "policy_id",
        "resource_id", "resource_name", "initiator_actor_id", "initiator_actor_name", "authorized_at",
        "authorization_expires_at");

    private static final List<String> OPTIONAL_STRING_CLAIMS = List.of(
        "resource_address", "initiator_actor_email", "initiator_auth_provider_id", "initiator_client_version",
        "initiator_device_os_name", "initiator_device_os_version", "initiator_device_serial",
        "initiator_device_uuid", "initiator_device_identifier_for_vendor",
        "initiator_device_firebase_installation_id");

    public IngestToken {
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(role, "role");
    }

    /**
     * Checks the token's shape.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static IngestToken parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("not a string");
        }
        String[] parts = text.split("\\.", -1);
        if (parts.length != 3) {
            throw new IllegalArgumentException("not three dot-separated segments");
        }
        JsonNode header = jsonSegment(parts[0], "header");
        if (!"HS256".equals(textOrNull(header.get("alg")))) {
            throw new IllegalArgumentException("header alg is not HS256");
        }
        if (segment(parts[2], "signature").length == 0) {
            throw new IllegalArgumentException("empty signature");
        }
        JsonNode claims = jsonSegment(parts[1], "payload");
        for (String claim : REQUIRED_STRING_CLAIMS) {
            JsonNode node = claims.get(claim);
            if (node == null || !node.isTextual()) {
                throw new IllegalArgumentException("claim " + claim + " missing or not a string");
            }
        }
        for (String claim : OPTIONAL_STRING_CLAIMS) {
            JsonNode node = claims.get(claim);
            if (node != null && !node.isNull() && !node.isTextual()) {
                throw new IllegalArgumentException("claim " + claim + " is not a string");
            }
        }
        unsigned(claims, "iat");
        long exp = unsigned(claims, "exp");
        JsonNode uploads = claims.get("uploads_enabled");
        if (uploads == null || !uploads.isBoolean()) {
            throw new IllegalArgumentException("claim uploads_enabled missing or not a boolean");
        }
        String role = textOrNull(claims.get("role"));
        if (!"initiator".equals(role) && !"responder".equals(role)) {
            throw new IllegalArgumentException("claim role is not initiator or responder");
        }
        return new IngestToken(text, role, uploads.booleanValue(), exp);
    }

    private static long unsigned(JsonNode claims, String name) {
        JsonNode node = claims.get(name);
        if (node == null || !node.isIntegralNumber() || !node.canConvertToLong() || node.longValue() < 0) {
            throw new IllegalArgumentException("claim " + name + " missing or not an unsigned integer");
        }
        return node.longValue();
    }

    private static JsonNode jsonSegment(String part, String what) {
        byte[] bytes = segment(part, what);
        try {
            JsonNode node = JSON.readTree(bytes);
            if (node == null || !node.isObject()) {
                throw new IllegalArgumentException(what + " is not a JSON object");
            }
            return node;
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(what + " is not JSON");
        }
    }

    private static byte[] segment(String part, String what) {
        if (part.indexOf('=') >= 0) {
            throw new IllegalArgumentException(what + " is padded");
        }
        try {
            return Base64.getUrlDecoder().decode(part);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + " is not base64url");
        }
    }

    private static String textOrNull(JsonNode node) {
        return node != null && node.isTextual() ? node.textValue() : null;
    }

    @Override
    public String toString() {
        return "IngestToken[role=" + role + ", uploadsEnabled=" + uploadsEnabled + ", expiresAt=" + expiresAt + "]";
    }
}
