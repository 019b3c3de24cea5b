package dev.flint.ipc.frame;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flint.ipc.SampleMessages;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Pins the wire format: each message's sample encodes to exactly the bytes of
 * {@code golden/<MessageName>.json} (the payload followed by one newline), and the file decodes
 * back to an equal record. A wire change therefore shows up as a golden-file diff in review.
 * To rewrite the files after an intended change run with {@code -Dflint.golden.update=true}.
 */
class GoldenFilesTest {
    private static final Path GOLDEN = Path.of("src/test/resources/golden");
    private static final Map<Class<?>, Object> SAMPLES = SampleMessages.byClass();

    @TestFactory
    Stream<DynamicTest> everyMessageEncodesToItsGoldenFileAndBack() {
        return SAMPLES.entrySet().stream().map(entry -> DynamicTest.dynamicTest(entry.getKey().getSimpleName(), () -> {
            Class<?> type = entry.getKey();
            Object sample = entry.getValue();
            Path file = GOLDEN.resolve(type.getSimpleName() + ".json");
            byte[] encoded = withNewline(Codecs.encode(sample));
            if (Boolean.getBoolean("flint.golden.update")) {
                Files.write(file, encoded);
            }
            assertThat(file).as("golden file for %s", type.getSimpleName()).exists();
            byte[] golden = Files.readAllBytes(file);
            assertThat(new String(encoded, StandardCharsets.UTF_8)).isEqualTo(new String(golden, StandardCharsets.UTF_8));
            assertThat(encoded).isEqualTo(golden);

            byte[] payload = new String(golden, StandardCharsets.UTF_8).stripTrailing().getBytes(StandardCharsets.UTF_8);
            assertThat(Codecs.decode(type, payload)).isEqualTo(new DecodeResult.Decoded<>(sample));
        }));
    }

    @Test
    void everyPermittedMessageTypeHasASample() {
        List<Class<?>> permitted = new ArrayList<>();
        for (MessageCodec<?> codec : Codecs.ALL) {
            permitted.addAll(List.of(codec.family().getPermittedSubclasses()));
        }
        assertThat(SAMPLES.keySet()).containsExactlyInAnyOrderElementsOf(permitted);
        assertThat(permitted.stream().map(Class::getSimpleName).distinct()).as("golden file names are unique").hasSize(permitted.size());
    }

    @Test
    void noStaleGoldenFiles() throws IOException {
        Set<String> expected = SAMPLES.keySet().stream().map(c -> c.getSimpleName() + ".json").collect(Collectors.toCollection(TreeSet::new));
        try (Stream<Path> files = Files.list(GOLDEN)) {
            Set<String> present = files.map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
            assertThat(present).isEqualTo(expected);
        }
    }

    @Test
    void wireTypeNamesAreSnakeCaseAndUniquePerFamily() {
        for (MessageCodec<?> codec : Codecs.ALL) {
            assertThat(codec.types().keySet()).allSatisfy(name -> assertThat(name).matches("[a-z]+(_[a-z]+)*"));
            assertThat(codec.types()).hasSize(codec.family().getPermittedSubclasses().length);
        }
    }

    private static byte[] withNewline(byte[] payload) {
        byte[] out = new byte[payload.length + 1];
        System.arraycopy(payload, 0, out, 0, payload.length);
        out[payload.length] = '\n';
        return out;
    }
}
