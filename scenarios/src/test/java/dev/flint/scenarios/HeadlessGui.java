package dev.flint.scenarios;

import dev.flint.gui.controller.Controller;
import dev.flint.gui.controller.ControllerEvent;
import dev.flint.gui.controller.Effect;
import dev.flint.gui.controller.Phase;
import dev.flint.gui.controller.UiState;
import dev.flint.gui.service.ControllerLoop;
import dev.flint.gui.service.ServiceLink;
import dev.flint.gui.settings.GeneralSettings;
import dev.flint.gui.settings.SessionRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Flint's GUI without its windows: the GUI's own {@link Controller}, run by its {@link ControllerLoop}, talking to the
 * tunnel service over its {@link ServiceLink}, signed in with a stored token as after a browser sign-in. Effects that
 * would show or store something are recorded instead, so a scenario can read what the user would be told.
 * {@link #main} runs one as its own process (for {@code kill -9}).
 */
final class HeadlessGui implements AutoCloseable {
    final List<Effect> effects = new CopyOnWriteArrayList<>();
    private final ControllerLoop loop;
    private final ServiceLink link;

    HeadlessGui(Path socket, String token) {
        Controller.Start start = new Controller.Start(Optional.of(token), Optional.of(new SessionRecord("demo",
            "Alice Demo")), GeneralSettings.defaults(), true, Optional.empty(), "0.1.0");
        loop = new ControllerLoop(new Controller(start, new SplittableRandom()), this::perform, Clock.systemUTC());
        link = new ServiceLink(socket, loop::post);
        loop.start();
    }

    private void perform(Effect effect) {
        effects.add(effect);
        switch (effect) {
            case Effect.ConnectToService c -> Thread.ofPlatform().daemon(true).name("service-connect").start(link::connect);
            case Effect.CloseServiceConnection c -> link.close();
            case Effect.SendToService s -> link.send(s.message());
            default -> { }
        }
    }

    UiState state() {
        return loop.state();
    }

    Phase phase() {
        return state().phase();
    }

    /** What the user does: sign out, connect, disconnect, quit. */
    void post(ControllerEvent event) {
        loop.post(event);
    }

    /** The notifications the GUI raised (title: body). */
    List<String> notifications() {
        return effects.stream().filter(Effect.Notify.class::isInstance).map(Effect.Notify.class::cast)
            .map(n -> n.title() + ": " + n.body()).toList();
    }

    @Override
    public void close() {
        link.close();
        loop.close();
    }

    /** Arguments: the service socket and a file holding the token. Runs until killed, saying each phase it reaches. */
    public static void main(String[] args) throws Exception {
        HeadlessGui gui = new HeadlessGui(Path.of(args[0]), Files.readString(Path.of(args[1])).strip());
        gui.loop.onState(s -> System.out.println("phase " + s.phase()));
        Thread.currentThread().join();
    }
}
