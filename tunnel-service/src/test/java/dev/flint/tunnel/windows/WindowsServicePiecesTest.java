package dev.flint.tunnel.windows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flint.ipc.transport.PeerCredentials;
import dev.flint.ipc.transport.PipeClientIdentity;
import dev.flint.tunnel.os.IpcListener;
import dev.flint.tunnel.os.ManualTimer;
import dev.flint.tunnel.os.QuietPeriod;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The pipe's bind retry, the check of the client's image, and the IP Helper network monitor, without Windows. */
class WindowsServicePiecesTest {

    @Test
    void bindingWaitsForTheOldPipeToBeReleasedThenGivesUpWithASentence() throws Exception {
        List<Duration> pauses = new ArrayList<>();
        AtomicInteger attempts = new AtomicInteger();
        IpcListener listener = new dev.flint.tunnel.os.MemoryIpc().bind();
        IpcListener bound = PipeListener.retrying(() -> {
            if (attempts.incrementAndGet() < 3) {
                throw new AccessDeniedException("pipe", null, "held");
            }
            return listener;
        }, pauses::add, "\\\\.\\pipe\\x").bind();
        assertThat(bound).isSameAs(listener);
        assertThat(pauses).containsExactly(Duration.ofMillis(100), Duration.ofMillis(100));

        pauses.clear();
        assertThatThrownBy(() -> PipeListener.retrying(() -> {
            throw new AccessDeniedException("pipe", null, "held");
        }, pauses::add, "\\\\.\\pipe\\x").bind()).isInstanceOf(IOException.class)
                .hasMessageContaining("is held by another process");
        assertThat(pauses).hasSize(PipeListener.BIND_ATTEMPTS);
    }

    @Test
    void onlyTheInstalledGuisImageMayUseThePipe() {
        String gui = "C:\\Program Files\\Flint\\flint-gui.exe";
        Map<Long, String> images = Map.of(1L, "c:\\program files\\flint\\FLINT-GUI.EXE", 2L, "C:\\Temp\\flint-gui.exe");
        PipeClientCheck check = new PipeClientCheck(pid -> Optional.ofNullable(images.get(pid)), Optional.of(gui));
        assertThat(check.check(new PipeClientIdentity(1, 1))).isEmpty();
        assertThat(check.check(new PipeClientIdentity(2, 1))).get().asString().contains("C:\\Temp\\flint-gui.exe");
        assertThat(check.check(new PipeClientIdentity(3, 1))).get().asString().contains("could not be read");
        assertThat(check.check(new PeerCredentials(0, 0, OptionalLong.empty()))).isPresent();
        assertThat(new PipeClientCheck(pid -> Optional.empty(), Optional.empty()).check(new PipeClientIdentity(3, 1)))
                .as("development: any image").isEmpty();
    }

    @Test
    void networkChangesOfOtherInterfacesAreReportedOnceAndTheTunnelsOwnNot() throws Exception {
        WindowsStartPathTest.Changes changes = new WindowsStartPathTest.Changes();
        ManualTimer timer = new ManualTimer();
        AtomicInteger reports = new AtomicInteger();
        IpHelperNetworkMonitor monitor = IpHelperNetworkMonitor.start(changes, "Flint",
                new QuietPeriod(Duration.ofMillis(500), reports::incrementAndGet, timer));
        assertThat(changes.subscribers).hasSize(2);
        long tunnel = changes.luidOf("Flint").getAsLong();
        changes.subscribers.getFirst().accept(new IpChangeNotifications.Change(0, IpChangeNotifications.Kind.INITIAL));
        changes.subscribers.getLast().accept(new IpChangeNotifications.Change(tunnel, IpChangeNotifications.Kind.ADD));
        assertThat(timer.runDue()).as("the initial notification and the adapter's own routes").isZero();
        changes.subscribers.getFirst().accept(new IpChangeNotifications.Change(7, IpChangeNotifications.Kind.PARAMETER));
        changes.subscribers.getLast().accept(new IpChangeNotifications.Change(7, IpChangeNotifications.Kind.DELETE));
        assertThat(timer.runDue()).isEqualTo(1);
        assertThat(reports).hasValue(1);
        monitor.close();
        assertThat(changes.cancelled).isEqualTo(2);
    }
}
