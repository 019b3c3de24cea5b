package dev.flint.tunnel.windows;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flint.tunnel.windows.ServiceControlManager.Status;
import dev.flint.tunnel.windows.WindowsService.State;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The SCM state machine against a fake SCM that calls ServiceMain on its own thread, as Windows does. */
class WindowsServiceTest {

    static final class FakeScm implements ServiceControlManager {
        final List<Status> statuses = new ArrayList<>();
        boolean startedByScm = true;
        ControlHandler handler;
        String registeredName;

        @Override
        public boolean runDispatcher(String serviceName, Runnable serviceMain) {
            if (!startedByScm) {
                return false;
            }
            Thread main = Thread.ofPlatform().name("service-main").start(serviceMain);
            try {
                main.join();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            return true;
        }

        @Override
        public StatusHandle registerHandler(String serviceName, ControlHandler handler) {
            this.registeredName = serviceName;
            this.handler = handler;
            return new StatusHandle(42);
        }

        @Override
        public synchronized void setStatus(StatusHandle handle, Status status) {
            assertThat(handle.value()).isEqualTo(42);
            statuses.add(status);
        }

        /** A control from the SCM, which arrives on the dispatcher thread, not the service's. */
        int send(int control) {
            int[] result = new int[1];
            Thread dispatcher = Thread.ofPlatform().start(() -> result[0] = handler.control(control, 0));
            try {
                dispatcher.join();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            return result[0];
        }

        synchronized List<State> states() {
            return statuses.stream().map(Status::state).toList();
        }
    }

    private final FakeScm scm = new FakeScm();
    private final WindowsService service = new WindowsService(scm);

    @Test
    void startPendingThenRunningThenStopOnStopControlThenStopped() {
        int exit = service.run(lifecycle -> {
            lifecycle.ready();
            assertThat(scm.send(WindowsService.SERVICE_CONTROL_STOP)).isEqualTo(WindowsService.NO_ERROR);
            lifecycle.awaitStop();
            lifecycle.stopping();
            return 0;
        });
        assertThat(exit).isZero();
        assertThat(scm.registeredName).isEqualTo("FlintTunnelService");
        assertThat(scm.states()).containsExactly(State.START_PENDING, State.RUNNING, State.STOP_PENDING,
                State.STOP_PENDING, State.STOPPED);
        assertThat(scm.statuses.get(0)).isEqualTo(new Status(State.START_PENDING, 0, 0, 0, 1, 15_000));
        assertThat(scm.statuses.get(1)).as("running accepts STOP and SHUTDOWN only")
                .isEqualTo(new Status(State.RUNNING, 0x1 | 0x4, 0, 0, 0, 0));
        // The check point counts progress within one pending operation, so it starts again for the stop.
        assertThat(scm.statuses.get(2)).isEqualTo(new Status(State.STOP_PENDING, 0, 0, 0, 1, 15_000));
        assertThat(scm.statuses.get(3)).isEqualTo(new Status(State.STOP_PENDING, 0, 0, 0, 2, 15_000));
        assertThat(scm.statuses.get(4)).isEqualTo(new Status(State.STOPPED, 0, 0, 0, 0, 0));
    }

    @Test
    void shutdownIsTheSameGracefulStop() {
        int exit = service.run(lifecycle -> {
            lifecycle.ready();
            scm.send(WindowsService.SERVICE_CONTROL_SHUTDOWN);
            lifecycle.awaitStop();
            lifecycle.stopping();
            return 0;
        });
        assertThat(exit).isZero();
        assertThat(scm.states()).containsExactly(State.START_PENDING, State.RUNNING, State.STOP_PENDING,
                State.STOP_PENDING, State.STOPPED);
    }

    @Test
    void aStopDuringStartUpNeverShowsTheServiceAsRunning() {
        service.run(lifecycle -> {
            scm.send(WindowsService.SERVICE_CONTROL_STOP);
            lifecycle.ready();
            lifecycle.awaitStop();
            lifecycle.stopping();
            return 0;
        });
        assertThat(scm.states()).containsExactly(State.START_PENDING, State.STOP_PENDING, State.STOP_PENDING,
                State.STOPPED);
    }

    @Test
    void aFailedRunStopsWithAServiceSpecificExitCode() {
        int exit = service.run(lifecycle -> 3);
        assertThat(exit).isEqualTo(3);
        assertThat(scm.statuses.getLast()).isEqualTo(new Status(State.STOPPED, 0, 1066, 3, 0, 0));
    }

    @Test
    void anExceptionInTheBodyStillReportsStopped() {
        int exit = service.run(lifecycle -> {
            throw new IllegalStateException("boom");
        });
        assertThat(exit).isEqualTo(1);
        assertThat(scm.statuses.getLast()).isEqualTo(new Status(State.STOPPED, 0, 1066, 1, 0, 0));
    }

    @Test
    void otherControlsAreNotImplementedAndInterrogateChangesNothing() {
        service.run(lifecycle -> {
            lifecycle.ready();
            assertThat(scm.send(0x2)).as("PAUSE").isEqualTo(WindowsService.ERROR_CALL_NOT_IMPLEMENTED);
            assertThat(scm.send(WindowsService.SERVICE_CONTROL_INTERROGATE)).isEqualTo(WindowsService.NO_ERROR);
            assertThat(scm.states()).containsExactly(State.START_PENDING, State.RUNNING);
            scm.send(WindowsService.SERVICE_CONTROL_STOP);
            lifecycle.awaitStop();
            return 0;
        });
        assertThat(scm.states()).endsWith(State.STOPPED);
    }

    @Test
    void aProcessNotStartedByTheScmRunsNothing() {
        scm.startedByScm = false;
        AtomicBoolean ran = new AtomicBoolean();
        assertThat(service.run(lifecycle -> {
            ran.set(true);
            return 0;
        })).isEqualTo(1);
        assertThat(ran).isFalse();
        assertThat(scm.statuses).isEmpty();
    }
}
