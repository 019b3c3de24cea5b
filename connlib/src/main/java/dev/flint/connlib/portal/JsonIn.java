package dev.flint.connlib.portal;

import dev.flint.connlib.wireguard.WireGuardKey;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A JSON object being read, with its path for error messages. Required fields that are absent or of the
 * wrong shape unwind with a {@link DecodeFailure} naming the field; optional fields read as null.
 */
final class JsonIn {

    private static final Logger LOG = LoggerFactory.getLogger(JsonIn.class);
    private static final Pattern UUID_TEXT =
        Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    private final JsonNode node;
    private final String path;
    private final List<String> dropped;

    private JsonIn(JsonNode node, String path, List<String> dropped) {
        this.node = node;
        this.path = path;
        this.dropped = dropped;
    }

    static JsonIn root(JsonNode node, List<String> dropped) {
        if (node == null || !node.isObject()) {
            throw new DecodeFailure("", "payload is not a JSON object");
        }
        return new JsonIn(node, "", dropped);
    }

    String path(String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    List<String> dropped() {
        return dropped;
    }

    boolean has(String name) {
        JsonNode v = node.get(name);
        return v != null && !v.isNull();
    }

    /** An optional opaque value: absent and JSON null are both Java null, so a message re-encodes to itself. */
    JsonNode raw(String name) {
        JsonNode v = node.get(name);
        return v == null || v.isNull() ? null : v;
    }

    /** Any JSON value (opaque legacy payloads); absent is an error, JSON null is kept. */
    JsonNode rawRequired(String name) {
        JsonNode v = node.get(name);
        if (v == null) {
            throw new DecodeFailure(path(name), "is missing");
        }
        return v;
    }

    private JsonNode required(String name) {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            throw new DecodeFailure(path(name), "is missing");
        }
        return v;
    }

    String string(String name) {
        JsonNode v = required(name);
        if (!v.isTextual()) {
            throw new DecodeFailure(path(name), "is not a string");
        }
        return v.textValue();
    }

    String optString(String name) {
        return has(name) ? string(name) : null;
    }

    UUID uuid(String name) {
        return uuidText(string(name), path(name));
    }

    UUID optUuid(String name) {
        return has(name) ? uuid(name) : null;
    }

    static UUID uuidText(String text, String field) {
        if (text == null || !UUID_TEXT.matcher(text).matches()) {
            throw new DecodeFailure(field, "is not a UUID");
        }
        return UUID.fromString(text);
    }

    boolean bool(String name) {
        JsonNode v = required(name);
        if (!v.isBoolean()) {
            throw new DecodeFailure(path(name), "is not a boolean");
        }
        return v.booleanValue();
    }

    boolean boolOr(String name, boolean fallback) {
        return has(name) ? bool(name) : fallback;
    }

    Boolean optBool(String name) {
        return has(name) ? bool(name) : null;
    }

    long unsigned(String name) {
        JsonNode v = required(name);
        if (!v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < 0) {
            throw new DecodeFailure(path(name), "is not an unsigned integer");
        }
        return v.longValue();
    }

    int port(String name) {
        long v = unsigned(name);
        if (v > 65535) {
            throw new DecodeFailure(path(name), "is not a port number");
        }
        return (int) v;
    }

    Double optDouble(String name) {
        if (!has(name)) {
            return null;
        }
        JsonNode v = node.get(name);
        if (!v.isNumber()) {
            throw new DecodeFailure(path(name), "is not a number");
        }
        return v.doubleValue();
    }

    Instant epochSeconds(String name) {
        return Instant.ofEpochSecond(unsigned(name));
    }

    Instant optEpochSeconds(String name) {
        return has(name) ? epochSeconds(name) : null;
    }

    /** A single IPv4 address, bare or as a {@code /32} host network (the portal writes both). */
    Inet4Address ipv4(String name) {
        InetAddress a = hostAddress(string(name));
        if (!(a instanceof Inet4Address v4)) {
            throw new DecodeFailure(path(name), "is not an IPv4 address");
        }
        return v4;
    }

    Inet4Address optIpv4(String name) {
        return has(name) ? ipv4(name) : null;
    }

    /** A single IPv6 address, bare or as a {@code /128} host network. */
    Inet6Address ipv6(String name) {
        InetAddress a = hostAddress(string(name));
        if (!(a instanceof Inet6Address v6)) {
            throw new DecodeFailure(path(name), "is not an IPv6 address");
        }
        return v6;
    }

    Inet6Address optIpv6(String name) {
        return has(name) ? ipv6(name) : null;
    }

    private static InetAddress hostAddress(String text) {
        if (text.indexOf('/') >= 0) {
            IpNetwork net = IpNetwork.parse(text);
            return net != null && net.isHost() ? net.address() : null;
        }
        return InetLiteral.parse(text);
    }

    /** A network; bare addresses read as host networks. */
    IpNetwork network(String name, boolean requireCanonical) {
        String text = string(name);
        IpNetwork net = text.indexOf('/') >= 0 ? IpNetwork.parse(text) : hostOrNull(InetLiteral.parse(text));
        if (net == null) {
            throw new DecodeFailure(path(name), "is not an IP network");
        }
        if (requireCanonical && !net.isCanonical()) {
            throw new DecodeFailure(path(name), "has host bits set");
        }
        return net;
    }

    private static IpNetwork hostOrNull(InetAddress address) {
        return address == null ? null : IpNetwork.host(address);
    }

    InetSocketAddress socketAddress(String name) {
        InetSocketAddress a = socketAddressText(string(name));
        if (a == null) {
            throw new DecodeFailure(path(name), "is not ip:port");
        }
        return a;
    }

    static InetSocketAddress socketAddressText(String text) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0) {
            return null;
        }
        String host = text.substring(0, colon);
        String port = text.substring(colon + 1);
        InetAddress address;
        if (host.startsWith("[") && host.endsWith("]")) {
            address = InetLiteral.parseIpv6(host.substring(1, host.length() - 1));
        } else {
            address = InetLiteral.parseIpv4(host);
        }
        if (address == null || port.isEmpty() || port.length() > 5 || !port.chars().allMatch(Character::isDigit)) {
            return null;
        }
        int p = Integer.parseInt(port);
        return p > 65535 ? null : new InetSocketAddress(address, p);
    }

    WireGuardKey key(String name) {
        WireGuardKey k = WireGuardKey.parse(string(name));
        if (k == null) {
            throw new DecodeFailure(path(name), "is not a base64 32-byte key");
        }
        return k;
    }

    IngestToken ingestToken(String name) {
        try {
            return IngestToken.parse(string(name));
        } catch (IllegalArgumentException e) {
            throw new DecodeFailure(path(name), "is not a valid ingest token: " + e.getMessage());
        }
    }

    JsonIn object(String name) {
        JsonNode v = required(name);
        if (!v.isObject()) {
            throw new DecodeFailure(path(name), "is not an object");
        }
        return new JsonIn(v, path(name), dropped);
    }

    JsonIn optObject(String name) {
        return has(name) ? object(name) : null;
    }

    /**
     * A list whose elements are decoded one by one; a malformed element is logged, recorded and left out.
     * An absent key is an error when {@code required}, else an empty list.
     */
    <T> List<T> list(String name, boolean required, Function<Element, T> decode) {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            if (required) {
                throw new DecodeFailure(path(name), "is missing");
            }
            return List.of();
        }
        if (!v.isArray()) {
            throw new DecodeFailure(path(name), "is not an array");
        }
        List<T> out = new ArrayList<>(v.size());
        for (int i = 0; i < v.size(); i++) {
            Element element = new Element(v.get(i), path(name) + "[" + i + "]", dropped);
            try {
                T decoded = decode.apply(element);
                if (decoded != null) {
                    out.add(decoded);
                }
            } catch (DecodeFailure e) {
                drop(e.field + " " + e.problem);
            } catch (RuntimeException e) {
                // A record refusing a value the readers let through: still just this element.
                drop(element.path() + " is invalid: " + e.getMessage());
            }
        }
        return out;
    }

    private void drop(String why) {
        LOG.warn("Dropping malformed list element: {}", why);
        dropped.add(why);
    }

    /** One list element: either a JSON object or a scalar, with its path. */
    record Element(JsonNode node, String path, List<String> dropped) {

        JsonIn object() {
            if (node == null || !node.isObject()) {
                throw new DecodeFailure(path, "is not an object");
            }
            return new JsonIn(node, path, dropped);
        }

        String string() {
            if (node == null || !node.isTextual()) {
                throw new DecodeFailure(path, "is not a string");
            }
            return node.textValue();
        }

        UUID uuid() {
            return uuidText(string(), path);
        }

        /** Records an element that is well formed but deliberately skipped (e.g. an unknown type). */
        void skip(String why) {
            String line = path + " " + why;
            LOG.info("Skipping list element: {}", line);
            dropped.add(line);
        }
    }
}
