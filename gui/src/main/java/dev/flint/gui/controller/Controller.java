package dev.flint.gui.controller;

import dev.flint.gui.controller.ControllerEvent.*;
import dev.flint.gui.settings.GeneralSettings;
import dev.flint.gui.settings.SessionRecord;
import dev.flint.gui.signin.CallbackLink;
import dev.flint.gui.signin.SignInRequest;
import dev.flint.ipc.AdvancedSettings;
import dev.flint.ipc.ConnectedDevice;
import dev.flint.ipc.GuiMessage;
import dev.flint.ipc.ManagedSettings;
import dev.flint.ipc.ProtocolVersion;
import dev.flint.ipc.ResourceView;
import dev.flint.ipc.ServiceMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The GUI controller as a plain state machine: {@link #handle} an event, then drain {@link #pollEffect}
 * and read {@link #state}; {@link #pollTimeout} says when {@link #handleTimeout} is due. No threads,
 * clocks or IO inside, so every transition is a unit test.
 *
 * <p>Unlike Firezone's GUI it survives the tunnel service going away: it reconnects with backoff and
 * re-sends {@code Connect} with the stored token. It can also disconnect without signing out.
 */
public final class Controller {

    private static final Logger LOG = LoggerFactory.getLogger(Controller.class);
    static final Duration HELLO_TIMEOUT = Duration.ofSeconds(5);
    static final Duration QUIT_TIMEOUT = Duration.ofSeconds(5);
    static final Duration FIRST_RETRY = Duration.ofMillis(250);
    static final Duration MAX_RETRY = Duration.ofSeconds(10);

    /** Who the user is to the portal. */
    private sealed interface Auth {
    }

    private record SignedOut() implements Auth {
    }

    private record NeedResponse(SignInRequest request) implements Auth {
    }

    private record SignedIn(String token, String accountSlug, String actorName) implements Auth {
    }

    /** The tunnel session in the service. */
    private enum Tunnel { DOWN, WAITING_FOR_PORTAL, WAITING_FOR_TUNNEL, READY, QUITTING }

    /** The socket to the service. */
    private enum Link { CONNECTING, AWAITING_HELLO, READY, RETRY_WAIT, INCOMPATIBLE }

    /** What the controller knows at start-up, read by the shell from disk and keyring. */
    public record Start(Optional<String> token, Optional<SessionRecord> session, GeneralSettings general,
                        boolean ranBefore, Optional<String> tokenStoreWarning, String guiVersion) {
    }

    private final RandomGenerator random;
    private final String guiVersion;
    private final ArrayDeque<Effect> effects = new ArrayDeque<>();

    private Auth auth = new SignedOut();
    private Tunnel tunnel = Tunnel.DOWN;
    private Link link = Link.CONNECTING;
    private boolean started;
    /** The user wants the tunnel up; set by Connect/sign-in, cleared by Disconnect/sign-out/errors. */
    private boolean wantTunnel;
    private boolean quitting;
    private boolean ranBefore;
    private boolean problemShown;
    private int retries;
    private Instant linkDeadline;
    private Instant quitDeadline;
    private GeneralSettings general;
    private AdvancedSettings advanced = AdvancedSettings.defaults();
    private ManagedSettings managed = ManagedSettings.none();
    private List<ResourceView> resources = List.of();
    private List<ConnectedDevice> devices = List.of();
    private List<dev.flint.ipc.GatewayConnection> connections = List.of();
    private Optional<UiState.Update> update = Optional.empty();
    private Optional<String> serviceProblem = Optional.empty();
    private Optional<String> notice;
    private boolean clearingLogs;
    private Optional<String> deviceId = Optional.empty();

    public Controller(Start start, RandomGenerator random) {
        this.random = random;
        this.guiVersion = start.guiVersion();
        this.general = start.general();
        this.ranBefore = start.ranBefore();
        this.notice = start.tokenStoreWarning();
        if (start.token().isPresent() && start.session().isPresent()) {
            SessionRecord s = start.session().get();
            auth = new SignedIn(start.token().get(), s.accountSlug(), s.actorName());
            wantTunnel = start.general().connectOnStartEffective();
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Driving

    /** Starts the controller: opens the service connection and decides whether to show the window. */
    public void start(Instant now) {
        if (started) {
            return;
        }
        started = true;
        link = Link.CONNECTING;
        effects.add(new Effect.ConnectToService());
        if (!ranBefore || !general.startMinimized()) {
            effects.add(new Effect.ShowWindow(Page.OVERVIEW));
        }
    }

    public void handle(ControllerEvent event, Instant now) {
        switch (event) {
            case ServiceAttached a -> onAttached(now);
            case ServiceUnreachable u -> onUnreachable(u.reason(), now);
            case ServiceLost l -> onLost(l.reason(), now, false);
            case FromService f -> onMessage(f.message(), now);
            case ServiceIncompatible i -> incompatible(i.sentence());
            case SignIn s -> signIn();
            case CancelSignIn c -> cancelSignIn();
            case SignOut s -> signOut();
            case Connect c -> connect();
            case Disconnect d -> disconnect();
            case Quit q -> quit(now);
            case DeepLinkReceived d -> deepLink(d.url());
            case NewInstance n -> effects.add(new Effect.ShowWindow(Page.OVERVIEW));
            case ShowWindow w -> effects.add(new Effect.ShowWindow(w.page()));
            case SetFavorite f -> saveGeneral(general.withFavorite(f.resourceId().toString(), f.favorite()));
            case SetInternetResource r -> setInternetResource(r.enabled());
            case ApplyGeneralSettings g -> applyGeneral(general.withForm(g.startMinimized(), g.startOnLogin(),
                    g.connectOnStart(), managed.accountSlug() != null ? general.accountSlug() : g.accountSlug()));
            case ResetGeneralSettings r -> applyGeneral(general.reset());
            case ApplyAdvancedSettings a -> applyAdvanced(a.settings());
            case ResetAdvancedSettings r -> applyAdvanced(AdvancedSettings.defaults());
            case ClearLogs c -> clearLogs();
            case ConnectNow c -> connectNow();
            case RunDiagnostics r -> {
                if (link == Link.READY) {
                    effects.add(new Effect.SendToService(new GuiMessage.RunDiagnostics(r.probeResourceId())));
                } else {
                    effects.add(new Effect.DiagnosticsUnavailable(Messages.SERVICE_UNREACHABLE));
                }
            }
            case UpdateFound u -> updateFound(u);
            case NoUpdate n -> update = Optional.empty();
            case TokenNotSaved t -> notice = Optional.of(t.sentence());
            case GeneralSettingsLoaded g -> general = g.settings();
        }
    }

    public void handleTimeout(Instant now) {
        if (quitDeadline != null && !now.isBefore(quitDeadline)) {
            LOG.info("The service did not confirm the disconnect in time; quitting anyway");
            exit();
            return;
        }
        if (linkDeadline != null && !now.isBefore(linkDeadline)) {
            linkDeadline = null;
            switch (link) {
                case AWAITING_HELLO -> {
                    LOG.warn("No Hello from the tunnel service within {}", HELLO_TIMEOUT);
                    effects.add(new Effect.CloseServiceConnection());
                    showServiceProblem(Messages.SERVICE_NOT_RESPONDING);
                    scheduleRetry(now);
                }
                case RETRY_WAIT -> {
                    link = Link.CONNECTING;
                    effects.add(new Effect.ConnectToService());
                }
                default -> {
                }
            }
        }
    }

    public Optional<Instant> pollTimeout() {
        if (quitDeadline != null && linkDeadline != null) {
            return Optional.of(quitDeadline.isBefore(linkDeadline) ? quitDeadline : linkDeadline);
        }
        return Optional.ofNullable(quitDeadline != null ? quitDeadline : linkDeadline);
    }

    public Optional<Effect> pollEffect() {
        return Optional.ofNullable(effects.poll());
    }

    public UiState state() {
        Optional<String> actor = auth instanceof SignedIn s ? Optional.ofNullable(s.actorName()) : Optional.empty();
        Optional<String> slug = auth instanceof SignedIn s ? Optional.ofNullable(s.accountSlug()) : Optional.empty();
        return new UiState(phase(), actor, slug, tunnel == Tunnel.READY ? resources : List.of(),
                tunnel == Tunnel.READY ? devices : List.of(), general, advanced, managed,
                checkForUpdatesAllowed() ? update : Optional.empty(), serviceProblem, notice, deviceId,
                tunnel == Tunnel.READY ? connections : List.of());
    }

    private Phase phase() {
        if (quitting) {
            return Phase.QUITTING;
        }
        if (!started) {
            return Phase.LOADING;
        }
        if (auth instanceof NeedResponse) {
            return Phase.WAITING_FOR_BROWSER;
        }
        if (link != Link.READY) {
            if (auth instanceof SignedIn && !wantTunnel) {
                return Phase.PAUSED;
            }
            return auth instanceof SignedOut && link != Link.CONNECTING && link != Link.AWAITING_HELLO
                    ? Phase.SIGNED_OUT : Phase.WAITING_FOR_SERVICE;
        }
        return switch (auth) {
            case SignedOut s -> Phase.SIGNED_OUT;
            case NeedResponse n -> Phase.WAITING_FOR_BROWSER;
            case SignedIn s -> switch (tunnel) {
                case DOWN -> wantTunnel ? Phase.CONNECTING_TO_PORTAL : Phase.PAUSED;
                case WAITING_FOR_PORTAL -> Phase.CONNECTING_TO_PORTAL;
                case WAITING_FOR_TUNNEL -> Phase.RAISING_TUNNEL;
                case READY -> Phase.SIGNED_IN;
                case QUITTING -> Phase.QUITTING;
            };
        };
    }

    // ------------------------------------------------------------------------------------------------
    // Service link

    private void onAttached(Instant now) {
        if (link != Link.CONNECTING) {
            LOG.debug("Attached while {}; ignored", link);
            return;
        }
        link = Link.AWAITING_HELLO;
        linkDeadline = now.plus(HELLO_TIMEOUT);
    }

    private void onUnreachable(String reason, Instant now) {
        if (quitting) {
            exit();
            return;
        }
        LOG.info("Tunnel service unreachable: {}", reason);
        showServiceProblem(Messages.SERVICE_UNREACHABLE);
        scheduleRetry(now);
    }

    private void onLost(String reason, Instant now, boolean graceful) {
        if (quitting) {
            exit();
            return;
        }
        if (link == Link.RETRY_WAIT || link == Link.INCOMPATIBLE) {
            return;
        }
        LOG.warn("Tunnel service connection lost: {}", reason);
        resources = List.of();
        devices = List.of();
        connections = List.of();
        tunnel = Tunnel.DOWN;
        if (graceful) {
            effects.add(Effect.Notify.of(Messages.SERVICE_STOPPED_TITLE, Messages.SERVICE_STOPPED));
            serviceProblem = Optional.of(Messages.SERVICE_STOPPED);
            problemShown = true;
            effects.add(new Effect.CloseServiceConnection());
        } else {
            effects.add(new Effect.CloseServiceConnection());
            showServiceProblem(Messages.SERVICE_LOST);
        }
        retries = 0;
        scheduleRetry(now);
    }

    private void scheduleRetry(Instant now) {
        link = Link.RETRY_WAIT;
        long millis = Math.min(MAX_RETRY.toMillis(), FIRST_RETRY.toMillis() << Math.min(retries, 10));
        retries++;
        linkDeadline = now.plusMillis(millis);
    }

    /** Shown once per outage as a notification; stays visible in the window until the service is back. */
    private void showServiceProblem(String sentence) {
        serviceProblem = Optional.of(sentence);
        if (!problemShown) {
            problemShown = true;
            effects.add(Effect.Notify.of("Flint", sentence));
        }
    }

    private void onHello(ServiceMessage.Hello hello) {
        if (link != Link.AWAITING_HELLO) {
            LOG.warn("Unexpected Hello while {}", link);
            return;
        }
        linkDeadline = null;
        Optional<String> mismatch = ProtocolVersion.mismatch(hello, guiVersion);
        if (mismatch.isPresent()) {
            incompatible(mismatch.get());
            return;
        }
        link = Link.READY;
        retries = 0;
        problemShown = false;
        serviceProblem = Optional.empty();
        advanced = hello.advancedSettings();
        deviceId = Optional.of(hello.deviceId());
        managed = hello.managedSettings();
        effects.add(new Effect.SetLogFilter(managed.logFilter() != null ? managed.logFilter() : advanced.logFilter()));
        if (managed.connectOnStart() != null && auth instanceof SignedIn && tunnel == Tunnel.DOWN && !startedSession) {
            wantTunnel = managed.connectOnStart();
        }
        if (auth instanceof SignedIn s && wantTunnel) {
            startSession(s);
        }
    }

    /** A service of another release: retrying cannot help, so say which side to update and stop. */
    private void incompatible(String sentence) {
        if (link == Link.INCOMPATIBLE) {
            return;
        }
        link = Link.INCOMPATIBLE;
        linkDeadline = null;
        serviceProblem = Optional.of(sentence);
        effects.add(new Effect.CloseServiceConnection());
        effects.add(new Effect.ShowError(sentence));
    }

    /** Whether a session was started in this run (managed connect-on-start only applies before that). */
    private boolean startedSession;

    private void onMessage(ServiceMessage message, Instant now) {
        if (message instanceof ServiceMessage.Hello hello) {
            onHello(hello);
            return;
        }
        if (link != Link.READY) {
            LOG.warn("Ignoring {} before Hello", message.getClass().getSimpleName());
            return;
        }
        switch (message) {
            case ServiceMessage.Hello h -> {
            }
            case ServiceMessage.ConnectResult r -> onConnectResult(r);
            case ServiceMessage.ResourcesUpdated r -> onResources(r);
            case ServiceMessage.ConnectionsUpdated c -> {
                if (tunnel != Tunnel.DOWN && tunnel != Tunnel.QUITTING) {
                    connections = c.connections();
                }
            }
            case ServiceMessage.DiagnosticsResult d -> effects.add(new Effect.DiagnosticsReceived(d));
            case ServiceMessage.Disconnected d -> onDisconnected(d);
            case ServiceMessage.GatewayUnreachable g -> onGatewayUnreachable(g);
            case ServiceMessage.AdvancedSettingsApplied a -> onAdvancedApplied(a);
            case ServiceMessage.LogsCleared l -> {
                if (clearingLogs) {
                    clearingLogs = false;
                    effects.add(new Effect.LogsCleared(Optional.ofNullable(l.error())));
                }
            }
            case ServiceMessage.DisconnectedGracefully d -> {
                if (quitting) {
                    exit();
                }
            }
            case ServiceMessage.TerminatingGracefully t -> onLost("service terminating", now, true);
            case ServiceMessage.ProtocolError p -> LOG.warn("The service rejected a frame: type={} field={} detail={}",
                    p.frameType(), p.field(), p.detail());
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Session

    private void startSession(SignedIn s) {
        wantTunnel = true;
        if (link != Link.READY) {
            return;
        }
        startedSession = true;
        tunnel = Tunnel.WAITING_FOR_PORTAL;
        effects.add(new Effect.SendToService(new GuiMessage.Connect(s.token(), general.internetResourceOn())));
        if (s.accountSlug() != null && !s.accountSlug().equals(general.accountSlug()) && managed.accountSlug() == null) {
            saveGeneral(general.withAccountSlug(s.accountSlug()));
        }
    }

    private void onConnectResult(ServiceMessage.ConnectResult r) {
        if (tunnel != Tunnel.WAITING_FOR_PORTAL) {
            LOG.debug("ConnectResult while {}; ignored", tunnel);
            return;
        }
        if (r.succeeded()) {
            tunnel = Tunnel.WAITING_FOR_TUNNEL;
            if (!ranBefore) {
                ranBefore = true;
                effects.add(new Effect.MarkRanBefore());
            }
        } else {
            LOG.warn("Connect failed: {}", r.error());
            forgetSignIn();
            effects.add(new Effect.ShowError(Messages.connectFailed(r.error())));
        }
    }

    private void onResources(ServiceMessage.ResourcesUpdated r) {
        if (tunnel == Tunnel.DOWN || tunnel == Tunnel.QUITTING || tunnel == Tunnel.WAITING_FOR_PORTAL) {
            LOG.debug("Resources while {}; ignored", tunnel);
            return;
        }
        if (tunnel == Tunnel.WAITING_FOR_TUNNEL) {
            effects.add(Effect.Notify.of(Messages.CONNECTED_TITLE, Messages.CONNECTED));
        }
        tunnel = Tunnel.READY;
        resources = r.resources();
        devices = r.connectedDevices();
        effects.add(new Effect.SendToService(new GuiMessage.SetInternetResourceEnabled(general.internetResourceOn())));
    }

    private void onDisconnected(ServiceMessage.Disconnected d) {
        if (tunnel == Tunnel.DOWN || quitting) {
            return;
        }
        resources = List.of();
        devices = List.of();
        connections = List.of();
        tunnel = Tunnel.DOWN;
        wantTunnel = false;
        if (d.requiresSignIn()) {
            forgetSignIn();
            effects.add(Effect.Notify.of(Messages.SESSION_EXPIRED_TITLE, Messages.SESSION_EXPIRED));
        } else {
            effects.add(new Effect.ShowError(Messages.disconnected(d.reason())));
        }
    }

    private void onGatewayUnreachable(ServiceMessage.GatewayUnreachable g) {
        Optional<ResourceView> res = resources.stream().filter(r -> r.id().equals(g.resourceId())).findFirst();
        if (res.isEmpty()) {
            LOG.info("Gateway unreachable for unknown resource {}", g.resourceId());
            return;
        }
        String site = res.get().sites().isEmpty() ? "unknown" : res.get().sites().getFirst().name();
        String body = switch (g.reason()) {
            case ALL_OFFLINE -> Messages.allGatewaysOffline(site);
            case VERSION_MISMATCH -> Messages.gatewayVersionMismatch(site);
        };
        effects.add(Effect.Notify.of(Messages.gatewayUnreachableTitle(res.get().name()), body));
    }

    private void onAdvancedApplied(ServiceMessage.AdvancedSettingsApplied a) {
        if (a.succeeded()) {
            advanced = a.settings();
            effects.add(new Effect.SetLogFilter(managed.logFilter() != null ? managed.logFilter() : advanced.logFilter()));
            effects.add(Effect.Notify.of("Flint", Messages.SETTINGS_SAVED));
        } else {
            effects.add(new Effect.ShowError(Messages.settingsNotSaved(a.error())));
        }
    }

    // ------------------------------------------------------------------------------------------------
    // User requests

    private void signIn() {
        if (quitting) {
            return;
        }
        if (auth instanceof SignedIn) {
            signOutQuietly();
        }
        SignInRequest request = SignInRequest.create(random);
        auth = new NeedResponse(request);
        effects.add(new Effect.OpenUrl(request.url(state().effectiveAuthUrl(), state().effectiveAccountSlug())));
    }

    private void cancelSignIn() {
        switch (auth) {
            case NeedResponse n -> auth = new SignedOut();
            case SignedIn s when tunnel == Tunnel.WAITING_FOR_PORTAL || tunnel == Tunnel.WAITING_FOR_TUNNEL
                    || (tunnel == Tunnel.DOWN && wantTunnel) -> signOut();
            default -> LOG.info("Cancel sign-in with nothing to cancel");
        }
    }

    private void deepLink(String url) {
        switch (CallbackLink.parse(url)) {
            case CallbackLink.Rejected r -> LOG.warn("Ignoring deep link: {}", r.reason());
            case CallbackLink.Parsed p -> {
                if (!(auth instanceof NeedResponse(SignInRequest request))) {
                    LOG.warn("Ignoring deep link: no sign-in in progress (repeated or stale link)");
                    return;
                }
                if (!request.stateMatches(p.link())) {
                    LOG.warn("Ignoring deep link: state does not match the sign-in in progress");
                    return;
                }
                SignedIn s = new SignedIn(request.tokenFor(p.link()), p.link().accountSlug(), p.link().actorName());
                auth = s;
                effects.add(new Effect.SaveToken(s.token()));
                effects.add(new Effect.SaveSession(new SessionRecord(s.accountSlug(), s.actorName())));
                startSession(s);
            }
        }
    }

    private void signOut() {
        if (quitting) {
            return;
        }
        signOutQuietly();
        auth = new SignedOut();
    }

    private void signOutQuietly() {
        if (tunnel != Tunnel.DOWN && link == Link.READY) {
            effects.add(new Effect.SendToService(new GuiMessage.Disconnect()));
        }
        forgetSignIn();
    }

    /** Deletes the token and session record; the tunnel is already down or being taken down. */
    private void forgetSignIn() {
        auth = new SignedOut();
        tunnel = Tunnel.DOWN;
        wantTunnel = false;
        resources = List.of();
        devices = List.of();
        connections = List.of();
        effects.add(new Effect.DeleteToken());
        effects.add(new Effect.DeleteSession());
    }

    private void connect() {
        if (quitting) {
            return;
        }
        if (auth instanceof SignedIn s) {
            if (tunnel == Tunnel.DOWN) {
                startSession(s);
            }
        } else {
            effects.add(new Effect.ShowError(Messages.SIGN_IN_BEFORE_CONNECT));
        }
    }

    private void disconnect() {
        if (quitting || !(auth instanceof SignedIn)) {
            return;
        }
        wantTunnel = false;
        if (tunnel != Tunnel.DOWN && link == Link.READY) {
            effects.add(new Effect.SendToService(new GuiMessage.Disconnect()));
        }
        tunnel = Tunnel.DOWN;
        resources = List.of();
        devices = List.of();
        connections = List.of();
    }

    private void quit(Instant now) {
        if (quitting) {
            return;
        }
        quitting = true;
        if (link == Link.READY) {
            effects.add(new Effect.SendToService(new GuiMessage.Disconnect()));
            quitDeadline = now.plus(QUIT_TIMEOUT);
        } else {
            exit();
        }
    }

    private void exit() {
        quitDeadline = null;
        linkDeadline = null;
        effects.add(new Effect.CloseServiceConnection());
        effects.add(new Effect.Exit(0));
    }

    private void setInternetResource(boolean enabled) {
        saveGeneral(general.withInternetResource(enabled));
        if (tunnel == Tunnel.READY && link == Link.READY) {
            effects.add(new Effect.SendToService(new GuiMessage.SetInternetResourceEnabled(enabled)));
        }
    }

    private void applyGeneral(GeneralSettings next) {
        boolean autostartChanged = !java.util.Objects.equals(next.startOnLogin(), general.startOnLogin());
        saveGeneral(next);
        if (autostartChanged) {
            effects.add(new Effect.ApplyStartOnLogin(Boolean.TRUE.equals(next.startOnLogin())));
        }
        effects.add(Effect.Notify.of("Flint", Messages.SETTINGS_SAVED));
    }

    private void saveGeneral(GeneralSettings next) {
        general = next;
        effects.add(new Effect.SaveGeneralSettings(next));
    }

    /**
     * Only while a session is on its way up (the service may be backing off between portal attempts or waiting
     * for the network): then the service retries at once with a fresh back-off.
     */
    private void connectNow() {
        if (link == Link.READY && (tunnel == Tunnel.WAITING_FOR_PORTAL || tunnel == Tunnel.WAITING_FOR_TUNNEL)) {
            effects.add(new Effect.SendToService(new GuiMessage.ConnectNow()));
        }
    }

    private void applyAdvanced(AdvancedSettings settings) {
        if (link != Link.READY) {
            effects.add(new Effect.ShowError(Messages.settingsNotSaved("the tunnel service is not connected")));
            return;
        }
        effects.add(new Effect.SendToService(new GuiMessage.ApplyAdvancedSettings(settings)));
    }

    private void clearLogs() {
        effects.add(new Effect.ClearGuiLogs());
        if (link == Link.READY) {
            if (!clearingLogs) {
                clearingLogs = true;
                effects.add(new Effect.SendToService(new GuiMessage.ClearLogs()));
            }
        } else {
            effects.add(new Effect.LogsCleared(Optional.of("The tunnel service is not connected, so only the app's logs were cleared.")));
        }
    }

    private void updateFound(UpdateFound u) {
        Optional<UiState.Update> next = Optional.of(new UiState.Update(u.version(), u.url()));
        if (!next.equals(update) && checkForUpdatesAllowed()) {
            effects.add(new Effect.Notify("Flint " + u.version() + " available for download",
                    "Click here to download the new version.", Optional.of(u.url())));
        }
        update = next;
    }

    private boolean checkForUpdatesAllowed() {
        return !Boolean.FALSE.equals(managed.checkForUpdates());
    }
}
