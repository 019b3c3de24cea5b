package dev.flint.connlib.wireguard;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Jazzer over the node's network input. In the normal suite it replays the seeds in
 * {@code WireGuardNodeFuzzTestInputs/networkInput} (hand-written ones plus the corpus of a 20 s run); to fuzz for
 * the budget below: {@code JAZZER_FUZZ=1 ./mvnw -pl connlib test -Dtest=WireGuardNodeFuzzTest} (new corpus
 * entries land in {@code connlib/.cifuzz-corpus}, which git ignores).
 *
 * <p>The first input byte picks a mode: 0 sends the rest as is; 1 and 2 XOR the rest onto a valid initiation or
 * transport datagram so the fuzzer starts past the MAC and index checks.
 */
class WireGuardNodeFuzzTest {
    private static final NodePair PAIR = new NodePair(WireGuardConfig.standard(), 61);
    private static final List<byte[]> VALID = HostileInputTest.validMessages(PAIR);
    private static final byte[] INITIATION = VALID.get(0);
    private static final byte[] TRANSPORT = VALID.get(3);
    private static final ByteBuffer OUT = ByteBuffer.allocate(4096);

    @FuzzTest(maxDuration = "20s")
    void networkInput(byte[] input) {
        if (input.length == 0) {
            return;
        }
        byte[] datagram = switch (input[0] % 3) {
            case 1 -> xorOnto(INITIATION, input);
            case 2 -> xorOnto(TRANSPORT, input);
            default -> java.util.Arrays.copyOfRange(input, 1, input.length);
        };
        WireGuardNode target = (input[0] & 0x80) == 0 ? PAIR.b : PAIR.a;
        PAIR.now = PAIR.now.plusMillis(25);
        long dropsBefore = target.dropCounters().total();
        Received r = target.decrypt(PAIR.addrA, ByteBuffer.wrap(datagram), OUT.clear(), PAIR.now);
        assertThat(r).isNotNull();
        if (r.isDropped()) {
            assertThat(target.dropCounters().total()).isGreaterThan(dropsBefore);
            assertThat(OUT.position()).isZero();
        }
        target.handleTimeout(PAIR.now);
        PAIR.drain(PAIR.a);
        PAIR.drain(PAIR.b);
    }

    private static byte[] xorOnto(byte[] base, byte[] input) {
        byte[] out = base.clone();
        for (int i = 1; i < input.length && i - 1 < out.length; i++) {
            out[i - 1] ^= input[i];
        }
        if (input.length - 1 > out.length) {
            out = java.util.Arrays.copyOf(out, Math.min(input.length - 1, 2000));
        }
        return out;
    }
}
