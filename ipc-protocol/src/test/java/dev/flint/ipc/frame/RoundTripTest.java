package dev.flint.ipc.frame;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flint.ipc.AdvancedSettings;
import dev.flint.ipc.GuiMessage;
import dev.flint.ipc.SampleMessages;
import dev.flint.ipc.ServiceMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.NotBlank;
import net.jqwik.api.constraints.StringLength;

/** Every message survives encode → frame → chunked incremental decode, whatever the chunk sizes. */
class RoundTripTest {

    @Property(tries = 200)
    void everySampleSurvivesFramingInArbitraryChunks(@ForAll long seed) {
        Random random = new Random(seed);
        roundTrip(MessageCodec.serviceMessages(), SampleMessages.service(), random);
        roundTrip(MessageCodec.guiMessages(), SampleMessages.gui(), random);
        roundTrip(MessageCodec.instanceMessages(), SampleMessages.instance(), random);
    }

    @Property(tries = 300)
    void arbitraryTextFieldsSurvive(@ForAll @NotBlank @StringLength(max = 300) String token,
                                    @ForAll @StringLength(max = 300) String reason,
                                    @ForAll boolean flag) {
        var connect = new GuiMessage.Connect(token, flag);
        assertThat(MessageCodec.guiMessages().decode(MessageCodec.guiMessages().encode(connect)))
                .isEqualTo(new DecodeResult.Decoded<>(connect));
        var disconnected = new ServiceMessage.Disconnected(reason, flag);
        assertThat(MessageCodec.serviceMessages().decode(MessageCodec.serviceMessages().encode(disconnected)))
                .isEqualTo(new DecodeResult.Decoded<>(disconnected));
        var error = new ServiceMessage.ProtocolError(reason.isEmpty() ? null : reason, null, token);
        assertThat(MessageCodec.serviceMessages().decode(MessageCodec.serviceMessages().encode(error)))
                .isEqualTo(new DecodeResult.Decoded<>(error));
    }

    @Property(tries = 50)
    void helloRoundTripsForAnyProtocolVersion(@ForAll @IntRange(min = 1, max = 1_000_000) int version) {
        var hello = new ServiceMessage.Hello(version, "1.2.3", "device", AdvancedSettings.defaults(), SampleMessages.MANAGED);
        assertThat(MessageCodec.serviceMessages().decode(MessageCodec.serviceMessages().encode(hello)))
                .isEqualTo(new DecodeResult.Decoded<>(hello));
    }

    private static <M> void roundTrip(MessageCodec<M> codec, List<M> messages, Random random) {
        FrameEncoder<M> encoder = new FrameEncoder<>(codec);
        var stream = new java.io.ByteArrayOutputStream();
        for (M message : messages) {
            stream.writeBytes(encoder.encode(message));
        }
        byte[] bytes = stream.toByteArray();
        FrameDecoder<M> decoder = new FrameDecoder<>(codec);
        List<DecodeResult<M>> results = new ArrayList<>();
        int position = 0;
        while (position < bytes.length) {
            int chunk = Math.min(bytes.length - position, 1 + random.nextInt(random.nextBoolean() ? 8 : 700));
            decoder.feed(bytes, position, chunk);
            position += chunk;
            for (Optional<DecodeResult<M>> r = decoder.poll(); r.isPresent(); r = decoder.poll()) {
                results.add(r.get());
            }
        }
        results.add(decoder.endOfInput());
        List<DecodeResult<M>> expected = new ArrayList<>();
        messages.forEach(m -> expected.add(new DecodeResult.Decoded<>(m)));
        expected.add(new DecodeResult.EndOfStream<>());
        assertThat(results).isEqualTo(expected);
    }
}
