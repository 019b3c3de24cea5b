package dev.flint.devstack.portal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.flint.connlib.portal.Authorization;
import dev.flint.connlib.portal.ClientToPortal;
import dev.flint.connlib.portal.GatewayClient;
import dev.flint.connlib.portal.IngestToken;
import dev.flint.connlib.portal.PortalToClient;
import dev.flint.connlib.portal.PortalToGateway;
import dev.flint.connlib.portal.Subject;
import dev.flint.connlib.wireguard.WireGuardKey;
import dev.flint.devstack.portal.PortalConfig.Account;
import dev.flint.devstack.portal.PortalConfig.Policy;
import dev.flint.devstack.portal.PortalConfig.ResourceEntry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The authorization flow between a client and a gateway (portal reference §5): the client's
 * {@code request_authorization} becomes the gateway's {@code create_authorization}; the gateway's
 * {@code authorization_created} becomes a grant and the client's {@code authorization_created}, or the client hears
 * {@code offline} when the gateway does not answer in time. It spans both channels, so neither owns it.
 */
final class Authorizations {
    private static final Logger LOG = LoggerFactory.getLogger(Authorizations.class);
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** How long a client waits for the chosen gateway's answer before being told {@code offline}. */
    static final Duration AUTHORIZATION_TIMEOUT = Duration.ofSeconds(15);

    /** An authorization waiting for the gateway's {@code authorization_created}. */
    private record Pending(String ref, DeviceSession client, DeviceSession gateway, ResourceEntry resource,
                           Policy policy, WireGuardKey psk, PeerCredentials.IcePair ice, Instant expiresAt,
                           UUID authorizationId, Future<?> timer) {
    }

    private final Devices devices;
    private final ConfigView view;
    private final Portal.Scheduler scheduler;
    private final Clock clock;
    private final RandomGenerator random;

    private final Map<String, Pending> pending = new HashMap<>();
    /** (client id, resource id) → ref of the newest pending request, which replaces older ones. */
    private final Map<List<UUID>, String> pendingByResource = new HashMap<>();
    private final Map<List<UUID>, Grant> grants = new LinkedHashMap<>();
    private final GrantBook book;

    Authorizations(Devices devices, ConfigView view, Portal.Scheduler scheduler, Clock clock, RandomGenerator random,
                   GrantBook book) {
        this.devices = devices;
        this.view = view;
        this.scheduler = scheduler;
        this.clock = clock;
        this.random = random;
        this.book = book;
        Instant now = clock.instant();
        for (Grant g : book.loaded()) {
            if (g.expiresAt().isAfter(now)) {
                grants.put(List.of(g.clientId(), g.resourceId()), g);
            }
        }
    }

    List<Grant> grants() {
        return List.copyOf(grants.values());
    }

    /** The grants a (re)joining gateway is told about in its {@code init}. */
    List<Authorization> activeOn(DeviceSession gateway) {
        Instant now = clock.instant();
        return grants.values().stream()
            .filter(g -> g.gatewayId().equals(gateway.deviceId) && g.expiresAt().isAfter(now))
            .map(g -> new Authorization(g.clientId(), g.resourceId(), g.expiresAt())).toList();
    }

    /**
     * After a config change: grants whose policy or resource is gone, or whose resource changed address or type,
     * are revoked at the gateway; a resource whose filters changed is updated there.
     */
    void reconcile(PortalConfig previous, PortalConfig next) {
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
                book.save(grants.values());
                devices.toGateway(grant.gatewayId(),
                    new PortalToGateway.RejectAccess(grant.clientId(), grant.resourceId()));
            } else if (old.isPresent() && !old.get().filters().equals(now.get().filters())) {
                devices.toGateway(grant.gatewayId(),
                    new PortalToGateway.ResourceUpdated(ConfigView.gatewayResource(now.get())));
            }
        }
    }

    private static Account accountOfGateway(PortalConfig config, UUID gatewayId) {
        return config.accounts().stream().filter(a -> a.gateways().stream().anyMatch(g -> g.id().equals(gatewayId)))
            .findFirst().orElse(null);
    }

    void request(DeviceSession client, ClientToPortal.RequestAuthorization request) {
        UUID resourceId = request.resourceId();
        Optional<ResourceEntry> resource = view.accountOf(client).resource(resourceId);
        if (resource.isEmpty()) {
            client.push(new PortalToClient.AuthorizationCreationFailed(resourceId, "not_found", List.of()));
            return;
        }
        Optional<Policy> policy = view.accountOf(client).policyFor(client.user.id(), resourceId);
        if (policy.isEmpty()) {
            client.push(new PortalToClient.AuthorizationCreationFailed(resourceId, "forbidden", List.of()));
            return;
        }
        List<DeviceSession> online = devices.gateways().stream()
            .filter(g -> g.joined && g.account.id().equals(client.account.id())
                && g.gateway.siteId().equals(resource.get().siteId()))
            .toList();
        if (online.isEmpty()) {
            client.push(new PortalToClient.AuthorizationCreationFailed(resourceId, "offline", List.of()));
            return;
        }
        DeviceSession gateway = online.stream().filter(g -> request.connectedGatewayIds().contains(g.deviceId))
            .findFirst().orElseGet(() -> online.get(random.nextInt(online.size())));

        WireGuardKey psk = PeerCredentials.psk(devices.pskBase(client.deviceId), devices.pskBase(gateway.deviceId),
            client.deviceId, gateway.deviceId, client.publicKey, gateway.publicKey);
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
        Instant now = clock.instant();
        String responderToken = view.flowLogTokens().mint(flow(p, now), "responder", now);
        gateway.push(new PortalToGateway.CreateAuthorization(ref, ConfigView.gatewayResource(resource.get()),
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
        if (devices.live(p.client())) {
            p.client().push(new PortalToClient.AuthorizationCreationFailed(p.resource().id(), "offline", List.of()));
        }
    }

    void created(DeviceSession gateway, String authRef, JsonNode ref) {
        Pending p = pending.get(authRef);
        if (p == null || p.gateway() != gateway) {
            gateway.replyError(ref, "invalid_ref");
            return;
        }
        pending.remove(authRef);
        pendingByResource.remove(List.of(p.client().deviceId, p.resource().id()), authRef);
        p.timer().cancel(false);
        gateway.phoenix.reply(gateway.kind.topic, ref, true, NODES.objectNode());
        gateway.flush();
        grants.put(List.of(p.client().deviceId, p.resource().id()), new Grant(p.client().deviceId, p.client().user.id(),
            p.resource().id(), gateway.deviceId, p.expiresAt()));
        grants.values().removeIf(g -> !g.expiresAt().isAfter(clock.instant()));
        book.save(grants.values());
        DeviceSession client = p.client();
        if (!devices.live(client)) {
            return;
        }
        Instant now = clock.instant();
        String initiatorToken = view.flowLogTokens().mint(flow(p, now), "initiator", now);
        client.push(new PortalToClient.AuthorizationCreated(p.resource().id(), p.resource().siteId(),
            gateway.deviceId, gateway.publicKey, gateway.ipv4, gateway.ipv6, p.psk(), p.ice().initiator(),
            p.ice().receiver(), false, IngestToken.parse(initiatorToken)));
        LOG.info("{} may reach {} through {}", client, p.resource().name(), gateway);
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

    private static FlowLogTokens.Flow flow(Pending p, Instant now) {
        DeviceSession c = p.client();
        return new FlowLogTokens.Flow(c.account.id().toString(), c.deviceId.toString(), p.gateway().deviceId.toString(),
            p.authorizationId().toString(), p.policy().id().toString(), p.resource().id().toString(),
            p.resource().name(), p.resource().address(), c.user.id().toString(), c.user.name(), c.user.email(),
            c.userAgent.version(), now, p.expiresAt());
    }
}
