package dev.flint.connlib.tunnel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flint.connlib.net.IpPrefix;
import dev.flint.connlib.packet.P2pControlFrame;
import dev.flint.connlib.net.InetLiteral;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The Firezone p2p control events carried inside the tunnel (reference §5.5). Bodies are compact JSON; all events
 * are idempotent because delivery is unreliable and senders retransmit.
 */
public sealed interface P2pControlEvent {
    int ASSIGNED_IPS = 0;
    int DOMAIN_STATUS = 1;
    int GOODBYE = 2;

    /** Client → gateway: "these proxy addresses stand for {@code domain} of {@code resource}" (4 or 8 of them). */
    record AssignedIps(UUID resource, String domain, List<InetAddress> proxyIps) implements P2pControlEvent {
        public AssignedIps {
            proxyIps = List.copyOf(proxyIps);
        }
    }

    /** Gateway → client: whether NAT for the domain is in place. Unknown status strings decode as inactive. */
    record DomainStatus(UUID resource, String domain, boolean active) implements P2pControlEvent {}

    /** Either side: "I am closing this connection". */
    record Goodbye() implements P2pControlEvent {}

    sealed interface Decoded {}

    record Event(P2pControlEvent event) implements Decoded {}

    record UnknownType(int type) implements Decoded {}

    record Malformed(String field, String reason) implements Decoded {}

    /**
     * The frame bytes.
     *
     * @throws IllegalArgumentException for an {@link AssignedIps} whose proxy IPs are not 4 or 8 (Firezone's
     *     {@code AssignedIps} serializer refuses them as its deserializer does)
     */
    default byte[] encode() {
        return switch (this) {
            case AssignedIps a -> {
                if (a.proxyIps().size() != 4 && a.proxyIps().size() != 8) {
                    throw new IllegalArgumentException("AssignedIps proxy_ips must hold 4 or 8 addresses, got "
                        + a.proxyIps().size());
                }
                ObjectNode o = ControlJson.MAPPER.createObjectNode();
                o.put("resource", a.resource().toString());
                o.put("domain", a.domain());
                ArrayNode ips = o.putArray("proxy_ips");
                a.proxyIps().forEach(ip -> ips.add(InetLiteral.format(ip)));
                yield new P2pControlFrame(ASSIGNED_IPS, bytes(o)).encode();
            }
            case DomainStatus d -> {
                ObjectNode o = ControlJson.MAPPER.createObjectNode();
                o.put("resource", d.resource().toString());
                o.put("domain", d.domain());
                o.put("status", d.active() ? "Active" : "Inactive");
                yield new P2pControlFrame(DOMAIN_STATUS, bytes(o)).encode();
            }
            case Goodbye g -> new P2pControlFrame(GOODBYE, new byte[0]).encode();
        };
    }

    private static byte[] bytes(ObjectNode o) {
        return o.toString().getBytes(StandardCharsets.UTF_8);
    }

    static Decoded decode(P2pControlFrame frame) {
        try {
            return switch (frame.eventType()) {
                case ASSIGNED_IPS -> {
                    JsonNode o = ControlJson.MAPPER.readTree(frame.body());
                    UUID resource = UUID.fromString(text(o, "resource"));
                    String domain = text(o, "domain");
                    JsonNode ips = o.get("proxy_ips");
                    if (ips == null || !ips.isArray() || (ips.size() != 4 && ips.size() != 8)) {
                        yield new Malformed("proxy_ips", "must hold 4 or 8 addresses");
                    }
                    List<InetAddress> list = new ArrayList<>();
                    for (JsonNode ip : ips) {
                        IpPrefix p = ip.isTextual() ? IpPrefix.tryParse(ip.asText()) : null;
                        if (p == null || !p.isHost()) {
                            yield new Malformed("proxy_ips", "not an address: " + ip);
                        }
                        list.add(p.address());
                    }
                    yield new Event(new AssignedIps(resource, domain, list));
                }
                case DOMAIN_STATUS -> {
                    JsonNode o = ControlJson.MAPPER.readTree(frame.body());
                    yield new Event(new DomainStatus(UUID.fromString(text(o, "resource")), text(o, "domain"),
                            "Active".equals(o.path("status").asText())));
                }
                case GOODBYE -> new Event(new Goodbye());
                default -> new UnknownType(frame.eventType());
            };
        } catch (Exception e) {
            return new Malformed("body", String.valueOf(e.getMessage()));
        }
    }

    private static String text(JsonNode o, String field) {
        JsonNode n = o == null ? null : o.get(field);
        if (n == null || !n.isTextual()) {
            throw new IllegalArgumentException("missing " + field);
        }
        return n.asText();
    }
}
