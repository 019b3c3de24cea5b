package dev.flint.devstack.portal;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * What Firezone's portal knows because its relays stay connected to it: whether each relay is alive. The emulator
 * asks instead: a STUN Binding request to every relay each second (coturn answers Binding without credentials), and
 * a relay that missed {@link #MISSES} in a row is reported silent, one that answers again alive. Runs on its own
 * thread; the reports go to the portal's thread.
 */
final class RelayWatch implements AutoCloseable {
    static final Duration INTERVAL = Duration.ofSeconds(1);
    static final Duration TIMEOUT = Duration.ofMillis(500);
    static final int MISSES = 3;
    private static final int MAGIC_COOKIE = 0x2112A442;

    private final Supplier<List<PortalConfig.RelayEntry>> relays;
    private final BiConsumer<UUID, Boolean> presence;
    private final Map<UUID, Integer> missed = new HashMap<>();
    private final Thread thread;
    private volatile boolean closed;

    /** Probes {@code relays()} (read anew each round) and reports changes to {@code presence(id, answering)}. */
    RelayWatch(Supplier<List<PortalConfig.RelayEntry>> relays, BiConsumer<UUID, Boolean> presence) {
        this.relays = relays;
        this.presence = presence;
        this.thread = Thread.ofPlatform().daemon().name("relay-watch").start(this::run);
    }

    private void run() {
        try {
            watch();
        } catch (RuntimeException e) {
            // The portal is closing under the watch (its event loop is gone); nothing left to tell.
            if (!closed) {
                throw e;
            }
        }
    }

    private void watch() {
        while (!closed) {
            for (PortalConfig.RelayEntry relay : relays.get()) {
                boolean answered = relay.addresses().stream().anyMatch(RelayWatch::answers);
                int before = missed.getOrDefault(relay.id(), 0);
                int now = answered ? 0 : before + 1;
                missed.put(relay.id(), now);
                if (now == MISSES) {
                    presence.accept(relay.id(), false);
                } else if (answered && before >= MISSES) {
                    presence.accept(relay.id(), true);
                }
            }
            try {
                Thread.sleep(INTERVAL.toMillis());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** One Binding request (RFC 8489 §5) and its success response with the same transaction id. */
    static boolean answers(InetSocketAddress relay) {
        byte[] id = new byte[12];
        ThreadLocalRandom.current().nextBytes(id);
        byte[] request = ByteBuffer.allocate(20).putShort((short) 0x0001).putShort((short) 0).putInt(MAGIC_COOKIE)
            .put(id).array();
        try (DatagramSocket socket = new DatagramSocket()) {
            socket.setSoTimeout((int) TIMEOUT.toMillis());
            socket.send(new DatagramPacket(request, request.length, relay));
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            byte[] buffer = new byte[1500];
            while (System.nanoTime() < deadline) {
                DatagramPacket reply = new DatagramPacket(buffer, buffer.length);
                socket.receive(reply);
                ByteBuffer r = ByteBuffer.wrap(buffer, 0, reply.getLength());
                if (reply.getLength() >= 20 && r.getShort(0) == 0x0101 && r.getInt(4) == MAGIC_COOKIE
                    && java.util.Arrays.equals(buffer, 8, 20, id, 0, 12)) {
                    return true;
                }
            }
            return false;
        } catch (SocketTimeoutException silent) {
            return false;
        } catch (IOException | IllegalArgumentException unreachable) {
            // No route to this family (an IPv6 relay address on an IPv4-only network) says nothing either.
            return false;
        }
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
    }
}
