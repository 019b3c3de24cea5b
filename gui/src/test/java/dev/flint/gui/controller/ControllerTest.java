package dev.flint.gui.controller;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flint.gui.controller.ControllerEvent.*;
import dev.flint.gui.settings.GeneralSettings;
import dev.flint.gui.settings.SessionRecord;
import dev.flint.ipc.AdvancedSettings;
import dev.flint.ipc.GatewayUnreachableReason;
import dev.flint.ipc.GuiMessage;
import dev.flint.ipc.ManagedSettings;
import dev.flint.ipc.ProtocolVersion;
import dev.flint.ipc.ResourceStatus;
import dev.flint.ipc.ResourceView;
import dev.flint.ipc.ServiceMessage;
import dev.flint.ipc.Site;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ControllerTest {

    static final Instant T0 = Instant.parse("2026-11-24T12:00:00Z");
    static final UUID RES = UUID.fromString("03000143-e25e-45c7-aafb-144990e57dcd");
    static final UUID SITE = UUID.fromString("bf56f32d-7b2c-4f5d-a784-788977d014a4");
    static final ResourceView GITLAB = new ResourceView.Dns(RES, "gitlab.mycorp.com", "MyCorp GitLab",
            "https://gitlab.mycorp.com", List.of(new Site(SITE, "HQ")), ResourceStatus.ONLINE);

    Instant now = T0;
    Controller c;

    static ServiceMessage.Hello hello(ManagedSettings managed) {
        return new ServiceMessage.Hello(ProtocolVersion.CURRENT, "0.1.0", "device-1", AdvancedSettings.defaults(), managed);
    }

    Controller controller(Optional<String> token, GeneralSettings general, boolean ranBefore) {
        Optional<SessionRecord> session = token.map(t -> new SessionRecord("acme", "Ada Lovelace"));
        return new Controller(new Controller.Start(token, session, general, ranBefore, Optional.empty(), "0.1.0"),
                new SplittableRandom(1));
    }

    List<Effect> drain() {
        List<Effect> out = new ArrayList<>();
        for (Optional<Effect> e = c.pollEffect(); e.isPresent(); e = c.pollEffect()) {
            out.add(e.get());
        }
        return out;
    }

    List<Effect> on(ControllerEvent e) {
        c.handle(e, now);
        return drain();
    }

    List<Effect> attach(ManagedSettings managed) {
        c.start(now);
        drain();
        on(new ServiceAttached());
        return on(new FromService(hello(managed)));
    }

    /** Signed-in controller with a running tunnel and one resource. */
    void signedInAndReady() {
        c = controller(Optional.of("tok"), GeneralSettings.defaults().withAccountSlug("acme"), true);
        attach(ManagedSettings.none());
        on(new FromService(ServiceMessage.ConnectResult.ok()));
        on(new FromService(new ServiceMessage.ResourcesUpdated(List.of(GITLAB), List.of())));
        assertThat(c.state().phase()).isEqualTo(Phase.SIGNED_IN);
    }

    static String sent(List<Effect> effects) {
        return effects.stream().filter(e -> e instanceof Effect.SendToService).map(e -> ((Effect.SendToService) e).message().getClass().getSimpleName()).toList().toString();
    }

    @Test
    void beforeStartItIsLoadingThenItConnectsAndShowsTheWelcomeWindowOnFirstRun() {
        c = controller(Optional.empty(), GeneralSettings.defaults(), false);
        assertThat(c.state().phase()).isEqualTo(Phase.LOADING);
        c.start(now);
        assertThat(drain()).containsExactly(new Effect.ConnectToService(), new Effect.ShowWindow(Page.OVERVIEW));
        assertThat(c.state().phase()).isEqualTo(Phase.WAITING_FOR_SERVICE);
    }

    @Test
    void connectionsAreShownWhileTheTunnelIsUpAndForgottenWhenItGoesDown() {
        signedInAndReady();
        var connection = new dev.flint.ipc.GatewayConnection(UUID.randomUUID(), List.of(RES), true,
                new dev.flint.ipc.ConnectionPath(dev.flint.ipc.PathKind.DIRECT, new dev.flint.ipc.CandidateView("host", "10.0.0.1:52625"),
                        new dev.flint.ipc.CandidateView("host", "10.0.0.2:52625")), 900L, 1, 2, null);
        on(new FromService(new ServiceMessage.ConnectionsUpdated(List.of(connection))));
        assertThat(c.state().connections()).containsExactly(connection);
        assertThat(c.state().connectionOf(RES)).contains(connection);
        on(new Disconnect());
        assertThat(c.state().connections()).isEmpty();
        // A late sample after the disconnect is not shown.
        on(new FromService(new ServiceMessage.ConnectionsUpdated(List.of(connection))));
        assertThat(c.state().connections()).isEmpty();
    }

    @Test
    void diagnosticsGoToTheServiceAndTheirAnswerToTheShell() {
        c = controller(Optional.empty(), GeneralSettings.defaults(), true);
        c.start(now);
        drain();
        assertThat(on(new RunDiagnostics(null))).containsExactly(new Effect.DiagnosticsUnavailable(Messages.SERVICE_UNREACHABLE));
        on(new ServiceAttached());
        on(new FromService(hello(ManagedSettings.none())));
        assertThat(on(new RunDiagnostics(RES))).containsExactly(new Effect.SendToService(new GuiMessage.RunDiagnostics(RES)));
        var result = new ServiceMessage.DiagnosticsResult("disabled", List.of(), null, "tun-flint", null, List.of(), null);
        assertThat(on(new FromService(result))).containsExactly(new Effect.DiagnosticsReceived(result));
    }

    @Test
    void startMinimizedAfterAFirstSuccessfulRunShowsNoWindow() {
        c = controller(Optional.empty(), GeneralSettings.defaults(), true);
        c.start(now);
        assertThat(drain()).containsExactly(new Effect.ConnectToService());
    }

    @Test
    void helloWithoutTokenIsSignedOut() {
        c = controller(Optional.empty(), GeneralSettings.defaults(), true);
        var effects = attach(ManagedSettings.none());
        assertThat(effects).containsExactly(new Effect.SetLogFilter("info"));
        assertThat(c.state().phase()).isEqualTo(Phase.SIGNED_OUT);
        assertThat(c.state().deviceId()).contains("device-1");
    }

    @Test
    void storedTokenConnectsOnHelloAndWalksToSignedIn() {
        c = controller(Optional.of("tok"), GeneralSettings.defaults().withAccountSlug("acme"), false);
        var effects = attach(ManagedSettings.none());
        assertThat(effects).contains(new Effect.SendToService(new GuiMessage.Connect("tok", false)));
        assertThat(c.state().phase()).isEqualTo(Phase.CONNECTING_TO_PORTAL);

        assertThat(on(new FromService(ServiceMessage.ConnectResult.ok()))).containsExactly(new Effect.MarkRanBefore());
        assertThat(c.state().phase()).isEqualTo(Phase.RAISING_TUNNEL);

        effects = on(new FromService(new ServiceMessage.ResourcesUpdated(List.of(GITLAB), List.of())));
        assertThat(effects).containsExactly(Effect.Notify.of(Messages.CONNECTED_TITLE, Messages.CONNECTED),
                new Effect.SendToService(new GuiMessage.SetInternetResourceEnabled(false)));
        var s = c.state();
        assertThat(s.phase()).isEqualTo(Phase.SIGNED_IN);
        assertThat(s.actorName()).contains("Ada Lovelace");
        assertThat(s.resources()).containsExactly(GITLAB);

        // A later update refreshes the list without another notification.
        assertThat(on(new FromService(new ServiceMessage.ResourcesUpdated(List.of(), List.of()))))
                .containsExactly(new Effect.SendToService(new GuiMessage.SetInternetResourceEnabled(false)));
        assertThat(c.state().resources()).isEmpty();
    }

    /** "Connect now" reaches the service only while the session is on its way up (portal back-off). */
    @Test
    void connectNowIsSentWhileTheSessionIsComingUpOnly() {
        c = controller(Optional.of("tok"), GeneralSettings.defaults().withAccountSlug("acme"), false);
        attach(ManagedSettings.none());
        assertThat(on(new ControllerEvent.ConnectNow())).containsExactly(new Effect.SendToService(new GuiMessage.ConnectNow()));
        on(new FromService(ServiceMessage.ConnectResult.ok()));
        assertThat(on(new ControllerEvent.ConnectNow())).containsExactly(new Effect.SendToService(new GuiMessage.ConnectNow()));
        on(new FromService(new ServiceMessage.ResourcesUpdated(List.of(GITLAB), List.of())));
        assertThat(on(new ControllerEvent.ConnectNow())).isEmpty();
    }

    @Test
    void connectOnStartOffLeavesTheUserSignedInButPaused() {
        c = controller(Optional.of("tok"), GeneralSettings.defaults().withForm(true, false, false, null), true);
        assertThat(sent(attach(ManagedSettings.none()))).isEqualTo("[]");
        assertThat(c.state().phase()).isEqualTo(Phase.PAUSED);
        assertThat(sent(on(new Connect()))).isEqualTo("[Connect]");
        assertThat(c.state().phase()).isEqualTo(Phase.CONNECTING_TO_PORTAL);
    }

    @Test
    void managedConnectOnStartOverridesTheUser() {
        c = controller(Optional.of("tok"), GeneralSettings.defaults(), true);
        var managed = new ManagedSettings(null, null, null, null, null, false, null, null);
        assertThat(sent(attach(managed))).isEqualTo("[]");
        assertThat(c.state().phase()).isEqualTo(Phase.PAUSED);
    }

    @Test
    void failedConnectSignsOutWithASentence() {
        c = controller(Optional.of("tok"), GeneralSettings.defaults(), true);
        attach(ManagedSettings.none());
        var effects = on(new FromService(ServiceMessage.ConnectResult.failed("The portal refused the token.")));
        assertThat(effects).containsExactly(new Effect.DeleteToken(), new Effect.DeleteSession(),
                new Effect.ShowError("Flint couldn't connect to the portal: The portal refused the token. Please sign in again."));
        assertThat(c.state().phase()).isEqualTo(Phase.SIGNED_OUT);
    }

    @Test
    void connectResultOutsideWaitingForPortalIsIgnored() {
        signedInAndReady();
        assertThat(on(new FromService(ServiceMessage.ConnectResult.failed("late")))).isEmpty();
        assertThat(c.state().phase()).isEqualTo(Phase.SIGNED_IN);
    }

    @Test
    void resourcesBeforeConnectResultAreIgnored() {
        c = controller(Optional.of("tok"), GeneralSettings.defaults(), true);
        attach(ManagedSettings.none());
        assertThat(on(new FromService(new ServiceMessage.ResourcesUpdated(List.of(GITLAB), List.of())))).isEmpty();
        assertThat(c.state().phase()).isEqualTo(Phase.CONNECTING_TO_PORTAL);
    }

    @Test
    void expiredTokenNotifiesAndSignsOut() {
        signedInAndReady();
        var effects = on(new FromService(new ServiceMessage.Disconnected("invalid_token", true)));
        assertThat(effects).containsExactly(new Effect.DeleteToken(), new Effect.DeleteSession(),
                Effect.Notify.of(Messages.SESSION_EXPIRED_TITLE, Messages.SESSION_EXPIRED));
        assertThat(c.state().phase()).isEqualTo(Phase.SIGNED_OUT);
        assertThat(c.state().resources()).isEmpty();
    }

    @Test
    void otherDisconnectKeepsTheSignInAndExplains() {
        signedInAndReady();
        var effects = on(new FromService(new ServiceMessage.Disconnected("The portal closed the connection.", false)));
        assertThat(effects).containsExactly(new Effect.ShowError(
                "Flint was disconnected: The portal closed the connection. You are still signed in; choose Connect to try again."));
        assertThat(c.state().phase()).isEqualTo(Phase.PAUSED);
        assertThat(c.state().actorName()).contains("Ada Lovelace");
        assertThat(sent(on(new Connect()))).isEqualTo("[Connect]");
    }

    @Test
    void disconnectWithoutSigningOutAndConnectAgain() {
        signedInAndReady();
        assertThat(on(new Disconnect())).containsExactly(new Effect.SendToService(new GuiMessage.Disconnect()));
        assertThat(c.state().phase()).isEqualTo(Phase.PAUSED);
        assertThat(on(new FromService(new ServiceMessage.DisconnectedGracefully()))).isEmpty();
        assertThat(c.state().phase()).isEqualTo(Phase.PAUSED);
        assertThat(on(new Connect())).containsExactly(new Effect.SendToService(new GuiMessage.Connect("tok", false)));
        assertThat(c.state().phase()).isEqualTo(Phase.CONNECTING_TO_PORTAL);
    }

    @Test
    void connectWhileSignedOutAsksToSignIn() {
        c = controller(Optional.empty(), GeneralSettings.defaults(), true);
        attach(ManagedSettings.none());
        assertThat(on(new Connect())).containsExactly(new Effect.ShowError(Messages.SIGN_IN_BEFORE_CONNECT));
        assertThat(on(new Disconnect())).isEmpty();
    }

    @Test
    void signInOpensTheBrowserAndACorrectDeepLinkConnects() {
        c = controller(Optional.empty(), GeneralSettings.defaults().withAccountSlug("acme"), true);
        attach(ManagedSettings.none());
        var effects = on(new SignIn());
        assertThat(effects).hasSize(1);
        URI url = ((Effect.OpenUrl) effects.getFirst()).url();
        assertThat(url.toString()).matches("https://app\\.firezone\\.dev/acme\\?as=gui-client&nonce=[0-9a-f]{64}&state=[0-9a-f]{64}");
        assertThat(c.state().phase()).isEqualTo(Phase.WAITING_FOR_BROWSER);
        String nonce = url.getQuery().replaceAll(".*nonce=([0-9a-f]+).*", "$1");
        String state = url.getQuery().replaceAll(".*state=([0-9a-f]+).*", "$1");

        String base = "firezone-fd0020211111://handle_client_sign_in_callback?account_slug=beta&actor_name=Grace+Hopper&fragment=F123&state=";
        // Wrong state, unknown host, missing parameter: nothing changes.
        assertThat(on(new DeepLinkReceived(base + "0".repeat(64)))).isEmpty();
        assertThat(on(new DeepLinkReceived(base.replace("handle_client_sign_in_callback", "evil") + state))).isEmpty();
        assertThat(on(new DeepLinkReceived(base.replace("fragment=F123&", "") + state))).isEmpty();
        assertThat(c.state().phase()).isEqualTo(Phase.WAITING_FOR_BROWSER);

        effects = on(new DeepLinkReceived(base + state));
        assertThat(effects).containsExactly(new Effect.SaveToken(nonce + "F123"),
                new Effect.SaveSession(new SessionRecord("beta", "Grace Hopper")),
                new Effect.SendToService(new GuiMessage.Connect(nonce + "F123", false)),
                new Effect.SaveGeneralSettings(GeneralSettings.defaults().withAccountSlug("beta")));
        assertThat(c.state().phase()).isEqualTo(Phase.CONNECTING_TO_PORTAL);
        assertThat(c.state().actorName()).contains("Grace Hopper");

        // The same link again (browser back button, double click) is ignored.
        assertThat(on(new DeepLinkReceived(base + state))).isEmpty();
        assertThat(c.state().phase()).isEqualTo(Phase.CONNECTING_TO_PORTAL);
    }

    @Test
    void deepLinkWithoutSignInInProgressIsIgnored() {
        c = controller(Optional.empty(), GeneralSettings.defaults(), true);
        attach(ManagedSettings.none());
        assertThat(on(new DeepLinkReceived("firezone-fd0020211111://handle_client_sign_in_callback?account_slug=a&actor_name=b&fragment=c&state=d"))).isEmpty();
        assertThat(c.state().phase()).isEqualTo(Phase.SIGNED_OUT);
    }

    @Test
    void signInWhileSignedInSignsOutFirst() {
        signedInAndReady();
        var effects = on(new SignIn());
        assertThat(effects).startsWith(new Effect.SendToService(new GuiMessage.Disconnect()), new Effect.DeleteToken(), new Effect.DeleteSession());
        assertThat(effects.getLast()).isInstanceOf(Effect.OpenUrl.class);
        assertThat(c.state().phase()).isEqualTo(Phase.WAITING_FOR_BROWSER);
    }

    @Test
    void managedAuthUrlAndSlugBuildTheSignInUrl() {
        c = controller(Optional.empty(), GeneralSettings.defaults().withAccountSlug("mine"), true);
        attach(new ManagedSettings(URI.create("https://portal.example.com/"), null, null, "corp", true, null, null, null));
        URI url = ((Effect.OpenUrl) on(new SignIn()).getFirst()).url();
        assertThat(url.toString()).startsWith("https://portal.example.com/corp?as=gui-client&nonce=");
        assertThat(c.state().hideAdminPortal()).isTrue();
    }

    @Test
    void cancelSignInReturnsToSignedOut() {
        c = controller(Optional.empty(), GeneralSettings.defaults(), true);
        attach(ManagedSettings.none());
        on(new SignIn());
        assertThat(on(new CancelSignIn())).isEmpty();
        assertThat(c.state().phase()).isEqualTo(Phase.SIGNED_OUT);
    }

    @Test
    void cancelWhileConnectingSignsOut() {
        c = controller(Optional.of("tok"), GeneralSettings.defaults(), true);
        attach(ManagedSettings.none());
        assertThat(on(new CancelSignIn())).containsExactly(new Effect.SendToService(new GuiMessage.Disconnect()),
                new Effect.DeleteToken(), new Effect.DeleteSession());
        assertThat(c.state().phase()).isEqualTo(Phase.SIGNED_OUT);
    }

    @Test
    void signOutDeletesTheTokenAndDisconnects() {
        signedInAndReady();
        assertThat(on(new SignOut())).containsExactly(new Effect.SendToService(new GuiMessage.Disconnect()),
                new Effect.DeleteToken(), new Effect.DeleteSession());
        assertThat(c.state().phase()).isEqualTo(Phase.SIGNED_OUT);
        assertThat(c.state().actorName()).isEmpty();
    }

    @Test
    void quitDisconnectsAndExitsOnConfirmation() {
        signedInAndReady();
        assertThat(on(new Quit())).containsExactly(new Effect.SendToService(new GuiMessage.Disconnect()));
        assertThat(c.state().phase()).isEqualTo(Phase.QUITTING);
        assertThat(on(new SignOut())).isEmpty();
        assertThat(on(new FromService(new ServiceMessage.DisconnectedGracefully())))
                .containsExactly(new Effect.CloseServiceConnection(), new Effect.Exit(0));
    }

    @Test
    void quitExitsAfterFiveSecondsWithoutConfirmation() {
        signedInAndReady();
        on(new Quit());
        assertThat(c.pollTimeout()).contains(T0.plusSeconds(5));
        c.handleTimeout(T0.plusSeconds(4));
        assertThat(drain()).isEmpty();
        c.handleTimeout(T0.plusSeconds(5));
        assertThat(drain()).containsExactly(new Effect.CloseServiceConnection(), new Effect.Exit(0));
        assertThat(c.pollTimeout()).isEmpty();
    }

    @Test
    void quitWithoutServiceExitsAtOnceAndKeepsTheToken() {
        c = controller(Optional.of("tok"), GeneralSettings.defaults(), true);
        c.start(now);
        drain();
        assertThat(on(new Quit())).containsExactly(new Effect.CloseServiceConnection(), new Effect.Exit(0));
    }

    @Test
    void unreachableServiceRetriesWithGrowingBackoffAndTellsTheUserOnce() {
        c = controller(Optional.of("tok"), GeneralSettings.defaults(), true);
        c.start(now);
        drain();
        assertThat(on(new ServiceUnreachable("ENOENT"))).containsExactly(Effect.Notify.of("Flint", Messages.SERVICE_UNREACHABLE));
        assertThat(c.state().serviceProblem()).contains(Messages.SERVICE_UNREACHABLE);
        assertThat(c.state().phase()).isEqualTo(Phase.WAITING_FOR_SERVICE);
        List<Duration> delays = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            Instant due = c.pollTimeout().orElseThrow();
            delays.add(Duration.between(now, due));
            now = due;
            c.handleTimeout(now);
            assertThat(drain()).containsExactly(new Effect.ConnectToService());
            assertThat(on(new ServiceUnreachable("ENOENT"))).isEmpty();
        }
        assertThat(delays.getFirst()).isEqualTo(Duration.ofMillis(250));
        assertThat(delays.get(1)).isEqualTo(Duration.ofMillis(500));
        assertThat(delays.getLast()).isEqualTo(Duration.ofSeconds(10));
        // The service comes up: Hello clears the problem and the stored token connects.
        c.handleTimeout(c.pollTimeout().orElseThrow());
        drain();
        on(new ServiceAttached());
        assertThat(sent(on(new FromService(hello(ManagedSettings.none()))))).isEqualTo("[Connect]");
        assertThat(c.state().serviceProblem()).isEmpty();
    }

    @Test
    void restartedServiceIsReattachedAndTheSessionResumes() {
        signedInAndReady();
        assertThat(on(new ServiceLost("EOF"))).containsExactly(new Effect.CloseServiceConnection(),
                Effect.Notify.of("Flint", Messages.SERVICE_LOST));
        assertThat(c.state().phase()).isEqualTo(Phase.WAITING_FOR_SERVICE);
        assertThat(c.state().resources()).isEmpty();
        assertThat(c.state().actorName()).contains("Ada Lovelace");
        now = c.pollTimeout().orElseThrow();
        c.handleTimeout(now);
        assertThat(drain()).containsExactly(new Effect.ConnectToService());
        on(new ServiceAttached());
        assertThat(on(new FromService(hello(ManagedSettings.none()))))
                .contains(new Effect.SendToService(new GuiMessage.Connect("tok", false)));
        on(new FromService(ServiceMessage.ConnectResult.ok()));
        on(new FromService(new ServiceMessage.ResourcesUpdated(List.of(GITLAB), List.of())));
        assertThat(c.state().phase()).isEqualTo(Phase.SIGNED_IN);
    }

    @Test
    void pausedSessionStaysPausedAcrossAServiceRestart() {
        signedInAndReady();
        on(new Disconnect());
        on(new ServiceLost("EOF"));
        assertThat(c.state().phase()).isEqualTo(Phase.PAUSED);
        c.handleTimeout(c.pollTimeout().orElseThrow());
        drain();
        on(new ServiceAttached());
        assertThat(sent(on(new FromService(hello(ManagedSettings.none()))))).isEqualTo("[]");
        assertThat(c.state().phase()).isEqualTo(Phase.PAUSED);
    }

    @Test
    void terminatingServiceNotifiesAndWaitsForItsReturn() {
        signedInAndReady();
        var effects = on(new FromService(new ServiceMessage.TerminatingGracefully()));
        assertThat(effects).containsExactly(Effect.Notify.of(Messages.SERVICE_STOPPED_TITLE, Messages.SERVICE_STOPPED),
                new Effect.CloseServiceConnection());
        assertThat(c.state().phase()).isEqualTo(Phase.WAITING_FOR_SERVICE);
        assertThat(on(new ServiceLost("EOF"))).isEmpty();
    }

    @Test
    void silentServiceIsDroppedAfterFiveSecondsAndRetried() {
        c = controller(Optional.empty(), GeneralSettings.defaults(), true);
        c.start(now);
        drain();
        on(new ServiceAttached());
        assertThat(c.pollTimeout()).contains(T0.plusSeconds(5));
        c.handleTimeout(T0.plusSeconds(5));
        assertThat(drain()).containsExactly(new Effect.CloseServiceConnection(), Effect.Notify.of("Flint", Messages.SERVICE_NOT_RESPONDING));
        assertThat(c.pollTimeout()).contains(T0.plusSeconds(5).plusMillis(250));
    }

    @Test
    void protocolMismatchIsExplainedAndNotRetried() {
        c = controller(Optional.of("tok"), GeneralSettings.defaults(), true);
        c.start(now);
        drain();
        on(new ServiceAttached());
        var effects = on(new FromService(new ServiceMessage.Hello(ProtocolVersion.CURRENT + 1, "9.0.0", "d",
                AdvancedSettings.defaults(), ManagedSettings.none())));
        assertThat(effects).hasSize(2);
        assertThat(effects.getLast()).isInstanceOfSatisfying(Effect.ShowError.class,
                e -> assertThat(e.sentence()).contains("9.0.0").contains("Update the Flint app"));
        assertThat(c.pollTimeout()).isEmpty();
        assertThat(on(new ServiceLost("EOF"))).isEmpty();
    }

    @Test
    void messagesBeforeHelloAreIgnored() {
        c = controller(Optional.of("tok"), GeneralSettings.defaults(), true);
        c.start(now);
        drain();
        on(new ServiceAttached());
        assertThat(on(new FromService(ServiceMessage.ConnectResult.ok()))).isEmpty();
    }

    @Test
    void gatewayUnreachableNamesResourceAndSite() {
        signedInAndReady();
        assertThat(on(new FromService(new ServiceMessage.GatewayUnreachable(RES, GatewayUnreachableReason.ALL_OFFLINE))))
                .containsExactly(Effect.Notify.of("Failed to connect to 'MyCorp GitLab'",
                        "All Gateways in the site 'HQ' are offline. Contact your administrator to resolve this issue."));
        assertThat(on(new FromService(new ServiceMessage.GatewayUnreachable(RES, GatewayUnreachableReason.VERSION_MISMATCH))).getFirst())
                .isInstanceOfSatisfying(Effect.Notify.class, n -> assertThat(n.body()).contains("incompatible"));
        assertThat(on(new FromService(new ServiceMessage.GatewayUnreachable(UUID.randomUUID(), GatewayUnreachableReason.ALL_OFFLINE)))).isEmpty();
    }

    @Test
    void internetResourceToggleIsSavedAndSent() {
        signedInAndReady();
        var effects = on(new SetInternetResource(true));
        assertThat(effects).containsExactly(new Effect.SaveGeneralSettings(c.state().general()),
                new Effect.SendToService(new GuiMessage.SetInternetResourceEnabled(true)));
        assertThat(c.state().general().internetResourceOn()).isTrue();
        on(new Disconnect());
        assertThat(on(new Connect())).containsExactly(new Effect.SendToService(new GuiMessage.Connect("tok", true)));
    }

    @Test
    void favoritesAreSaved() {
        signedInAndReady();
        on(new SetFavorite(RES, true));
        assertThat(c.state().general().isFavorite(RES.toString())).isTrue();
        on(new SetFavorite(RES, false));
        assertThat(c.state().general().favoriteResources()).isEmpty();
    }

    @Test
    void generalSettingsApplyAutostartAndNotify() {
        c = controller(Optional.empty(), GeneralSettings.defaults(), true);
        attach(ManagedSettings.none());
        var effects = on(new ApplyGeneralSettings(false, true, false, " corp "));
        var expected = GeneralSettings.defaults().withForm(false, true, false, "corp");
        assertThat(effects).containsExactly(new Effect.SaveGeneralSettings(expected), new Effect.ApplyStartOnLogin(true),
                Effect.Notify.of("Flint", Messages.SETTINGS_SAVED));
        effects = on(new ResetGeneralSettings());
        assertThat(effects).containsExactly(new Effect.SaveGeneralSettings(expected.reset()), new Effect.ApplyStartOnLogin(false),
                Effect.Notify.of("Flint", Messages.SETTINGS_SAVED));
    }

    @Test
    void managedSlugCannotBeChangedFromTheForm() {
        c = controller(Optional.empty(), GeneralSettings.defaults(), true);
        attach(new ManagedSettings(null, null, null, "corp", null, null, null, null));
        on(new ApplyGeneralSettings(true, false, true, "mine"));
        assertThat(c.state().general().accountSlug()).isNull();
        assertThat(c.state().effectiveAccountSlug()).contains("corp");
    }

    @Test
    void advancedSettingsRoundTripThroughTheService() {
        c = controller(Optional.empty(), GeneralSettings.defaults(), true);
        attach(ManagedSettings.none());
        var wanted = new AdvancedSettings(URI.create("http://127.0.0.1:4000/"), URI.create("ws://127.0.0.1:4001/"), "debug");
        assertThat(on(new ApplyAdvancedSettings(wanted))).containsExactly(new Effect.SendToService(new GuiMessage.ApplyAdvancedSettings(wanted)));
        assertThat(on(new FromService(ServiceMessage.AdvancedSettingsApplied.ok(wanted))))
                .containsExactly(new Effect.SetLogFilter("debug"), Effect.Notify.of("Flint", Messages.SETTINGS_SAVED));
        assertThat(c.state().advanced()).isEqualTo(wanted);
        assertThat(on(new FromService(ServiceMessage.AdvancedSettingsApplied.failed("The disk is full."))))
                .containsExactly(new Effect.ShowError("Flint couldn't save the settings: The disk is full."));
        assertThat(on(new ResetAdvancedSettings()))
                .containsExactly(new Effect.SendToService(new GuiMessage.ApplyAdvancedSettings(AdvancedSettings.defaults())));
    }

    @Test
    void advancedSettingsNeedTheService() {
        c = controller(Optional.empty(), GeneralSettings.defaults(), true);
        c.start(now);
        drain();
        assertThat(on(new ResetAdvancedSettings())).hasSize(1).first().isInstanceOf(Effect.ShowError.class);
    }

    @Test
    void clearLogsClearsBothSidesOnce() {
        c = controller(Optional.empty(), GeneralSettings.defaults(), true);
        attach(ManagedSettings.none());
        assertThat(on(new ClearLogs())).containsExactly(new Effect.ClearGuiLogs(), new Effect.SendToService(new GuiMessage.ClearLogs()));
        assertThat(on(new ClearLogs())).containsExactly(new Effect.ClearGuiLogs());
        assertThat(on(new FromService(ServiceMessage.LogsCleared.ok()))).containsExactly(new Effect.LogsCleared(Optional.empty()));
        assertThat(on(new FromService(ServiceMessage.LogsCleared.ok()))).isEmpty();
    }

    @Test
    void updateIsAnnouncedOnceAndHiddenWhenManagedOff() {
        c = controller(Optional.empty(), GeneralSettings.defaults(), true);
        attach(ManagedSettings.none());
        URI dl = URI.create("https://example.com/flint/1.2.0");
        assertThat(on(new UpdateFound("1.2.0", dl))).containsExactly(
                new Effect.Notify("Flint 1.2.0 available for download", "Click here to download the new version.", Optional.of(dl)));
        assertThat(on(new UpdateFound("1.2.0", dl))).isEmpty();
        assertThat(c.state().update()).contains(new UiState.Update("1.2.0", dl));
        on(new NoUpdate());
        assertThat(c.state().update()).isEmpty();

        c = controller(Optional.empty(), GeneralSettings.defaults(), true);
        attach(new ManagedSettings(null, null, null, null, null, null, false, null));
        assertThat(on(new UpdateFound("1.2.0", dl))).isEmpty();
        assertThat(c.state().update()).isEmpty();
    }

    @Test
    void newInstanceAndTokenWarningsReachTheUser() {
        c = new Controller(new Controller.Start(Optional.empty(), Optional.empty(), GeneralSettings.defaults(), true,
                Optional.of("memory only"), "0.1.0"), new SplittableRandom(2));
        attach(ManagedSettings.none());
        assertThat(c.state().notice()).contains("memory only");
        assertThat(on(new NewInstance())).containsExactly(new Effect.ShowWindow(Page.OVERVIEW));
        assertThat(on(new ControllerEvent.ShowWindow(Page.ABOUT))).containsExactly(new Effect.ShowWindow(Page.ABOUT));
        on(new TokenNotSaved("The keyring is locked."));
        assertThat(c.state().notice()).contains("The keyring is locked.");
    }

    @Test
    void signInWithoutServiceConnectsOnceTheServiceAppears() {
        c = controller(Optional.empty(), GeneralSettings.defaults(), true);
        c.start(now);
        drain();
        on(new ServiceUnreachable("ENOENT"));
        URI url = ((Effect.OpenUrl) on(new SignIn()).getFirst()).url();
        String state = url.getQuery().replaceAll(".*state=([0-9a-f]+).*", "$1");
        var effects = on(new DeepLinkReceived("firezone-fd0020211111://handle_client_sign_in_callback?account_slug=a&actor_name=b&fragment=c&state=" + state));
        assertThat(sent(effects)).isEqualTo("[]");
        assertThat(c.state().phase()).isEqualTo(Phase.WAITING_FOR_SERVICE);
        c.handleTimeout(c.pollTimeout().orElseThrow());
        drain();
        on(new ServiceAttached());
        assertThat(sent(on(new FromService(hello(ManagedSettings.none()))))).isEqualTo("[Connect]");
    }
}
