package dev.flint.connlib.wireguard;

import static dev.flint.connlib.wireguard.NodePair.ipv4;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Malformed and hostile datagrams never throw out of the engine; each one is counted as a drop. */
class HostileInputTest {

    /** One valid message of every kind, for truncation and mutation. */
    static List<byte[]> validMessages(NodePair p) {
        List<byte[]> out = new ArrayList<>();
        p.a.initiateHandshake(p.bOnA, p.now);
        byte[] initiation = p.drain(p.a).getFirst().payload();
        out.add(initiation);
        p.deliver(p.a, initiation);
        byte[] response = p.drain(p.b).getFirst().payload();
        out.add(response);
        p.deliver(p.b, response);
        byte[] keepalive = p.drain(p.a).getFirst().payload();
        out.add(keepalive);
        p.deliver(p.a, keepalive);
        out.add(p.seal(p.a, ipv4(200, 3)));
        out.add(new WireGuardMessage.CookieReply(1, new byte[24], new byte[32]).encode());
        return out;
    }

    @Test
    void everyTruncationIsDroppedAndCounted() {
        var p = new NodePair(WireGuardConfig.standard(), 41);
        for (byte[] message : validMessages(p)) {
            for (int length = 0; length < message.length; length++) {
                long before = p.b.dropCounters().total();
                Received r = p.b.decrypt(p.addrA, ByteBuffer.wrap(message, 0, length), ByteBuffer.allocate(2048), p.now);
                assertThat(r.isDropped()).as("type %d truncated to %d", message[0], length).isTrue();
                assertThat(p.b.dropCounters().total()).isEqualTo(before + 1);
            }
        }
        assertThat(p.b.dropCounters().count(DropReason.TOO_SHORT)).isPositive();
        assertThat(p.b.dropCounters().count(DropReason.WRONG_LENGTH)).isPositive();
    }

    @Test
    void wrongTypesAndReservedBytesAreUnknownTypes() {
        var p = new NodePair(WireGuardConfig.standard(), 42);
        for (byte[] message : validMessages(p)) {
            for (int type : new int[] {0, 5, 255}) {
                byte[] m = message.clone();
                m[0] = (byte) type;
                assertThat(p.b.decrypt(p.addrA, ByteBuffer.wrap(m), ByteBuffer.allocate(2048), p.now).dropReason())
                        .isEqualTo(DropReason.UNKNOWN_TYPE);
            }
            byte[] reserved = message.clone();
            reserved[2] = 1;
            assertThat(p.b.decrypt(p.addrA, ByteBuffer.wrap(reserved), ByteBuffer.allocate(2048), p.now).dropReason())
                    .isEqualTo(DropReason.UNKNOWN_TYPE);
        }
    }

    @Test
    void everySingleBitFlipOfTransportDataFailsAuthenticationOrIndexLookup() {
        var p = new NodePair(WireGuardConfig.standard(), 43);
        p.handshake();
        byte[] datagram = p.seal(p.a, ipv4(64, 3));
        for (int bit = 32; bit < datagram.length * 8; bit++) { // past the type word
            byte[] m = datagram.clone();
            m[bit / 8] ^= (byte) (1 << (bit % 8));
            Received r = p.b.decrypt(p.addrA, ByteBuffer.wrap(m), ByteBuffer.allocate(2048), p.now);
            assertThat(r.dropReason()).as("bit %d", bit).isIn(
                    DropReason.DATA_AUTHENTICATION_FAILED, DropReason.UNKNOWN_RECEIVER_INDEX, DropReason.REPLAYED_COUNTER);
        }
        assertThat(p.deliver(p.a, datagram).kind()).isEqualTo(Received.Kind.DATA); // the original is still fresh
    }

    @Test
    void randomAndMutatedDatagramsNeverThrow() {
        var p = new NodePair(WireGuardConfig.standard(), 44);
        List<byte[]> seeds = validMessages(p);
        p.b.setUnderLoad(false);
        var random = new SplittableRandom(44);
        long accepted = 0;
        int rounds = 20_000;
        for (int i = 0; i < rounds; i++) {
            byte[] m;
            if (random.nextBoolean()) {
                m = new byte[random.nextInt(0, 300)];
                random.nextBytes(m);
                if (m.length > 4 && random.nextBoolean()) {
                    m[0] = (byte) random.nextInt(1, 5);
                    m[1] = m[2] = m[3] = 0;
                }
            } else {
                m = seeds.get(random.nextInt(seeds.size())).clone();
                int flips = random.nextInt(1, 4);
                for (int f = 0; f < flips; f++) {
                    m[random.nextInt(m.length)] ^= (byte) (1 << random.nextInt(8));
                }
                if (random.nextInt(4) == 0) {
                    m = Arrays.copyOf(m, random.nextInt(0, m.length + 40));
                }
            }
            p.now = p.now.plusMillis(1);
            long before = p.b.dropCounters().total();
            Received r = (i % 2 == 0 ? p.b : p.a)
                    .decrypt(p.addrA, ByteBuffer.wrap(m), ByteBuffer.allocate(2048), p.now);
            if (!r.isDropped()) {
                accepted++;
            } else if (i % 2 == 0) {
                assertThat(p.b.dropCounters().total()).isEqualTo(before + 1);
            }
            p.drain(p.a);
            p.drain(p.b);
        }
        assertThat(accepted).isLessThan(rounds / 100);
    }

    @Test
    void decodeNamesWhatIsWrong() {
        assertThat(WireGuardMessage.decode(ByteBuffer.wrap(new byte[3])))
                .isEqualTo(new WireGuardMessage.Decoding.Malformed(
                        DropReason.TOO_SHORT, "message has 3 bytes, fewer than the 4-byte type"));
        byte[] shortInit = new byte[147];
        shortInit[0] = 1;
        assertThat(WireGuardMessage.decode(ByteBuffer.wrap(shortInit)))
                .isEqualTo(new WireGuardMessage.Decoding.Malformed(
                        DropReason.WRONG_LENGTH, "handshake initiation must be 148 bytes, got 147"));
        var reply = new WireGuardMessage.CookieReply(7, CryptoPrimitivesTest.range(0, 24), CryptoPrimitivesTest.range(1, 33));
        var decoded = (WireGuardMessage.Decoding.Decoded) WireGuardMessage.decode(ByteBuffer.wrap(reply.encode()));
        var back = (WireGuardMessage.CookieReply) decoded.message();
        assertThat(back.receiver()).isEqualTo(7);
        assertThat(back.nonce()).isEqualTo(reply.nonce());
        assertThat(back.encryptedCookie()).isEqualTo(reply.encryptedCookie());
        assertThat(WireGuardMessage.typeOf(ByteBuffer.wrap(reply.encode()))).isEqualTo(3);
    }
}
