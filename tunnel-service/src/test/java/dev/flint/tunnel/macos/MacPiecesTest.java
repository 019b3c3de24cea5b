package dev.flint.tunnel.macos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flint.ipc.transport.PeerCredentials;
import dev.flint.ipc.transport.PipeClientIdentity;
import dev.flint.tunnel.os.QuietPeriod;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The peer check and the routing-socket monitor of the macOS service, without macOS. */
class MacPiecesTest {

    /** Routing messages handed in by the test; the utun is index 9. */
    static final class QueuedRoutes implements RouteMessages {
        final LinkedBlockingQueue<byte[]> messages = new LinkedBlockingQueue<>();
        volatile boolean closed;

        @Override
        public int receive(byte[] buffer, int timeoutMillis) throws java.io.IOException {
            if (closed) {
                return -1;
            }
            try {
                byte[] message = messages.poll(timeoutMillis, TimeUnit.MILLISECONDS);
                if (message == null) {
                    return closed ? -1 : 0;
                }
                System.arraycopy(message, 0, buffer, 0, message.length);
                return message.length;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return -1;
            }
        }

        @Override
        public int interfaceIndex(String name) {
            return name.equals("utun4") ? 9 : 0;
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    /** An {@code rt_msghdr} of {@code type} for interface {@code index}, as the kernel writes it. */
    static byte[] routeMessage(int type, int index) {
        ByteBuffer m = ByteBuffer.allocate(92).order(ByteOrder.nativeOrder());
        m.putShort(0, (short) 92).put(2, (byte) 5).put(3, (byte) type).putShort(4, (short) index);
        return m.array();
    }

    @Test
    void onlyTheInstalledGuiMayUseTheSocket() {
        Map<Long, String> executables = Map.of(10L, MacPeerCheck.INSTALLED_GUI, 11L, "/usr/bin/python3");
        MacPeerCheck check = new MacPeerCheck(pid -> Optional.ofNullable(executables.get(pid)),
                Optional.of(MacPeerCheck.INSTALLED_GUI));
        assertThat(check.check(new PeerCredentials(501, 20, OptionalLong.of(10)))).isEmpty();
        assertThat(check.check(new PeerCredentials(501, 20, OptionalLong.of(11)))).get().asString()
                .contains("/usr/bin/python3");
        assertThat(check.check(new PeerCredentials(501, 20, OptionalLong.empty()))).isPresent();
        assertThat(check.check(new PipeClientIdentity(10, 1))).isPresent();
    }

    @Test
    void routeChangesOfOtherInterfacesAreReportedAndTheUtunsOwnNot() throws Exception {
        QueuedRoutes routes = new QueuedRoutes();
        LinkedBlockingQueue<Runnable> scheduled = new LinkedBlockingQueue<>();
        AtomicInteger reports = new AtomicInteger();
        RouteSocketMonitor monitor = RouteSocketMonitor.start(routes, "utun4", new QuietPeriod(Duration.ofMillis(500),
                reports::incrementAndGet, new QuietPeriod.Timer() {
                    @Override
                    public void schedule(Duration delay, Runnable task) {
                        scheduled.add(task);
                    }

                    @Override
                    public void close() {
                    }
                }));
        try {
            routes.messages.add(routeMessage(0x1, 9));          // RTM_ADD on the utun: the session's own route
            routes.messages.add(routeMessage(0x4, 3));          // RTM_GET: a lookup, not a change
            routes.messages.add(routeMessage(0x2, 5));          // RTM_DELETE on en0
            Runnable report = scheduled.poll(1, TimeUnit.MINUTES);
            assertThat(report).as("a report was scheduled for the change on en0").isNotNull();
            report.run();
            assertThat(reports).hasValue(1);
            assertThat(scheduled).as("only the one change was reported").isEmpty();
        } finally {
            monitor.close();
        }
        assertThat(routes.closed).isTrue();
    }
}
