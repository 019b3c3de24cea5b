package dev.flint.connlib.phoenix;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;

/**
 * An RFC 9457 {@code application/problem+json} body of a refused WebSocket upgrade. The portal puts a
 * machine-readable {@code code} in it; any field may be absent.
 */
public record ProblemDetails(String type, String title, Integer status, String detail, String code) {

    /**
     * Reads the body only when the media type is {@code application/problem+json} (case-insensitive, parameters
     * ignored); null otherwise or when the body is not a JSON object.
     */
    public static ProblemDetails parse(String contentType, String body) {
        if (contentType == null || body == null) {
            return null;
        }
        String media = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        if (!media.equals("application/problem+json")) {
            return null;
        }
        JsonNode tree = FrameCodec.parse(body);
        if (tree == null || !tree.isObject()) {
            return null;
        }
        JsonNode status = tree.get("status");
        return new ProblemDetails(text(tree, "type"), text(tree, "title"),
            status != null && status.isInt() ? status.intValue() : null, text(tree, "detail"), text(tree, "code"));
    }

    private static String text(JsonNode tree, String name) {
        JsonNode v = tree.get(name);
        return v != null && v.isTextual() ? v.textValue() : null;
    }
}
