package dev.flint.devstack.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** What the web server sends for /random is what a client expects: same seed, same bytes, same digest. */
class PseudoRandomBytesTest {
    @Test
    void theDigestIsThatOfTheWrittenStreamAndDependsOnSeedAndLength() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PseudoRandomBytes.write(7, 100_003, out);
        byte[] bytes = out.toByteArray();
        assertThat(bytes).hasSize(100_003);
        assertThat(PseudoRandomBytes.sha256(7, 100_003))
            .isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)));
        assertThat(PseudoRandomBytes.sha256(8, 100_003)).isNotEqualTo(PseudoRandomBytes.sha256(7, 100_003));
        assertThat(PseudoRandomBytes.sha256(7, 100_002)).isNotEqualTo(PseudoRandomBytes.sha256(7, 100_003));
        // Not a constant fill: a swapped pair of 16 KiB chunks would change the digest.
        assertThat(java.util.Arrays.copyOfRange(bytes, 0, 16384))
            .isNotEqualTo(java.util.Arrays.copyOfRange(bytes, 16384, 32768));
    }
}
