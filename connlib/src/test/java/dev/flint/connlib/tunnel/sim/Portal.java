package dev.flint.connlib.tunnel.sim;

import dev.flint.connlib.portal.Authorization;
import dev.flint.connlib.portal.ClientToPortal;
import dev.flint.connlib.portal.Filter;
import dev.flint.connlib.portal.FlowLogsConfig;
import dev.flint.connlib.portal.GatewayClient;
import dev.flint.connlib.portal.GatewayConfig;
import dev.flint.connlib.portal.GatewayInterface;
import dev.flint.connlib.portal.GatewayResource;
import dev.flint.connlib.portal.GatewayToPortal;
import dev.flint.connlib.ice.IceCredentials;
import dev.flint.connlib.portal.IngestToken;
import dev.flint.connlib.portal.Interface;
import dev.flint.connlib.portal.PortalToClient;
import dev.flint.connlib.portal.PortalToGateway;
import dev.flint.connlib.portal.Relay;
import dev.flint.connlib.portal.Resource;
import dev.flint.connlib.portal.Site;
import dev.flint.connlib.wireguard.WireGuardKey;
import dev.flint.connlib.sim.SimRelay;
import dev.flint.connlib.sim.VirtualNetwork;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The portal of the simulation, speaking the real message model: {@code init} on every join (with the relays),
 * resource pushes, {@code request_authorization} answered by picking a gateway of the resource's site, sending it
 * {@code create_authorization} and, once it answers, {@code authorization_created} to the client; ICE candidates
 * forwarded both ways; {@code authorization_creation_failed} where no gateway can serve. ICE credentials and the
 * pre-shared key are derived from both devices' ids and keys, as Firezone's portal does, so a second resource on
 * the same gateway reuses the connection. Messages travel through a {@link Link} that adds the portal latency.
 */
final class Portal {
    /** Short enough that idle periods let authorizations expire (the gateway then says Goodbye). */
    static final Duration AUTHORIZATION_LIFETIME = Duration.ofMinutes(3);
    /** How long the portal waits for a gateway's {@code authorization_created}. */
    static final Duration GATEWAY_ANSWER_TIMEOUT = Duration.ofSeconds(10);
    static final FlowLogsConfig FLOW_LOGS = new FlowLogsConfig("https://flow.invalid/", 0, 1000);
    private static final IngestToken TOKEN = new IngestToken("sim.flow.token", new IngestToken.Claims("sim", 0, 0,
            false, "initiator", "c", "g", "a", "p", "r", "resource", null, "u", "user", null, null, null, null, null,
            null, null, null, null, "0", "0"));

    /** The WebSocket connections: messages arrive after the portal latency, on the link they were sent on. */
    interface Link {
        Instant now();

        void toClient(UUID clientId, PortalToClient message);

        void toGateway(UUID gatewayId, PortalToGateway message);

        void after(Duration delay, Runnable action);
    }

    private record Pending(World.ClientSpec client, UUID resource, World.GatewaySpec gateway, WireGuardKey clientKey,
                           WireGuardKey gatewayKey, WireGuardKey psk, IceCredentials clientIce,
                           IceCredentials gatewayIce) {
    }

    private final Link link;
    final LinkedHashMap<UUID, Resource> resources = new LinkedHashMap<>();
    /** [gateway, resource, client] -> expiry. */
    private final Map<List<UUID>, Instant> grants = new HashMap<>();
    /** The relays announced now; the first is the one {@link #replaceRelay} retires. */
    final List<SimRelay> relays = new ArrayList<>();
    /** Devices joined now, with the public key they joined with. */
    private final Map<UUID, WireGuardKey> online = new LinkedHashMap<>();
    private final Map<String, Pending> pending = new LinkedHashMap<>();
    private int nextRef = 1;
    private boolean portalDns;

    Portal(Link link) {
        this.link = link;
    }

    // ------------------------------------------------------------------ joins

    void clientJoined(World.ClientSpec c, WireGuardKey key) {
        online.put(c.id(), key);
        link.toClient(c.id(), new PortalToClient.Init(interfaceOf(c), List.copyOf(resources.values()), relayEntries(),
                List.of(), FLOW_LOGS));
    }

    /** What the portal sends a gateway on (re)connect: its relays and its still valid authorizations. */
    void gatewayJoined(World.GatewaySpec g, WireGuardKey key) {
        online.put(g.id(), key);
        Instant now = link.now();
        List<Authorization> auths = grants.entrySet().stream()
                .filter(e -> e.getKey().get(0).equals(g.id()) && e.getValue().isAfter(now))
                .map(e -> new Authorization(e.getKey().get(2), e.getKey().get(1), e.getValue())).toList();
        link.toGateway(g.id(), new PortalToGateway.Init(new GatewayInterface(g.v4(), g.v6()),
                new GatewayConfig(true, true), "acme", relayEntries(), auths, FLOW_LOGS));
    }

    void left(UUID deviceId) {
        online.remove(deviceId);
    }

    private Interface interfaceOf(World.ClientSpec c) {
        List<InetAddress> do53 = portalDns ? List.of(World.PORTAL_DNS, World.PORTAL_DNS_V6) : List.of();
        return new Interface(c.v4(), c.v6(), do53, List.of(), List.of(), "corp.test");
    }

    private List<Relay> relayEntries() {
        return relays.stream().<Relay>map(VirtualNetwork::portalRelay).toList();
    }

    // ------------------------------------------------------------------ the admin's changes

    void upsert(Resource r) {
        Resource old = resources.get(r.id());
        if (old != null && !sameAddressing(old, r)) {
            delete(r.id());
        }
        resources.put(r.id(), r);
        toClients(new PortalToClient.ResourceCreatedOrUpdated(r));
        toGatewaysHolding(r.id(), new PortalToGateway.ResourceUpdated(gatewayView(r)));
    }

    void changeFilters(UUID id, List<Filter> filters) {
        Resource updated = switch (resources.get(id)) {
            case Resource.Dns d -> new Resource.Dns(d.id(), d.address(), null, d.name(), d.ipStack(), d.sites(),
                    filters);
            case Resource.Cidr c -> new Resource.Cidr(c.id(), c.address(), null, c.name(), c.sites(), filters);
            default -> null;
        };
        if (updated != null) {
            resources.put(id, updated);
            toClients(new PortalToClient.ResourceCreatedOrUpdated(updated));
            toGatewaysHolding(id, new PortalToGateway.ResourceUpdated(gatewayView(updated)));
        }
    }

    void delete(UUID id) {
        resources.remove(id);
        toClients(new PortalToClient.ResourceDeleted(id));
        for (List<UUID> k : List.copyOf(grants.keySet())) {
            if (k.get(1).equals(id)) {
                grants.remove(k);
                toGateway(k.get(0), new PortalToGateway.RejectAccess(k.get(2), id));
            }
        }
    }

    boolean portalDns() {
        return portalDns;
    }

    void setPortalDns(boolean on) {
        portalDns = on;
        for (World.ClientSpec c : World.CLIENTS) {
            if (online.containsKey(c.id())) {
                link.toClient(c.id(), new PortalToClient.ConfigChanged(interfaceOf(c)));
            }
        }
    }

    /** The oldest relay goes away and {@code fresh} takes its place ({@code relays_presence} to everyone). */
    void replaceRelay(SimRelay fresh) {
        SimRelay gone = relays.removeFirst();
        relays.add(fresh);
        List<UUID> disconnected = List.of(VirtualNetwork.relayId(gone));
        for (UUID id : List.copyOf(online.keySet())) {
            if (World.CLIENTS.stream().anyMatch(c -> c.id().equals(id))) {
                link.toClient(id, new PortalToClient.RelaysPresence(disconnected, relayEntries()));
            } else {
                link.toGateway(id, new PortalToGateway.RelaysPresence(disconnected, relayEntries()));
            }
        }
    }

    private void toClients(PortalToClient message) {
        for (World.ClientSpec c : World.CLIENTS) {
            if (online.containsKey(c.id())) {
                link.toClient(c.id(), message);
            }
        }
    }

    private void toGatewaysHolding(UUID resourceId, PortalToGateway message) {
        grants.keySet().stream().filter(k -> k.get(1).equals(resourceId)).map(k -> k.get(0)).distinct().sorted()
                .forEach(g -> toGateway(g, message));
    }

    private void toGateway(UUID gatewayId, PortalToGateway message) {
        if (online.containsKey(gatewayId)) {
            link.toGateway(gatewayId, message);
        }
    }

    private void toClient(UUID clientId, PortalToClient message) {
        if (online.containsKey(clientId)) {
            link.toClient(clientId, message);
        }
    }

    // ------------------------------------------------------------------ devices' messages

    void fromClient(World.ClientSpec c, ClientToPortal message) {
        switch (message) {
            case ClientToPortal.RequestAuthorization r -> requestAuthorization(c, r.resourceId(),
                    r.connectedGatewayIds());
            case ClientToPortal.NewGatewayIceCandidates n ->
                    toGateway(n.gatewayId(), new PortalToGateway.IceCandidates(c.id(), n.candidates()));
            case ClientToPortal.InvalidateGatewayIceCandidates n ->
                    toGateway(n.gatewayId(), new PortalToGateway.InvalidateIceCandidates(c.id(), n.candidates()));
            case ClientToPortal.NoRelays n -> toClient(c.id(), new PortalToClient.RelaysPresence(List.of(),
                    relayEntries()));
            case ClientToPortal.SetSnownetCapabilities s -> {
                if (s.iceless()) {
                    throw new AssertionError("a client asked for ICE-less connections");
                }
            }
            default -> throw new AssertionError("unexpected message from a client: " + message);
        }
    }

    void fromGateway(World.GatewaySpec g, GatewayToPortal message) {
        switch (message) {
            case GatewayToPortal.AuthorizationCreated a -> authorizationCreated(g, a.ref());
            case GatewayToPortal.BroadcastIceCandidates b -> b.clientIds().forEach(id ->
                    toClient(id, new PortalToClient.IceCandidates(g.id(), b.candidates())));
            case GatewayToPortal.BroadcastInvalidatedIceCandidates b -> b.clientIds().forEach(id ->
                    toClient(id, new PortalToClient.InvalidateIceCandidates(g.id(), b.candidates())));
            case GatewayToPortal.NoRelays n -> toGateway(g.id(), new PortalToGateway.RelaysPresence(List.of(),
                    relayEntries()));
            case GatewayToPortal.SetSnownetCapabilities s -> {
                if (s.iceless()) {
                    throw new AssertionError("a gateway asked for ICE-less connections");
                }
            }
            default -> throw new AssertionError("unexpected message from a gateway: " + message);
        }
    }

    private void requestAuthorization(World.ClientSpec c, UUID resourceId, List<UUID> connectedIds) {
        Resource r = resources.get(resourceId);
        if (r == null) {
            toClient(c.id(), new PortalToClient.AuthorizationCreationFailed(resourceId, "not_found", List.of()));
            return;
        }
        Set<UUID> sites = sitesOf(r);
        List<World.GatewaySpec> candidates = World.GATEWAYS.stream()
                .filter(g -> sites.contains(g.site()) && online.containsKey(g.id())).toList();
        World.GatewaySpec chosen = connectedIds.stream()
                .flatMap(id -> candidates.stream().filter(g -> g.id().equals(id))).findFirst()
                .orElse(candidates.isEmpty() ? null : candidates.getFirst());
        WireGuardKey clientKey = online.get(c.id());
        if (chosen == null || clientKey == null) {
            toClient(c.id(), new PortalToClient.AuthorizationCreationFailed(resourceId, "offline", List.of()));
            return;
        }
        WireGuardKey gatewayKey = online.get(chosen.id());
        Instant expiry = link.now().plus(AUTHORIZATION_LIFETIME);
        grants.put(List.of(chosen.id(), resourceId, c.id()), expiry);
        String ice = base32(sha256(c.id() + ":" + clientKey.toBase64() + ":" + chosen.id() + ":" + gatewayKey.toBase64()));
        Pending p = new Pending(c, resourceId, chosen, clientKey, gatewayKey,
                WireGuardKey.fromBytes(sha256("WG_PSK|C_ID:" + c.id() + "|G_ID:" + chosen.id() + "|C_PK:"
                        + clientKey.toBase64() + "|G_PK:" + gatewayKey.toBase64())),
                new IceCredentials(ice.substring(0, 4), ice.substring(4, 26)),
                new IceCredentials(ice.substring(26, 30), ice.substring(30, 52)));
        String ref = "ref-" + nextRef++;
        pending.put(ref, p);
        link.toGateway(chosen.id(), new PortalToGateway.CreateAuthorization(ref, gatewayView(r),
                GatewayClient.of(c.id(), clientKey, p.psk(), c.v4(), c.v6()), p.clientIce(), p.gatewayIce(), expiry,
                null, false, TOKEN));
        link.after(GATEWAY_ANSWER_TIMEOUT, () -> {
            if (pending.remove(ref) != null) {
                toClient(c.id(), new PortalToClient.AuthorizationCreationFailed(resourceId, "offline", List.of()));
            }
        });
    }

    private void authorizationCreated(World.GatewaySpec g, String ref) {
        Pending p = pending.get(ref);
        if (p == null || !p.gateway().equals(g)) {
            return;
        }
        pending.remove(ref);
        // Only for the devices as they were asked: a client that roamed since has another key and asks again.
        if (!p.clientKey().equals(online.get(p.client().id())) || !p.gatewayKey().equals(online.get(g.id()))) {
            return;
        }
        toClient(p.client().id(), new PortalToClient.AuthorizationCreated(p.resource(), g.site(), g.id(),
                p.gatewayKey(), g.v4(), g.v6(), p.psk(), p.clientIce(), p.gatewayIce(), false, TOKEN));
    }

    // ------------------------------------------------------------------ helpers

    private static boolean sameAddressing(Resource a, Resource b) {
        return switch (a) {
            case Resource.Dns x when b instanceof Resource.Dns y -> x.address().equals(y.address())
                    && x.ipStack() == y.ipStack() && x.sites().equals(y.sites());
            case Resource.Cidr x when b instanceof Resource.Cidr y -> x.address().equals(y.address());
            case Resource.Internet x when b instanceof Resource.Internet y -> true;
            default -> false;
        };
    }

    static Set<UUID> sitesOf(Resource r) {
        List<Site> sites = switch (r) {
            case Resource.Dns d -> d.sites();
            case Resource.Cidr c -> c.sites();
            case Resource.Internet i -> i.sites();
            default -> List.of();
        };
        return sites.stream().map(Site::id).collect(Collectors.toSet());
    }

    static GatewayResource gatewayView(Resource r) {
        return switch (r) {
            case Resource.Dns d -> new GatewayResource.Dns(d.id(), d.address(), d.name(), d.filters());
            case Resource.Cidr c -> new GatewayResource.Cidr(c.id(), c.address(), c.name(), c.filters());
            case Resource.Internet i -> new GatewayResource.Internet(i.id());
            default -> throw new IllegalArgumentException(r.toString());
        };
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Lower-case base32 without padding, as the portal encodes the hash its ICE credentials are cut from. */
    private static String base32(byte[] data) {
        String alphabet = "abcdefghijklmnopqrstuvwxyz234567";
        StringBuilder out = new StringBuilder();
        int buffer = 0;
        int bits = 0;
        for (byte b : data) {
            buffer = (buffer << 8) | (b & 0xff);
            bits += 8;
            while (bits >= 5) {
                out.append(alphabet.charAt((buffer >>> (bits - 5)) & 31));
                bits -= 5;
            }
        }
        if (bits > 0) {
            out.append(alphabet.charAt((buffer << (5 - bits)) & 31));
        }
        return out.toString();
    }

    static String shortId(UUID id) {
        return HexFormat.of().toHexDigits(id.getLeastSignificantBits()).replaceFirst("^0+(?=.)", "");
    }
}
