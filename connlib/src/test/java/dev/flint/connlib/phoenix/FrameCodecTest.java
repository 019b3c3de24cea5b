package dev.flint.connlib.phoenix;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import org.junit.jupiter.api.Test;

class FrameCodecTest {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    @Test
    void joinIsWrittenExactlyAsFirezoneWritesIt() {
        String join = FrameCodec.encode(PhoenixFrame.request("client", "phx_join", NullNode.getInstance(), 0),
            FrameFormat.V1_OBJECT);
        assertThat(join).isEqualTo("{\"topic\":\"client\",\"event\":\"phx_join\",\"payload\":null,\"ref\":0}");
    }

    @Test
    void heartbeatAndPushShapes() {
        assertThat(FrameCodec.encode(PhoenixFrame.request("phoenix", "heartbeat", NODES.objectNode(), 7),
            FrameFormat.V1_OBJECT)).isEqualTo("{\"topic\":\"phoenix\",\"event\":\"heartbeat\",\"payload\":{},\"ref\":7}");
        assertThat(FrameCodec.encode(PhoenixFrame.push("client", "resource_deleted", NODES.textNode("x")),
            FrameFormat.V1_OBJECT)).isEqualTo("{\"topic\":\"client\",\"event\":\"resource_deleted\",\"payload\":\"x\",\"ref\":null}");
    }

    @Test
    void v1ObjectsInAnyKeyOrderAreRead() {
        var result = FrameCodec.decode("""
            {"topic": "room:lobby", "ref": null, "payload": {"hello": "world"}, "join_ref": null, "event": "shout"}""");
        assertThat(result).isInstanceOf(FrameCodec.Result.Frame.class);
        var frame = ((FrameCodec.Result.Frame) result).frame();
        assertThat(frame.topic()).isEqualTo("room:lobby");
        assertThat(frame.event()).isEqualTo("shout");
        assertThat(frame.payload().get("hello").asText()).isEqualTo("world");
        assertThat(frame.ref().isNull()).isTrue();
        assertThat(((FrameCodec.Result.Frame) result).format()).isEqualTo(FrameFormat.V1_OBJECT);
    }

    @Test
    void v1KeepsAReceivedJoinRefButNeverWritesOne() {
        var frame = ((FrameCodec.Result.Frame) FrameCodec.decode(
            "{\"topic\":\"t\",\"event\":\"e\",\"payload\":{},\"ref\":\"4\",\"join_ref\":\"3\"}")).frame();
        assertThat(frame.joinRef().asText()).isEqualTo("3");
        assertThat(FrameCodec.encode(frame, FrameFormat.V1_OBJECT))
            .isEqualTo("{\"topic\":\"t\",\"event\":\"e\",\"payload\":{},\"ref\":\"4\"}");
    }

    @Test
    void v2ArraysRoundTripWithStringRefs() {
        String text = "[\"3\",\"4\",\"room:lobby\",\"phx_join\",{\"a\":1}]";
        var result = (FrameCodec.Result.Frame) FrameCodec.decode(text);
        assertThat(result.format()).isEqualTo(FrameFormat.V2_ARRAY);
        assertThat(result.frame().joinRef().asText()).isEqualTo("3");
        assertThat(result.frame().ref().asText()).isEqualTo("4");
        assertThat(result.frame().numericRef()).isEqualTo(4);
        assertThat(FrameCodec.encode(result.frame(), FrameFormat.V2_ARRAY)).isEqualTo(text);
        assertThat(FrameCodec.encode(PhoenixFrame.push("t", "e", NODES.objectNode()), FrameFormat.V2_ARRAY))
            .isEqualTo("[null,null,\"t\",\"e\",{}]");
    }

    @Test
    void brokenFramesAreValuesAndTruncationIsTellable() {
        assertThat(FrameCodec.decode("{\"topic\":\"client\",\"ev"))
            .isEqualTo(new FrameCodec.Result.Malformed("truncated JSON", true));
        assertThat(FrameCodec.decode("nope")).isInstanceOf(FrameCodec.Result.Malformed.class)
            .matches(r -> !((FrameCodec.Result.Malformed) r).truncated());
        assertThat(FrameCodec.decode("{\"topic\":1,\"event\":\"e\",\"payload\":{}}"))
            .isEqualTo(new FrameCodec.Result.Malformed("topic missing or not a string", false));
        assertThat(FrameCodec.decode("{\"topic\":\"t\",\"event\":\"e\"}"))
            .isEqualTo(new FrameCodec.Result.Malformed("payload missing", false));
        assertThat(FrameCodec.decode("[1,2,3]")).isEqualTo(
            new FrameCodec.Result.Malformed("array frame must have 5 elements", false));
        assertThat(FrameCodec.decode("42")).isInstanceOf(FrameCodec.Result.Malformed.class);
        assertThat(FrameCodec.decode("")).isInstanceOf(FrameCodec.Result.Malformed.class);
    }

    @Test
    void vsnPicksTheSerializer() {
        assertThat(FrameFormat.forVsn(null)).isEqualTo(FrameFormat.V1_OBJECT);
        assertThat(FrameFormat.forVsn("1.0.0")).isEqualTo(FrameFormat.V1_OBJECT);
        assertThat(FrameFormat.forVsn("2.0.0")).isEqualTo(FrameFormat.V2_ARRAY);
    }
}
