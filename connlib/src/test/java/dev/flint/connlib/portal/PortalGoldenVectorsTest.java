package dev.flint.connlib.portal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flint.connlib.phoenix.FrameCodec;
import dev.flint.connlib.phoenix.FrameFormat;
import dev.flint.connlib.phoenix.PhoenixFrame;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Every golden vector decodes and re-encodes byte for byte, or is rejected with its expected error. */
class PortalGoldenVectorsTest {

    private static final List<String> DIRECTIONS =
        List.of("portal-to-client", "client-to-portal", "portal-to-gateway", "gateway-to-portal");

    @TestFactory
    Stream<DynamicTest> everyVector() throws Exception {
        List<DynamicTest> tests = new ArrayList<>();
        for (String direction : DIRECTIONS) {
            for (Path vector : vectors(direction)) {
                tests.add(DynamicTest.dynamicTest(direction + "/" + vector.getFileName(),
                    () -> check(direction, vector)));
            }
        }
        return tests.stream();
    }

    @Test
    void everyMessageTypeOfEveryDirectionHasAnAcceptedVector() throws Exception {
        Set<Class<?>> seen = new HashSet<>();
        for (String direction : DIRECTIONS) {
            for (Path vector : vectors(direction)) {
                if (!Files.exists(sibling(vector, ".error"))) {
                    Decoded<?> decoded = decode(direction, frameOf(read(vector)));
                    if (decoded instanceof Decoded.Ok<?> ok) {
                        seen.add(ok.message().getClass());
                    }
                }
            }
        }
        List<Class<?>> all = Stream.of(PortalToClient.class, ClientToPortal.class, PortalToGateway.class,
            GatewayToPortal.class).flatMap(c -> Arrays.stream(c.getPermittedSubclasses())).toList();
        assertThat(all).hasSizeGreaterThan(40);
        assertThat(seen).containsAll(all);
    }

    @Test
    void unknownEventsAreReportedAsSuch() {
        var payload = FrameCodec.parse("{}");
        assertThat(PortalCodec.decodePortalToClient("something_new", payload))
            .isEqualTo(new Decoded.UnknownEvent<>("something_new"));
        assertThat(PortalCodec.decodeGatewayToPortal("request_authorization", payload))
            .isInstanceOf(Decoded.UnknownEvent.class);
        // v2 names only on the current socket would still be read; v1 create_flow is accepted too.
        assertThat(PortalCodec.decodeClientToPortal("create_flow",
            FrameCodec.parse("{\"resource_id\":\"f16ecfa0-a94f-4bfd-a2ef-1cc1f2ef3da3\"}")))
            .isInstanceOf(Decoded.Ok.class);
    }

    @Test
    void aPayloadThatIsNotAnObjectIsRejectedNotThrown() {
        assertThat(PortalCodec.decodePortalToClient("init", FrameCodec.parse("[1,2]")))
            .isEqualTo(new Decoded.Invalid<>(new DecodeError("init", "", "payload is not a JSON object")));
        assertThat(PortalCodec.decodePortalToGateway("init", null)).isInstanceOf(Decoded.Invalid.class);
    }

    private static void check(String direction, Path vector) throws IOException {
        String text = read(vector);
        PhoenixFrame frame = frameOf(text);
        if (direction.equals("portal-to-client") && PortalCodec.isLegacyEventName(frame.event())) {
            // Firezone's client ignores v1 events; the vector still pins how the portal writes them.
            assertThat(decode(direction, frame)).isEqualTo(new Decoded.UnknownEvent<>(frame.event()));
            frame = new PhoenixFrame(frame.topic(), PortalCodec.currentEventName(frame.event()), frame.payload(),
                frame.ref());
        }
        Decoded<?> decoded = decode(direction, frame);
        Path error = sibling(vector, ".error");
        if (Files.exists(error)) {
            assertThat(decoded).isInstanceOf(Decoded.Invalid.class);
            assertThat(((Decoded.Invalid<?>) decoded).error().message()).isEqualTo(read(error));
            return;
        }
        assertThat(decoded).as("decoded").isInstanceOf(Decoded.Ok.class);
        Decoded.Ok<?> ok = (Decoded.Ok<?>) decoded;
        Path droppedFile = sibling(vector, ".dropped");
        List<String> expectedDropped = Files.exists(droppedFile) ? read(droppedFile).lines().toList() : List.of();
        assertThat(ok.dropped()).isEqualTo(expectedDropped);

        Path expectedFile = sibling(vector, ".expected.json");
        String expected;
        EncodeOptions options;
        if (Files.exists(expectedFile)) {
            expected = read(expectedFile);
            options = EncodeOptions.CURRENT;
        } else {
            expected = text;
            String payload = FrameCodec.write(frame.payload());
            options = new EncodeOptions(PortalCodec.isLegacyEventName(frameOf(text).event()),
                payload.contains("\"gateway_groups\"") || payload.contains("\"gateway_group_id\""));
        }
        EncodedMessage encoded = PortalCodec.encode((PortalMessage) ok.message(), options);
        String reencoded = FrameCodec.encode(
            new PhoenixFrame(frame.topic(), encoded.event(), encoded.payload(), frame.ref()), FrameFormat.V1_OBJECT);
        assertThat(reencoded).isEqualTo(expected);
    }

    private static Decoded<?> decode(String direction, PhoenixFrame frame) {
        return switch (direction) {
            case "portal-to-client" -> PortalCodec.decodePortalToClient(frame.event(), frame.payload());
            case "client-to-portal" -> PortalCodec.decodeClientToPortal(frame.event(), frame.payload());
            case "portal-to-gateway" -> PortalCodec.decodePortalToGateway(frame.event(), frame.payload());
            case "gateway-to-portal" -> PortalCodec.decodeGatewayToPortal(frame.event(), frame.payload());
            default -> throw new IllegalArgumentException(direction);
        };
    }

    private static PhoenixFrame frameOf(String text) {
        FrameCodec.Result result = FrameCodec.decode(text);
        assertThat(result).isInstanceOf(FrameCodec.Result.Frame.class);
        FrameCodec.Result.Frame frame = (FrameCodec.Result.Frame) result;
        assertThat(frame.format()).isEqualTo(FrameFormat.V1_OBJECT);
        return frame.frame();
    }

    private static List<Path> vectors(String direction) throws IOException, URISyntaxException {
        Path dir = Path.of(PortalGoldenVectorsTest.class.getResource("/portal/golden/" + direction).toURI());
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> list = files.filter(p -> {
                String name = p.getFileName().toString();
                return name.endsWith(".json") && !name.endsWith(".expected.json");
            }).sorted().toList();
            assertThat(list).isNotEmpty();
            return list;
        }
    }

    private static Path sibling(Path vector, String suffix) {
        String name = vector.getFileName().toString();
        return vector.resolveSibling(name.substring(0, name.length() - ".json".length()) + suffix);
    }

    /** The file's text without its one trailing newline. */
    private static String read(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        assertThat(text).endsWith("\n");
        return text.substring(0, text.length() - 1);
    }
}
