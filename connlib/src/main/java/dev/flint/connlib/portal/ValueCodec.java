package dev.flint.connlib.portal;

import dev.flint.connlib.ice.IceCredentials;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Reading and writing the value types shared by several messages (resources, relays, filters, ...). */
final class ValueCodec {

    static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private ValueCodec() {
    }

    // ---- candidates ----------------------------------------------------------------------------------

    /** An SDP candidate attribute: must start with {@code candidate:} and carry an integer priority. */
    static String candidate(JsonIn.Element e) {
        String text = e.string();
        if (!text.startsWith("candidate:")) {
            throw new DecodeFailure(e.path(), "does not start with candidate:");
        }
        String[] fields = text.trim().split("\\s+");
        if (fields.length < 4 || !isU32(fields[3])) {
            throw new DecodeFailure(e.path(), "has no integer priority");
        }
        return text;
    }

    private static boolean isU32(String s) {
        if (s.isEmpty() || s.length() > 10 || !s.chars().allMatch(Character::isDigit)) {
            return false;
        }
        return Long.parseLong(s) <= 0xFFFF_FFFFL;
    }

    static List<String> candidates(JsonIn in) {
        return in.list("candidates", true, ValueCodec::candidate);
    }

    static List<UUID> uuids(JsonIn in, String name, boolean required) {
        return in.list(name, required, JsonIn.Element::uuid);
    }

    // ---- filters -------------------------------------------------------------------------------------

    static Filter filter(JsonIn.Element e) {
        JsonIn o = e.object();
        String protocol = o.string("protocol");
        return switch (protocol) {
            case "tcp", "udp" -> {
                int start = o.has("port_range_start") ? o.port("port_range_start") : 0;
                int end = o.has("port_range_end") ? o.port("port_range_end") : Filter.MAX_PORT;
                if (start > end) {
                    throw new DecodeFailure(o.path("port_range_start"), "is above port_range_end");
                }
                yield protocol.equals("tcp") ? new Filter.Tcp(start, end) : new Filter.Udp(start, end);
            }
            case "icmp" -> new Filter.Icmp();
            default -> throw new DecodeFailure(o.path("protocol"), "is not tcp, udp or icmp");
        };
    }

    /**
     * Filters are dropped one by one when malformed, but a non-empty list that loses every filter fails the
     * whole element: an empty list would silently turn "only these ports" into "everything".
     */
    static List<Filter> filters(JsonIn in, boolean required) {
        JsonNode raw = in.raw("filters");
        List<Filter> filters = in.list("filters", required, ValueCodec::filter);
        if (raw != null && raw.isArray() && !raw.isEmpty() && filters.isEmpty()) {
            throw new DecodeFailure(in.path("filters"), "has no usable filter");
        }
        return filters;
    }

    static ArrayNode writeFilters(List<Filter> filters) {
        ArrayNode out = NODES.arrayNode();
        for (Filter f : filters) {
            ObjectNode o = out.addObject();
            switch (f) {
                case Filter.Tcp t -> o.put("protocol", "tcp").put("port_range_start", t.portRangeStart())
                    .put("port_range_end", t.portRangeEnd());
                case Filter.Udp u -> o.put("protocol", "udp").put("port_range_start", u.portRangeStart())
                    .put("port_range_end", u.portRangeEnd());
                case Filter.Icmp i -> o.put("protocol", "icmp");
            }
        }
        return out;
    }

    // ---- sites ---------------------------------------------------------------------------------------

    /** Sites arrive as {@code sites} or, for older client versions, {@code gateway_groups}. */
    static List<Site> sites(JsonIn in) {
        String key = in.has("sites") ? "sites" : in.has("gateway_groups") ? "gateway_groups" : null;
        if (key == null) {
            throw new DecodeFailure(in.path("sites"), "is missing (nor gateway_groups)");
        }
        return in.list(key, true, e -> {
            JsonIn o = e.object();
            return new Site(o.uuid("id"), o.string("name"));
        });
    }

    static ArrayNode writeSites(List<Site> sites) {
        ArrayNode out = NODES.arrayNode();
        for (Site s : sites) {
            out.addObject().put("id", s.id().toString()).put("name", s.name());
        }
        return out;
    }

    static String sitesKey(EncodeOptions options) {
        return options.legacySiteKeys() ? "gateway_groups" : "sites";
    }

    // ---- client resources ----------------------------------------------------------------------------

    /** One client resource; unknown types are skipped (returns null), malformed ones unwind. */
    static Resource resource(JsonIn.Element e) {
        JsonIn o = e.object();
        String type = o.string("type");
        return switch (type) {
            case "dns" -> new Resource.Dns(o.uuid("id"), o.string("address"), o.optString("address_description"),
                o.string("name"), ipStack(o), sites(o), filters(o, false));
            case "cidr" -> new Resource.Cidr(o.uuid("id"), o.network("address", true),
                o.optString("address_description"), o.string("name"), sites(o), filters(o, false));
            case "internet" -> new Resource.Internet(o.uuid("id"), o.optString("name"), o.optBool("can_be_disabled"),
                sites(o));
            case "static_device_pool" -> new Resource.StaticDevicePool(o.uuid("id"), o.string("name"),
                o.list("devices", false, ValueCodec::poolDevice), filters(o, false));
            case "dynamic_device_pool" -> new Resource.DynamicDevicePool(o.uuid("id"), o.string("name"),
                o.string("address"), filters(o, false));
            default -> {
                e.skip("has unknown resource type " + type);
                yield null;
            }
        };
    }

    /** Decodes a single resource payload (not in a list): unknown types are an error here. */
    static Resource singleResource(JsonNode payload, List<String> dropped) {
        Resource r = resource(new JsonIn.Element(payload, "", dropped));
        if (r == null) {
            throw new DecodeFailure("type", "is not a known resource type");
        }
        return r;
    }

    private static IpStack ipStack(JsonIn o) {
        String text = o.optString("ip_stack");
        if (text == null) {
            return null;
        }
        IpStack stack = IpStack.fromWire(text);
        if (stack == null) {
            throw new DecodeFailure(o.path("ip_stack"), "is not dual, ipv4_only or ipv6_only");
        }
        return stack;
    }

    private static PoolDevice poolDevice(JsonIn.Element e) {
        JsonIn o = e.object();
        UUID id = o.has("client_id") ? o.uuid("client_id") : o.uuid("id");
        IpNetwork v4 = o.network("ipv4", false);
        IpNetwork v6 = o.network("ipv6", false);
        if (!v4.isIpv4() || !v4.isHost()) {
            throw new DecodeFailure(o.path("ipv4"), "is not an IPv4 host address");
        }
        if (v6.isIpv4() || !v6.isHost()) {
            throw new DecodeFailure(o.path("ipv6"), "is not an IPv6 host address");
        }
        return new PoolDevice(id, v4, v6);
    }

    static ObjectNode writeResource(Resource resource, EncodeOptions options) {
        ObjectNode o = NODES.objectNode();
        o.put("id", resource.id().toString());
        switch (resource) {
            case Resource.Dns d -> {
                o.put("type", "dns").put("address", d.address()).put("address_description", d.addressDescription())
                    .put("name", d.name());
                if (d.ipStack() != null) {
                    o.put("ip_stack", d.ipStack().wireName());
                }
                o.set(sitesKey(options), writeSites(d.sites()));
                o.set("filters", writeFilters(d.filters()));
            }
            case Resource.Cidr c -> {
                o.put("type", "cidr").put("address", c.address().toString())
                    .put("address_description", c.addressDescription()).put("name", c.name());
                o.set(sitesKey(options), writeSites(c.sites()));
                o.set("filters", writeFilters(c.filters()));
            }
            case Resource.Internet i -> {
                o.put("type", "internet");
                if (i.name() != null) {
                    o.put("name", i.name());
                }
                if (i.canBeDisabled() != null) {
                    o.put("can_be_disabled", i.canBeDisabled());
                }
                o.set(sitesKey(options), writeSites(i.sites()));
            }
            case Resource.StaticDevicePool p -> {
                o.put("type", "static_device_pool").put("name", p.name());
                ArrayNode devices = o.putArray("devices");
                for (PoolDevice d : p.devices()) {
                    devices.addObject().put("client_id", d.clientId().toString()).put("ipv4", d.ipv4().toString())
                        .put("ipv6", d.ipv6().toString());
                }
                o.set("filters", writeFilters(p.filters()));
            }
            case Resource.DynamicDevicePool p -> {
                o.put("type", "dynamic_device_pool").put("name", p.name()).put("address", p.address());
                o.set("filters", writeFilters(p.filters()));
            }
        }
        return o;
    }

    static ArrayNode writeResources(List<Resource> resources, EncodeOptions options) {
        ArrayNode out = NODES.arrayNode();
        resources.forEach(r -> out.add(writeResource(r, options)));
        return out;
    }

    // ---- gateway resources ---------------------------------------------------------------------------

    /** A gateway resource: like Firezone's gateway, an unknown type makes the whole message undecodable. */
    static GatewayResource gatewayResource(JsonIn o) {
        String type = o.string("type");
        return switch (type) {
            case "dns" -> new GatewayResource.Dns(o.uuid("id"), o.string("address"), o.string("name"),
                filters(o, true));
            case "cidr" -> new GatewayResource.Cidr(o.uuid("id"), o.network("address", true), o.string("name"),
                filters(o, true));
            case "internet" -> new GatewayResource.Internet(o.uuid("id"));
            default -> throw new DecodeFailure(o.path("type"), "is not dns, cidr or internet");
        };
    }

    static ObjectNode writeGatewayResource(GatewayResource resource) {
        ObjectNode o = NODES.objectNode();
        o.put("id", resource.id().toString());
        switch (resource) {
            case GatewayResource.Dns d -> {
                o.put("type", "dns").put("address", d.address()).put("name", d.name());
                o.set("filters", writeFilters(d.filters()));
            }
            case GatewayResource.Cidr c -> {
                o.put("type", "cidr").put("address", c.address().toString()).put("name", c.name());
                o.set("filters", writeFilters(c.filters()));
            }
            case GatewayResource.Internet i -> o.put("type", "internet");
        }
        return o;
    }

    // ---- relays --------------------------------------------------------------------------------------

    static Relay relay(JsonIn.Element e) {
        JsonIn o = e.object();
        String type = o.string("type");
        return switch (type) {
            case "turn" -> new Relay.Turn(o.uuid("id"), o.socketAddress("addr"), o.string("username"),
                o.string("password"), o.epochSeconds("expires_at"));
            case "stun" -> new Relay.Stun(o.uuid("id"), o.socketAddress("addr"));
            default -> {
                e.skip("has unknown relay type " + type);
                yield null;
            }
        };
    }

    static List<Relay> relays(JsonIn in, String name, boolean required) {
        return in.list(name, required, ValueCodec::relay);
    }

    static ArrayNode writeRelays(List<Relay> relays) {
        ArrayNode out = NODES.arrayNode();
        for (Relay r : relays) {
            ObjectNode o = out.addObject();
            o.put("id", r.id().toString());
            switch (r) {
                case Relay.Turn t -> o.put("type", "turn").put("addr", socketAddress(t.addr()))
                    .put("username", t.username()).put("password", t.password())
                    .put("expires_at", t.expiresAt().getEpochSecond());
                case Relay.Stun s -> o.put("type", "stun").put("addr", socketAddress(s.addr()));
            }
        }
        return out;
    }

    static String socketAddress(InetSocketAddress address) {
        InetAddress ip = address.getAddress();
        String host = InetLiteral.format(ip);
        return (ip instanceof java.net.Inet6Address ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    // ---- interface, flow logs, authorizations, ICE ---------------------------------------------------

    static Interface iface(JsonIn o) {
        List<InetAddress> do53 = o.list("upstream_do53", false, e -> {
            JsonIn u = e.object();
            InetAddress ip = InetLiteral.parse(u.string("ip"));
            if (ip == null) {
                throw new DecodeFailure(u.path("ip"), "is not an IP address");
            }
            return ip;
        });
        List<String> doh = o.list("upstream_doh", false, e -> e.object().string("url"));
        List<InetSocketAddress> legacy = o.list("upstream_dns", false, e -> {
            JsonIn u = e.object();
            if (!"ip_port".equals(u.string("protocol"))) {
                throw new DecodeFailure(u.path("protocol"), "is not ip_port");
            }
            return u.socketAddress("address");
        });
        return new Interface(o.ipv4("ipv4"), o.ipv6("ipv6"), do53, doh, legacy, o.optString("search_domain"));
    }

    static ObjectNode writeInterface(Interface i) {
        ObjectNode o = NODES.objectNode();
        o.put("ipv4", InetLiteral.format(i.ipv4())).put("ipv6", InetLiteral.format(i.ipv6()));
        ArrayNode do53 = o.putArray("upstream_do53");
        i.upstreamDo53().forEach(ip -> do53.addObject().put("ip", InetLiteral.format(ip)));
        ArrayNode doh = o.putArray("upstream_doh");
        i.upstreamDoh().forEach(url -> doh.addObject().put("url", url));
        ArrayNode legacy = o.putArray("upstream_dns");
        i.upstreamDns().forEach(a -> legacy.addObject().put("protocol", "ip_port").put("address", socketAddress(a)));
        o.put("search_domain", i.searchDomain());
        return o;
    }

    /** Missing counters read as 0, which disables uploads rather than failing the whole {@code init}. */
    static FlowLogsConfig flowLogs(JsonIn o) {
        return new FlowLogsConfig(o.string("api_url"),
            o.has("upload_interval_secs") ? o.unsigned("upload_interval_secs") : 0,
            o.has("upload_batch_size") ? o.unsigned("upload_batch_size") : 0);
    }

    static ObjectNode writeFlowLogs(FlowLogsConfig f) {
        return NODES.objectNode().put("api_url", f.apiUrl()).put("upload_interval_secs", f.uploadIntervalSecs())
            .put("upload_batch_size", f.uploadBatchSize());
    }

    static List<Authorization> authorizations(JsonIn in) {
        return in.list("authorizations", false, e -> {
            JsonIn o = e.object();
            return new Authorization(o.uuid("client_id"), o.uuid("resource_id"), o.epochSeconds("expires_at"));
        });
    }

    static ArrayNode writeAuthorizations(List<Authorization> list) {
        ArrayNode out = NODES.arrayNode();
        for (Authorization a : list) {
            out.addObject().put("client_id", a.clientId().toString()).put("resource_id", a.resourceId().toString())
                .put("expires_at", a.expiresAt().getEpochSecond());
        }
        return out;
    }

    static IceCredentials ice(JsonIn o) {
        String ufrag = o.string("username");
        if (ufrag.isEmpty() || ufrag.contains(":")) {
            // It becomes half of every check's USERNAME "ufrag:ufrag".
            throw new DecodeFailure(o.path("username"), "must be non-empty and free of ':'");
        }
        return new IceCredentials(ufrag, o.string("password"));
    }

    static ObjectNode writeIce(IceCredentials c) {
        return NODES.objectNode().put("username", c.ufrag()).put("password", c.password());
    }

    static ArrayNode writeStrings(List<String> list) {
        ArrayNode out = NODES.arrayNode();
        list.forEach(out::add);
        return out;
    }

    static ArrayNode writeUuids(List<UUID> list) {
        ArrayNode out = NODES.arrayNode();
        list.forEach(id -> out.add(id.toString()));
        return out;
    }

    static List<String> strings(JsonIn in, String name) {
        return new ArrayList<>(in.list(name, false, JsonIn.Element::string));
    }

    static Long epoch(Instant instant) {
        return instant == null ? null : instant.getEpochSecond();
    }
}
