package dev.flint.devstack.portal;

import dev.flint.connlib.net.IpPrefix;
import dev.flint.connlib.portal.FlowLogsConfig;
import dev.flint.connlib.portal.GatewayResource;
import dev.flint.connlib.portal.Interface;
import dev.flint.connlib.portal.Relay;
import dev.flint.connlib.portal.Resource;
import dev.flint.connlib.portal.Site;
import dev.flint.devstack.portal.PortalConfig.Account;
import dev.flint.devstack.portal.PortalConfig.RelayEntry;
import dev.flint.devstack.portal.PortalConfig.ResourceEntry;
import dev.flint.netns.TurnCredentials;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The current config and what it tells each device: the resources a client's user may see, its interface, the
 * relays with their credentials. The tokens are signed with the config's secret, so they are replaced with it.
 */
final class ConfigView {
    /** Gateway relay credentials expire 2038-01-01, as the portal hands them out. */
    static final Instant GATEWAY_RELAY_EXPIRY = Instant.ofEpochSecond(2_145_916_800L);
    /** The portal hands out at most this many relays per device. */
    static final int MAX_RELAYS = 2;

    private PortalConfig config;
    private ClientTokens tokens;
    private FlowLogTokens flowLogTokens;
    private String flowLogsApiUrl = "http://127.0.0.1/";
    private List<String> upstreamDoh = List.of();
    /** Relays {@link RelayWatch} found silent: not given to devices until they answer again. */
    private final Set<UUID> silentRelays = new HashSet<>();

    ConfigView(PortalConfig config) {
        apply(config);
    }

    void apply(PortalConfig next) {
        this.config = next;
        this.tokens = new ClientTokens(next.signingSecret());
        this.flowLogTokens = new FlowLogTokens(next.signingSecret());
    }

    PortalConfig config() {
        return config;
    }

    ClientTokens tokens() {
        return tokens;
    }

    FlowLogTokens flowLogTokens() {
        return flowLogTokens;
    }

    /**
     * The account setting "Secure DNS" for every account: clients get these DNS-over-HTTPS servers as
     * {@code upstream_doh} (and no {@code upstream_do53}); empty means each account's own plain-DNS setting.
     */
    void setUpstreamDoh(List<String> urls) {
        upstreamDoh = List.copyOf(urls);
    }

    void setFlowLogsApiUrl(String url) {
        this.flowLogsApiUrl = url;
    }

    /** The session's account as the current config has it (the session keeps the one it connected with). */
    Account accountOf(DeviceSession session) {
        return config.account(session.account.id()).orElse(session.account);
    }

    List<Resource> resourcesFor(DeviceSession client) {
        return render(accountOf(client), client);
    }

    static List<Resource> render(Account account, DeviceSession client) {
        List<Resource> out = new ArrayList<>();
        for (ResourceEntry r : account.resourcesFor(client.user.id())) {
            List<Site> sites = account.site(r.siteId()).map(s -> List.of(new Site(s.id(), s.name()))).orElse(List.of());
            out.add(switch (r.type()) {
                case DNS -> new Resource.Dns(r.id(), r.address(), r.addressDescription(), r.name(), r.ipStack(), sites,
                    r.filters());
                case CIDR -> new Resource.Cidr(r.id(), IpPrefix.tryParse(r.address()), r.addressDescription(), r.name(),
                    sites, r.filters());
                case INTERNET -> new Resource.Internet(r.id(), r.name(), true, sites);
            });
        }
        return out;
    }

    static GatewayResource gatewayResource(ResourceEntry r) {
        return switch (r.type()) {
            case DNS -> new GatewayResource.Dns(r.id(), r.address(), r.name(), r.filters());
            case CIDR -> new GatewayResource.Cidr(r.id(), IpPrefix.tryParse(r.address()), r.name(), r.filters());
            case INTERNET -> new GatewayResource.Internet(r.id());
        };
    }

    Interface clientInterface(DeviceSession client) {
        Account account = accountOf(client);
        if (!upstreamDoh.isEmpty()) {
            return new Interface(client.ipv4, client.ipv6, List.of(), upstreamDoh, List.of(), account.searchDomain());
        }
        List<InetAddress> do53 = account.upstreamDo53();
        List<InetSocketAddress> legacy = do53.stream().map(ip -> new InetSocketAddress(ip, 53)).toList();
        return new Interface(client.ipv4, client.ipv6, do53, List.of(), legacy, account.searchDomain());
    }

    FlowLogsConfig flowLogs() {
        return new FlowLogsConfig(flowLogsApiUrl, 0, 1000);
    }

    /** The relays devices are given: the config's, less those that stopped answering, at most {@link #MAX_RELAYS}. */
    List<RelayEntry> chosenRelays(PortalConfig config) {
        return config.relays().stream().filter(r -> !silentRelays.contains(r.id())).limit(MAX_RELAYS).toList();
    }

    /** Whether a relay answers its probes; true if that changed what the view knew. */
    boolean relayAnswers(UUID relayId, boolean answering) {
        return answering ? silentRelays.remove(relayId) : silentRelays.add(relayId);
    }

    /** TURN REST credentials coturn accepts: {@code <expiry>:<salt of the device key>}, realm {@code firezone}. */
    List<Relay> relaysFor(DeviceSession session) {
        Instant expiry = session.kind == DeviceSession.Kind.CLIENT ? session.tokenExpiresAt : GATEWAY_RELAY_EXPIRY;
        String salt = TurnCredentials.saltForPublicKey(session.publicKey.toBase64());
        TurnCredentials credentials = TurnCredentials.rest(config.relaySecret(), expiry, salt);
        List<Relay> out = new ArrayList<>();
        for (RelayEntry r : chosenRelays(config)) {
            for (InetSocketAddress addr : r.addresses()) {
                out.add(new Relay.Turn(r.id(), addr, credentials.username(), credentials.password(),
                    credentials.expiresAt()));
            }
        }
        return out;
    }
}
