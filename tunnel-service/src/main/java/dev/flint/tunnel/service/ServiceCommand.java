package dev.flint.tunnel.service;

import dev.flint.ipc.FlintVersion;
import dev.flint.ipc.logging.LogControl;
import dev.flint.ipc.logging.LogSettings;
import dev.flint.ipc.logging.LogSetup;
import dev.flint.tunnel.dns.DisabledDns;
import dev.flint.tunnel.dns.DnsControl;
import dev.flint.tunnel.dns.DnsMode;
import dev.flint.tunnel.dns.ResolvConfDns;
import dev.flint.tunnel.dns.ResolvedDns;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import sun.misc.Signal;

/**
 * {@code flint-tunnel run | run-interactive | headless}: parses the flags, sets up logging and the
 * platform pieces, runs the service until SIGTERM or SIGINT, and turns failures into sentences.
 */
public final class ServiceCommand {
    public static final String CLIENT_GROUP = "flint-client";

    /** Parsed command line. */
    record Options(String mode, ServicePaths paths, DnsMode dnsMode, boolean allowAnyPeerExe,
                   Optional<Path> staticInterface, Optional<Path> tokenFile, String interfaceName) {}

    private ServiceCommand() {
    }

    public static String usage() {
        return """
              run [FLAGS]         run as the system service (systemd Type=notify; logs to files)
              run-interactive [FLAGS]
                                  run the service in the foreground, logging to the terminal too
              headless [FLAGS] [--token-file FILE]
                                  connect without a GUI; the token comes from FILE or $FLINT_TOKEN
                Service flags: --dns-control systemd-resolved|etc-resolv-conf|disabled
                  --state-dir DIR --runtime-dir DIR --log-dir DIR --resolv-conf FILE
                  --interface NAME --static-interface FILE --allow-any-peer-exe (development)
            """;
    }

    /** Runs {@code mode} with {@code args}; returns the process exit code. */
    public static int run(String mode, List<String> args, Map<String, String> env, PrintStream err) {
        Options options;
        try {
            options = parse(mode, args, env);
        } catch (IllegalArgumentException e) {
            err.println("flint-tunnel: " + e.getMessage());
            return 2;
        }
        LogControl logs;
        try {
            logs = LogSetup.install(LogSettings.defaults(options.paths().logDir(), "tunnel-service")
                    .withConsole(!mode.equals("run")));
        } catch (IOException e) {
            err.println("flint-tunnel: cannot write logs to " + options.paths().logDir() + ": " + e.getMessage());
            return 1;
        }
        try (logs) {
            return mode.equals("headless") ? headless(options, logs, env, err)
                    : serve(options, logs, env, err, Optional.empty());
        }
    }

    static Options parse(String mode, List<String> args, Map<String, String> env) {
        ServicePaths paths = ServicePaths.system();
        DnsMode dns = DnsMode.SYSTEMD_RESOLVED;
        boolean anyExe = false;
        Optional<Path> staticInterface = Optional.empty();
        Optional<Path> tokenFile = Optional.empty();
        String name = LinuxTunnelInterface.DEFAULT_NAME;
        Optional<String> envDns = Optional.ofNullable(env.get("FLINT_DNS_CONTROL"));
        if (envDns.isPresent()) {
            dns = DnsMode.parse(envDns.get()).orElseThrow(() ->
                    new IllegalArgumentException("FLINT_DNS_CONTROL must be systemd-resolved, etc-resolv-conf or disabled"));
        }
        for (int i = 0; i < args.size(); i++) {
            String flag = args.get(i);
            if (flag.equals("--allow-any-peer-exe")) {
                anyExe = true;
                continue;
            }
            if (i + 1 >= args.size()) {
                throw new IllegalArgumentException("'" + flag + "' is not a known flag, or it needs a value");
            }
            String value = args.get(++i);
            switch (flag) {
                case "--dns-control" -> dns = DnsMode.parse(value).orElseThrow(() -> new IllegalArgumentException(
                        "--dns-control must be systemd-resolved, etc-resolv-conf or disabled, not '" + value + "'"));
                case "--state-dir" -> paths = paths.withStateDir(Path.of(value));
                case "--runtime-dir" -> paths = paths.withRuntimeDir(Path.of(value));
                case "--log-dir" -> paths = paths.withLogDir(Path.of(value));
                case "--resolv-conf" -> paths = new ServicePaths(paths.stateDir(), paths.runtimeDir(), paths.logDir(),
                        Path.of(value));
                case "--interface" -> name = value;
                case "--static-interface" -> staticInterface = Optional.of(Path.of(value));
                case "--token-file" -> tokenFile = Optional.of(Path.of(value));
                default -> throw new IllegalArgumentException("'" + flag + "' is not a known flag");
            }
        }
        if (dns == DnsMode.NRPT || dns == DnsMode.SCUTIL) {
            throw new IllegalArgumentException("the " + dns.cliName() + " DNS mode is for Windows or macOS; on Linux use "
                    + "systemd-resolved, etc-resolv-conf or disabled");
        }
        return new Options(mode, paths, dns, anyExe, staticInterface, tokenFile, name);
    }

    private static DnsControl dnsControl(Options options) {
        return switch (options.dnsMode()) {
            case SYSTEMD_RESOLVED -> new ResolvedDns();
            case ETC_RESOLV_CONF -> new ResolvConfDns(options.paths().resolvConf(), options.paths().resolvConfBackup());
            case DISABLED -> new DisabledDns();
            case NRPT, SCUTIL -> throw new IllegalStateException("parse() admits only the Linux modes");
        };
    }

    private static Session.Factory sessions(Options options) {
        return (token, internet) -> {
            if (options.staticInterface().isPresent()) {
                try {
                    return new StaticSession(InterfaceConfig.read(options.staticInterface().get()));
                } catch (IOException e) {
                    throw new Session.UnavailableException("The static interface file cannot be used: " + e.getMessage());
                }
            }
            throw new Session.UnavailableException(
                    "This build of the tunnel service cannot sign in to a portal yet: the connlib session is not wired in.");
        };
    }

    private static TunnelService build(Options options, Optional<LogControl> logs) {
        Optional<Long> gid = PeerPolicy.groupId(Path.of("/etc/group"), CLIENT_GROUP);
        PeerPolicy policy = new PeerPolicy(gid,
                options.allowAnyPeerExe() ? Optional.empty() : Optional.of(PeerPolicy.INSTALLED_GUI), Path.of("/proc"));
        Optional<String> group = gid.map(g -> CLIENT_GROUP);
        return new TunnelService(options.paths(), new StateFiles(options.paths(), group), policy,
                new LinuxTunnelInterface(options.interfaceName()), dnsControl(options), sessions(options), logs, group);
    }

    private static int serve(Options options, LogControl logs, Map<String, String> env, PrintStream err,
                             Optional<String> headlessToken) {
        if (!Files.exists(Path.of("/dev/net/tun"))) {
            err.println("flint-tunnel: this machine has no /dev/net/tun, so no tunnel can be created.");
            return 1;
        }
        TunnelService service = build(options, Optional.of(logs));
        try {
            service.start(headlessToken.isEmpty());
        } catch (IOException e) {
            err.println("flint-tunnel: the service could not start: " + e.getMessage());
            service.close();
            return 1;
        }
        CountDownLatch signalled = new CountDownLatch(1);
        onTermination(signalled);
        if (headlessToken.isPresent()) {
            Optional<String> failure = service.startHeadless(headlessToken.get());
            if (failure.isPresent()) {
                err.println("flint-tunnel: " + failure.get());
                service.close();
                return 1;
            }
        }
        try {
            SystemdNotify.send(env, "READY=1");
        } catch (IOException e) {
            err.println("flint-tunnel: " + e.getMessage());
        }
        awaitQuietly(signalled);
        try {
            SystemdNotify.send(env, "STOPPING=1");
        } catch (IOException ignored) {
            // systemd is going away or was never there; stopping proceeds either way.
        }
        service.close();
        return 0;
    }

    private static int headless(Options options, LogControl logs, Map<String, String> env, PrintStream err) {
        String token;
        try {
            token = options.tokenFile().isPresent()
                    ? Files.readString(options.tokenFile().get()).strip()
                    : Optional.ofNullable(env.get("FLINT_TOKEN")).map(String::strip).orElse("");
        } catch (IOException e) {
            err.println("flint-tunnel: cannot read the token file: " + e.getMessage());
            return 1;
        }
        if (token.isEmpty()) {
            err.println("flint-tunnel: headless mode needs a token in --token-file FILE or $FLINT_TOKEN.");
            return 2;
        }
        // Like Firezone's headless client: no IPC socket, the session lives until SIGTERM/SIGINT.
        return serve(options, logs, env, err, Optional.of(token));
    }

    private static void onTermination(CountDownLatch signalled) {
        for (String name : List.of("TERM", "INT")) {
            Signal.handle(new Signal(name), s -> signalled.countDown());
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        while (true) {
            try {
                latch.await();
                return;
            } catch (InterruptedException ignored) {
                // Only a signal ends the service.
            }
        }
    }

    static List<String> versionLine() {
        return new ArrayList<>(List.of("flint-tunnel " + FlintVersion.current()));
    }
}
