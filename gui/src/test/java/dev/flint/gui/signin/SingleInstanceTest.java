package dev.flint.gui.signin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flint.gui.platform.LocalEndpoint;
import dev.flint.ipc.InstanceMessage;
import dev.flint.ipc.transport.DuplexStream;
import dev.flint.ipc.transport.PeerIdentity;
import dev.flint.ipc.transport.StreamPair;
import java.io.IOException;
import java.net.URI;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One GUI per user over an endpoint that behaves as Windows' per-user pipe does (connecting fails
 * while nobody listens; each connection is a stream pair), so the Windows path runs here.
 */
class SingleInstanceTest {
    private static final Duration WAIT = Duration.ofMinutes(1);

    @TempDir
    Path dir;

    /** The pipe's behaviour without Windows: a listener queue; "no such pipe" while nobody listens. */
    static final class MemoryPipe implements LocalEndpoint {
        private final BlockingQueue<DuplexStream> pending = new LinkedBlockingQueue<>();
        private volatile boolean listening;

        @Override
        public DuplexStream connect() throws IOException {
            if (!listening) {
                throw new NoSuchFileException("\\\\.\\pipe\\memory", null, "no such pipe");
            }
            StreamPair pair = StreamPair.connected(new PeerIdentity.Unknown());
            pending.add(pair.server());
            return pair.client();
        }

        @Override
        public Listener listen() {
            listening = true;
            return new Listener() {
                @Override
                public DuplexStream accept() throws IOException {
                    try {
                        return pending.take();
                    } catch (InterruptedException e) {
                        throw new IOException("closed");
                    }
                }

                @Override
                public void close() {
                    listening = false;
                }
            };
        }

        @Override
        public String describe() {
            return "memory pipe";
        }
    }

    @Test
    void theSecondInstanceHandsItsDeepLinkToTheFirstAndGetsAnAck() throws Exception {
        MemoryPipe pipe = new MemoryPipe();
        BlockingQueue<InstanceMessage> received = new LinkedBlockingQueue<>();
        try (SingleInstance first = SingleInstance.tryAcquire(dir.resolve("launch.lock"), pipe).orElseThrow()) {
            first.listen(received::add);
            assertThat(SingleInstance.tryAcquire(dir.resolve("launch.lock"), pipe)).as("the lock is held").isEmpty();
            URI link = URI.create("firezone-fd0020211111://handle_client_sign_in_callback?state=s&fragment=f");
            SingleInstance.forward(pipe, new InstanceMessage.DeepLink(link), 3, WAIT);
            assertThat(received.poll(1, TimeUnit.MINUTES)).isEqualTo(new InstanceMessage.DeepLink(link));
            SingleInstance.forward(pipe, new InstanceMessage.NewInstance(), 3, WAIT);
            assertThat(received.poll(1, TimeUnit.MINUTES)).isEqualTo(new InstanceMessage.NewInstance());
        }
        assertThat(SingleInstance.tryAcquire(dir.resolve("launch.lock"), pipe)).as("released on close").isPresent()
                .get().satisfies(SingleInstance::close);
    }

    @Test
    void aDeepLinkWithNoInstanceRunningSaysSo() {
        assertThatThrownBy(() -> SingleInstance.forward(new MemoryPipe(), new InstanceMessage.NewInstance(), 2, WAIT))
                .hasMessageContaining("Flint is not running");
    }
}
