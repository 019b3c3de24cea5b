package dev.flint.connlib.tunnel;

import dev.flint.connlib.peer.DatagramRoute;
import dev.flint.connlib.peer.PeerNode;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The product's data path per packet, both sessions as the event loops run them: a 1280-byte UDP packet of a known
 * flow sealed by the client ({@link ClientSession#sealTunPacket}) and opened by the gateway
 * ({@link GatewaySession#openDatagram}) into direct buffers, as TUN and socket batches are; next to the bare JDK
 * cipher sealing and opening the same bytes. With {@code -prof gc} the bytes per packet show what the sessions add to
 * the cipher's own allocation. Run as described in BENCHMARKS.md; not part of the test suite.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@State(Scope.Thread)
public class SessionDataPathBenchmark {
    private static final int PACKET = 1280;

    private SessionPair pair;
    private ByteBuffer packet;
    private ByteBuffer datagram;
    private ByteBuffer tun;

    private Cipher sealer;
    private Cipher opener;
    private SecretKeySpec key;
    private final byte[] nonce = new byte[12];
    private long counter;

    @Setup(Level.Trial)
    public void setUp() throws GeneralSecurityException {
        pair = new SessionPair(7);
        pair.connect();
        byte[] ip = SessionPair.udp(SessionPair.CLIENT_V4, SessionPair.HOST, 40000, 5000, "x".repeat(PACKET - 28));
        packet = ByteBuffer.allocateDirect(PACKET).put(ip).flip();
        datagram = ByteBuffer.allocateDirect(PACKET + 128);
        tun = ByteBuffer.allocateDirect(PACKET + 128);
        if (roundTrip() != PACKET) {
            throw new IllegalStateException("the flow does not take the copy-free path");
        }
        sealer = Cipher.getInstance("ChaCha20-Poly1305");
        opener = Cipher.getInstance("ChaCha20-Poly1305");
        key = new SecretKeySpec(new byte[32], "ChaCha20");
    }

    /** Client seals, gateway opens: flow lookups, WireGuard, framing, path bookkeeping, into caller buffers. */
    @Benchmark
    public int roundTrip() {
        packet.rewind();
        datagram.clear();
        DatagramRoute route = pair.client.sealTunPacket(packet, datagram, pair.now);
        if (route == null) {
            return -1;
        }
        datagram.flip();
        tun.clear();
        PeerNode.Opened opened = pair.gateway.openDatagram(pair.gatewayHost.local, pair.clientHost.local, datagram,
            tun, pair.now);
        return opened == PeerNode.Opened.PACKET ? tun.position() : -2;
    }

    /** The bare JDK cipher sealing and opening the same 1280 bytes with a fresh nonce: the floor. */
    @Benchmark
    public int jdkRoundTrip() throws GeneralSecurityException {
        packet.rewind();
        datagram.clear();
        counter++;
        for (int i = 0; i < 8; i++) {
            nonce[4 + i] = (byte) (counter >>> (8 * i));
        }
        sealer.init(Cipher.ENCRYPT_MODE, key, new IvParameterSpec(nonce));
        sealer.doFinal(packet, datagram);
        datagram.flip();
        tun.clear();
        opener.init(Cipher.DECRYPT_MODE, key, new IvParameterSpec(nonce));
        return opener.doFinal(datagram, tun);
    }
}
