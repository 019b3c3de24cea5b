package dev.flint.devstack.portal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.flint.connlib.portal.Filter;
import dev.flint.connlib.net.InetLiteral;
import dev.flint.connlib.net.IpPrefix;
import dev.flint.connlib.portal.IpStack;
import dev.flint.devstack.portal.PortalConfig.Account;
import dev.flint.devstack.portal.PortalConfig.GatewayEntry;
import dev.flint.devstack.portal.PortalConfig.Policy;
import dev.flint.devstack.portal.PortalConfig.RelayEntry;
import dev.flint.devstack.portal.PortalConfig.ResourceEntry;
import dev.flint.devstack.portal.PortalConfig.ResourceType;
import dev.flint.devstack.portal.PortalConfig.SiteEntry;
import dev.flint.devstack.portal.PortalConfig.User;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.function.BiFunction;

/**
 * Reads the emulator's config: JSON with {@code //} and {@code /* *}{@code /} comments allowed (see
 * {@code devstack-sample.json}). Sites, users and resources are referred to by name or email; ids may be given,
 * otherwise they are derived from the account slug and the name, so they stay stable across reloads.
 *
 * @throws IllegalArgumentException from {@link #parse} naming the offending field
 */
public final class PortalConfigReader {

    private static final ObjectMapper JSON = JsonMapper.builder()
        .enable(JsonReadFeature.ALLOW_JAVA_COMMENTS, JsonReadFeature.ALLOW_TRAILING_COMMA)
        .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
        .build();

    private PortalConfigReader() {
    }

    public static PortalConfig read(Path file) throws IOException {
        return parse(Files.readString(file, StandardCharsets.UTF_8));
    }

    public static PortalConfig parse(String text) {
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (IOException e) {
            throw new IllegalArgumentException("config is not JSON: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("config must be a JSON object");
        }
        InetSocketAddress listen = socketAddress(optText(root, "listen", "127.0.0.1:8081"), "listen");
        long lifetime = root.path("token_lifetime_secs").asLong(604_800);
        if (lifetime <= 0) {
            throw new IllegalArgumentException("token_lifetime_secs must be positive");
        }
        List<RelayEntry> relays = list(root, "", "relays", (n, path) -> relay(n, path));
        List<Account> accounts = list(root, "", "accounts", PortalConfigReader::account);
        Set<String> slugs = new HashSet<>();
        for (Account a : accounts) {
            if (!slugs.add(a.slug())) {
                throw new IllegalArgumentException("accounts: duplicate slug " + a.slug());
            }
        }
        return new PortalConfig(listen, Duration.ofSeconds(lifetime), text(root, "signing_secret", ""),
            text(root, "relay_secret", ""), relays, accounts);
    }

    private static RelayEntry relay(JsonNode n, String path) {
        String name = text(n, "name", path);
        List<InetSocketAddress> addresses = new ArrayList<>();
        JsonNode list = n.path("addresses");
        if (!list.isArray() || list.isEmpty()) {
            throw new IllegalArgumentException(path + ".addresses: a non-empty list of ip:port is required");
        }
        for (int i = 0; i < list.size(); i++) {
            addresses.add(socketAddress(list.get(i).asText(), path + ".addresses[" + i + "]"));
        }
        return new RelayEntry(id(n, path, "relay:" + name), name, addresses);
    }

    private static Account account(JsonNode n, String path) {
        String slug = text(n, "slug", path);
        if (!slug.matches("[a-z0-9_-]+")) {
            throw new IllegalArgumentException(path + ".slug: only a-z, 0-9, '_' and '-' allowed");
        }
        String name = optText(n, "name", slug);
        UUID accountId = id(n, path, "account:" + slug);
        List<InetAddress> upstream = new ArrayList<>();
        JsonNode dns = n.path("upstream_do53");
        for (int i = 0; i < dns.size(); i++) {
            InetAddress ip = InetLiteral.parse(dns.get(i).asText());
            if (ip == null) {
                throw new IllegalArgumentException(path + ".upstream_do53[" + i + "]: not an IP address");
            }
            upstream.add(ip);
        }
        String searchDomain = n.hasNonNull("search_domain") ? n.get("search_domain").asText() : null;

        List<User> users = list(n, path, "users", (u, p) -> {
            String email = text(u, "email", p);
            return new User(id(u, p, slug + ":user:" + email.toLowerCase(Locale.ROOT)), optText(u, "name", email),
                email, text(u, "password", p));
        });
        List<SiteEntry> sites = list(n, path, "sites", (s, p) -> {
            String siteName = text(s, "name", p);
            return new SiteEntry(id(s, p, slug + ":site:" + siteName), siteName);
        });
        List<GatewayEntry> gateways = list(n, path, "gateways", (g, p) -> {
            String gwName = text(g, "name", p);
            return new GatewayEntry(id(g, p, slug + ":gateway:" + gwName), gwName, siteId(sites, g, p),
                text(g, "token", p));
        });
        List<ResourceEntry> resources = list(n, path, "resources", (r, p) -> resource(r, p, slug, sites));
        List<Policy> policies = list(n, path, "policies", (pol, p) -> {
            String resourceName = text(pol, "resource", p);
            ResourceEntry resource = resources.stream().filter(r -> r.name().equals(resourceName)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(p + ".resource: no resource named " + resourceName));
            List<UUID> userIds = new ArrayList<>();
            JsonNode emails = pol.path("users");
            if (!emails.isArray()) {
                throw new IllegalArgumentException(p + ".users: a list of user emails is required");
            }
            for (int i = 0; i < emails.size(); i++) {
                String email = emails.get(i).asText();
                User user = users.stream().filter(u -> u.email().equalsIgnoreCase(email)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException(p + ".users: no user " + email));
                userIds.add(user.id());
            }
            return new Policy(id(pol, p, slug + ":policy:" + resourceName + ":" + emails), userIds, resource.id());
        });
        Set<String> tokens = new HashSet<>();
        for (GatewayEntry g : gateways) {
            if (!tokens.add(g.token())) {
                throw new IllegalArgumentException(path + ".gateways: two gateways share a token");
            }
        }
        return new Account(accountId, slug, name, upstream, searchDomain, users, sites, gateways, resources,
            policies);
    }

    private static ResourceEntry resource(JsonNode r, String path, String slug, List<SiteEntry> sites) {
        String name = text(r, "name", path);
        String typeText = text(r, "type", path);
        ResourceType type = switch (typeText) {
            case "dns" -> ResourceType.DNS;
            case "cidr", "ip" -> ResourceType.CIDR;
            case "internet" -> ResourceType.INTERNET;
            default -> throw new IllegalArgumentException(path + ".type: one of dns, cidr, ip, internet");
        };
        String address = null;
        switch (type) {
            case DNS -> address = text(r, "address", path);
            case CIDR -> {
                String text = text(r, "address", path);
                IpPrefix network = text.contains("/") ? IpPrefix.tryParse(text) : hostNetwork(text);
                if (network == null || !network.isCanonical()) {
                    throw new IllegalArgumentException(path + ".address: not a canonical CIDR (host bits must be 0)");
                }
                address = network.toString();
            }
            case INTERNET -> {
            }
        }
        IpStack stack = null;
        if (r.hasNonNull("ip_stack")) {
            stack = IpStack.fromWire(r.get("ip_stack").asText());
            if (stack == null) {
                throw new IllegalArgumentException(path + ".ip_stack: one of dual, ipv4_only, ipv6_only");
            }
        }
        List<Filter> filters = new ArrayList<>();
        JsonNode list = r.path("filters");
        for (int i = 0; i < list.size(); i++) {
            filters.add(filter(list.get(i).asText(), path + ".filters[" + i + "]"));
        }
        String description = r.hasNonNull("address_description") ? r.get("address_description").asText() : null;
        return new ResourceEntry(id(r, path, slug + ":resource:" + name), type, name, address, description, stack,
            siteId(sites, r, path), filters);
    }

    private static IpPrefix hostNetwork(String text) {
        InetAddress ip = InetLiteral.parse(text);
        return ip == null ? null : IpPrefix.of(ip);
    }

    /** {@code tcp}, {@code tcp/443}, {@code udp/100-200}, {@code icmp}. */
    static Filter filter(String text, String path) {
        String[] parts = text.trim().toLowerCase(Locale.ROOT).split("/", 2);
        try {
            return switch (parts[0]) {
                case "icmp" -> {
                    if (parts.length > 1) {
                        throw new IllegalArgumentException("icmp takes no ports");
                    }
                    yield new Filter.Icmp();
                }
                case "tcp", "udp" -> {
                    int start = 0;
                    int end = Filter.MAX_PORT;
                    if (parts.length > 1) {
                        String[] range = parts[1].split("-", 2);
                        start = Integer.parseInt(range[0]);
                        end = range.length > 1 ? Integer.parseInt(range[1]) : start;
                    }
                    yield parts[0].equals("tcp") ? new Filter.Tcp(start, end) : new Filter.Udp(start, end);
                }
                default -> throw new IllegalArgumentException("unknown protocol");
            };
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(path + ": '" + text + "' is not tcp[/P[-Q]], udp[/P[-Q]] or icmp ("
                + e.getMessage() + ")");
        }
    }

    private static UUID siteId(List<SiteEntry> sites, JsonNode n, String path) {
        String site = text(n, "site", path);
        return sites.stream().filter(s -> s.name().equals(site)).findFirst()
            .orElseThrow(() -> new IllegalArgumentException(path + ".site: no site named " + site)).id();
    }

    private static UUID id(JsonNode n, String path, String seed) {
        if (n.hasNonNull("id")) {
            try {
                return UUID.fromString(n.get("id").asText());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(path + ".id: not a UUID");
            }
        }
        return UUID.nameUUIDFromBytes(seed.getBytes(StandardCharsets.UTF_8));
    }

    private static <T> List<T> list(JsonNode parent, String parentPath, String field,
                                    BiFunction<JsonNode, String, T> element) {
        JsonNode list = parent.path(field);
        if (list.isMissingNode() || list.isNull()) {
            return List.of();
        }
        if (!list.isArray()) {
            throw new IllegalArgumentException(prefix(parentPath) + field + ": must be a list");
        }
        List<T> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            JsonNode n = list.get(i);
            String path = prefix(parentPath) + field + "[" + i + "]";
            if (!n.isObject()) {
                throw new IllegalArgumentException(path + ": must be an object");
            }
            out.add(element.apply(n, path));
        }
        return out;
    }

    private static String prefix(String path) {
        return path.isEmpty() ? "" : path + ".";
    }

    private static String text(JsonNode n, String field, String path) {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual() || v.textValue().isEmpty()) {
            throw new IllegalArgumentException((path.isEmpty() ? "" : path + ".") + field + ": a string is required");
        }
        return v.textValue();
    }

    private static String optText(JsonNode n, String field, String fallback) {
        JsonNode v = n.get(field);
        return v != null && v.isTextual() ? v.textValue() : fallback;
    }

    static InetSocketAddress socketAddress(String text, String path) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException(path + ": '" + text + "' is not ip:port");
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        InetAddress ip = InetLiteral.parse(host);
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (ip == null || port < 0 || port > 65535) {
            throw new IllegalArgumentException(path + ": '" + text + "' is not ip:port");
        }
        return new InetSocketAddress(ip, port);
    }
}
