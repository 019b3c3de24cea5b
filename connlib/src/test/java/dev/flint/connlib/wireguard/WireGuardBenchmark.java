package dev.flint.connlib.wireguard;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.SplittableRandom;
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
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Packets per second on one core for 1280-byte IP packets: the engine's allocation-free path against the bare JDK
 * ChaCha20-Poly1305 {@code Cipher} doing the same AEAD work (no header, no counters, no replay window). Run as
 * described in BENCHMARKS.md ("WireGuard engine (JMH)"); it is not part of the test suite.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@State(Scope.Thread)
public class WireGuardBenchmark {
    private static final int PACKET = 1280;
    private static final int POOL = 8192;
    private static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");

    @Param({"heap", "direct"})
    public String buffers;

    private WireGuardNode sender;
    private WireGuardNode receiver;
    private WireGuardPeer receiverOnSender;
    private Keypair receiveSession;
    private ByteBuffer plaintext;
    private ByteBuffer wire;
    private ByteBuffer[] datagrams;
    private ByteBuffer opened;
    private int next;

    private Cipher jdkSealer;
    private Cipher jdkOpener;
    private SecretKeySpec jdkKey;
    private byte[] jdkNonce;
    private long jdkCounter;
    private ByteBuffer[] jdkSealed;

    @Setup(Level.Trial)
    public void setUp() throws GeneralSecurityException {
        var random = new SplittableRandom(1);
        sender = new WireGuardNode(WireGuardKey.generatePrivate(random), WireGuardConfig.firezoneIce(), random);
        receiver = new WireGuardNode(WireGuardKey.generatePrivate(random), WireGuardConfig.firezoneIce(), random);
        receiverOnSender = sender.addPeer(receiver.publicKey(), null, null, null, NOW);
        WireGuardPeer senderOnReceiver = receiver.addPeer(sender.publicKey(), null, null, null, NOW);
        var from = new InetSocketAddress("192.0.2.1", 51820);
        sender.initiateHandshake(receiverOnSender, NOW);
        ByteBuffer scratch = ByteBuffer.allocate(2048);
        receiver.decrypt(from, ByteBuffer.wrap(sender.pollTransmit().payload()), scratch.clear(), NOW);
        sender.decrypt(from, ByteBuffer.wrap(receiver.pollTransmit().payload()), scratch.clear(), NOW);
        receiver.decrypt(from, ByteBuffer.wrap(sender.pollTransmit().payload()), scratch.clear(), NOW);
        receiveSession = senderOnReceiver.current;

        plaintext = allocate(PACKET);
        byte[] ip = new byte[PACKET];
        random.nextBytes(ip);
        ip[0] = 0x45;
        ip[2] = (byte) (PACKET >>> 8);
        ip[3] = (byte) PACKET;
        plaintext.put(ip).flip();
        wire = allocate(PACKET + 64);
        opened = allocate(PACKET + 64);
        datagrams = new ByteBuffer[POOL];
        for (int i = 0; i < POOL; i++) {
            ByteBuffer d = allocate(PACKET + 32);
            if (sender.encrypt(receiverOnSender, plaintext.duplicate(), d, NOW) != Encrypted.SENT) {
                throw new IllegalStateException("no session");
            }
            datagrams[i] = d.flip();
        }

        jdkSealer = Cipher.getInstance("ChaCha20-Poly1305");
        jdkOpener = Cipher.getInstance("ChaCha20-Poly1305");
        byte[] key = new byte[32];
        random.nextBytes(key);
        jdkKey = new SecretKeySpec(key, "ChaCha20");
        jdkNonce = new byte[12];
        jdkSealed = new ByteBuffer[POOL];
        for (int i = 0; i < POOL; i++) {
            ByteBuffer d = allocate(PACKET + 16);
            jdkSealer.init(Cipher.ENCRYPT_MODE, jdkKey, new IvParameterSpec(nonce(jdkNonce, i)));
            jdkSealer.doFinal(plaintext.duplicate(), d);
            jdkSealed[i] = d.flip();
        }
        jdkCounter = POOL;
    }

    private ByteBuffer allocate(int size) {
        return "direct".equals(buffers) ? ByteBuffer.allocateDirect(size) : ByteBuffer.allocate(size);
    }

    private static byte[] nonce(byte[] nonce, long counter) {
        for (int i = 0; i < 8; i++) {
            nonce[4 + i] = (byte) (counter >>> (8 * i));
        }
        return nonce;
    }

    /** The engine: header, counter reservation, AEAD into the caller's buffer, stats and timer bookkeeping. */
    @Benchmark
    public int engineEncrypt() {
        plaintext.rewind();
        wire.clear();
        sender.encrypt(receiverOnSender, plaintext, wire, NOW);
        return wire.position();
    }

    /** The engine: index lookup, replay window, AEAD, inner-length check, stats and timer bookkeeping. */
    @Benchmark
    public int engineDecrypt() {
        if (next == POOL) {
            next = 0;
            receiveSession.replay.reset(); // replay the same pool; negligible next to 8192 decryptions
        }
        ByteBuffer d = datagrams[next++];
        d.rewind();
        opened.clear();
        receiver.decrypt(null, d, opened, NOW);
        return opened.position();
    }

    /** The bare JDK cipher sealing the same 1280 bytes with a fresh counter nonce. */
    @Benchmark
    public int jdkSeal() throws GeneralSecurityException {
        plaintext.rewind();
        wire.clear();
        jdkSealer.init(Cipher.ENCRYPT_MODE, jdkKey, new IvParameterSpec(nonce(jdkNonce, jdkCounter++)));
        return jdkSealer.doFinal(plaintext, wire);
    }

    /** The bare JDK cipher opening 1280 bytes + tag. */
    @Benchmark
    public int jdkOpen() throws GeneralSecurityException {
        if (next == POOL) {
            next = 0;
        }
        int i = next++;
        ByteBuffer d = jdkSealed[i];
        d.rewind();
        opened.clear();
        jdkOpener.init(Cipher.DECRYPT_MODE, jdkKey, new IvParameterSpec(nonce(jdkNonce, i)));
        return jdkOpener.doFinal(d, opened);
    }
}
