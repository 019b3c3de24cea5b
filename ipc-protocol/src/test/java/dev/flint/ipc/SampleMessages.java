package dev.flint.ipc;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** One realistic instance of every message, keyed by its record class; the golden files encode these. */
public final class SampleMessages {
    private SampleMessages() {}

    static final UUID GITLAB = UUID.fromString("03000143-e25e-45c7-aafb-144990e57dcd");
    static final UUID INTRANET = UUID.fromString("1d6c2f8a-95a7-4c1b-8f3e-0a4f5c6b7d81");
    static final UUID WIKI = UUID.fromString("6b0d1e2f-3a4b-4c5d-8e6f-7a8b9c0d1e2f");
    static final UUID GATEWAY_BERLIN = UUID.fromString("9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d");
    static final UUID GATEWAY_CLOUD = UUID.fromString("2c3d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e6f");
    static final UUID GATEWAY_SLOW = UUID.fromString("7f6e5d4c-3b2a-4190-8f7e-6d5c4b3a2918");
    static final UUID INTERNET = UUID.fromString("8fa2c4e1-7b3d-4a5f-9c6e-2d1b0a9f8e7d");
    static final Site SITE_BERLIN = new Site(UUID.fromString("bf56f32d-7b2c-4f5f-a784-fcf9e5cbc4e7"), "Berlin office");
    static final Site SITE_CLOUD = new Site(UUID.fromString("4a2e9d3c-1f0b-4c8e-b7a6-5d4c3b2a1f0e"), "Cloud");

    public static final AdvancedSettings ADVANCED = new AdvancedSettings(
            URI.create("https://app.firezone.dev/"), URI.create("wss://api.firezone.dev/"), "dev.flint.connlib=debug,info",
            new ClientCertificate("/etc/flint/device.pem", "/etc/flint/device.key", null));

    public static final ManagedSettings MANAGED = new ManagedSettings(
            URI.create("https://portal.example.com/"), null, "warn", "acme", Boolean.TRUE, null, Boolean.FALSE,
            URI.create("https://support.example.com/vpn"));

    public static List<ServiceMessage> service() {
        return List.of(
                new ServiceMessage.Hello(ProtocolVersion.CURRENT, "0.1.0", "3f7a1c9e5b2d4f6a8c0e1b3d5f7a9c1e3b5d7f9a1c3e5b7d9f1a3c5e7b9d1f3a",
                        ADVANCED, MANAGED),
                ServiceMessage.ConnectResult.failed("The portal rejected the sign-in token."),
                new ServiceMessage.Disconnected("Your session has expired. Sign in again.", true),
                new ServiceMessage.ResourcesUpdated(
                        List.of(
                                new ResourceView.Internet(INTERNET, "Internet", List.of(SITE_CLOUD), ResourceStatus.ONLINE),
                                new ResourceView.Dns(GITLAB, "gitlab.example.com", "Example GitLab", "https://gitlab.example.com",
                                        List.of(SITE_BERLIN), ResourceStatus.UNKNOWN),
                                new ResourceView.Cidr(INTRANET, "10.20.0.0/16", "Intranet", null,
                                        List.of(SITE_BERLIN, SITE_CLOUD), ResourceStatus.OFFLINE),
                                new ResourceView.Dns(WIKI, "wiki.example.com", "Wiki", null,
                                        List.of(SITE_CLOUD), ResourceStatus.CONNECTING)),
                        List.of(new ConnectedDevice(UUID.fromString("c0ffee00-1234-4abc-8def-0123456789ab"), "build-runner",
                                "100.64.0.7", "fd00:2021:1111::7", List.of("ci-runners")))),
                new ServiceMessage.ConnectionsUpdated(List.of(
                        new GatewayConnection(GATEWAY_BERLIN, List.of(GITLAB), true,
                                new ConnectionPath(PathKind.DIRECT, new CandidateView("srflx", "198.51.100.7:52625"),
                                        new CandidateView("host", "203.0.113.10:52625")),
                                18_250L, 48_112L, 301_977L, 1_767_225_600_000L),
                        new GatewayConnection(GATEWAY_CLOUD, List.of(INTERNET, WIKI), true,
                                new ConnectionPath(PathKind.RELAYED, new CandidateView("relay", "[2001:db8::100]:49152"),
                                        new CandidateView("srflx", "[2001:db8:1::20]:40000")),
                                41_800L, 1_024L, 2_048L, 1_767_225_590_000L),
                        new GatewayConnection(GATEWAY_SLOW, List.of(INTRANET), false, null, null, 0, 0, null))),
                new ServiceMessage.DiagnosticsResult("systemd-resolved", List.of("100.100.111.1", "fd00:2021:1111:8000:100:100:111:0"),
                        new ProbeResult("gitlab.example.com A", true, 950L, "100.96.0.1"), "tun-flint", 1280,
                        List.of(new RelayView(UUID.fromString("5e1a7c3b-2d4f-4e6a-8b9c-0d1e2f3a4b5c"),
                                List.of("192.0.2.100:3478", "[2001:db8::100]:3478"), "1767229200:4c2c0a", "turn-password")),
                        new ProbeResult("http://gitlab.example.com/", true, 42_000L, "HTTP 200")),
                new ServiceMessage.GatewayUnreachable(GITLAB, GatewayUnreachableReason.VERSION_MISMATCH),
                ServiceMessage.AdvancedSettingsApplied.ok(ADVANCED),
                ServiceMessage.LogsCleared.ok(),
                new ServiceMessage.DisconnectedGracefully(),
                new ServiceMessage.TerminatingGracefully(),
                new ServiceMessage.ProtocolError("connect", "token", "Message \"connect\" has a bad field \"token\": is blank"));
    }

    public static List<GuiMessage> gui() {
        return List.of(
                new GuiMessage.Connect("nonce1234.fragment5678", true),
                new GuiMessage.Disconnect(),
                new GuiMessage.SetInternetResourceEnabled(false),
                new GuiMessage.ApplyAdvancedSettings(ADVANCED),
                new GuiMessage.ConnectNow(),
                new GuiMessage.RunDiagnostics(GITLAB),
                new GuiMessage.ClearLogs());
    }

    public static List<InstanceMessage> instance() {
        return List.of(
                new InstanceMessage.DeepLink(URI.create(
                        "firezone-fd0020211111://handle_client_sign_in_callback?account_name=Acme&account_slug=acme&actor_name=Ada&fragment=secret&identity_provider_identifier=idp&state=s1")),
                new InstanceMessage.NewInstance(),
                new InstanceMessage.Ack());
    }

    /** Every sample, keyed by record class. */
    public static Map<Class<?>, Object> byClass() {
        return Stream.of(service(), gui(), instance())
                .flatMap(List::stream)
                .collect(Collectors.toMap(Object::getClass, Function.identity(), (a, b) -> {
                    throw new IllegalStateException("two samples of " + a.getClass());
                }, java.util.LinkedHashMap::new));
    }
}
