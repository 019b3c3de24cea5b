package dev.flint.devstack.portal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flint.connlib.phoenix.ChannelError;
import dev.flint.connlib.phoenix.ChannelEvent;
import dev.flint.connlib.phoenix.ProblemDetails;
import dev.flint.connlib.portal.Decoded;
import dev.flint.connlib.portal.PortalCodec;
import dev.flint.connlib.portal.PortalToClient;
import dev.flint.connlib.portal.PortalToGateway;
import dev.flint.connlib.portal.Relay;
import dev.flint.connlib.portal.Resource;
import dev.flint.connlib.wireguard.WireGuardKey;
import dev.flint.devstack.portal.PortalConfig.Account;
import dev.flint.devstack.portal.PortalConfig.ResourceEntry;
import dev.flint.netns.RealTimeWait;
import dev.flint.netns.TurnCredentials;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The emulator over real sockets, driven by connlib's client channel (V1 framing) as Firezone peers drive it. */
class PortalEmulatorTest {

    static final String UA = "Debian/13 gui-client/1.5.17 (x86_64; 6.12.0) flint/0.1.0";
    static final String GATEWAY_UA = "Debian/13 gateway/1.6.1 (x86_64; 6.12.0)";
    static final Duration WAIT = RealTimeWait.GENEROUS;
    static final ObjectMapper JSON = new ObjectMapper();

    EventLoopGroup group;
    PortalEmulator portal;
    PortalConfig config;
    final SecureRandom random = new SecureRandom();

    @BeforeEach
    void start() throws Exception {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        config = PortalConfigReader.parse(PortalMain.sample())
            .withListen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        portal = PortalEmulator.start(config);
    }

    @AfterEach
    void stop() {
        portal.close();
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }

    WireGuardKey newKey() {
        byte[] b = new byte[32];
        random.nextBytes(b);
        return WireGuardKey.fromBytes(b);
    }

    URI ws(String path, String externalId, WireGuardKey key, String extraQuery) {
        InetSocketAddress a = portal.address();
        return URI.create("ws://127.0.0.1:" + a.getPort() + path + "?external_id=" + externalId + "&name=test-"
            + externalId + "&public_key=" + URLEncoder.encode(key.toBase64(), StandardCharsets.UTF_8) + extraQuery);
    }

    PhoenixPeer client(String email, WireGuardKey key) throws Exception {
        String token = portal.issueToken("demo", email, "n0nce");
        return PhoenixPeer.connect(group, ws("/client/v2/websocket", "dev-" + email.hashCode(), key, ""), "client",
            token, UA);
    }

    PhoenixPeer gateway(WireGuardKey key) throws Exception {
        return PhoenixPeer.connect(group, ws("/gateway/v2/websocket", "gw-1", key, ""), "gateway",
            "change-me-gateway-token", GATEWAY_UA);
    }

    static <T> T ok(Decoded<?> decoded, Class<T> type) {
        assertThat(decoded).isInstanceOf(Decoded.Ok.class);
        return type.cast(((Decoded.Ok<?>) decoded).message());
    }

    Account demo() {
        return portal.config().account("demo").orElseThrow();
    }

    ResourceEntry resource(String name) {
        return demo().resources().stream().filter(r -> r.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void devicesKeepTheirTunnelAddressesAcrossARestartWhicheverRejoinsFirst() throws Exception {
        WireGuardKey gatewayKey = newKey();
        WireGuardKey clientKey = newKey();
        List<InetAddress> before;
        try (PhoenixPeer gw = gateway(gatewayKey); PhoenixPeer alice = client("alice@flint.test", clientKey)) {
            before = List.of(gatewayInit(gw).iface().ipv4(), clientInit(alice).iface().ipv4());
        }
        portal.close();
        portal = PortalEmulator.start(config);
        // This time the client is first: it must not be handed the address the gateway had.
        try (PhoenixPeer alice = client("alice@flint.test", clientKey)) {
            InetAddress clientAgain = clientInit(alice).iface().ipv4();
            try (PhoenixPeer gw = gateway(gatewayKey)) {
                assertThat(List.of(gatewayInit(gw).iface().ipv4(), clientAgain)).isEqualTo(before);
            }
        }
    }

    @Test
    void aRelayThatStopsAnsweringIsTakenAwayFromDevicesAndGivenBackWhenItAnswers() throws Exception {
        java.net.DatagramSocket fakeRelay = new java.net.DatagramSocket(0, InetAddress.getLoopbackAddress());
        java.util.concurrent.atomic.AtomicBoolean answering = new java.util.concurrent.atomic.AtomicBoolean(true);
        Thread responder = Thread.ofPlatform().daemon().start(() -> {
            byte[] b = new byte[1500];
            while (!fakeRelay.isClosed()) {
                try {
                    java.net.DatagramPacket p = new java.net.DatagramPacket(b, b.length);
                    fakeRelay.receive(p);
                    if (answering.get()) {
                        b[0] = 0x01;
                        b[1] = 0x01; // Binding success, same cookie and transaction id
                        fakeRelay.send(new java.net.DatagramPacket(b, 20, p.getSocketAddress()));
                    }
                } catch (java.io.IOException closed) {
                    return;
                }
            }
        });
        UUID relayId = UUID.randomUUID();
        portal.close();
        config = config.withRelays(List.of(new PortalConfig.RelayEntry(relayId, "fake",
            List.of((InetSocketAddress) fakeRelay.getLocalSocketAddress()))));
        portal = PortalEmulator.start(config);
        portal.watchRelays();
        try (PhoenixPeer alice = client("alice@flint.test", newKey())) {
            assertThat(clientInit(alice).relays()).extracting(Relay::id).containsExactly(relayId);
            answering.set(false);
            PortalToClient.RelaysPresence gone = ok(PortalCodec.decodePortalToClient("relays_presence",
                alice.await("relays_presence", WAIT)), PortalToClient.RelaysPresence.class);
            assertThat(gone.disconnectedIds()).containsExactly(relayId);
            assertThat(gone.connected()).isEmpty();
            answering.set(true);
            PortalToClient.RelaysPresence back = ok(PortalCodec.decodePortalToClient("relays_presence",
                alice.await("relays_presence", WAIT)), PortalToClient.RelaysPresence.class);
            assertThat(back.connected()).extracting(Relay::id).containsExactly(relayId);
        } finally {
            fakeRelay.close();
            responder.join(5000);
        }
    }

    PortalToClient.Init clientInit(PhoenixPeer client) throws Exception {
        return ok(PortalCodec.decodePortalToClient("init", client.await("init", WAIT)), PortalToClient.Init.class);
    }

    PortalToGateway.Init gatewayInit(PhoenixPeer gateway) throws Exception {
        return ok(PortalCodec.decodePortalToGateway("init", gateway.await("init", WAIT)), PortalToGateway.Init.class);
    }

    @Test
    void clientJoinsWithV1FramingAndReceivesInitWithItsResourcesAndRelays() throws Exception {
        WireGuardKey key = newKey();
        try (PhoenixPeer alice = client("alice@flint.test", key)) {
            PortalToClient.Init init = ok(PortalCodec.decodePortalToClient("init",
                alice.await("init", WAIT)), PortalToClient.Init.class);
            assertThat(alice.channel.isJoined()).isTrue();
            assertThat(init.iface().ipv4().getAddress()[0]).isEqualTo((byte) 100);
            assertThat(init.iface().ipv4().getAddress()[1] & 0xe0).isEqualTo(64);
            assertThat(init.iface().ipv6().getHostAddress()).startsWith("fd00:2021:1111:");
            assertThat(init.resources()).extracting(r -> r.id())
                .containsExactlyElementsOf(demo().resources().stream().map(ResourceEntry::id).toList());
            Resource.Cidr cidr = (Resource.Cidr) init.resources().stream()
                .filter(r -> r instanceof Resource.Cidr).findFirst().orElseThrow();
            assertThat(cidr.address().toString()).isEqualTo("172.20.0.0/24");
            assertThat(cidr.sites()).extracting(s -> s.name()).containsExactly("Lab");
            assertThat(init.flowLogs().uploadIntervalSecs()).isZero();

            // Relay credentials: TURN REST, salted with this device's key, expiring with the token.
            assertThat(init.relays()).hasSize(2);
            Relay.Turn turn = (Relay.Turn) init.relays().getFirst();
            String salt = TurnCredentials.saltForPublicKey(key.toBase64());
            TurnCredentials expected = TurnCredentials.rest(config.relaySecret(), turn.expiresAt(), salt);
            assertThat(turn.username()).isEqualTo(turn.expiresAt().getEpochSecond() + ":" + salt);
            assertThat(turn.password()).isEqualTo(expected.password());
            assertThat(turn.expiresAt()).isAfter(Instant.now().plus(Duration.ofDays(6)));
            assertThat(init.relays()).extracting(Relay::addr).extracting(InetSocketAddress::getPort)
                .containsOnly(3478);
        }
        try (PhoenixPeer bob = client("bob@flint.test", newKey())) {
            PortalToClient.Init init = ok(PortalCodec.decodePortalToClient("init",
                bob.await("init", WAIT)), PortalToClient.Init.class);
            assertThat(init.resources()).extracting(Resource::id).containsExactly(resource("Web by name").id());
        }
    }

    @Test
    void gatewayJoinsAndGetsInitWithLongLivedRelayCredentials() throws Exception {
        try (PhoenixPeer gw = gateway(newKey())) {
            PortalToGateway.Init init = ok(PortalCodec.decodePortalToGateway("init", gw.await("init", WAIT)),
                PortalToGateway.Init.class);
            assertThat(init.accountSlug()).isEqualTo("demo");
            assertThat(init.relays()).isNotEmpty().allSatisfy(r ->
                assertThat(((Relay.Turn) r).expiresAt()).isEqualTo(Instant.ofEpochSecond(2_145_916_800L)));
            assertThat(init.authorizations()).isEmpty();
        }
    }

    @Test
    void connectErrorsAreProblemDetailsWithFirezoneCodes() throws Exception {
        WireGuardKey key = newKey();
        String good = portal.issueToken("demo", "alice@flint.test", "abc");
        URI uri = URI.create(ws("/client/v2/websocket", "x", key, "").toString().replace("ws://", "http://"));

        assertProblem(get(uri, null, UA), 401, "missing_token");
        assertProblem(get(uri, "Bearer nonsense", UA), 401, "invalid_token");
        // The fragment is bound to its nonce: another nonce in front of it is refused.
        assertProblem(get(uri, "Bearer xyz" + good.substring(3), UA), 401, "invalid_token");
        // Expired: a token signed with the right key whose time is up.
        ClientTokens tokens = new ClientTokens(config.signingSecret());
        Account demo = demo();
        String expired = "n" + tokens.fragment("n", new ClientTokens.Claims(UUID.randomUUID(), demo.id(),
            demo.users().getFirst().id(), Instant.now().minusSeconds(1)));
        assertProblem(get(uri, "Bearer " + expired, UA), 401, "invalid_token");
        assertProblem(get(uri, "Bearer " + good, "curl/8.0"), 400, "invalid_connect_params");
        URI noKey = URI.create("http://127.0.0.1:" + portal.address().getPort() + "/client/v2/websocket?external_id=x");
        TestHttp.Response missingKey = get(noKey, "Bearer " + good, UA);
        assertProblem(missingKey, 400, "invalid_connect_params");
        assertThat(missingKey.body()).contains("public_key can't be blank");
        URI gw = URI.create(ws("/gateway/v2/websocket", "g", key, "").toString().replace("ws://", "http://"));
        assertProblem(get(gw, "Bearer " + good, GATEWAY_UA), 401, "invalid_token");

        // The legacy ?token= parameter is accepted; a good token without an upgrade is a plain 400.
        URI legacy = URI.create(uri + "&token=" + URLEncoder.encode(good, StandardCharsets.UTF_8));
        TestHttp.Response accepted = get(legacy, null, UA);
        assertThat(accepted.status()).isEqualTo(400);
        assertThat(accepted.body()).contains("expected a WebSocket upgrade");

        // Over a real upgrade the refusal arrives as the HTTP response.
        assertThatThrownBy(() -> PhoenixPeer.connect(group, ws("/client/v2/websocket", "x", key, ""), "client",
            "bad", UA)).isInstanceOfSatisfying(TestWebSocket.Refused.class, r -> {
                assertThat(r.status).isEqualTo(401);
                assertThat(ProblemDetails.parse(r.contentType, r.body).code()).isEqualTo("invalid_token");
            });
    }

    TestHttp.Response get(URI uri, String authorization, String userAgent) throws Exception {
        java.util.Map<String, String> headers = new java.util.LinkedHashMap<>();
        headers.put("User-Agent", userAgent);
        if (authorization != null) {
            headers.put("X-Authorization", authorization);
        }
        return TestHttp.send(portal.address(), "GET", uri.getRawPath() + "?" + uri.getRawQuery(), headers, null);
    }

    static void assertProblem(TestHttp.Response response, int status, String code) {
        assertThat(response.status()).isEqualTo(status);
        String contentType = response.header("content-type");
        ProblemDetails problem = ProblemDetails.parse(contentType, response.body());
        assertThat(problem).isNotNull();
        assertThat(problem.code()).isEqualTo(code);
        assertThat(problem.status()).isEqualTo(status);
    }

    @Test
    void authorizationFlowBetweenClientAndGateway() throws Exception {
        WireGuardKey clientKey = newKey();
        WireGuardKey gatewayKey = newKey();
        ResourceEntry network = resource("Resource network");
        try (PhoenixPeer gw = gateway(gatewayKey); PhoenixPeer alice = client("alice@flint.test", clientKey)) {
            PortalToGateway.Init gwInit = ok(PortalCodec.decodePortalToGateway("init", gw.await("init", WAIT)),
                PortalToGateway.Init.class);
            alice.await("init", WAIT);

            alice.send("request_authorization", JSON.createObjectNode()
                .put("resource_id", network.id().toString()).set("connected_gateway_ids", JSON.createArrayNode()));
            PortalToGateway.CreateAuthorization create = ok(PortalCodec.decodePortalToGateway("create_authorization",
                gw.await("create_authorization", WAIT)), PortalToGateway.CreateAuthorization.class);
            assertThat(create.resource().id()).isEqualTo(network.id());
            assertThat(create.client().publicKey()).isEqualTo(clientKey);
            assertThat(create.flowLogsIngestToken().role()).isEqualTo("responder");
            assertThat(create.useIceless()).isFalse();
            UUID clientId = create.client().id();
            UUID gatewayId = portal.config().account("demo").orElseThrow().gateways().getFirst().id();
            PeerCredentials.IcePair ice = PeerCredentials.ice(clientId, clientKey, gatewayId, gatewayKey);
            assertThat(create.clientIceCredentials()).isEqualTo(ice.initiator());
            assertThat(create.gatewayIceCredentials()).isEqualTo(ice.receiver());

            // Nothing reaches the client until the gateway confirms.
            assertThat(alice.inbox()).isEmpty();
            gw.send("authorization_created", JSON.createObjectNode().put("ref", create.ref()));
            PortalToClient.AuthorizationCreated created = ok(PortalCodec.decodePortalToClient("authorization_created",
                alice.await("authorization_created", WAIT)), PortalToClient.AuthorizationCreated.class);
            assertThat(created.resourceId()).isEqualTo(network.id());
            assertThat(created.siteId()).isEqualTo(network.siteId());
            assertThat(created.gatewayId()).isEqualTo(gatewayId);
            assertThat(created.gatewayPublicKey()).isEqualTo(gatewayKey);
            assertThat(created.gatewayIpv4()).isEqualTo(gwInit.iface().ipv4());
            assertThat(created.presharedKey()).isEqualTo(create.client().presharedKey());
            assertThat(created.clientIceCredentials()).isEqualTo(create.clientIceCredentials());
            assertThat(created.gatewayIceCredentials()).isEqualTo(create.gatewayIceCredentials());
            assertThat(created.flowLogsIngestToken().role()).isEqualTo("initiator");
            assertThat(portal.grants()).extracting(Grant::resourceId).containsExactly(network.id());

            // ICE candidates travel both ways with the sender's id substituted.
            String gwCandidate = "candidate:1 1 udp 2130706431 10.10.2.2 51820 typ host";
            gw.send("broadcast_ice_candidates", JSON.createObjectNode()
                .<ObjectNode>set("client_ids", JSON.createArrayNode().add(clientId.toString()))
                .set("candidates", JSON.createArrayNode().add(gwCandidate)));
            PortalToClient.IceCandidates toClient = ok(PortalCodec.decodePortalToClient("ice_candidates",
                alice.await("ice_candidates", WAIT)), PortalToClient.IceCandidates.class);
            assertThat(toClient.gatewayId()).isEqualTo(gatewayId);
            assertThat(toClient.candidates()).containsExactly(gwCandidate);
            String clientCandidate = "candidate:2 1 udp 1694498815 198.18.0.2 40000 typ srflx";
            alice.send("new_gateway_ice_candidates", JSON.createObjectNode().put("gateway_id", gatewayId.toString())
                .set("candidates", JSON.createArrayNode().add(clientCandidate)));
            PortalToGateway.IceCandidates toGateway = ok(PortalCodec.decodePortalToGateway("ice_candidates",
                gw.await("ice_candidates", WAIT)), PortalToGateway.IceCandidates.class);
            assertThat(toGateway.clientId()).isEqualTo(clientId);
            assertThat(toGateway.candidates()).containsExactly(clientCandidate);

            // A reconnecting gateway gets the live authorization back in its init.
            // Removing the policy revokes access: reject_access to the gateway, resource_deleted to the client.
            Account demo = demo();
            portal.reload(portal.config().withAccounts(List.of(demo.withPolicies(demo.policies().stream()
                .filter(p -> !p.resourceId().equals(network.id())).toList()))));
            PortalToGateway.RejectAccess reject = ok(PortalCodec.decodePortalToGateway("reject_access",
                gw.await("reject_access", WAIT)), PortalToGateway.RejectAccess.class);
            assertThat(reject).isEqualTo(new PortalToGateway.RejectAccess(clientId, network.id()));
            JsonNode deleted = alice.await("resource_deleted", WAIT);
            assertThat(deleted.isTextual()).isTrue();
            assertThat(deleted.textValue()).isEqualTo(network.id().toString());
            assertThat(portal.grants()).isEmpty();

            // Asking again is now refused.
            alice.send("request_authorization", JSON.createObjectNode()
                .put("resource_id", network.id().toString()).set("connected_gateway_ids", JSON.createArrayNode()));
            PortalToClient.AuthorizationCreationFailed failed = ok(PortalCodec.decodePortalToClient(
                "authorization_creation_failed", alice.await("authorization_creation_failed", WAIT)),
                PortalToClient.AuthorizationCreationFailed.class);
            assertThat(failed.reason()).isEqualTo("forbidden");
        }
    }

    @Test
    void gatewayInitResyncsLiveAuthorizationsAfterReconnect() throws Exception {
        WireGuardKey gatewayKey = newKey();
        ResourceEntry web = resource("Web by name");
        try (PhoenixPeer alice = client("alice@flint.test", newKey())) {
            alice.await("init", WAIT);
            try (PhoenixPeer gw = gateway(gatewayKey)) {
                gw.await("init", WAIT);
                alice.send("request_authorization", JSON.createObjectNode()
                    .put("resource_id", web.id().toString()).set("connected_gateway_ids", JSON.createArrayNode()));
                JsonNode create = gw.await("create_authorization", WAIT);
                gw.send("authorization_created", JSON.createObjectNode().put("ref", create.get("ref").asText()));
                alice.await("authorization_created", WAIT);
            }
            try (PhoenixPeer gw = gateway(gatewayKey)) {
                PortalToGateway.Init init = ok(PortalCodec.decodePortalToGateway("init", gw.await("init", WAIT)),
                    PortalToGateway.Init.class);
                assertThat(init.authorizations()).extracting(a -> a.resourceId()).containsExactly(web.id());
            }
        }
    }

    @Test
    void aPortalRestartedWithItsBooksKeepsGrantsAndPresharedKeys(@TempDir Path books) throws Exception {
        // Firezone's portal keeps devices and flows in its database; the emulator keeps them in its books, so a
        // gateway rejoining after a restart keeps the connection (same preshared key) and the authorization.
        portal.close();
        portal = PortalEmulator.start(config, books.resolve("addresses"), books.resolve("grants"));
        WireGuardKey gatewayKey = newKey();
        WireGuardKey clientKey = newKey();
        ResourceEntry web = resource("Web by name");
        PortalToGateway.CreateAuthorization first;
        try (PhoenixPeer gw = gateway(gatewayKey); PhoenixPeer alice = client("alice@flint.test", clientKey)) {
            gw.await("init", WAIT);
            alice.await("init", WAIT);
            first = authorize(gw, alice, web);
        }
        assertThat(Files.readString(books.resolve("grants"))).contains(web.id().toString());
        assertThat(Files.getPosixFilePermissions(books.resolve("addresses"))).isEqualTo(
            PosixFilePermissions.fromString("rw-------"));
        portal.close();
        portal = PortalEmulator.start(config, books.resolve("addresses"), books.resolve("grants"));
        try (PhoenixPeer gw = gateway(gatewayKey); PhoenixPeer alice = client("alice@flint.test", clientKey)) {
            PortalToGateway.Init init = ok(PortalCodec.decodePortalToGateway("init", gw.await("init", WAIT)),
                PortalToGateway.Init.class);
            assertThat(init.authorizations()).extracting(a -> a.resourceId()).containsExactly(web.id());
            assertThat(init.authorizations()).extracting(a -> a.clientId()).containsExactly(first.client().id());
            alice.await("init", WAIT);
            PortalToGateway.CreateAuthorization again = authorize(gw, alice, web);
            assertThat(again.client().presharedKey()).isEqualTo(first.client().presharedKey());
            assertThat(again.client().ipv4()).isEqualTo(first.client().ipv4());
        }
    }

    /** The client asks for {@code resource}, the gateway confirms; returns what the gateway was asked. */
    PortalToGateway.CreateAuthorization authorize(PhoenixPeer gw, PhoenixPeer client, ResourceEntry resource)
            throws Exception {
        client.send("request_authorization", JSON.createObjectNode()
            .put("resource_id", resource.id().toString()).set("connected_gateway_ids", JSON.createArrayNode()));
        PortalToGateway.CreateAuthorization create = ok(PortalCodec.decodePortalToGateway("create_authorization",
            gw.await("create_authorization", WAIT)), PortalToGateway.CreateAuthorization.class);
        gw.send("authorization_created", JSON.createObjectNode().put("ref", create.ref()));
        client.await("authorization_created", WAIT);
        return create;
    }

    @Test
    void requestsFailAsForbiddenNotFoundOrOffline() throws Exception {
        try (PhoenixPeer bob = client("bob@flint.test", newKey())) {
            bob.await("init", WAIT);
            bob.send("request_authorization", JSON.createObjectNode()
                .put("resource_id", resource("Resource network").id().toString())
                .set("connected_gateway_ids", JSON.createArrayNode()));
            assertThat(bob.await("authorization_creation_failed", WAIT).get("reason").asText()).isEqualTo("forbidden");
            bob.send("request_authorization", JSON.createObjectNode()
                .put("resource_id", UUID.randomUUID().toString()).set("connected_gateway_ids", JSON.createArrayNode()));
            assertThat(bob.await("authorization_creation_failed", WAIT).get("reason").asText()).isEqualTo("not_found");
            // Allowed, but no gateway of the site is online.
            bob.send("request_authorization", JSON.createObjectNode()
                .put("resource_id", resource("Web by name").id().toString())
                .set("connected_gateway_ids", JSON.createArrayNode()));
            assertThat(bob.await("authorization_creation_failed", WAIT).get("reason").asText()).isEqualTo("offline");
        }
    }

    @Test
    void resourceAndRelayChangesArePushedOnReload() throws Exception {
        try (PhoenixPeer alice = client("alice@flint.test", newKey()); PhoenixPeer gw = gateway(newKey())) {
            alice.await("init", WAIT);
            gw.await("init", WAIT);
            Account demo = demo();
            ResourceEntry web = resource("Web by name");
            ResourceEntry renamed = new ResourceEntry(web.id(), web.type(), "Web server", web.address(),
                web.addressDescription(), web.ipStack(), web.siteId(), web.filters());
            PortalConfig next = portal.config().withAccounts(List.of(demo.withResources(demo.resources().stream()
                .map(r -> r.id().equals(web.id()) ? renamed : r).toList())));
            next = next.withRelays(List.of(next.relays().getFirst(), new PortalConfig.RelayEntry(UUID.randomUUID(),
                "relay-2", List.of(new InetSocketAddress(InetAddress.getByName("198.18.0.11"), 3478)))));
            portal.reload(next);

            PortalToClient.ResourceCreatedOrUpdated updated = ok(PortalCodec.decodePortalToClient(
                "resource_created_or_updated", alice.await("resource_created_or_updated", WAIT)),
                PortalToClient.ResourceCreatedOrUpdated.class);
            assertThat(((Resource.Dns) updated.resource()).name()).isEqualTo("Web server");
            PortalToClient.RelaysPresence presence = ok(PortalCodec.decodePortalToClient("relays_presence",
                alice.await("relays_presence", WAIT)), PortalToClient.RelaysPresence.class);
            assertThat(presence.disconnectedIds()).isEmpty();
            assertThat(presence.connected()).extracting(Relay::addr)
                .contains(new InetSocketAddress(InetAddress.getByName("198.18.0.11"), 3478));
            gw.await("relays_presence", WAIT);

            // Dropping a relay reports it as disconnected.
            PortalConfig fewer = portal.config().withRelays(List.of(next.relays().get(1)));
            portal.reload(fewer);
            PortalToClient.RelaysPresence gone = ok(PortalCodec.decodePortalToClient("relays_presence",
                alice.await("relays_presence", WAIT)), PortalToClient.RelaysPresence.class);
            assertThat(gone.disconnectedIds()).containsExactly(next.relays().getFirst().id());
            assertThat(gone.connected()).extracting(Relay::id).containsOnly(next.relays().get(1).id());
        }
    }

    @Test
    void noRelaysIsAnsweredWithRelaysPresence() throws Exception {
        try (PhoenixPeer alice = client("alice@flint.test", newKey())) {
            alice.await("init", WAIT);
            alice.send("no_relays", JSON.createObjectNode());
            JsonNode presence = alice.await("relays_presence", WAIT);
            assertThat(presence.get("disconnected_ids")).isEmpty();
            assertThat(presence.get("connected")).hasSize(2);
        }
    }

    @Test
    void signOutPushesTokenExpiredAndTheTokenIsRefusedAfterwards() throws Exception {
        String token = portal.issueToken("demo", "alice@flint.test", "nonce1");
        WireGuardKey key = newKey();
        try (PhoenixPeer alice = PhoenixPeer.connect(group, ws("/client/v2/websocket", "so", key, ""), "client",
            token, UA)) {
            alice.await("init", WAIT);
            assertThat(portal.signOut("alice@flint.test")).isEqualTo(1);
            Instant deadline = Instant.now().plus(WAIT);
            while (alice.lifecycle.stream().noneMatch(e -> e instanceof ChannelEvent.Failed)
                && Instant.now().isBefore(deadline)) {
                try {
                    alice.await("never", Duration.ofMillis(200));
                } catch (AssertionError expected) {
                    // keep pumping until the channel reports the sign-out
                }
            }
            assertThat(alice.lifecycle).anySatisfy(e -> assertThat(e).isInstanceOfSatisfying(ChannelEvent.Failed.class,
                f -> assertThat(f.error()).isInstanceOf(ChannelError.InvalidToken.class)));
        }
        assertThatThrownBy(() -> PhoenixPeer.connect(group, ws("/client/v2/websocket", "so", key, ""), "client",
            token, UA)).isInstanceOfSatisfying(TestWebSocket.Refused.class, r -> assertThat(r.status).isEqualTo(401));
    }

    @Test
    void tokensExpireOnScheduleWithDisconnectTokenExpired() throws Exception {
        portal.close();
        portal = PortalEmulator.start(new PortalConfig(config.listen(), Duration.ofSeconds(4), config.signingSecret(),
            config.relaySecret(), config.relays(), config.accounts()));
        try (TestWebSocket socket = rawClient(portal.issueToken("demo", "alice@flint.test", "n"), "")) {
            socket.send("{\"topic\":\"client\",\"event\":\"phx_join\",\"payload\":null,\"ref\":0}");
            JsonNode disconnect = awaitFrame(socket, "disconnect", WAIT);
            assertThat(disconnect.get("payload").get("reason").asText()).isEqualTo("token_expired");
            assertThat(disconnect.get("topic").asText()).isEqualTo("client");
        }
    }

    TestWebSocket rawClient(String token, String extraQuery) throws Exception {
        DefaultHttpHeaders headers = new DefaultHttpHeaders();
        headers.set("X-Authorization", "Bearer " + token);
        headers.set("User-Agent", UA);
        return TestWebSocket.connect(group, ws("/client/v2/websocket", "raw", newKey(), extraQuery), headers);
    }

    static JsonNode awaitFrame(TestWebSocket socket, String event, Duration timeout) throws Exception {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            String text = socket.poll(Duration.ofMillis(200));
            if (text != null) {
                JsonNode frame = JSON.readTree(text);
                if (frame.path("event").asText().equals(event)) {
                    return frame;
                }
            }
        }
        throw new AssertionError("no " + event + " frame within " + timeout);
    }

    /** The next phx_reply with this ref. */
    static JsonNode awaitReply(TestWebSocket socket, int ref) throws Exception {
        Instant deadline = Instant.now().plus(WAIT);
        while (Instant.now().isBefore(deadline)) {
            String text = socket.poll(Duration.ofMillis(200));
            if (text != null) {
                JsonNode frame = JSON.readTree(text);
                if (frame.path("event").asText().equals("phx_reply") && frame.path("ref").asInt(-1) == ref) {
                    return frame;
                }
            }
        }
        throw new AssertionError("no reply to ref " + ref);
    }

    @Test
    void badClientMessagesGetErrorRepliesAndTheConnectionSurvives() throws Exception {
        try (TestWebSocket socket = rawClient(portal.issueToken("demo", "alice@flint.test", "n"), "")) {
            socket.send("{\"topic\":\"client\",\"event\":\"phx_join\",\"payload\":null,\"ref\":0}");
            JsonNode join = awaitReply(socket, 0);
            assertThat(join.get("payload").toString()).isEqualTo("{\"status\":\"ok\",\"response\":{}}");
            awaitFrame(socket, "init", WAIT);

            socket.send("this is not json");
            socket.send("[1,2]");
            socket.send("{\"topic\":\"client\",\"event\":\"make_coffee\",\"payload\":{},\"ref\":1}");
            assertThat(awaitReply(socket, 1).get("payload").get("response").get("reason").asText())
                .isEqualTo("unknown_message");
            socket.send("{\"topic\":\"client\",\"event\":\"request_authorization\",\"payload\":{\"resource_id\":7},"
                + "\"ref\":2}");
            JsonNode invalid = awaitReply(socket, 2);
            assertThat(invalid.get("payload").get("status").asText()).isEqualTo("error");
            assertThat(invalid.get("payload").get("response").get("reason").asText()).isEqualTo("invalid_payload");
            assertThat(invalid.get("payload").get("response").get("detail").asText()).contains("resource_id");
            // The v1 event name is unknown on the v2 socket, as on the portal.
            socket.send("{\"topic\":\"client\",\"event\":\"create_flow\",\"payload\":{\"resource_id\":\""
                + UUID.randomUUID() + "\",\"connected_gateway_ids\":[]},\"ref\":3}");
            assertThat(awaitReply(socket, 3).get("payload").get("response").get("reason").asText())
                .isEqualTo("unknown_message");
            socket.send("{\"topic\":\"gateway\",\"event\":\"phx_join\",\"payload\":null,\"ref\":4}");
            assertThat(awaitReply(socket, 4).get("payload").get("response").get("reason").asText())
                .isEqualTo("unmatched topic");
            socket.send("{\"topic\":\"client\",\"event\":\"request_authorization\",\"payload\":null,\"ref\":5}");
            assertThat(awaitReply(socket, 5).get("payload").get("status").asText()).isEqualTo("error");

            // Still alive: heartbeats are answered and real requests still work.
            socket.send("{\"topic\":\"phoenix\",\"event\":\"heartbeat\",\"payload\":{},\"ref\":6}");
            assertThat(awaitReply(socket, 6).get("payload").get("status").asText()).isEqualTo("ok");
            socket.send("{\"topic\":\"client\",\"event\":\"no_relays\",\"payload\":{},\"ref\":7}");
            awaitFrame(socket, "relays_presence", WAIT);
            assertThat(socket.isOpen()).isTrue();
        }
    }

    @Test
    void legacySocketsSpeakV1EventNames() throws Exception {
        try (PhoenixPeer gw = PhoenixPeer.connect(group, ws("/gateway/websocket", "gw-legacy", newKey(), ""),
            "gateway", "change-me-gateway-token", GATEWAY_UA)) {
            gw.await("init", WAIT);
            String token = portal.issueToken("demo", "alice@flint.test", "n");
            try (PhoenixPeer alice = PhoenixPeer.connect(group, ws("/client/websocket", "legacy", newKey(), ""),
                "client", token, UA)) {
                alice.await("init", WAIT);
                ResourceEntry web = resource("Web by name");
                alice.send("create_flow", JSON.createObjectNode().put("resource_id", web.id().toString())
                    .set("connected_gateway_ids", JSON.createArrayNode()));
                JsonNode create = gw.await("authorize_flow", WAIT);
                gw.send("flow_authorized", JSON.createObjectNode().put("ref", create.get("ref").asText()));
                JsonNode flow = alice.await("flow_created", WAIT);
                assertThat(flow.get("resource_id").asText()).isEqualTo(web.id().toString());
            }
        }
    }

    @Test
    void unknownGatewayRefIsRefused() throws Exception {
        WireGuardKey key = newKey();
        DefaultHttpHeaders headers = new DefaultHttpHeaders();
        headers.set("X-Authorization", "Bearer change-me-gateway-token");
        headers.set("User-Agent", GATEWAY_UA);
        try (TestWebSocket socket = TestWebSocket.connect(group, ws("/gateway/v2/websocket", "g", key, ""), headers)) {
            socket.send("{\"topic\":\"gateway\",\"event\":\"phx_join\",\"payload\":null,\"ref\":0}");
            awaitFrame(socket, "init", WAIT);
            socket.send("{\"topic\":\"gateway\",\"event\":\"authorization_created\",\"payload\":{\"ref\":\"forged\"},"
                + "\"ref\":1}");
            assertThat(awaitReply(socket, 1).get("payload").get("response").get("reason").asText())
                .isEqualTo("invalid_ref");
        }
    }

    @Test
    void addressesAreAllocatedPerDeviceAndKept() throws Exception {
        Inet4Address first;
        WireGuardKey key = newKey();
        try (PhoenixPeer a = client("alice@flint.test", key)) {
            first = ok(PortalCodec.decodePortalToClient("init", a.await("init", WAIT)), PortalToClient.Init.class)
                .iface().ipv4();
        }
        try (PhoenixPeer again = client("alice@flint.test", key);
             PhoenixPeer other = client("bob@flint.test", newKey())) {
            assertThat(ok(PortalCodec.decodePortalToClient("init", again.await("init", WAIT)),
                PortalToClient.Init.class).iface().ipv4()).isEqualTo(first);
            assertThat(ok(PortalCodec.decodePortalToClient("init", other.await("init", WAIT)),
                PortalToClient.Init.class).iface().ipv4()).isNotEqualTo(first);
        }
    }
}
