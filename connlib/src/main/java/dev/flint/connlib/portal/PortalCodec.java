package dev.flint.connlib.portal;

import dev.flint.connlib.ice.IceRole;

import static dev.flint.connlib.portal.ValueCodec.NODES;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes and encodes portal channel payloads (Jackson trees) for all four directions.
 *
 * <p>Decoding is tolerant the way Firezone's peers are: unknown fields are ignored, malformed list elements
 * and unknown resource types are dropped one by one (logged and listed in {@link Decoded.Ok#dropped()}),
 * {@code sites}/{@code gateway_groups} and {@code site_id}/{@code gateway_group_id} are both read, single
 * addresses may be bare or {@code /32}/{@code /128}, and v1 event names are accepted from clients and for gateways
 * (a client ignores them, as Firezone's does). A missing or malformed
 * required field rejects the message with a {@link DecodeError} naming the field.
 *
 * <p>Encoding writes the field names and order the portal uses, compactly, so a message read from the
 * portal's canonical form is written back byte for byte.
 */
public final class PortalCodec {

    private static final Logger LOG = LoggerFactory.getLogger(PortalCodec.class);

    /** v1 event name → v2 event name, both directions of both sockets. */
    private static final Map<String, String> V1_TO_V2 = Map.of(
        "flow_created", "authorization_created",
        "flow_creation_failed", "authorization_creation_failed",
        "create_flow", "request_authorization",
        "authorize_flow", "create_authorization",
        "flow_authorized", "authorization_created");

    private static final Set<String> V1_NAMES = V1_TO_V2.keySet();

    private PortalCodec() {
    }

    /** True for the event names only the legacy ({@code /client}, {@code /gateway}) sockets use. */
    public static boolean isLegacyEventName(String event) {
        return V1_NAMES.contains(event);
    }

    /** The current (v2) name of an event: a v1 name's successor, any other name itself. */
    public static String currentEventName(String event) {
        return V1_TO_V2.getOrDefault(event, event);
    }

    // ================================================================================================
    // decoding
    // ================================================================================================

    public static Decoded<PortalToClient> decodePortalToClient(String event, JsonNode payload) {
        return decode(event, payload, PortalCodec::portalToClient);
    }

    public static Decoded<ClientToPortal> decodeClientToPortal(String event, JsonNode payload) {
        return decode(event, payload, PortalCodec::clientToPortal);
    }

    public static Decoded<PortalToGateway> decodePortalToGateway(String event, JsonNode payload) {
        return decode(event, payload, PortalCodec::portalToGateway);
    }

    public static Decoded<GatewayToPortal> decodeGatewayToPortal(String event, JsonNode payload) {
        return decode(event, payload, PortalCodec::gatewayToPortal);
    }

    private interface Decoder<T> {
        /** Null when the event is not one of this direction's. */
        T decode(String event, JsonNode payload, List<String> dropped);
    }

    private static <T extends PortalMessage> Decoded<T> decode(String event, JsonNode payload, Decoder<T> decoder) {
        List<String> dropped = new ArrayList<>();
        try {
            T message = decoder.decode(event, payload, dropped);
            if (message == null) {
                return new Decoded.UnknownEvent<>(event);
            }
            return new Decoded.Ok<>(message, dropped);
        } catch (DecodeFailure f) {
            DecodeError error = new DecodeError(event, f.field, f.problem);
            LOG.warn("Rejecting portal message: {}", error.message());
            return new Decoded.Invalid<>(error);
        } catch (RuntimeException e) {
            // A record constructor refusing a value the readers let through; still a value, not a crash.
            DecodeError error = new DecodeError(event, "", "is invalid: " + e.getMessage());
            LOG.warn("Rejecting portal message: {}", error.message());
            return new Decoded.Invalid<>(error);
        }
    }

    private static PortalToClient portalToClient(String event, JsonNode payload, List<String> dropped) {
        // Firezone's client speaks only the v2 socket: its IngressMessages has no v1 variants, so a v1 event
        // (flow_created, flow_creation_failed) fails to deserialize and is skipped, never acted on.
        if (V1_NAMES.contains(event)) {
            return null;
        }
        String name = event;
        if (name.equals("resource_deleted")) {
            if (payload == null || !payload.isTextual()) {
                throw new DecodeFailure("", "payload is not a resource id string");
            }
            return new PortalToClient.ResourceDeleted(JsonIn.uuidText(payload.textValue(), "payload"));
        }
        if (name.equals("resource_created_or_updated")) {
            return new PortalToClient.ResourceCreatedOrUpdated(ValueCodec.singleResource(payload, dropped));
        }
        Function<JsonIn, PortalToClient> decode = switch (name) {
            case "init" -> o -> new PortalToClient.Init(ValueCodec.iface(o.object("interface")),
                o.list("resources", false, ValueCodec::resource), ValueCodec.relays(o, "relays", false),
                ValueCodec.authorizations(o), ValueCodec.flowLogs(o.object("flow_logs")));
            case "config_changed" -> o -> new PortalToClient.ConfigChanged(ValueCodec.iface(o.object("interface")));
            case "relays_presence" -> o -> new PortalToClient.RelaysPresence(
                ValueCodec.uuids(o, "disconnected_ids", false), ValueCodec.relays(o, "connected", false));
            case "authorization_created" -> o -> new PortalToClient.AuthorizationCreated(o.uuid("resource_id"),
                o.has("site_id") ? o.uuid("site_id") : o.uuid("gateway_group_id"), o.uuid("gateway_id"),
                o.key("gateway_public_key"), o.ipv4("gateway_ipv4"), o.ipv6("gateway_ipv6"), o.key("preshared_key"),
                ValueCodec.ice(o.object("client_ice_credentials")),
                ValueCodec.ice(o.object("gateway_ice_credentials")), o.boolOr("use_iceless", false),
                o.ingestToken("flow_logs_ingest_token"));
            case "authorization_creation_failed" -> o -> new PortalToClient.AuthorizationCreationFailed(
                o.uuid("resource_id"), o.string("reason"), ValueCodec.strings(o, "violated_properties"));
            case "ice_candidates", "gateway_ice_candidates" ->
                o -> new PortalToClient.IceCandidates(o.uuid("gateway_id"), ValueCodec.candidates(o));
            case "invalidate_ice_candidates", "invalidate_gateway_ice_candidates" ->
                o -> new PortalToClient.InvalidateIceCandidates(o.uuid("gateway_id"), ValueCodec.candidates(o));
            case "client_device_access_authorized" -> PortalCodec::clientDeviceAccessAuthorized;
            case "client_device_access_denied" -> o -> new PortalToClient.ClientDeviceAccessDenied(
                o.optUuid("client_id"), o.optIpv4("ipv4"), o.optIpv6("ipv6"), o.optUuid("resource_id"),
                o.string("reason"));
            case "client_ice_candidates" ->
                o -> new PortalToClient.ClientIceCandidates(o.uuid("client_id"), ValueCodec.candidates(o));
            case "invalidate_client_ice_candidates" ->
                o -> new PortalToClient.InvalidateClientIceCandidates(o.uuid("client_id"), ValueCodec.candidates(o));
            case "client_ice_candidate_error" ->
                o -> new PortalToClient.ClientIceCandidateError(o.uuid("client_id"), o.string("reason"));
            case "device_pool_domain_resolved" -> o -> new PortalToClient.DevicePoolDomainResolved(
                o.optUuid("resource_id"), o.string("domain"), o.ipv4("ipv4"), o.ipv6("ipv6"));
            case "device_pool_domain_resolution_failed" -> o -> new PortalToClient.DevicePoolDomainResolutionFailed(
                o.optUuid("resource_id"), o.string("domain"), o.string("reason"));
            case "resource_filters_updated" ->
                o -> new PortalToClient.ResourceFiltersUpdated(o.uuid("id"), ValueCodec.filters(o, true));
            case "reject_access" -> o -> new PortalToClient.RejectAccess(o.uuid("client_id"), o.uuid("resource_id"));
            case "access_authorization_expiry_updated" -> o -> new PortalToClient.AccessAuthorizationExpiryUpdated(
                o.optUuid("client_id"), o.optUuid("resource_id"), o.optEpochSeconds("expires_at"));
            default -> null;
        };
        return decode == null ? null : decode.apply(JsonIn.root(payload, dropped));
    }

    private static PortalToClient clientDeviceAccessAuthorized(JsonIn o) {
        String roleText = o.string("ice_role");
        IceRole role = IceRole.fromWire(roleText);
        if (role == null) {
            throw new DecodeFailure(o.path("ice_role"), "is not controlling or controlled");
        }
        JsonIn r = o.optObject("resource");
        AuthorizedResource resource = r == null ? null : new AuthorizedResource(r.uuid("id"),
            ValueCodec.filters(r, false));
        return new PortalToClient.ClientDeviceAccessAuthorized(o.uuid("client_id"), o.string("client_name"),
            o.key("client_public_key"), o.ipv4("client_ipv4"), o.ipv6("client_ipv6"), o.key("preshared_key"),
            ValueCodec.ice(o.object("local_ice_credentials")), ValueCodec.ice(o.object("remote_ice_credentials")),
            role, o.boolOr("use_iceless", false), resource, o.optEpochSeconds("expires_at"),
            o.ingestToken("flow_logs_ingest_token"));
    }

    private static ClientToPortal clientToPortal(String event, JsonNode payload, List<String> dropped) {
        String name = V1_TO_V2.getOrDefault(event, event);
        Function<JsonIn, ClientToPortal> decode = switch (name) {
            case "request_authorization" -> o -> new ClientToPortal.RequestAuthorization(o.uuid("resource_id"),
                ValueCodec.uuids(o, "connected_gateway_ids", false), o.optIpv4("ipv4"), o.optIpv6("ipv6"));
            case "new_gateway_ice_candidates" ->
                o -> new ClientToPortal.NewGatewayIceCandidates(o.uuid("gateway_id"), ValueCodec.candidates(o));
            case "invalidate_gateway_ice_candidates" ->
                o -> new ClientToPortal.InvalidateGatewayIceCandidates(o.uuid("gateway_id"), ValueCodec.candidates(o));
            case "broadcast_ice_candidates" -> o -> new ClientToPortal.BroadcastIceCandidates(
                ValueCodec.candidates(o), ValueCodec.uuids(o, "gateway_ids", true));
            case "broadcast_invalidated_ice_candidates" -> o -> new ClientToPortal.BroadcastInvalidatedIceCandidates(
                ValueCodec.candidates(o), ValueCodec.uuids(o, "gateway_ids", true));
            case "new_client_ice_candidates" ->
                o -> new ClientToPortal.NewClientIceCandidates(o.uuid("client_id"), ValueCodec.candidates(o));
            case "invalidate_client_ice_candidates" ->
                o -> new ClientToPortal.InvalidateClientIceCandidates(o.uuid("client_id"), ValueCodec.candidates(o));
            case "resolve_device_pool_domain" ->
                o -> new ClientToPortal.ResolveDevicePoolDomain(o.uuid("resource_id"), o.string("domain"));
            case "no_relays" -> o -> new ClientToPortal.NoRelays();
            case "set_snownet_capabilities" -> o -> new ClientToPortal.SetSnownetCapabilities(o.boolOr("iceless", false));
            case "request_device_access" -> o -> new ClientToPortal.RequestDeviceAccess(payload);
            case "prepare_connection" -> o -> new ClientToPortal.PrepareConnection(o.uuid("resource_id"),
                ValueCodec.uuids(o, "connected_gateway_ids", false));
            case "request_connection" -> o -> new ClientToPortal.RequestConnection(o.uuid("gateway_id"),
                o.uuid("resource_id"), o.rawRequired("client_payload"), o.string("client_preshared_key"));
            case "reuse_connection" -> o -> new ClientToPortal.ReuseConnection(o.uuid("gateway_id"),
                o.uuid("resource_id"), o.rawRequired("payload"));
            default -> null;
        };
        return decode == null ? null : decode.apply(JsonIn.root(payload, dropped));
    }

    private static PortalToGateway portalToGateway(String event, JsonNode payload, List<String> dropped) {
        String name = V1_TO_V2.getOrDefault(event, event);
        Function<JsonIn, PortalToGateway> decode = switch (name) {
            case "init" -> o -> {
                JsonIn i = o.object("interface");
                JsonIn c = o.object("config");
                return new PortalToGateway.Init(new GatewayInterface(i.ipv4("ipv4"), i.ipv6("ipv6")),
                    new GatewayConfig(c.boolOr("ipv4_masquerade_enabled", false),
                        c.boolOr("ipv6_masquerade_enabled", false)),
                    o.optString("account_slug"), ValueCodec.relays(o, "relays", false), ValueCodec.authorizations(o),
                    ValueCodec.flowLogs(o.object("flow_logs")));
            };
            case "create_authorization" -> PortalCodec::createAuthorization;
            case "ice_candidates" ->
                o -> new PortalToGateway.IceCandidates(o.uuid("client_id"), ValueCodec.candidates(o));
            case "invalidate_ice_candidates" ->
                o -> new PortalToGateway.InvalidateIceCandidates(o.uuid("client_id"), ValueCodec.candidates(o));
            case "reject_access" -> o -> new PortalToGateway.RejectAccess(o.uuid("client_id"), o.uuid("resource_id"));
            case "resource_updated" -> o -> new PortalToGateway.ResourceUpdated(ValueCodec.gatewayResource(o));
            case "relays_presence" -> o -> new PortalToGateway.RelaysPresence(
                ValueCodec.uuids(o, "disconnected_ids", false), ValueCodec.relays(o, "connected", false));
            case "access_authorization_expiry_updated" -> o -> new PortalToGateway.AccessAuthorizationExpiryUpdated(
                o.optUuid("client_id"), o.optUuid("resource_id"), o.optEpochSeconds("expires_at"));
            case "allow_access" -> o -> new PortalToGateway.AllowAccess(o.string("ref"), o.uuid("client_id"),
                ValueCodec.gatewayResource(o.object("resource")), o.optEpochSeconds("expires_at"), o.raw("payload"),
                o.ipv4("client_ipv4"), o.ipv6("client_ipv6"));
            case "request_connection" -> o -> {
                JsonIn c = o.object("client");
                JsonIn p = c.object("peer");
                PortalToGateway.LegacyPeer peer = new PortalToGateway.LegacyPeer(p.port("persistent_keepalive"),
                    p.key("public_key"), p.key("preshared_key"), p.ipv4("ipv4"), p.ipv6("ipv6"));
                return new PortalToGateway.RequestConnection(o.string("ref"),
                    ValueCodec.gatewayResource(o.object("resource")),
                    new PortalToGateway.LegacyClient(c.uuid("id"), c.raw("payload"), peer),
                    o.optEpochSeconds("expires_at"));
            };
            default -> null;
        };
        return decode == null ? null : decode.apply(JsonIn.root(payload, dropped));
    }

    private static PortalToGateway createAuthorization(JsonIn o) {
        JsonIn c = o.object("client");
        GatewayClient client = new GatewayClient(c.uuid("id"), c.key("public_key"), c.key("preshared_key"),
            c.ipv4("ipv4"), c.ipv6("ipv6"), c.optString("version"), c.optString("device_os_name"),
            c.optString("device_os_version"), c.optString("device_serial"), c.optString("device_uuid"),
            c.optString("identifier_for_vendor"), c.optString("firebase_installation_id"));
        JsonIn s = o.optObject("subject");
        Subject subject = s == null ? null : new Subject(s.optString("actor_id"), s.optString("actor_name"),
            s.optString("actor_email"), s.optString("actor_type"), s.optString("auth_provider_id"),
            s.optString("ip"), s.optString("ip_region"), s.optString("ip_city"), s.optDouble("ip_lat"),
            s.optDouble("ip_lon"), s.optString("user_agent"));
        return new PortalToGateway.CreateAuthorization(o.string("ref"), ValueCodec.gatewayResource(o.object("resource")),
            client, ValueCodec.ice(o.object("client_ice_credentials")),
            ValueCodec.ice(o.object("gateway_ice_credentials")), o.optEpochSeconds("expires_at"), subject,
            o.boolOr("use_iceless", false), o.ingestToken("flow_logs_ingest_token"));
    }

    private static GatewayToPortal gatewayToPortal(String event, JsonNode payload, List<String> dropped) {
        String name = V1_TO_V2.getOrDefault(event, event);
        Function<JsonIn, GatewayToPortal> decode = switch (name) {
            case "authorization_created" -> o -> new GatewayToPortal.AuthorizationCreated(o.string("ref"));
            case "broadcast_ice_candidates" -> o -> new GatewayToPortal.BroadcastIceCandidates(
                ValueCodec.uuids(o, "client_ids", true), ValueCodec.candidates(o));
            case "broadcast_invalidated_ice_candidates" -> o -> new GatewayToPortal.BroadcastInvalidatedIceCandidates(
                ValueCodec.uuids(o, "client_ids", true), ValueCodec.candidates(o));
            case "no_relays" -> o -> new GatewayToPortal.NoRelays();
            case "set_snownet_capabilities" ->
                o -> new GatewayToPortal.SetSnownetCapabilities(o.boolOr("iceless", false));
            case "connection_ready" ->
                o -> new GatewayToPortal.ConnectionReady(o.string("ref"), o.rawRequired("gateway_payload"));
            default -> null;
        };
        return decode == null ? null : decode.apply(JsonIn.root(payload, dropped));
    }

    // ================================================================================================
    // encoding
    // ================================================================================================

    /** Encodes for the current portal protocol (v2 names, {@code sites}). */
    public static EncodedMessage encode(PortalMessage message) {
        return encode(message, EncodeOptions.CURRENT);
    }

    public static EncodedMessage encode(PortalMessage message, EncodeOptions options) {
        return switch (message) {
            case PortalToClient m -> encodePortalToClient(m, options);
            case ClientToPortal m -> encodeClientToPortal(m, options);
            case PortalToGateway m -> encodePortalToGateway(m, options);
            case GatewayToPortal m -> encodeGatewayToPortal(m, options);
        };
    }

    private static String name(String v2, String v1, EncodeOptions options) {
        return options.legacyEventNames() ? v1 : v2;
    }

    private static EncodedMessage encodePortalToClient(PortalToClient message, EncodeOptions options) {
        ObjectNode o = NODES.objectNode();
        return switch (message) {
            case PortalToClient.Init m -> {
                o.set("interface", ValueCodec.writeInterface(m.iface()));
                o.set("resources", ValueCodec.writeResources(m.resources(), options));
                o.set("relays", ValueCodec.writeRelays(m.relays()));
                o.set("authorizations", ValueCodec.writeAuthorizations(m.authorizations()));
                o.set("flow_logs", ValueCodec.writeFlowLogs(m.flowLogs()));
                yield new EncodedMessage("init", o);
            }
            case PortalToClient.ResourceCreatedOrUpdated m ->
                new EncodedMessage("resource_created_or_updated", ValueCodec.writeResource(m.resource(), options));
            case PortalToClient.ResourceDeleted m ->
                new EncodedMessage("resource_deleted", TextNode.valueOf(m.id().toString()));
            case PortalToClient.ConfigChanged m -> {
                o.set("interface", ValueCodec.writeInterface(m.iface()));
                yield new EncodedMessage("config_changed", o);
            }
            case PortalToClient.RelaysPresence m -> {
                o.set("disconnected_ids", ValueCodec.writeUuids(m.disconnectedIds()));
                o.set("connected", ValueCodec.writeRelays(m.connected()));
                yield new EncodedMessage("relays_presence", o);
            }
            case PortalToClient.AuthorizationCreated m -> {
                o.put("resource_id", m.resourceId().toString());
                o.put(options.legacySiteKeys() ? "gateway_group_id" : "site_id", m.siteId().toString());
                o.put("gateway_id", m.gatewayId().toString());
                o.put("gateway_public_key", m.gatewayPublicKey().toBase64());
                o.put("gateway_ipv4", InetLiteral.format(m.gatewayIpv4()));
                o.put("gateway_ipv6", InetLiteral.format(m.gatewayIpv6()));
                o.put("preshared_key", m.presharedKey().toBase64());
                o.set("client_ice_credentials", ValueCodec.writeIce(m.clientIceCredentials()));
                o.set("gateway_ice_credentials", ValueCodec.writeIce(m.gatewayIceCredentials()));
                o.put("use_iceless", m.useIceless());
                o.put("flow_logs_ingest_token", m.flowLogsIngestToken().value());
                yield new EncodedMessage(name("authorization_created", "flow_created", options), o);
            }
            case PortalToClient.AuthorizationCreationFailed m -> {
                o.put("resource_id", m.resourceId().toString());
                o.put("reason", m.reason());
                if (!m.violatedProperties().isEmpty()) {
                    o.set("violated_properties", ValueCodec.writeStrings(m.violatedProperties()));
                }
                yield new EncodedMessage(name("authorization_creation_failed", "flow_creation_failed", options), o);
            }
            case PortalToClient.IceCandidates m -> {
                o.put("gateway_id", m.gatewayId().toString());
                o.set("candidates", ValueCodec.writeStrings(m.candidates()));
                yield new EncodedMessage("ice_candidates", o);
            }
            case PortalToClient.InvalidateIceCandidates m -> {
                o.put("gateway_id", m.gatewayId().toString());
                o.set("candidates", ValueCodec.writeStrings(m.candidates()));
                yield new EncodedMessage("invalidate_ice_candidates", o);
            }
            case PortalToClient.ClientDeviceAccessAuthorized m -> {
                o.put("client_id", m.clientId().toString());
                o.put("client_name", m.clientName());
                o.put("client_public_key", m.clientPublicKey().toBase64());
                o.put("client_ipv4", InetLiteral.format(m.clientIpv4()));
                o.put("client_ipv6", InetLiteral.format(m.clientIpv6()));
                o.put("preshared_key", m.presharedKey().toBase64());
                o.set("local_ice_credentials", ValueCodec.writeIce(m.localIceCredentials()));
                o.set("remote_ice_credentials", ValueCodec.writeIce(m.remoteIceCredentials()));
                o.put("ice_role", m.iceRole().wireName());
                o.put("use_iceless", m.useIceless());
                if (m.resource() != null) {
                    ObjectNode r = o.putObject("resource");
                    r.put("id", m.resource().id().toString());
                    r.set("filters", ValueCodec.writeFilters(m.resource().filters()));
                }
                if (m.expiresAt() != null) {
                    o.put("expires_at", m.expiresAt().getEpochSecond());
                }
                o.put("flow_logs_ingest_token", m.flowLogsIngestToken().value());
                yield new EncodedMessage("client_device_access_authorized", o);
            }
            case PortalToClient.ClientDeviceAccessDenied m -> {
                putIfPresent(o, "client_id", m.clientId());
                putIfPresent(o, "ipv4", m.ipv4());
                putIfPresent(o, "ipv6", m.ipv6());
                putIfPresent(o, "resource_id", m.resourceId());
                o.put("reason", m.reason());
                yield new EncodedMessage("client_device_access_denied", o);
            }
            case PortalToClient.ClientIceCandidates m -> {
                o.put("client_id", m.clientId().toString());
                o.set("candidates", ValueCodec.writeStrings(m.candidates()));
                yield new EncodedMessage("client_ice_candidates", o);
            }
            case PortalToClient.InvalidateClientIceCandidates m -> {
                o.put("client_id", m.clientId().toString());
                o.set("candidates", ValueCodec.writeStrings(m.candidates()));
                yield new EncodedMessage("invalidate_client_ice_candidates", o);
            }
            case PortalToClient.ClientIceCandidateError m -> {
                o.put("client_id", m.clientId().toString());
                o.put("reason", m.reason());
                yield new EncodedMessage("client_ice_candidate_error", o);
            }
            case PortalToClient.DevicePoolDomainResolved m -> {
                putIfPresent(o, "resource_id", m.resourceId());
                o.put("domain", m.domain());
                o.put("ipv4", InetLiteral.format(m.ipv4()));
                o.put("ipv6", InetLiteral.format(m.ipv6()));
                yield new EncodedMessage("device_pool_domain_resolved", o);
            }
            case PortalToClient.DevicePoolDomainResolutionFailed m -> {
                putIfPresent(o, "resource_id", m.resourceId());
                o.put("domain", m.domain());
                o.put("reason", m.reason());
                yield new EncodedMessage("device_pool_domain_resolution_failed", o);
            }
            case PortalToClient.ResourceFiltersUpdated m -> {
                o.put("id", m.id().toString());
                o.set("filters", ValueCodec.writeFilters(m.filters()));
                yield new EncodedMessage("resource_filters_updated", o);
            }
            case PortalToClient.RejectAccess m -> {
                o.put("client_id", m.clientId().toString());
                o.put("resource_id", m.resourceId().toString());
                yield new EncodedMessage("reject_access", o);
            }
            case PortalToClient.AccessAuthorizationExpiryUpdated m -> {
                putIfPresent(o, "client_id", m.clientId());
                putIfPresent(o, "resource_id", m.resourceId());
                if (m.expiresAt() != null) {
                    o.put("expires_at", m.expiresAt().getEpochSecond());
                }
                yield new EncodedMessage("access_authorization_expiry_updated", o);
            }
        };
    }

    private static EncodedMessage encodeClientToPortal(ClientToPortal message, EncodeOptions options) {
        ObjectNode o = NODES.objectNode();
        return switch (message) {
            case ClientToPortal.RequestAuthorization m -> {
                o.put("resource_id", m.resourceId().toString());
                o.set("connected_gateway_ids", ValueCodec.writeUuids(m.connectedGatewayIds()));
                putIfPresent(o, "ipv4", m.ipv4());
                putIfPresent(o, "ipv6", m.ipv6());
                yield new EncodedMessage(name("request_authorization", "create_flow", options), o);
            }
            case ClientToPortal.NewGatewayIceCandidates m -> {
                o.put("gateway_id", m.gatewayId().toString());
                o.set("candidates", ValueCodec.writeStrings(m.candidates()));
                yield new EncodedMessage("new_gateway_ice_candidates", o);
            }
            case ClientToPortal.InvalidateGatewayIceCandidates m -> {
                o.put("gateway_id", m.gatewayId().toString());
                o.set("candidates", ValueCodec.writeStrings(m.candidates()));
                yield new EncodedMessage("invalidate_gateway_ice_candidates", o);
            }
            case ClientToPortal.BroadcastIceCandidates m -> {
                o.set("candidates", ValueCodec.writeStrings(m.candidates()));
                o.set("gateway_ids", ValueCodec.writeUuids(m.gatewayIds()));
                yield new EncodedMessage("broadcast_ice_candidates", o);
            }
            case ClientToPortal.BroadcastInvalidatedIceCandidates m -> {
                o.set("candidates", ValueCodec.writeStrings(m.candidates()));
                o.set("gateway_ids", ValueCodec.writeUuids(m.gatewayIds()));
                yield new EncodedMessage("broadcast_invalidated_ice_candidates", o);
            }
            case ClientToPortal.NewClientIceCandidates m -> {
                o.put("client_id", m.clientId().toString());
                o.set("candidates", ValueCodec.writeStrings(m.candidates()));
                yield new EncodedMessage("new_client_ice_candidates", o);
            }
            case ClientToPortal.InvalidateClientIceCandidates m -> {
                o.put("client_id", m.clientId().toString());
                o.set("candidates", ValueCodec.writeStrings(m.candidates()));
                yield new EncodedMessage("invalidate_client_ice_candidates", o);
            }
            case ClientToPortal.ResolveDevicePoolDomain m -> {
                o.put("resource_id", m.resourceId().toString());
                o.put("domain", m.domain());
                yield new EncodedMessage("resolve_device_pool_domain", o);
            }
            case ClientToPortal.NoRelays m -> new EncodedMessage("no_relays", o);
            case ClientToPortal.SetSnownetCapabilities m -> {
                o.put("iceless", m.iceless());
                yield new EncodedMessage("set_snownet_capabilities", o);
            }
            case ClientToPortal.RequestDeviceAccess m -> new EncodedMessage("request_device_access", m.payload());
            case ClientToPortal.PrepareConnection m -> {
                o.put("resource_id", m.resourceId().toString());
                o.set("connected_gateway_ids", ValueCodec.writeUuids(m.connectedGatewayIds()));
                yield new EncodedMessage("prepare_connection", o);
            }
            case ClientToPortal.RequestConnection m -> {
                o.put("gateway_id", m.gatewayId().toString());
                o.put("resource_id", m.resourceId().toString());
                o.set("client_payload", m.clientPayload());
                o.put("client_preshared_key", m.clientPresharedKey());
                yield new EncodedMessage("request_connection", o);
            }
            case ClientToPortal.ReuseConnection m -> {
                o.put("gateway_id", m.gatewayId().toString());
                o.put("resource_id", m.resourceId().toString());
                o.set("payload", m.payload());
                yield new EncodedMessage("reuse_connection", o);
            }
        };
    }

    private static EncodedMessage encodePortalToGateway(PortalToGateway message, EncodeOptions options) {
        ObjectNode o = NODES.objectNode();
        return switch (message) {
            case PortalToGateway.Init m -> {
                o.putObject("interface").put("ipv4", InetLiteral.format(m.iface().ipv4()))
                    .put("ipv6", InetLiteral.format(m.iface().ipv6()));
                o.putObject("config").put("ipv4_masquerade_enabled", m.config().ipv4MasqueradeEnabled())
                    .put("ipv6_masquerade_enabled", m.config().ipv6MasqueradeEnabled());
                if (m.accountSlug() != null) {
                    o.put("account_slug", m.accountSlug());
                }
                o.set("relays", ValueCodec.writeRelays(m.relays()));
                o.set("authorizations", ValueCodec.writeAuthorizations(m.authorizations()));
                o.set("flow_logs", ValueCodec.writeFlowLogs(m.flowLogs()));
                yield new EncodedMessage("init", o);
            }
            case PortalToGateway.CreateAuthorization m -> {
                o.put("ref", m.ref());
                o.set("resource", ValueCodec.writeGatewayResource(m.resource()));
                GatewayClient c = m.client();
                o.putObject("client").put("id", c.id().toString()).put("public_key", c.publicKey().toBase64())
                    .put("preshared_key", c.presharedKey().toBase64()).put("ipv4", InetLiteral.format(c.ipv4()))
                    .put("ipv6", InetLiteral.format(c.ipv6())).put("version", c.version())
                    .put("device_os_name", c.deviceOsName()).put("device_os_version", c.deviceOsVersion())
                    .put("device_serial", c.deviceSerial()).put("device_uuid", c.deviceUuid())
                    .put("identifier_for_vendor", c.identifierForVendor())
                    .put("firebase_installation_id", c.firebaseInstallationId());
                o.set("client_ice_credentials", ValueCodec.writeIce(m.clientIceCredentials()));
                o.set("gateway_ice_credentials", ValueCodec.writeIce(m.gatewayIceCredentials()));
                o.put("expires_at", ValueCodec.epoch(m.expiresAt()));
                if (m.subject() != null) {
                    Subject s = m.subject();
                    o.putObject("subject").put("actor_id", s.actorId()).put("actor_name", s.actorName())
                        .put("actor_email", s.actorEmail()).put("actor_type", s.actorType())
                        .put("auth_provider_id", s.authProviderId()).put("ip", s.ip()).put("ip_region", s.ipRegion())
                        .put("ip_city", s.ipCity()).put("ip_lat", s.ipLat()).put("ip_lon", s.ipLon())
                        .put("user_agent", s.userAgent());
                }
                o.put("use_iceless", m.useIceless());
                o.put("flow_logs_ingest_token", m.flowLogsIngestToken().value());
                yield new EncodedMessage(name("create_authorization", "authorize_flow", options), o);
            }
            case PortalToGateway.IceCandidates m -> {
                o.put("client_id", m.clientId().toString());
                o.set("candidates", ValueCodec.writeStrings(m.candidates()));
                yield new EncodedMessage("ice_candidates", o);
            }
            case PortalToGateway.InvalidateIceCandidates m -> {
                o.put("client_id", m.clientId().toString());
                o.set("candidates", ValueCodec.writeStrings(m.candidates()));
                yield new EncodedMessage("invalidate_ice_candidates", o);
            }
            case PortalToGateway.RejectAccess m -> {
                o.put("client_id", m.clientId().toString());
                o.put("resource_id", m.resourceId().toString());
                yield new EncodedMessage("reject_access", o);
            }
            case PortalToGateway.ResourceUpdated m ->
                new EncodedMessage("resource_updated", ValueCodec.writeGatewayResource(m.resource()));
            case PortalToGateway.RelaysPresence m -> {
                o.set("disconnected_ids", ValueCodec.writeUuids(m.disconnectedIds()));
                o.set("connected", ValueCodec.writeRelays(m.connected()));
                yield new EncodedMessage("relays_presence", o);
            }
            case PortalToGateway.AccessAuthorizationExpiryUpdated m -> {
                putIfPresent(o, "client_id", m.clientId());
                putIfPresent(o, "resource_id", m.resourceId());
                if (m.expiresAt() != null) {
                    o.put("expires_at", m.expiresAt().getEpochSecond());
                }
                yield new EncodedMessage("access_authorization_expiry_updated", o);
            }
            case PortalToGateway.AllowAccess m -> {
                o.put("ref", m.ref());
                o.put("client_id", m.clientId().toString());
                o.set("resource", ValueCodec.writeGatewayResource(m.resource()));
                o.put("expires_at", ValueCodec.epoch(m.expiresAt()));
                o.set("payload", m.payload());
                o.put("client_ipv4", InetLiteral.format(m.clientIpv4()));
                o.put("client_ipv6", InetLiteral.format(m.clientIpv6()));
                yield new EncodedMessage("allow_access", o);
            }
            case PortalToGateway.RequestConnection m -> {
                o.put("ref", m.ref());
                o.set("resource", ValueCodec.writeGatewayResource(m.resource()));
                ObjectNode client = o.putObject("client");
                client.put("id", m.client().id().toString());
                client.set("payload", m.client().payload());
                PortalToGateway.LegacyPeer p = m.client().peer();
                client.putObject("peer").put("persistent_keepalive", p.persistentKeepalive())
                    .put("public_key", p.publicKey().toBase64()).put("preshared_key", p.presharedKey().toBase64())
                    .put("ipv4", InetLiteral.format(p.ipv4())).put("ipv6", InetLiteral.format(p.ipv6()));
                o.put("expires_at", ValueCodec.epoch(m.expiresAt()));
                yield new EncodedMessage("request_connection", o);
            }
        };
    }

    private static EncodedMessage encodeGatewayToPortal(GatewayToPortal message, EncodeOptions options) {
        ObjectNode o = NODES.objectNode();
        return switch (message) {
            case GatewayToPortal.AuthorizationCreated m -> {
                o.put("ref", m.ref());
                yield new EncodedMessage(name("authorization_created", "flow_authorized", options), o);
            }
            case GatewayToPortal.BroadcastIceCandidates m -> {
                o.set("client_ids", ValueCodec.writeUuids(m.clientIds()));
                o.set("candidates", ValueCodec.writeStrings(m.candidates()));
                yield new EncodedMessage("broadcast_ice_candidates", o);
            }
            case GatewayToPortal.BroadcastInvalidatedIceCandidates m -> {
                o.set("client_ids", ValueCodec.writeUuids(m.clientIds()));
                o.set("candidates", ValueCodec.writeStrings(m.candidates()));
                yield new EncodedMessage("broadcast_invalidated_ice_candidates", o);
            }
            case GatewayToPortal.NoRelays m -> new EncodedMessage("no_relays", o);
            case GatewayToPortal.SetSnownetCapabilities m -> {
                o.put("iceless", m.iceless());
                yield new EncodedMessage("set_snownet_capabilities", o);
            }
            case GatewayToPortal.ConnectionReady m -> {
                o.put("ref", m.ref());
                o.set("gateway_payload", m.gatewayPayload());
                yield new EncodedMessage("connection_ready", o);
            }
        };
    }

    private static void putIfPresent(ObjectNode o, String name, Object value) {
        switch (value) {
            case null -> {
            }
            case UUID id -> o.put(name, id.toString());
            case InetAddress ip -> o.put(name, InetLiteral.format(ip));
            default -> o.put(name, value.toString());
        }
    }
}
