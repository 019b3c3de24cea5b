package dev.flint.shell.linux;

import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A one-off measurement, not a test: datagrams per second through {@link LinuxUdpSocket#send} with
 * GSO on and off, 1300-byte datagrams in batches of 64 to one destination over a veth pair between
 * two namespaces, with a GRO receiver draining on the other end. Needs root. Run from the
 * repository root after {@code ./mvnw -pl io-shell -am test-compile}:
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -cp io-shell/target/test-classes:io-shell/target/classes:CLASSPATH \
 *   dev.flint.shell.linux.UdpGsoRate [seconds]
 * </pre>
 */
public final class UdpGsoRate {

    /** com.sun.management.ThreadMXBean, reached by reflection: io-shell's module does not read java.management. */
    private static final Object THREADS;
    private static final java.lang.reflect.Method ALLOCATED;

    static {
        try {
            THREADS = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean").invoke(null);
            ALLOCATED = Class.forName("com.sun.management.ThreadMXBean").getMethod("getCurrentThreadAllocatedBytes");
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static long allocatedBytes() {
        try {
            return (long) ALLOCATED.invoke(THREADS);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private UdpGsoRate() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        try (NamespacePair net = NamespacePair.create()) {
            for (int round = 0; round < 2; round++) {
                for (UdpOffloads offloads : new UdpOffloads[]{new UdpOffloads(true, false), UdpOffloads.NONE}) {
                    measure(net, offloads, seconds);
                }
            }
        }
    }

    private static void measure(NamespacePair net, UdpOffloads senderOffloads, int seconds) throws Exception {
        try (LinuxUdpSocket sender = net.inA(() -> LinuxUdpSocket.bind(0, senderOffloads));
             LinuxUdpSocket receiver = net.inB(() -> LinuxUdpSocket.bind(0));
             DatagramBatch out = new DatagramBatch(64, 2048)) {
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicLong received = new AtomicLong();
            AtomicLong receiveAllocated = new AtomicLong();
            Thread drain = Thread.ofPlatform().start(() -> {
                try (DatagramBatch in = new DatagramBatch(64, 2048)) {
                    long count = 0;
                    long before = 0;
                    while (running.get()) {
                        int n = receiver.receive(in, 100);
                        if (n > 0) {
                            received.addAndGet(n);
                            count += n;
                        }
                        if (before == 0 && count > 200_000) {
                            before = allocatedBytes();
                            count = 0;
                        }
                    }
                    if (before != 0 && count > 0) {
                        receiveAllocated.set((allocatedBytes() - before) * 1000 / count);
                    }
                } catch (Exception e) {
                    e.printStackTrace();
                }
            });
            MemorySegment to = DatagramBatch.encode(new InetSocketAddress(NamespacePair.ip(NamespacePair.B4), receiver.port()));
            for (int i = 0; i < 64; i++) {
                out.packets().add(ByteBuffer.allocate(1300));
                out.setAddress(i, to);
            }
            long warmUntil = System.nanoTime() + 2_000_000_000L;
            while (System.nanoTime() < warmUntil) {
                sender.send(out);
            }
            long sent = 0;
            long receivedBefore = received.get();
            long allocatedBefore = allocatedBytes();
            long start = System.nanoTime();
            long end = start + seconds * 1_000_000_000L;
            while (System.nanoTime() < end) {
                sender.send(out);
                sent += 64;
            }
            double elapsed = (System.nanoTime() - start) / 1e9;
            long allocated = allocatedBytes() - allocatedBefore;
            long got = received.get() - receivedBefore;
            running.set(false);
            drain.join();
            System.out.printf("sender %s: send() %,.0f datagrams/s (%.2f Gbit/s of payload), receiver got %,.0f/s, "
                    + "super-datagrams sent %,d, send errors %d; allocated per 1000 datagrams: send %d B, receive %d B%n",
                sender.offloads(), sent / elapsed, sent * 1300 * 8 / elapsed / 1e9, got / elapsed,
                sender.coalescedSends(), sender.sendErrors(), allocated * 1000 / sent, receiveAllocated.get());
        }
    }
}
