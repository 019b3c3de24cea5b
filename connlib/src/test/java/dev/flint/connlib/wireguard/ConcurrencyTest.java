package dev.flint.connlib.wireguard;

import static dev.flint.connlib.wireguard.NodePair.ipv4;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The data path's thread-safety contract: many workers on the same session at once. */
class ConcurrencyTest {
    private static final int THREADS = 4;
    private static final int PER_THREAD = 5_000;

    @Test
    void workersEncryptingTheSameSessionGetDistinctCountersAndEveryPacketDecryptsOnce() throws Exception {
        var p = new NodePair(WireGuardConfig.standard(), 71);
        p.handshake();
        var datagrams = new ConcurrentLinkedQueue<byte[]>();
        runOnThreads(worker -> {
            ByteBuffer out = ByteBuffer.allocateDirect(2048);
            for (int i = 0; i < PER_THREAD; i++) {
                ByteBuffer packet = ByteBuffer.wrap(ipv4(100 + worker, i));
                out.clear();
                assertThat(p.a.encrypt(p.bOnA, packet, out, p.now)).isEqualTo(Encrypted.SENT);
                out.flip();
                byte[] d = new byte[out.remaining()];
                out.get(d);
                datagrams.add(d);
            }
        });
        List<byte[]> all = new ArrayList<>(datagrams);
        all.sort(java.util.Comparator.comparingLong(ConcurrencyTest::counter));
        for (int i = 0; i < all.size(); i++) {
            assertThat(counter(all.get(i))).isEqualTo(i + 1); // every counter once (0 was the confirming keepalive)
        }

        // Decrypt them on four threads, interleaved within chunks of 1024 counters (the workers meet at a barrier
        // between chunks, so the spread stays inside the 8192-packet window however the threads are scheduled).
        var accepted = new AtomicInteger();
        var barrier = new java.util.concurrent.CyclicBarrier(THREADS);
        runOnThreads(worker -> {
            ByteBuffer out = ByteBuffer.allocate(2048);
            for (int chunk = 0; chunk < all.size(); chunk += 1024) {
                for (int i = chunk + worker; i < Math.min(all.size(), chunk + 1024); i += THREADS) {
                    Received r = p.b.decrypt(p.addrA, ByteBuffer.wrap(all.get(i)), out.clear(), p.now);
                    if (r.kind() == Received.Kind.DATA) {
                        accepted.incrementAndGet();
                    }
                }
                barrier.await();
            }
        });
        assertThat(accepted.get()).isEqualTo(THREADS * PER_THREAD);
        runOnThreads(worker -> {
            for (int i = worker; i < all.size(); i += THREADS) {
                assertThat(p.b.decrypt(p.addrA, ByteBuffer.wrap(all.get(i)), ByteBuffer.allocate(2048), p.now).kind())
                        .isEqualTo(Received.Kind.DROPPED);
            }
        });
        assertThat(p.aOnB.rxBytes()).isEqualTo(all.stream().mapToLong(d -> d.length).sum() + 148 + 32);
    }

    @Test
    void decryptingWorkersRaceTheFirstPacketOfANewSession() throws Exception {
        for (int round = 0; round < 20; round++) {
            var p = new NodePair(WireGuardConfig.standard(), 100 + round);
            p.a.initiateHandshake(p.bOnA, p.now);
            p.deliver(p.a, p.drain(p.a).getFirst().payload());
            p.deliver(p.b, p.drain(p.b).getFirst().payload());
            p.drain(p.a); // the confirming keepalive is lost; data packets confirm instead
            List<byte[]> packets = new ArrayList<>();
            for (int i = 0; i < THREADS * 50; i++) {
                packets.add(p.seal(p.a, ipv4(60, i)));
            }
            runOnThreads(worker -> {
                for (int i = worker; i < packets.size(); i += THREADS) {
                    assertThat(p.b.decrypt(p.addrA, ByteBuffer.wrap(packets.get(i)), ByteBuffer.allocate(256), p.now)
                            .kind()).isEqualTo(Received.Kind.DATA);
                }
            });
            p.collectEvents();
            assertThat(p.eventsB).singleElement().isInstanceOf(WireGuardEvent.HandshakeCompleted.class);
            assertThat(p.aOnB.next).isNull();
            assertThat(p.seal(p.b, ipv4(60, 1))).isNotNull();
        }
    }

    private static long counter(byte[] datagram) {
        return ByteBuffer.wrap(datagram, 8, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
    }

    private interface Worker {
        void run(int index) throws Exception;
    }

    private static void runOnThreads(Worker worker) throws Exception {
        var start = new CountDownLatch(1);
        var failures = new ConcurrentLinkedQueue<Throwable>();
        Thread[] threads = new Thread[THREADS];
        for (int t = 0; t < THREADS; t++) {
            int index = t;
            threads[t] = Thread.ofPlatform().start(() -> {
                try {
                    start.await();
                    worker.run(index);
                } catch (Throwable e) {
                    failures.add(e);
                }
            });
        }
        start.countDown();
        for (Thread t : threads) {
            t.join();
        }
        if (!failures.isEmpty()) {
            AssertionError error = new AssertionError("worker failed: " + Arrays.toString(failures.toArray()));
            failures.forEach(error::addSuppressed);
            throw error;
        }
    }
}
