package dev.flint.connlib.wireguard;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import javax.crypto.spec.SecretKeySpec;

/**
 * The transport keys of one session with their indices, creation time, send counter and replay window. Immutable
 * apart from the counter (reserved atomically, so several threads can seal packets of the same session) and the
 * window (synchronised).
 */
final class Keypair {
    private static final VarHandle SEND_COUNTER;

    static {
        try {
            SEND_COUNTER = MethodHandles.lookup().findVarHandle(Keypair.class, "sendCounter", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final SecretKeySpec sendKey;
    final SecretKeySpec receiveKey;
    final boolean initiator;
    final int localIndex;
    final int remoteIndex;
    final long createdNanos;
    final ReplayWindow replay = new ReplayWindow();
    @SuppressWarnings("unused") // accessed through SEND_COUNTER
    private volatile long sendCounter;

    Keypair(byte[] sendKey, byte[] receiveKey, boolean initiator, int localIndex, int remoteIndex, long createdNanos) {
        this.sendKey = TransportCipher.key(sendKey);
        this.receiveKey = TransportCipher.key(receiveKey);
        java.util.Arrays.fill(sendKey, (byte) 0);
        java.util.Arrays.fill(receiveKey, (byte) 0);
        this.initiator = initiator;
        this.localIndex = localIndex;
        this.remoteIndex = remoteIndex;
        this.createdNanos = createdNanos;
    }

    /** Reserves the next send counter: each caller gets a distinct one, in call order. */
    long nextSendCounter() {
        return (long) SEND_COUNTER.getAndAdd(this, 1L);
    }

    long sendCounter() {
        return sendCounter;
    }

    /** For tests that need a session near a message limit without sending 2^60 packets. */
    void setSendCounterForTest(long value) {
        sendCounter = value;
    }
}
