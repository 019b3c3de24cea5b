package dev.flint.connlib.portal;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.flint.connlib.phoenix.BackoffPolicy;
import dev.flint.connlib.phoenix.ClientChannel;
import dev.flint.connlib.phoenix.FrameCodec;
import dev.flint.connlib.phoenix.FrameFormat;
import dev.flint.connlib.phoenix.ServerChannel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** Hostile portal input never escapes the codecs or the channels as an exception. */
class PortalInputFuzzTest {

    private static final List<String> EVENTS = List.of("init", "resource_created_or_updated", "resource_deleted",
        "config_changed", "relays_presence", "authorization_created", "flow_created", "authorization_creation_failed",
        "ice_candidates", "client_device_access_authorized", "client_device_access_denied",
        "device_pool_domain_resolved", "resource_filters_updated", "create_authorization", "authorize_flow",
        "resource_updated", "request_authorization", "broadcast_ice_candidates", "set_snownet_capabilities");

    /** Runs every decoder and both channel ends on the text; fails only if something throws. */
    static void consume(String text) {
        FrameCodec.Result result = FrameCodec.decode(text);
        JsonNode payload = result instanceof FrameCodec.Result.Frame f ? f.frame().payload() : FrameCodec.parse(text);
        String event = result instanceof FrameCodec.Result.Frame f ? f.frame().event() : "init";
        for (String e : List.of(event, EVENTS.get(Math.floorMod(text.length(), EVENTS.size())))) {
            roundTrip(PortalCodec.decodePortalToClient(e, payload));
            roundTrip(PortalCodec.decodeClientToPortal(e, payload));
            roundTrip(PortalCodec.decodePortalToGateway(e, payload));
            roundTrip(PortalCodec.decodeGatewayToPortal(e, payload));
        }
        Instant now = Instant.EPOCH;
        ClientChannel client = new ClientChannel("client", NullNode.getInstance(), BackoffPolicy.RECONNECT_UNLIMITED,
            () -> 1L);
        client.connect(now);
        client.handleSocketOpened(now);
        client.handleMessage(text, now);
        client.handleMessage("{\"topic\":\"client\",\"event\":\"phx_reply\",\"payload\":{\"status\":\"ok\",\"response\":{}},\"ref\":0}", now);
        client.handleMessage(text, now);
        while (client.pollEvent() != null || client.pollSend() != null) {
            // drain
        }
        ServerChannel server = new ServerChannel(FrameFormat.V2_ARRAY, t -> true, Duration.ofSeconds(1), now);
        server.handleMessage(text, now);
        server.handleMessage(text, now);
        while (server.pollEvent() != null || server.pollSend() != null) {
            // drain
        }
    }

    private static void roundTrip(Decoded<?> decoded) {
        if (decoded instanceof Decoded.Ok<?> ok) {
            // Whatever was accepted must encode and decode back to the same message.
            EncodedMessage encoded = PortalCodec.encode(ok.message());
            Decoded<?> again = switch (ok.message()) {
                case PortalToClient m -> PortalCodec.decodePortalToClient(encoded.event(), encoded.payload());
                case ClientToPortal m -> PortalCodec.decodeClientToPortal(encoded.event(), encoded.payload());
                case PortalToGateway m -> PortalCodec.decodePortalToGateway(encoded.event(), encoded.payload());
                case GatewayToPortal m -> PortalCodec.decodeGatewayToPortal(encoded.event(), encoded.payload());
            };
            assertThat(again).isInstanceOf(Decoded.Ok.class);
            assertThat(((Decoded.Ok<?>) again).message()).isEqualTo(ok.message());
        }
    }

    @FuzzTest(maxDuration = "10s")
    void portalInput(FuzzedDataProvider data) {
        consume(data.consumeRemainingAsString());
    }

    /** CI once drew this mutation: an absent and a JSON-null opaque payload must decode alike. */
    @org.junit.jupiter.api.Test
    void legacyClientPayloadAbsentOrNullRoundTrips() throws IOException {
        String golden = goldenVectors().stream().filter(v -> v.contains("\"legacy-ref\"") && v.contains("request_connection"))
            .findFirst().orElseThrow();
        for (JsonNode replacement : java.util.Arrays.asList(null, NullNode.getInstance())) {
            JsonNode tree = FrameCodec.parse(golden);
            ObjectNode client = (ObjectNode) tree.get("payload").get("client");
            if (replacement == null) {
                client.remove("payload");
            } else {
                client.set("payload", replacement);
            }
            Decoded<PortalToGateway> decoded = PortalCodec.decodePortalToGateway("request_connection", tree.get("payload"));
            assertThat(decoded).isInstanceOf(Decoded.Ok.class);
            PortalToGateway.RequestConnection message =
                (PortalToGateway.RequestConnection) ((Decoded.Ok<PortalToGateway>) decoded).message();
            assertThat(message.client().payload()).isNull();
            consume(FrameCodec.write(tree));
        }
    }

    /** Golden vectors with one node replaced by a value of another type, deleted, or the text truncated. */
    @Property(tries = 150)
    void mutatedGoldenVectors(@ForAll @IntRange(min = 0, max = 10_000) int vectorSeed,
                              @ForAll @IntRange(min = 0, max = 10_000) int nodeSeed,
                              @ForAll @IntRange(min = 0, max = 4) int mutation) throws IOException {
        List<String> vectors = goldenVectors();
        String text = vectors.get(vectorSeed % vectors.size());
        if (mutation == 4) {
            consume(text.substring(0, nodeSeed % text.length()));
            return;
        }
        JsonNode tree = FrameCodec.parse(text);
        List<JsonNode> containers = new ArrayList<>();
        collect(tree, containers);
        JsonNode target = containers.get(nodeSeed % containers.size());
        JsonNode replacement = switch (mutation) {
            case 0 -> NullNode.getInstance();
            case 1 -> TextNode.valueOf("x");
            case 2 -> com.fasterxml.jackson.databind.node.IntNode.valueOf(-1);
            default -> null;
        };
        if (target instanceof ObjectNode o && !o.isEmpty()) {
            List<String> names = o.properties().stream().map(Map.Entry::getKey).toList();
            String name = names.get(nodeSeed % names.size());
            if (replacement == null) {
                o.remove(name);
            } else {
                o.set(name, replacement);
            }
        } else if (target instanceof ArrayNode a && !a.isEmpty()) {
            int i = nodeSeed % a.size();
            if (replacement == null) {
                a.remove(i);
            } else {
                a.set(i, replacement);
            }
        }
        consume(FrameCodec.write(tree));
    }

    private static void collect(JsonNode node, List<JsonNode> out) {
        if (node.isContainerNode()) {
            out.add(node);
            node.forEach(child -> collect(child, out));
        }
    }

    private static List<String> cache;

    private static synchronized List<String> goldenVectors() throws IOException {
        if (cache == null) {
            try {
                Path root = Path.of(PortalInputFuzzTest.class.getResource("/portal/golden").toURI());
                try (Stream<Path> files = Files.walk(root)) {
                    cache = files.filter(p -> p.toString().endsWith(".json")).sorted()
                        .map(p -> {
                            try {
                                return Files.readString(p).strip();
                            } catch (IOException e) {
                                throw new IllegalStateException(e);
                            }
                        }).toList();
                }
            } catch (java.net.URISyntaxException e) {
                throw new IOException(e);
            }
        }
        return cache;
    }
}
