package dev.flint.devstack.portal;

import dev.flint.connlib.portal.Filter;
import dev.flint.connlib.portal.IpStack;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * The emulator's whole world, as read from its config file ({@link PortalConfigReader}): accounts with their
 * users, sites, gateways, resources and policies, and the relays every device is given.
 */
public record PortalConfig(InetSocketAddress listen, Duration tokenLifetime, String signingSecret,
                           String relaySecret, List<RelayEntry> relays, List<Account> accounts) {

    public PortalConfig {
        Objects.requireNonNull(listen, "listen");
        Objects.requireNonNull(tokenLifetime, "tokenLifetime");
        Objects.requireNonNull(signingSecret, "signingSecret");
        Objects.requireNonNull(relaySecret, "relaySecret");
        relays = List.copyOf(relays);
        accounts = List.copyOf(accounts);
    }

    public Optional<Account> account(String slug) {
        return accounts.stream().filter(a -> a.slug().equals(slug)).findFirst();
    }

    public Optional<Account> account(UUID id) {
        return accounts.stream().filter(a -> a.id().equals(id)).findFirst();
    }

    /** A copy with another listen address (the command line may override the file). */
    public PortalConfig withListen(InetSocketAddress address) {
        return new PortalConfig(address, tokenLifetime, signingSecret, relaySecret, relays, accounts);
    }

    /** A copy with other accounts (tests change policies and resources this way, then reload). */
    public PortalConfig withAccounts(List<Account> replacement) {
        return new PortalConfig(listen, tokenLifetime, signingSecret, relaySecret, relays, replacement);
    }

    /** A copy with other relays. */
    public PortalConfig withRelays(List<RelayEntry> replacement) {
        return new PortalConfig(listen, tokenLifetime, signingSecret, relaySecret, replacement, accounts);
    }

    /** A TURN relay (coturn with {@code --use-auth-secret}); one entry per address family it listens on. */
    public record RelayEntry(UUID id, String name, List<InetSocketAddress> addresses) {
        public RelayEntry {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(name, "name");
            addresses = List.copyOf(addresses);
        }
    }

    public record Account(UUID id, String slug, String name, List<InetAddress> upstreamDo53, String searchDomain,
                          List<User> users, List<SiteEntry> sites, List<GatewayEntry> gateways,
                          List<ResourceEntry> resources, List<Policy> policies) {
        public Account {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(slug, "slug");
            Objects.requireNonNull(name, "name");
            upstreamDo53 = List.copyOf(upstreamDo53);
            users = List.copyOf(users);
            sites = List.copyOf(sites);
            gateways = List.copyOf(gateways);
            resources = List.copyOf(resources);
            policies = List.copyOf(policies);
        }

        public Optional<User> userByEmail(String email) {
            return users.stream().filter(u -> u.email().equalsIgnoreCase(email)).findFirst();
        }

        public Optional<User> user(UUID id) {
            return users.stream().filter(u -> u.id().equals(id)).findFirst();
        }

        public Optional<SiteEntry> site(UUID id) {
            return sites.stream().filter(s -> s.id().equals(id)).findFirst();
        }

        public Optional<ResourceEntry> resource(UUID id) {
            return resources.stream().filter(r -> r.id().equals(id)).findFirst();
        }

        /** The first policy granting the user the resource, if any. */
        public Optional<Policy> policyFor(UUID userId, UUID resourceId) {
            return policies.stream()
                .filter(p -> p.resourceId().equals(resourceId) && p.userIds().contains(userId))
                .findFirst();
        }

        /** Resources some policy grants the user, in config order. */
        public List<ResourceEntry> resourcesFor(UUID userId) {
            return resources.stream().filter(r -> policyFor(userId, r.id()).isPresent()).toList();
        }

        /** A copy with other policies. */
        public Account withPolicies(List<Policy> replacement) {
            return new Account(id, slug, name, upstreamDo53, searchDomain, users, sites, gateways, resources,
                replacement);
        }

        /** A copy with other resources. */
        public Account withResources(List<ResourceEntry> replacement) {
            return new Account(id, slug, name, upstreamDo53, searchDomain, users, sites, gateways, replacement,
                policies);
        }
    }

    public record User(UUID id, String name, String email, String password) {
        public User {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(email, "email");
            Objects.requireNonNull(password, "password");
        }
    }

    public record SiteEntry(UUID id, String name) {
        public SiteEntry {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(name, "name");
        }
    }

    /** A gateway bound to its token (Firezone's single-owner gateway token). */
    public record GatewayEntry(UUID id, String name, UUID siteId, String token) {
        public GatewayEntry {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(siteId, "siteId");
            Objects.requireNonNull(token, "token");
        }
    }

    public enum ResourceType { DNS, CIDR, INTERNET }

    /** {@code address} is a DNS pattern or a canonical CIDR; null for the Internet Resource. */
    public record ResourceEntry(UUID id, ResourceType type, String name, String address, String addressDescription,
                                IpStack ipStack, UUID siteId, List<Filter> filters) {
        public ResourceEntry {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(siteId, "siteId");
            filters = List.copyOf(filters);
        }
    }

    public record Policy(UUID id, List<UUID> userIds, UUID resourceId) {
        public Policy {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(resourceId, "resourceId");
            userIds = List.copyOf(userIds);
        }
    }
}
