package dev.flint.ipc.frame;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flint.ipc.GuiMessage;
import dev.flint.ipc.ServiceMessage;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MalformedInputTest {
    private static final MessageCodec<GuiMessage> GUI = MessageCodec.guiMessages();
    private static final MessageCodec<ServiceMessage> SERVICE = MessageCodec.serviceMessages();

    private static DecodeResult<GuiMessage> decodeGui(String json) {
        return GUI.decode(json.getBytes(StandardCharsets.UTF_8));
    }

    private static FrameProblem problem(DecodeResult<?> result) {
        assertThat(result).isInstanceOf(DecodeResult.Rejected.class);
        return ((DecodeResult.Rejected<?>) result).problem();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            ''                                  | empty payload
            '{"type":"disconnect"'              | invalid JSON at line 1
            'not json at all'                   | invalid JSON at line 1 column 1
            '[1,2]'                             | top level is array
            '"disconnect"'                      | top level is string
            '{"type":"disconnect"} {}'          | invalid JSON
            '{"type":"disconnect","type":"x"}'  | duplicate field
            """)
    void badJsonIsRejectedWithADescription(String json, String expected) {
        FrameProblem problem = problem(decodeGui(json));
        assertThat(problem).isInstanceOf(FrameProblem.MalformedJson.class);
        assertThat(problem.sentence()).contains(expected);
    }

    @Test
    void deeplyNestedJsonIsRejectedNotAStackOverflow() {
        String json = "{\"type\":\"disconnect\",\"x\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}";
        assertThat(problem(decodeGui(json))).isInstanceOf(FrameProblem.MalformedJson.class);
    }

    @Test
    void missingOrNonStringTypeIsNamed() {
        assertThat(problem(decodeGui("{}"))).isEqualTo(new FrameProblem.MissingType());
        assertThat(problem(decodeGui("{\"type\":7}"))).isEqualTo(new FrameProblem.MissingType());
    }

    @Test
    void unknownTypeIsNamed() {
        assertThat(problem(decodeGui("{\"type\":\"format_disk\"}"))).isEqualTo(new FrameProblem.UnknownType("format_disk"));
        // A service message is an unknown type to the service's own decoder.
        assertThat(problem(decodeGui("{\"type\":\"hello\"}"))).isEqualTo(new FrameProblem.UnknownType("hello"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            '{"type":"connect","internet_resource_enabled":true}'                     | connect | token | is missing
            '{"type":"connect","token":null,"internet_resource_enabled":true}'        | connect | token | is missing or null
            '{"type":"connect","token":"  ","internet_resource_enabled":true}'        | connect | token | is blank
            '{"type":"connect","token":42,"internet_resource_enabled":true}'          | connect | token | expected a string
            '{"type":"connect","token":"t","internet_resource_enabled":"yes"}'        | connect | internet_resource_enabled | expected a boolean
            '{"type":"connect","token":"t","internet_resource_enabled":1}'            | connect | internet_resource_enabled | expected a boolean
            '{"type":"set_internet_resource_enabled"}'                                | set_internet_resource_enabled | enabled | is missing
            '{"type":"set_internet_resource_enabled","enabled":null}'                 | set_internet_resource_enabled | enabled | is null
            '{"type":"apply_advanced_settings","settings":[]}'                        | apply_advanced_settings | settings | expected an object
            '{"type":"apply_advanced_settings","settings":{"auth_url":"http://portal.example.com/","api_url":"wss://a/","log_filter":"info","client_certificate":null}}' | apply_advanced_settings | settings.auth_url | must use https://
            '{"type":"apply_advanced_settings","settings":{"auth_url":"https://a/","api_url":"https://a/","log_filter":"info","client_certificate":null}}'        | apply_advanced_settings | settings.api_url | must use wss://
            '{"type":"apply_advanced_settings","settings":{"auth_url":"https://a/","api_url":"wss://a/","log_filter":"debug,x=loud","client_certificate":null}}'  | apply_advanced_settings | settings.log_filter | x=loud
            '{"type":"apply_advanced_settings","settings":{"auth_url":"https://a/","api_url":"wss://a/"}}'                              | apply_advanced_settings | settings.log_filter | is missing
            '{"type":"apply_advanced_settings","settings":{"auth_url":"::","api_url":"wss://a/","log_filter":"info","client_certificate":null}}'                  | apply_advanced_settings | settings.auth_url | is not a URL
            """)
    void badFieldsAreNamedWithTheirPath(String json, String type, String field, String detail) {
        FrameProblem problem = problem(decodeGui(json));
        assertThat(problem).isInstanceOf(FrameProblem.BadField.class);
        var bad = (FrameProblem.BadField) problem;
        assertThat(bad.type()).isEqualTo(type);
        assertThat(bad.field()).isEqualTo(field);
        assertThat(bad.detail()).contains(detail);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            '{"type":"resources_updated","resources":[{"type":"dns"}],"connected_devices":[]}'  | resources[0].id | is missing
            '{"type":"resources_updated","resources":[{"type":"vpn"}],"connected_devices":[]}'  | resources[0] | unknown variant "vpn"
            '{"type":"resources_updated","resources":[{"type":"internet","id":"zz","name":"I","sites":[],"status":"online"}],"connected_devices":[]}' | resources[0].id | is not a UUID
            '{"type":"resources_updated","resources":[{"type":"internet","id":"8fa2c4e1-7b3d-4a5f-9c6e-2d1b0a9f8e7d","name":"I","sites":[null],"status":"online"}],"connected_devices":[]}' | resources[0].sites[0] | is null
            '{"type":"resources_updated","resources":[{"type":"internet","id":"8fa2c4e1-7b3d-4a5f-9c6e-2d1b0a9f8e7d","name":"I","sites":[],"status":"green"}],"connected_devices":[]}' | resources[0].status | one of [unknown, connecting, online, offline]
            '{"type":"resources_updated","resources":[],"connected_devices":{}}'  | connected_devices | expected an array
            '{"type":"gateway_unreachable","resource_id":"8fa2c4e1-7b3d-4a5f-9c6e-2d1b0a9f8e7d","reason":1}' | reason | one of [all_offline, version_mismatch]
            '{"type":"advanced_settings_applied","settings":null,"error":null}'  | settings | exactly one
            '{"type":"hello","protocol_version":2,"service_version":"1","device_id":"d","advanced_settings":null,"managed_settings":null}' | advanced_settings | is missing or null
            '{"type":"hello","protocol_version":2.5,"service_version":"1","device_id":"d"}' | protocol_version | expected an integer
            """)
    void nestedBadFieldsAreNamedWithTheirPath(String json, String field, String detail) {
        var bad = (FrameProblem.BadField) problem(SERVICE.decode(json.getBytes(StandardCharsets.UTF_8)));
        assertThat(bad.field()).isEqualTo(field);
        assertThat(bad.detail()).contains(detail);
    }

    @Test
    void helloFromAnotherProtocolVersionBecomesAHumanSentence() {
        String future = "{\"type\":\"hello\",\"protocol_version\":3,\"service_version\":\"3.0.0\",\"identity\":{}}";
        var problem = problem(SERVICE.decode(future.getBytes(StandardCharsets.UTF_8)));
        assertThat(problem).isInstanceOf(FrameProblem.VersionMismatch.class);
        assertThat(problem.sentence())
                .contains("version 3.0.0", "protocol 3", "speaks protocol " + dev.flint.ipc.ProtocolVersion.CURRENT)
                .contains("Update the Flint app");
    }

    @Test
    void problemsNeverEchoFieldValues() {
        String secret = "s3cr3t-token-value";
        String[] frames = {
            "{\"type\":\"connect\",\"token\":\"" + secret + "\",\"internet_resource_enabled\":\"nope\"}",
            "{\"type\":\"connect\",\"token\":\"" + secret + "\"",
            "{\"type\":\"connect\",\"token\":" + secret + "}",
            "{\"type\":\"connect\",\"token\":[\"" + secret + "\"],\"internet_resource_enabled\":true}",
        };
        for (String frame : frames) {
            FrameProblem problem = problem(decodeGui(frame));
            assertThat(problem.sentence()).doesNotContain(secret);
            assertThat(problem.toString()).doesNotContain(secret);
            assertThat(problem.toProtocolError().toString()).doesNotContain(secret);
        }
        assertThat(new GuiMessage.Connect(secret, false).toString()).doesNotContain(secret);
    }

    @Test
    void peerChosenTextIsShortenedAndCannotForgeLogLines() {
        String type = "evil\n2026-01-01 INFO forged line" + "x".repeat(5000);
        var problem = (FrameProblem.UnknownType) problem(decodeGui("{\"type\":\"" + type.replace("\n", "\\n") + "\"}"));
        assertThat(problem.type()).doesNotContain("\n").hasSizeLessThanOrEqualTo(PeerText.MAX_CHARS + 1).startsWith("evil?2026");

        String filter = "info,\u2028bad\r\nline=" + "y".repeat(2000);
        String json = "{\"type\":\"apply_advanced_settings\",\"settings\":{\"auth_url\":\"https://a/\",\"api_url\":\"wss://a/\",\"log_filter\":\""
                + filter.replace("\r", "\\r").replace("\n", "\\n") + "\",\"client_certificate\":null}}";
        var bad = (FrameProblem.BadField) problem(decodeGui(json));
        assertThat(bad.field()).isEqualTo("settings.log_filter");
        assertThat(bad.sentence()).doesNotContain("\n", "\r", "\u2028").hasSizeLessThan(500);
    }

    @Test
    void problemBecomesAProtocolErrorReplyNamingTheField() {
        var problem = problem(decodeGui("{\"type\":\"connect\",\"token\":\"\",\"internet_resource_enabled\":true}"));
        assertThat(problem.toProtocolError())
                .isEqualTo(new ServiceMessage.ProtocolError("connect", "token", "Message \"connect\" has a bad field \"token\": is blank"));
    }

    // --- stream-level faults -------------------------------------------------------------

    private static byte[] frame(String json) {
        return FrameEncoder.frame(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void streamStaysUsableAfterRejectedFrames() {
        FrameDecoder<GuiMessage> decoder = new FrameDecoder<>(GUI);
        decoder.feed(frame("{\"type\":\"reboot\"}"));
        decoder.feed(frame("{garbage"));
        decoder.feed(frame("{\"type\":\"clear_logs\"}"));
        assertThat(decoder.poll()).contains(new DecodeResult.Rejected<>(new FrameProblem.UnknownType("reboot")));
        assertThat(decoder.poll()).hasValueSatisfying(r -> assertThat(problem(r)).isInstanceOf(FrameProblem.MalformedJson.class));
        assertThat(decoder.poll()).contains(new DecodeResult.Decoded<>(new GuiMessage.ClearLogs()));
        assertThat(decoder.poll()).isEmpty();
        assertThat(decoder.endOfInput()).isEqualTo(new DecodeResult.EndOfStream<>());
    }

    @Test
    void oversizeLengthIsFatalAsSoonAsTheHeaderArrives() {
        FrameDecoder<GuiMessage> decoder = new FrameDecoder<>(GUI);
        decoder.feed(ByteBuffer.allocate(4).putInt(FrameFormat.MAX_FRAME_BYTES + 1).array());
        assertThat(decoder.poll()).contains(new DecodeResult.Fatal<>(
                new StreamFault.OversizeLength(FrameFormat.MAX_FRAME_BYTES + 1, FrameFormat.MAX_FRAME_BYTES)));
        assertThat(decoder.failed()).isTrue();
        decoder.feed(frame("{\"type\":\"clear_logs\"}"));
        assertThat(decoder.poll()).as("a spent decoder yields nothing").isEmpty();
        assertThat(decoder.bufferedBytes()).isZero();
    }

    @Test
    void exactlyTheLimitIsAccepted() {
        byte[] payload = new byte[FrameFormat.MAX_FRAME_BYTES];
        java.util.Arrays.fill(payload, (byte) ' ');
        byte[] head = "{\"type\":\"clear_logs\"}".getBytes(StandardCharsets.UTF_8);
        System.arraycopy(head, 0, payload, 0, head.length);
        FrameDecoder<GuiMessage> decoder = new FrameDecoder<>(GUI);
        decoder.feed(FrameEncoder.frame(payload));
        assertThat(decoder.poll()).contains(new DecodeResult.Decoded<>(new GuiMessage.ClearLogs()));
    }

    @Test
    void garbageLengthWithTopBitSetIsFatal() {
        FrameDecoder<GuiMessage> decoder = new FrameDecoder<>(GUI);
        decoder.feed("GET / HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));
        Optional<DecodeResult<GuiMessage>> result = decoder.poll();
        assertThat(result).hasValueSatisfying(r -> assertThat(r).isInstanceOf(DecodeResult.Fatal.class));
        decoder = new FrameDecoder<>(GUI);
        decoder.feed(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xfe});
        assertThat(decoder.poll()).contains(new DecodeResult.Fatal<>(new StreamFault.NegativeLength(-2)));
    }

    @Test
    void truncatedStreamIsFatalWithHowMuchArrived() {
        FrameDecoder<GuiMessage> decoder = new FrameDecoder<>(GUI);
        decoder.feed(new byte[] {0, 0});
        assertThat(decoder.poll()).isEmpty();
        assertThat(decoder.endOfInput()).isEqualTo(new DecodeResult.Fatal<>(new StreamFault.Truncated(4, 2, true)));

        decoder = new FrameDecoder<>(GUI);
        byte[] whole = frame("{\"type\":\"clear_logs\"}");
        decoder.feed(whole, 0, whole.length - 3);
        assertThat(decoder.poll()).isEmpty();
        assertThat(decoder.endOfInput()).isEqualTo(
                new DecodeResult.Fatal<>(new StreamFault.Truncated(whole.length - 4, whole.length - 7, false)));
    }

    @Test
    void zeroLengthFrameIsRejectedNotFatal() {
        FrameDecoder<GuiMessage> decoder = new FrameDecoder<>(GUI);
        decoder.feed(new byte[4]);
        decoder.feed(frame("{\"type\":\"disconnect\"}"));
        assertThat(decoder.poll()).contains(new DecodeResult.Rejected<>(new FrameProblem.MalformedJson("empty payload")));
        assertThat(decoder.poll()).contains(new DecodeResult.Decoded<>(new GuiMessage.Disconnect()));
    }

    @Test
    void encoderRefusesPayloadsOverTheLimit() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> FrameEncoder.frame(new byte[FrameFormat.MAX_FRAME_BYTES + 1]))
                .isInstanceOf(FrameTooLargeException.class);
    }
}
