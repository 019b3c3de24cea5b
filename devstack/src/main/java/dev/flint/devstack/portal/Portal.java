package dev.flint.devstack.portal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.flint.connlib.phoenix.ServerChannel;
import dev.flint.connlib.phoenix.ServerEvent;
import dev.flint.connlib.portal.ClientToPortal;
import dev.flint.connlib.portal.Decoded;
import dev.flint.connlib.portal.GatewayToPortal;
import dev.flint.connlib.portal.PortalCodec;
import dev.flint.devstack.portal.PortalConfig.Account;
import dev.flint.devstack.portal.PortalConfig.User;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The portal's logic, composed of one handler per concern as a Netty pipeline is: {@link SignIn} decides who may
 * connect, {@link ClientChannel} and {@link GatewayChannel} speak the two topics, {@link Authorizations} carries the
 * authorization flow between them (portal reference §5), and {@link ConfigReload} pushes what a new config changes.
 * This class routes socket events to them. Not thread-safe: the shell calls it from one event-loop thread only, and
 * timers run on that thread too.
 */
final class Portal {

    private static final Logger LOG = LoggerFactory.getLogger(Portal.class);
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

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

    /** Either a refusal or (when a socket was given) the new session. */
    record Admission(Refusal problem, DeviceSession session) {
    }

    private final Clock clock;
    private final ConfigView view;
    private final Authorizations authorizations;
    private final ClientChannel clientChannel;
    private final GatewayChannel gatewayChannel;
    private final SignIn signIn;
    private final ConfigReload configReload;
    private final Devices devices;

    Portal(PortalConfig config, Clock clock, Scheduler scheduler, RandomGenerator random, AddressBook addresses,
           GrantBook grants) {
        this.clock = clock;
        this.devices = new Devices(addresses);
        this.view = new ConfigView(config);
        this.authorizations = new Authorizations(devices, view, scheduler, clock, random, grants);
        this.clientChannel = new ClientChannel(devices, view, authorizations, scheduler, clock);
        this.gatewayChannel = new GatewayChannel(devices, view, authorizations);
        this.signIn = new SignIn(view, devices, clock);
        this.configReload = new ConfigReload(view, devices, authorizations);
    }

    PortalConfig config() {
        return view.config();
    }

    /** See {@link ConfigReload#relayPresence}. */
    void relayPresence(UUID relayId, boolean answering) {
        configReload.relayPresence(relayId, answering);
    }

    ClientTokens tokens() {
        return view.tokens();
    }

    /** See {@link ConfigView#setUpstreamDoh}. */
    void setUpstreamDoh(List<String> urls) {
        view.setUpstreamDoh(urls);
    }

    void setFlowLogsApiUrl(String url) {
        view.setFlowLogsApiUrl(url);
    }

    Instant now() {
        return clock.instant();
    }

    List<Grant> grants() {
        return authorizations.grants();
    }

    // ---- sign-in -------------------------------------------------------------------------------------

    /** Issues a client token for a user: the fragment to hand back (the client prepends its nonce). */
    String issueFragment(Account account, User user, String nonce) {
        return signIn.issueFragment(account, user, nonce);
    }

    /** Revokes the user's tokens: connected sessions get {@code disconnect token_expired}, reconnects a 401. */
    int signOut(String email) {
        return signIn.signOut(email);
    }

    // ---- connect -------------------------------------------------------------------------------------

    /** Checks a connect request; the refusal to send, or empty when the upgrade may go ahead. */
    Optional<Refusal> check(ConnectRequest request) {
        return Optional.ofNullable(signIn.admit(request, null, null).problem());
    }

    /** Admits a socket about to be upgraded: its registered session, or the refusal to answer instead. */
    Admission open(ConnectRequest request, ServerChannel phoenix, DeviceSession.Transport transport) {
        Admission admission = signIn.admit(request, phoenix, transport);
        if (admission.problem() != null) {
            return admission;
        }
        DeviceSession session = admission.session();
        DeviceSession previous = devices.register(session);
        if (previous != null) {
            // The same device reconnected; its old socket is dead even if TCP has not noticed yet.
            LOG.info("{} replaces its previous socket", session);
            devices.drop(previous);
            previous.transport.close();
        }
        LOG.info("{} connected from {} ({})", session, session.remoteIp, session.userAgent.raw());
        return admission;
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
        if (devices.drop(session)) {
            LOG.info("{} disconnected", session);
        }
    }

    private void joined(DeviceSession session) {
        if (!devices.live(session)) {
            return;
        }
        session.joined = true;
        switch (session.kind) {
            case CLIENT -> clientChannel.joined(session);
            case GATEWAY -> gatewayChannel.joined(session);
        }
        LOG.info("{} joined; init sent", session);
    }

    private void received(DeviceSession session, String event, JsonNode payload, JsonNode ref) {
        if (!devices.live(session)) {
            return;
        }
        boolean wrongGeneration = session.legacyEndpoint
            ? List.of("request_authorization", "authorization_created", "create_authorization").contains(event)
            : PortalCodec.isLegacyEventName(event);
        if (wrongGeneration) {
            session.replyError(ref, "unknown_message");
            return;
        }
        switch (session.kind) {
            case CLIENT -> {
                switch (PortalCodec.decodeClientToPortal(event, payload)) {
                    case Decoded.Ok<ClientToPortal> ok -> clientChannel.received(session, ok.message(), ref);
                    case Decoded.UnknownEvent<ClientToPortal> u -> session.replyError(ref, "unknown_message");
                    case Decoded.Invalid<ClientToPortal> bad -> invalid(session, ref, bad.error().message());
                }
            }
            case GATEWAY -> {
                switch (PortalCodec.decodeGatewayToPortal(event, payload)) {
                    case Decoded.Ok<GatewayToPortal> ok -> gatewayChannel.received(session, ok.message(), ref);
                    case Decoded.UnknownEvent<GatewayToPortal> u -> session.replyError(ref, "unknown_message");
                    case Decoded.Invalid<GatewayToPortal> bad -> invalid(session, ref, bad.error().message());
                }
            }
        }
        session.flush();
    }

    private static void invalid(DeviceSession session, JsonNode ref, String problem) {
        LOG.warn("{} sent an unusable message: {}", session, problem);
        session.phoenix.reply(session.kind.topic, ref, false,
            NODES.objectNode().put("reason", "invalid_payload").put("detail", problem));
        session.flush();
    }

    // ---- reload --------------------------------------------------------------------------------------

    /** See {@link ConfigReload}. */
    void reload(PortalConfig next) {
        configReload.reload(next);
    }
}
