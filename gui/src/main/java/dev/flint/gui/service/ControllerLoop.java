package dev.flint.gui.service;

import dev.flint.gui.controller.Controller;
import dev.flint.gui.controller.ControllerEvent;
import dev.flint.gui.controller.Effect;
import dev.flint.gui.controller.UiState;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the {@link Controller} on one thread: events from any thread are queued, effects are handed
 * to the shell in order, the controller's next timeout is armed, and listeners get each new state.
 * An exception in the shell is logged and turned into a sentence, never allowed to kill the loop.
 */
public final class ControllerLoop implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ControllerLoop.class);

    private final Controller controller;
    private final Consumer<Effect> shell;
    private final Clock clock;
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("controller").daemon(true).factory());
    private final List<Consumer<UiState>> listeners = new CopyOnWriteArrayList<>();
    private ScheduledFuture<?> timer;
    private volatile UiState state;

    public ControllerLoop(Controller controller, Consumer<Effect> shell, Clock clock) {
        this.controller = controller;
        this.shell = shell;
        this.clock = clock;
        this.state = controller.state();
    }

    public void onState(Consumer<UiState> listener) {
        listeners.add(listener);
        listener.accept(state);
    }

    public UiState state() {
        return state;
    }

    public void start() {
        thread.execute(() -> {
            controller.start(clock.instant());
            settle();
        });
    }

    /** Queues an event; safe from any thread. */
    public void post(ControllerEvent event) {
        thread.execute(() -> {
            controller.handle(event, clock.instant());
            settle();
        });
    }

    /** Runs {@code task} on the controller thread (for shell work that must not race effects). */
    public void execute(Runnable task) {
        thread.execute(task);
    }

    private void settle() {
        for (Optional<Effect> e = controller.pollEffect(); e.isPresent(); e = controller.pollEffect()) {
            try {
                shell.accept(e.get());
            } catch (RuntimeException ex) {
                LOG.error("Performing {} failed", e.get(), ex);
            }
        }
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
        controller.pollTimeout().ifPresent(due -> {
            long delay = Math.max(0, Duration.between(clock.instant(), due).toMillis());
            timer = thread.schedule(() -> {
                controller.handleTimeout(clock.instant());
                settle();
            }, delay, TimeUnit.MILLISECONDS);
        });
        UiState next = controller.state();
        if (!next.equals(state)) {
            state = next;
            for (Consumer<UiState> l : listeners) {
                try {
                    l.accept(next);
                } catch (RuntimeException ex) {
                    LOG.error("State listener failed", ex);
                }
            }
        }
    }

    /** Waits until everything queued so far has run (tests, shutdown). */
    public void flush() throws InterruptedException {
        var done = new java.util.concurrent.CountDownLatch(1);
        thread.execute(done::countDown);
        done.await(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }

}
