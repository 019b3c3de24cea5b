package dev.flint.ipc.frame;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Optional;

/**
 * The frame decoder and the three message codecs read bytes from another process, so whatever
 * arrives they must return a result and never throw.
 *
 * <p>In a plain {@code ./mvnw test} run the module's surefire configuration sets
 * {@code JAZZER_FUZZ=1}, so this test really fuzzes, for {@code flint.fuzz.duration} (10 s by
 * default; e.g. {@code -Dflint.fuzz.duration=10m} for a longer session). It starts from the seed
 * inputs in {@code FrameDecoderFuzzTestInputs/} next to this class; new interesting inputs go to
 * {@code .cifuzz-corpus/} (not committed). With {@code -Dflint.fuzz=} (empty) only the seeds run.
 */
class FrameDecoderFuzzTest {

    @FuzzTest(maxDuration = "10s")
    void decoderNeverThrows(FuzzedDataProvider data) {
        int mode = data.consumeInt(0, 3);
        switch (mode) {
            case 0 -> feedStream(MessageCodec.guiMessages(), data);
            case 1 -> feedStream(MessageCodec.serviceMessages(), data);
            case 2 -> feedStream(MessageCodec.instanceMessages(), data);
            default -> decodePayload(data.consumeRemainingAsBytes());
        }
    }

    /** Feeds the stream in fuzzer-chosen chunk sizes, interleaving polls, as a socket reader would. */
    private static <M> void feedStream(MessageCodec<M> codec, FuzzedDataProvider data) {
        FrameDecoder<M> decoder = new FrameDecoder<>(codec);
        while (data.remainingBytes() > 0) {
            byte[] chunk = data.consumeBytes(data.consumeInt(1, 4096));
            decoder.feed(chunk);
            for (Optional<DecodeResult<M>> result = decoder.poll(); result.isPresent(); result = decoder.poll()) {
                check(codec, result.get());
                if (result.get() instanceof DecodeResult.Fatal<M>) {
                    assertThat(decoder.failed()).isTrue();
                }
            }
        }
        DecodeResult<M> end = decoder.endOfInput();
        assertThat(end).isInstanceOfAny(DecodeResult.EndOfStream.class, DecodeResult.Fatal.class);
        check(codec, end);
    }

    /** The payload path on its own, so the JSON layer is reached without the fuzzer having to find a valid length. */
    private static void decodePayload(byte[] payload) {
        check(MessageCodec.guiMessages(), MessageCodec.guiMessages().decode(payload));
        check(MessageCodec.serviceMessages(), MessageCodec.serviceMessages().decode(payload));
        check(MessageCodec.instanceMessages(), MessageCodec.instanceMessages().decode(payload));
    }

    private static <M> void check(MessageCodec<M> codec, DecodeResult<M> result) {
        assertThat(result).isNotNull();
        switch (result) {
            case DecodeResult.Decoded<M>(M message) -> {
                // Whatever decodes must re-encode and decode to the same record.
                assertThat(codec.decode(codec.encode(message))).isEqualTo(result);
                assertThat(message.toString()).isNotNull();
            }
            case DecodeResult.Rejected<M>(FrameProblem problem) -> {
                assertThat(problem.sentence()).isNotBlank();
                assertThat(problem.toProtocolError()).isNotNull();
            }
            case DecodeResult.Fatal<M>(StreamFault fault) -> assertThat(fault.sentence()).isNotBlank();
            case DecodeResult.EndOfStream<M>() -> { }
        }
    }
}
