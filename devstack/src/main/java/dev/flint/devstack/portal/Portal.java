package dev.flint.devstack.portal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.flint.connlib.phoenix.ServerChannel;
import dev.flint.connlib.phoenix.ServerEvent;
import dev.flint.connlib.portal.Authorization;
import dev.flint.connlib.portal.ClientToPortal;
import dev.flint.connlib.portal.Decoded;
import dev.flint.connlib.portal.FlowLogsConfig;
import dev.flint.connlib.portal.GatewayClient;
import dev.flint.connlib.portal.GatewayConfig;
import dev.flint.connlib.portal.GatewayInterface;
import dev.flint.connlib.portal.GatewayResource;
import dev.flint.connlib.portal.GatewayToPortal;
import dev.flint.connlib.portal.IngestToken;
import dev.flint.connlib.portal.Interface;
import dev.flint.connlib.portal.IpNetwork;
import dev.flint.connlib.portal.PortalCodec;
import dev.flint.connlib.portal.PortalToClient;
import dev.flint.connlib.portal.PortalToGateway;
import dev.flint.connlib.portal.Relay;
import dev.flint.connlib.portal.Resource;
import dev.flint.connlib.portal.Site;
import dev.flint.connlib.portal.Subject;
import dev.flint.connlib.wireguard.WireGuardKey;
import dev.flint.devstack.portal.PortalConfig.Account;
import dev.flint.devstack.portal.PortalConfig.GatewayEntry;
import dev.flint.devstack.portal.PortalConfig.Policy;
import dev.flint.devstack.portal.PortalConfig.RelayEntry;
import dev.flint.devstack.portal.PortalConfig.ResourceEntry;
import dev.flint.devstack.portal.PortalConfig.User;
import dev.flint.netns.TurnCredentials;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The portal's logic: who may connect, what each device is told on join, the authorization flow between clients
 * and gateways (portal reference §5), ICE relaying, and what changes are pushed when the config is reloaded.
 * Not thread-safe: the shell calls it from one event-loop thread only, and timers run on that thread too.
 */
final class Portal {

    private static final Logger LOG = LoggerFactory.getLogger(Portal.class);
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** Gateway relay credentials expire 2038-01-01, as the portal hands them out. */
    static final Instant GATEWAY_RELAY_EXPIRY = Instant.ofEpochSecond(2_145_916_800L);
    /** How long a client waits for the chosen gateway's answer before being told {@code offline}. */
    static final Duration AUTHORIZATION_TIMEOUT = Duration.ofSeconds(15);
    /** The portal hands out at most this many relays per device. */
    static final int MAX_RELAYS = 2;

    /** Runs a task later on the portal's thread. */
    interface Scheduler {
        Future<?> schedule(Duration delay, Runnable task);
    }

    /** Which socket a device dialed. */
    enum Endpoint {
        CLIENT_V2(DeviceSession.Kind.CLIENT, false), CLIENT_LEGACY(DeviceSession.Kind.CLIENT, true),
        GATEWAY_V2(DeviceSession.Kind.GATEWAY, false), GATEWAY_LEGACY(DeviceSession.Kind.GATEWAY, true);

        final DeviceSession.Kind kind;
        final boolean legacy;

        Endpoint(DeviceSession.Kind kind, boolean legacy) {
            this.kind = kind;
            this.legacy = legacy;
        }

        static Optional<Endpoint> forPath(String path) {
            return Optional.ofNullable(switch (path) {
                case "/client/v2/websocket" -> CLIENT_V2;
                case "/client/websocket" -> CLIENT_LEGACY;
                case "/gateway/v2/websocket" -> GATEWAY_V2;
                case "/gateway/websocket" -> GATEWAY_LEGACY;
                default -> null;
            });
        }
    }

    /** A refused connect: an RFC 9457 problem with Firezone's {@code code}. */
    record Refusal(int status, String title, String detail, String code) {
    }

    /** A connect request as the shell saw it. */
    record ConnectRequest(Endpoint endpoint, Map<String, String> query, String authorizationHeader, String userAgent,
                          String remoteIp) {
    }

    /** An authorization waiting for the gateway's {@code authorization_created}. */
    private record Pending(String ref, DeviceSession client, DeviceSession gateway, ResourceEntry resource,
                           Policy policy, WireGuardKey psk, PeerCredentials.IcePair ice, Instant expiresAt,
                           UUID authorizationId, Future<?> timer) {
    }

    private final Clock clock;
    private final Scheduler scheduler;
    private final RandomGenerator random;
    private final SecureRandom secureRandom;
    private PortalConfig config;
    private ClientTokens tokens;
    private FlowLogTokens flowLogTokens;
    private String flowLogsApiUrl = "http://127.0.0.1/";

    private final Map<UUID, DeviceSession> clients = new LinkedHashMap<>();
    private final Map<UUID, DeviceSession> gateways = new LinkedHashMap<>();
    private final Map<UUID, byte[]> pskBases = new HashMap<>();
    private final AddressBook addresses;
    /** Relays {@link RelayWatch} found silent: not given to devices until they answer again. */
    private final Set<UUID> silentRelays = new HashSet<>();
    private final Set<UUID> revokedTokens = new HashSet<>();
    private final Map<String, Pending> pending = new HashMap<>();
    /** (client id, resource id) → ref of the newest pending request, which replaces older ones. */
    private final Map<List<UUID>, String> pendingByResource = new HashMap<>();
    private final Map<List<UUID>, Grant> grants = new LinkedHashMap<>();

    Portal(PortalConfig config, Clock clock, Scheduler scheduler, RandomGenerator random, AddressBook addresses) {
        this.clock = clock;
        this.addresses = addresses;
        this.scheduler = scheduler;
        this.random = random;
        this.secureRandom = new SecureRandom();
        apply(config);
    }

    private void apply(PortalConfig next) {
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

    Instant now() {
        return clock.instant();
    }

    List<Grant> grants() {
        return List.copyOf(grants.values());
    }

    // ---- sign-in -------------------------------------------------------------------------------------

    /** Issues a client token for a user: the fragment to hand back (the client prepends its nonce). */
    String issueFragment(Account account, User user, String nonce) {
        Instant expires = now().plus(config.tokenLifetime());
        return tokens.fragment(nonce, new ClientTokens.Claims(UUID.randomUUID(), account.id(), user.id(), expires));
    }

    /** Revokes the user's tokens: connected sessions get {@code disconnect token_expired}, reconnects a 401. */
    int signOut(String email) {
        int count = 0;
        for (DeviceSession s : List.copyOf(clients.values())) {
            if (s.user.email().equalsIgnoreCase(email)) {
                revokedTokens.add(s.tokenId);
                expire(s);
                count++;
            }
        }
        return count;
    }

    // ---- connect -------------------------------------------------------------------------------------

    /** Checks a connect request; the refusal to send, or empty when the upgrade may go ahead. */
    Optional<Refusal> check(ConnectRequest request) {
        return Optional.ofNullable(admit(request, null, null).problem());
    }

    /** Either a refusal or (when a socket was given) the new session. */
    record Admission(Refusal problem, DeviceSession session) {
    }

    /** Admits a socket about to be upgraded: its registered session, or the refusal to answer instead. */
    Admission open(ConnectRequest request, ServerChannel phoenix, DeviceSession.Transport transport) {
        Admission admission = admit(request, phoenix, transport);
        if (admission.problem() != null) {
            return admission;
        }
        DeviceSession session = admission.session;
        Map<UUID, DeviceSession> registry = session.kind == DeviceSession.Kind.CLIENT ? clients : gateways;
        DeviceSession previous = registry.put(session.deviceId, session);
        if (previous != null) {
            // The same device reconnected; its old socket is dead even if TCP has not noticed yet.
            LOG.info("{} replaces its previous socket", session);
            dropSession(previous);
            previous.transport.close();
        }
        LOG.info("{} connected from {} ({})", session, session.remoteIp, session.userAgent.raw());
        return admission;
    }

    private Admission admit(ConnectRequest request, ServerChannel phoenix, DeviceSession.Transport transport) {
        String token = request.authorizationHeader() != null ? bearer(request.authorizationHeader()) : null;
        if (token == null) {
            token = request.query().get("token");
        }
        token = token == null ? null : token.replaceAll("\\s", "");
        if (token == null || token.isEmpty()) {
            return refuse(401, "Unauthorized", "Missing token", "missing_token");
        }
        UserAgent ua = UserAgent.parse(request.userAgent());
        Map<String, String> q = request.query();
        String externalId = q.getOrDefault("external_id", q.get("firezone_id"));
        WireGuardKey key = WireGuardKey.parse(q.get("public_key"));
        List<String> problems = new ArrayList<>();
        if (externalId == null || externalId.isEmpty()) {
            problems.add("external_id can't be blank");
        } else if (externalId.length() > 255) {
            problems.add("external_id should be at most 255 character(s)");
        }
        if (q.get("public_key") == null || q.get("public_key").isEmpty()) {
            problems.add("public_key can't be blank");
        } else if (key == null) {
            problems.add("public_key must be a base64-encoded 32-byte key");
        }
        String name = q.get("name");
        if (name != null && (name.isEmpty() || name.length() > 255)) {
            problems.add("name should be 1 to 255 character(s)");
        }
        return switch (request.endpoint().kind) {
            case CLIENT -> admitClient(request, token, ua, externalId, key, name, problems, phoenix, transport);
            case GATEWAY -> admitGateway(request, token, ua, externalId, key, name, problems, phoenix, transport);
        };
    }

    private Admission admitClient(ConnectRequest request, String token, UserAgent ua, String externalId,
                                  WireGuardKey key, String name, List<String> problems, ServerChannel phoenix,
                                  DeviceSession.Transport transport) {
        Instant now = now();
        ClientTokens.Result verified = tokens.verify(token, now);
        if (verified.claims() == null || revokedTokens.contains(verified.claims().tokenId())) {
            return refuse(401, "Unauthorized", "Invalid token", "invalid_token");
        }
        ClientTokens.Claims claims = verified.claims();
        Optional<Account> account = config.account(claims.accountId());
        Optional<User> user = account.flatMap(a -> a.user(claims.userId()));
        if (user.isEmpty()) {
            return refuse(401, "Unauthorized", "Invalid token", "invalid_token");
        }
        if (!ua.known()) {
            problems.add("user_agent is invalid");
        }
        if (!problems.isEmpty()) {
            return refuse(400, "Bad Request", String.join("; ", problems), "invalid_connect_params");
        }
        if (phoenix == null) {
            return new Admission(null, null);
        }
        UUID deviceId = UUID.nameUUIDFromBytes(("client:" + account.get().id() + ":" + externalId)
            .getBytes(StandardCharsets.UTF_8));
        String deviceName = name != null ? name : "client-" + deviceId.toString().substring(0, 8);
        return new Admission(null, new DeviceSession(DeviceSession.Kind.CLIENT, request.endpoint().legacy, phoenix,
            transport, account.get(), deviceId, externalId, deviceName, key, ua, request.remoteIp(), request.query(),
            addresses.ipv4(deviceId), addresses.ipv6(deviceId), user.get(), claims.tokenId(), claims.expiresAt(), null));
    }

    private Admission admitGateway(ConnectRequest request, String token, UserAgent ua, String externalId,
                                   WireGuardKey key, String name, List<String> problems, ServerChannel phoenix,
                                   DeviceSession.Transport transport) {
        Account account = null;
        GatewayEntry entry = null;
        for (Account a : config.accounts()) {
            for (GatewayEntry g : a.gateways()) {
                if (java.security.MessageDigest.isEqual(g.token().getBytes(StandardCharsets.UTF_8),
                    token.getBytes(StandardCharsets.UTF_8))) {
                    account = a;
                    entry = g;
                }
            }
        }
        if (entry == null) {
            return refuse(401, "Unauthorized", "Invalid token", "invalid_token");
        }
        if (!problems.isEmpty()) {
            return refuse(400, "Bad Request", String.join("; ", problems), "invalid_connect_params");
        }
        DeviceSession existing = gateways.get(entry.id());
        if (existing != null && !existing.externalId.equals(externalId)) {
            return refuse(409, "Conflict", "Gateway already connected", "gateway_already_connected");
        }
        if (phoenix == null) {
            return new Admission(null, null);
        }
        return new Admission(null, new DeviceSession(DeviceSession.Kind.GATEWAY, request.endpoint().legacy,
            phoenix, transport, account, entry.id(), externalId, name != null ? name : entry.name(), key, ua,
            request.remoteIp(), request.query(), addresses.ipv4(entry.id()), addresses.ipv6(entry.id()), null, null, null, entry));
    }

    private static Admission refuse(int status, String title, String detail, String code) {
        return new Admission(new Refusal(status, title, detail, code), null);
    }

    private static String bearer(String header) {
        String h = header.trim();
        return h.regionMatches(true, 0, "Bearer ", 0, 7) ? h.substring(7) : null;
    }

    // ---- socket events -------------------------------------------------------------------------------

    /** Drives the session's Phoenix events after input; called by the shell after every frame and timeout. */
    void pump(DeviceSession session) {
        ServerEvent event;
        while ((event = session.pollEvent()) != null) {
            switch (event) {
                case ServerEvent.Joined j -> joined(session);
                case ServerEvent.Received r -> received(session, r.event(), r.payload(), r.ref());
                case ServerEvent.Left l -> LOG.info("{} left its topic", session);
                case ServerEvent.CloseSocket c -> {
                    LOG.info("closing {}: {}", session, c.reason());
                    session.flush();
                    session.transport.close();
                }
            }
        }
        session.flush();
    }

    /** The socket went away. */
    void closed(DeviceSession session) {
        if (dropSession(session)) {
            LOG.info("{} disconnected", session);
        }
    }

    private boolean dropSession(DeviceSession session) {
        Map<UUID, DeviceSession> registry = session.kind == DeviceSession.Kind.CLIENT ? clients : gateways;
        if (session.expiryTimer != null) {
            session.expiryTimer.cancel(false);
        }
        session.joined = false;
        return registry.remove(session.deviceId, session);
    }

    /** The session's account as the current config has it (the session keeps the one it connected with). */
    private Account accountOf(DeviceSession session) {
        return config.account(session.account.id()).orElse(session.account);
    }

    private boolean live(DeviceSession session) {
        Map<UUID, DeviceSession> registry = session.kind == DeviceSession.Kind.CLIENT ? clients : gateways;
        return registry.get(session.deviceId) == session;
    }

    private void joined(DeviceSession session) {
        if (!live(session)) {
            return;
        }
        session.joined = true;
        switch (session.kind) {
            case CLIENT -> {
                session.visible.clear();
                List<Resource> resources = resourcesFor(session);
                resources.forEach(r -> session.visible.put(r.id(), r));
                session.push(new PortalToClient.Init(clientInterface(session), resources, relaysFor(session),
                    List.of(), flowLogs()));
                Duration untilExpiry = Duration.between(now(), session.tokenExpiresAt);
                if (session.expiryTimer != null) {
                    session.expiryTimer.cancel(false);
                }
                session.expiryTimer = scheduler.schedule(untilExpiry.isNegative() ? Duration.ZERO : untilExpiry,
                    () -> expire(session));
            }
            case GATEWAY -> {
                Instant now = now();
                List<Authorization> authorizations = grants.values().stream()
                    .filter(g -> g.gatewayId().equals(session.deviceId) && g.expiresAt().isAfter(now))
                    .map(g -> new Authorization(g.clientId(), g.resourceId(), g.expiresAt())).toList();
                session.push(new PortalToGateway.Init(new GatewayInterface(session.ipv4, session.ipv6),
                    new GatewayConfig(true, true), accountOf(session).slug(), relaysFor(session), authorizations,
                    flowLogs()));
            }
        }
        LOG.info("{} joined; init sent", session);
    }

    private void expire(DeviceSession session) {
        if (!live(session)) {
            return;
        }
        LOG.info("{}: token expired", session);
        session.phoenix.disconnect(session.kind.topic, "token_expired");
        session.flush();
        session.joined = false;
    }

    private void received(DeviceSession session, String event, JsonNode payload, JsonNode ref) {
        if (!live(session)) {
            return;
        }
        boolean wrongGeneration = session.legacyEndpoint
            ? List.of("request_authorization", "authorization_created", "create_authorization").contains(event)
            : PortalCodec.isLegacyEventName(event);
        if (wrongGeneration) {
            replyError(session, ref, "unknown_message");
            return;
        }
        switch (session.kind) {
            case CLIENT -> {
                switch (PortalCodec.decodeClientToPortal(event, payload)) {
                    case Decoded.Ok<ClientToPortal> ok -> fromClient(session, ok.message(), ref);
                    case Decoded.UnknownEvent<ClientToPortal> u -> replyError(session, ref, "unknown_message");
                    case Decoded.Invalid<ClientToPortal> bad -> invalid(session, ref, bad.error().message());
                }
            }
            case GATEWAY -> {
                switch (PortalCodec.decodeGatewayToPortal(event, payload)) {
                    case Decoded.Ok<GatewayToPortal> ok -> fromGateway(session, ok.message(), ref);
                    case Decoded.UnknownEvent<GatewayToPortal> u -> replyError(session, ref, "unknown_message");
                    case Decoded.Invalid<GatewayToPortal> bad -> invalid(session, ref, bad.error().message());
                }
            }
        }
        session.flush();
    }

    private void invalid(DeviceSession session, JsonNode ref, String problem) {
        LOG.warn("{} sent an unusable message: {}", session, problem);
        session.phoenix.reply(session.kind.topic, ref, false,
            NODES.objectNode().put("reason", "invalid_payload").put("detail", problem));
        session.flush();
    }

    private void replyError(DeviceSession session, JsonNode ref, String reason) {
        session.phoenix.replyError(session.kind.topic, ref, reason);
        session.flush();
    }

    // ---- client messages -----------------------------------------------------------------------------

    private void fromClient(DeviceSession client, ClientToPortal message, JsonNode ref) {
        switch (message) {
            case ClientToPortal.RequestAuthorization r -> requestAuthorization(client, r);
            case ClientToPortal.NewGatewayIceCandidates c ->
                toGateway(c.gatewayId(), new PortalToGateway.IceCandidates(client.deviceId, c.candidates()));
            case ClientToPortal.InvalidateGatewayIceCandidates c ->
                toGateway(c.gatewayId(), new PortalToGateway.InvalidateIceCandidates(client.deviceId, c.candidates()));
            case ClientToPortal.BroadcastIceCandidates c -> c.gatewayIds().forEach(g ->
                toGateway(g, new PortalToGateway.IceCandidates(client.deviceId, c.candidates())));
            case ClientToPortal.BroadcastInvalidatedIceCandidates c -> c.gatewayIds().forEach(g ->
                toGateway(g, new PortalToGateway.InvalidateIceCandidates(client.deviceId, c.candidates())));
            case ClientToPortal.NoRelays n ->
                client.push(new PortalToClient.RelaysPresence(List.of(), relaysFor(client)));
            case ClientToPortal.SetSnownetCapabilities s -> {
                // ICE-less is never negotiated here: the emulator has no ICE-less feature flag.
            }
            case ClientToPortal.RequestDeviceAccess r -> {
                // Accepted and ignored, as the portal does.
            }
            case ClientToPortal.NewClientIceCandidates c ->
                client.push(new PortalToClient.ClientIceCandidateError(c.clientId(), "offline"));
            case ClientToPortal.InvalidateClientIceCandidates c ->
                client.push(new PortalToClient.ClientIceCandidateError(c.clientId(), "offline"));
            case ClientToPortal.ResolveDevicePoolDomain d -> client.push(
                new PortalToClient.DevicePoolDomainResolutionFailed(d.resourceId(), d.domain(), "not_found"));
            case ClientToPortal.PrepareConnection p -> replyError(client, ref, "offline");
            case ClientToPortal.RequestConnection p -> replyError(client, ref, "offline");
            case ClientToPortal.ReuseConnection p -> replyError(client, ref, "offline");
        }
    }

    private void toGateway(UUID gatewayId, PortalToGateway message) {
        DeviceSession gateway = gateways.get(gatewayId);
        if (gateway != null && gateway.joined) {
            gateway.push(message);
        }
    }

    private void requestAuthorization(DeviceSession client, ClientToPortal.RequestAuthorization request) {
        UUID resourceId = request.resourceId();
        Optional<ResourceEntry> resource = accountOf(client).resource(resourceId);
        if (resource.isEmpty()) {
            client.push(new PortalToClient.AuthorizationCreationFailed(resourceId, "not_found", List.of()));
            return;
        }
        Optional<Policy> policy = accountOf(client).policyFor(client.user.id(), resourceId);
        if (policy.isEmpty()) {
            client.push(new PortalToClient.AuthorizationCreationFailed(resourceId, "forbidden", List.of()));
            return;
        }
        List<DeviceSession> online = gateways.values().stream()
            .filter(g -> g.joined && g.account.id().equals(client.account.id())
                && g.gateway.siteId().equals(resource.get().siteId()))
            .toList();
        if (online.isEmpty()) {
            client.push(new PortalToClient.AuthorizationCreationFailed(resourceId, "offline", List.of()));
            return;
        }
        DeviceSession gateway = online.stream().filter(g -> request.connectedGatewayIds().contains(g.deviceId))
            .findFirst().orElseGet(() -> online.get(random.nextInt(online.size())));

        WireGuardKey psk = PeerCredentials.psk(pskBase(client.deviceId), pskBase(gateway.deviceId), client.deviceId,
            gateway.deviceId, client.publicKey, gateway.publicKey);
        PeerCredentials.IcePair ice = PeerCredentials.ice(client.deviceId, client.publicKey, gateway.deviceId,
            gateway.publicKey);
        Instant expiresAt = client.tokenExpiresAt;
        String ref = "ref-" + UUID.randomUUID();
        UUID authorizationId = UUID.randomUUID();
        List<UUID> key = List.of(client.deviceId, resourceId);
        String older = pendingByResource.put(key, ref);
        if (older != null) {
            Pending replaced = pending.remove(older);
            if (replaced != null) {
                replaced.timer().cancel(false);
            }
        }
        Future<?> timer = scheduler.schedule(AUTHORIZATION_TIMEOUT, () -> timedOut(ref));
        Pending p = new Pending(ref, client, gateway, resource.get(), policy.get(), psk, ice, expiresAt,
            authorizationId, timer);
        pending.put(ref, p);
        Instant now = now();
        String responderToken = flowLogTokens.mint(flow(p, now), "responder", now);
        gateway.push(new PortalToGateway.CreateAuthorization(ref, gatewayResource(resource.get()),
            gatewayClient(client, psk), ice.initiator(), ice.receiver(), expiresAt, subject(client), false,
            IngestToken.parse(responderToken)));
        LOG.info("{} asks for {}: create_authorization sent to {}", client, resource.get().name(), gateway);
    }

    private void timedOut(String ref) {
        Pending p = pending.remove(ref);
        if (p == null) {
            return;
        }
        pendingByResource.remove(List.of(p.client().deviceId, p.resource().id()), ref);
        LOG.info("{} did not answer for {} in time", p.gateway(), p.client());
        if (live(p.client())) {
            p.client().push(new PortalToClient.AuthorizationCreationFailed(p.resource().id(), "offline", List.of()));
        }
    }

    // ---- gateway messages ----------------------------------------------------------------------------

    private void fromGateway(DeviceSession gateway, GatewayToPortal message, JsonNode ref) {
        switch (message) {
            case GatewayToPortal.AuthorizationCreated created -> authorizationCreated(gateway, created.ref(), ref);
            case GatewayToPortal.BroadcastIceCandidates c -> c.clientIds().forEach(id ->
                toClient(id, new PortalToClient.IceCandidates(gateway.deviceId, c.candidates())));
            case GatewayToPortal.BroadcastInvalidatedIceCandidates c -> c.clientIds().forEach(id ->
                toClient(id, new PortalToClient.InvalidateIceCandidates(gateway.deviceId, c.candidates())));
            case GatewayToPortal.NoRelays n ->
                gateway.push(new PortalToGateway.RelaysPresence(List.of(), relaysFor(gateway)));
            case GatewayToPortal.SetSnownetCapabilities s -> {
                // ICE-less is never negotiated here.
            }
            case GatewayToPortal.ConnectionReady r -> replyError(gateway, ref, "invalid_ref");
        }
    }

    private void toClient(UUID clientId, PortalToClient message) {
        DeviceSession client = clients.get(clientId);
        if (client != null && client.joined) {
            client.push(message);
        }
    }

    private void authorizationCreated(DeviceSession gateway, String authRef, JsonNode ref) {
        Pending p = pending.get(authRef);
        if (p == null || p.gateway() != gateway) {
            replyError(gateway, ref, "invalid_ref");
            return;
        }
        pending.remove(authRef);
        pendingByResource.remove(List.of(p.client().deviceId, p.resource().id()), authRef);
        p.timer().cancel(false);
        gateway.phoenix.reply(gateway.kind.topic, ref, true, NODES.objectNode());
        gateway.flush();
        grants.put(List.of(p.client().deviceId, p.resource().id()), new Grant(p.client().deviceId, p.client().user.id(),
            p.resource().id(), gateway.deviceId, p.expiresAt()));
        DeviceSession client = p.client();
        if (!live(client)) {
            return;
        }
        Instant now = now();
        String initiatorToken = flowLogTokens.mint(flow(p, now), "initiator", now);
        client.push(new PortalToClient.AuthorizationCreated(p.resource().id(), p.resource().siteId(),
            gateway.deviceId, gateway.publicKey, gateway.ipv4, gateway.ipv6, p.psk(), p.ice().initiator(),
            p.ice().receiver(), false, IngestToken.parse(initiatorToken)));
        LOG.info("{} may reach {} through {}", client, p.resource().name(), gateway);
    }

    // ---- reload --------------------------------------------------------------------------------------

    /**
     * Switches to a new config and tells connected devices what changed: resources gained, changed or lost
     * (policy or resource removed → {@code reject_access} to the gateway), relays that went away or came.
     */
    void reload(PortalConfig next) {
        PortalConfig previous = config;
        apply(next);
        for (DeviceSession s : List.copyOf(clients.values())) {
            Optional<Account> account = next.account(s.account.id());
            if (account.isEmpty() || account.get().user(s.user.id()).isEmpty()) {
                expire(s);
            }
        }
        // Grants whose policy or resource is gone, or whose resource changed address or type, are revoked.
        for (Grant grant : List.copyOf(grants.values())) {
            Account before = accountOfGateway(previous, grant.gatewayId());
            Account after = accountOfGateway(next, grant.gatewayId());
            Optional<ResourceEntry> old = before == null ? Optional.empty() : before.resource(grant.resourceId());
            Optional<ResourceEntry> now = after == null ? Optional.empty() : after.resource(grant.resourceId());
            boolean allowed = now.isPresent() && after.policyFor(grant.userId(), grant.resourceId()).isPresent();
            boolean reshaped = now.isPresent() && old.isPresent() && (now.get().type() != old.get().type()
                || !Objects.equals(now.get().address(), old.get().address())
                || now.get().ipStack() != old.get().ipStack() || !now.get().siteId().equals(old.get().siteId()));
            if (!allowed || reshaped) {
                grants.remove(List.of(grant.clientId(), grant.resourceId()));
                toGateway(grant.gatewayId(), new PortalToGateway.RejectAccess(grant.clientId(), grant.resourceId()));
            } else if (old.isPresent() && !old.get().filters().equals(now.get().filters())) {
                toGateway(grant.gatewayId(), new PortalToGateway.ResourceUpdated(gatewayResource(now.get())));
            }
        }
        for (DeviceSession s : clients.values()) {
            if (s.joined) {
                pushResourceChanges(s, next);
            }
        }
        Set<UUID> nextRelayIds = new HashSet<>();
        chosenRelays(next).forEach(r -> nextRelayIds.add(r.id()));
        List<UUID> gone = chosenRelays(previous).stream().map(RelayEntry::id)
            .filter(id -> !nextRelayIds.contains(id)).toList();
        if (!chosenRelays(previous).equals(chosenRelays(next)) || !previous.relaySecret().equals(next.relaySecret())) {
            for (DeviceSession s : clients.values()) {
                if (s.joined) {
                    s.push(new PortalToClient.RelaysPresence(gone, relaysFor(s)));
                }
            }
            for (DeviceSession s : gateways.values()) {
                if (s.joined) {
                    s.push(new PortalToGateway.RelaysPresence(gone, relaysFor(s)));
                }
            }
        }
        LOG.info("config reloaded: {} account(s), {} relay(s)", next.accounts().size(), next.relays().size());
    }

    private static Account accountOfGateway(PortalConfig config, UUID gatewayId) {
        return config.accounts().stream().filter(a -> a.gateways().stream().anyMatch(g -> g.id().equals(gatewayId)))
            .findFirst().orElse(null);
    }

    private void pushResourceChanges(DeviceSession client, PortalConfig next) {
        Account account = next.account(client.account.id()).orElse(null);
        if (account == null) {
            return;
        }
        Map<UUID, Resource> fresh = new LinkedHashMap<>();
        for (Resource r : render(account, client)) {
            fresh.put(r.id(), r);
        }
        for (UUID id : List.copyOf(client.visible.keySet())) {
            Resource old = client.visible.get(id);
            Resource now = fresh.get(id);
            if (now == null || !sitesOf(old).equals(sitesOf(now))) {
                // A resource moving between sites is deleted first, then created (as the portal does).
                client.push(new PortalToClient.ResourceDeleted(id));
                client.visible.remove(id);
            }
        }
        for (Resource r : fresh.values()) {
            if (!r.equals(client.visible.get(r.id()))) {
                client.push(new PortalToClient.ResourceCreatedOrUpdated(r));
                client.visible.put(r.id(), r);
            }
        }
    }

    private static List<Site> sitesOf(Resource r) {
        return switch (r) {
            case Resource.Dns d -> d.sites();
            case Resource.Cidr c -> c.sites();
            case Resource.Internet i -> i.sites();
            default -> List.of();
        };
    }

    // ---- views ---------------------------------------------------------------------------------------

    private List<Resource> resourcesFor(DeviceSession client) {
        return render(accountOf(client), client);
    }

    private static List<Resource> render(Account account, DeviceSession client) {
        List<Resource> out = new ArrayList<>();
        for (ResourceEntry r : account.resourcesFor(client.user.id())) {
            List<Site> sites = account.site(r.siteId()).map(s -> List.of(new Site(s.id(), s.name()))).orElse(List.of());
            out.add(switch (r.type()) {
                case DNS -> new Resource.Dns(r.id(), r.address(), r.addressDescription(), r.name(), r.ipStack(), sites,
                    r.filters());
                case CIDR -> new Resource.Cidr(r.id(), IpNetwork.parse(r.address()), r.addressDescription(), r.name(),
                    sites, r.filters());
                case INTERNET -> new Resource.Internet(r.id(), r.name(), true, sites);
            });
        }
        return out;
    }

    private static GatewayResource gatewayResource(ResourceEntry r) {
        return switch (r.type()) {
            case DNS -> new GatewayResource.Dns(r.id(), r.address(), r.name(), r.filters());
            case CIDR -> new GatewayResource.Cidr(r.id(), IpNetwork.parse(r.address()), r.name(), r.filters());
            case INTERNET -> new GatewayResource.Internet(r.id());
        };
    }

    private static GatewayClient gatewayClient(DeviceSession client, WireGuardKey psk) {
        return new GatewayClient(client.deviceId, client.publicKey, psk, client.ipv4, client.ipv6,
            client.userAgent.version(), client.userAgent.osName(), client.userAgent.osVersion(),
            client.query.get("device_serial"), client.query.get("device_uuid"),
            client.query.get("identifier_for_vendor"), client.query.get("firebase_installation_id"));
    }

    private static Subject subject(DeviceSession client) {
        return new Subject(client.user.id().toString(), client.user.name(), client.user.email(), "account_user",
            null, client.remoteIp, null, null, null, null, client.userAgent.raw());
    }

    private FlowLogTokens.Flow flow(Pending p, Instant now) {
        DeviceSession c = p.client();
        return new FlowLogTokens.Flow(c.account.id().toString(), c.deviceId.toString(), p.gateway().deviceId.toString(),
            p.authorizationId().toString(), p.policy().id().toString(), p.resource().id().toString(),
            p.resource().name(), p.resource().address(), c.user.id().toString(), c.user.name(), c.user.email(),
            c.userAgent.version(), now, p.expiresAt());
    }

    private List<String> upstreamDoh = List.of();

    private Interface clientInterface(DeviceSession client) {
        Account account = accountOf(client);
        if (!upstreamDoh.isEmpty()) {
            return new Interface(client.ipv4, client.ipv6, List.of(), upstreamDoh, List.of(), account.searchDomain());
        }
        List<InetAddress> do53 = account.upstreamDo53();
        List<InetSocketAddress> legacy = do53.stream().map(ip -> new InetSocketAddress(ip, 53)).toList();
        return new Interface(client.ipv4, client.ipv6, do53, List.of(), legacy, account.searchDomain());
    }

    private FlowLogsConfig flowLogs() {
        return new FlowLogsConfig(flowLogsApiUrl, 0, 1000);
    }

    /** The relays devices are given: the config's, less those that stopped answering, at most {@link #MAX_RELAYS}. */
    private List<RelayEntry> chosenRelays(PortalConfig config) {
        return config.relays().stream().filter(r -> !silentRelays.contains(r.id())).limit(MAX_RELAYS).toList();
    }

    /**
     * A relay stopped answering (or answers again): Firezone's relays hold a connection to the portal, which tells
     * every device {@code relays_presence} when one goes, so devices move their connections to another relay at once
     * instead of waiting for their own timeouts. The emulator learns it from {@link RelayWatch}'s probes.
     */
    void relayPresence(UUID relayId, boolean answering) {
        List<RelayEntry> before = chosenRelays(config);
        boolean changed = answering ? silentRelays.remove(relayId) : silentRelays.add(relayId);
        if (!changed) {
            return;
        }
        List<UUID> gone = before.stream().map(RelayEntry::id).filter(id -> !chosenRelays(config).stream()
            .map(RelayEntry::id).toList().contains(id)).toList();
        LOG.info("relay {} {}; telling every device", relayId, answering ? "answers again" : "stopped answering");
        for (DeviceSession s : List.copyOf(clients.values())) {
            if (s.joined) {
                s.push(new PortalToClient.RelaysPresence(gone, relaysFor(s)));
            }
        }
        for (DeviceSession s : List.copyOf(gateways.values())) {
            if (s.joined) {
                s.push(new PortalToGateway.RelaysPresence(gone, relaysFor(s)));
            }
        }
    }

    /** TURN REST credentials coturn accepts: {@code <expiry>:<salt of the device key>}, realm {@code firezone}. */
    private List<Relay> relaysFor(DeviceSession session) {
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

    private byte[] pskBase(UUID deviceId) {
        return pskBases.computeIfAbsent(deviceId, id -> {
            byte[] b = new byte[32];
            secureRandom.nextBytes(b);
            return b;
        });
    }
}
