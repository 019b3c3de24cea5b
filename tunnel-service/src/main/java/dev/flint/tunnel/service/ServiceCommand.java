package dev.flint.tunnel.service;

import dev.flint.ipc.AdvancedSettings;
import dev.flint.ipc.ClientCertificate;
import dev.flint.ipc.FlintVersion;
import dev.flint.ipc.InvalidFieldException;
import dev.flint.ipc.ManagedSettings;
import dev.flint.ipc.logging.LogControl;
import dev.flint.ipc.logging.LogSettings;
import dev.flint.ipc.logging.LogSetup;
import dev.flint.shell.client.ClientTunnel;
import dev.flint.shell.portal.DeviceIdentity;
import dev.flint.shell.portal.PortalUrl;
import dev.flint.shell.portal.UserAgent;
import dev.flint.shell.tls.ClientIdentity;
import dev.flint.shell.tls.TlsSettings;
import dev.flint.tunnel.dns.DnsControl;
import dev.flint.tunnel.dns.DnsMode;
import dev.flint.tunnel.headless.SignInCommand;
import dev.flint.tunnel.linux.PolicyRouting;
import dev.flint.tunnel.os.InterfaceConfig;
import dev.flint.tunnel.os.ServiceOs;
import dev.flint.tunnel.os.ServicePaths;
import dev.flint.tunnel.os.TunnelInterface;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code flint-tunnel run | run-interactive | headless}: parses the flags, sets up logging and the
 * platform pieces, runs the service until SIGTERM or SIGINT, and turns failures into sentences.
 */
public final class ServiceCommand {

    /** Parsed command line. */
    public record Options(String mode, ServicePaths paths, DnsMode dnsMode, boolean allowAnyPeerExe,
                   Optional<Path> staticInterface, Optional<Path> tokenFile, String interfaceName,
                   Optional<URI> apiUrl, Optional<ClientCertificate> clientCertificate,
                   boolean activateInternetResource) {}

    private ServiceCommand() {
    }

    public static String usage() {
        return """
              run [FLAGS]         run as the system service (systemd Type=notify; logs to files)
              run-interactive [FLAGS]
                                  run the service in the foreground, logging to the terminal too
              headless [FLAGS] [--token-file FILE] [--activate-internet-resource]
                                  connect without a GUI; the token comes from FILE or $FLINT_TOKEN; the
                                  Internet Resource is used when activated (or $FLINT_ACTIVATE_INTERNET_RESOURCE=true)
              repair [FLAGS]      undo what a service that is no longer running left behind: DNS, the tunnel
                                  device, the policy routing rules (systemd runs it after every stop)
            """ + SignInCommand.USAGE + """
                Service flags: --dns-control systemd-resolved|etc-resolv-conf|disabled
                  --state-dir DIR --runtime-dir DIR --log-dir DIR --resolv-conf FILE
                  --interface NAME --static-interface FILE --allow-any-peer-exe (development)
                  --api-url URL (development: the portal to use instead of the advanced settings' one)
                  --client-certificate FILE|pkcs11:CONFIG [--client-key FILE] [--client-certificate-password FILE]
                                  managed mutual TLS to the portal (PEM, PKCS#12 or a PKCS#11 token); it takes
                                  precedence over the advanced settings' client certificate
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
                    : serve(options, Platform.forCurrentOs(), executableDirectory(), Optional.of(logs), env, err,
                        Optional.empty());
        }
    }

    /**
     * {@code flint-tunnel repair [FLAGS]}: the service's start-up repair without the service, for systemd's
     * {@code ExecStopPost=}; takes the service's path and interface flags so it repairs what that service did.
     */
    public static int repair(List<String> args, Map<String, String> env, PrintStream out, PrintStream err) {
        Options options;
        try {
            options = parse("repair", args, env);
        } catch (IllegalArgumentException e) {
            err.println("flint-tunnel: " + e.getMessage());
            return 2;
        }
        TunnelInterface tunnel = Platform.forCurrentOs().tunnelInterface(options.interfaceName());
        return dev.flint.tunnel.cleanup.RepairCommand.run(options.paths().cleanupJournal(), options.paths().socket(),
                options.interfaceName(), tunnel::removeIfPresent, Path.of("/proc/net/unix"), out, err);
    }

    /** {@code flint-tunnel headless sign-in ...}; see {@link SignInCommand}. */
    public static int signIn(List<String> args, Map<String, String> env, java.io.BufferedReader in, PrintStream out,
                             PrintStream err) {
        ServicePaths paths = Platform.forCurrentOs().paths(env);
        StateFiles state = new StateFiles(paths, Optional.empty());
        URI authUrl = java.nio.file.Files.isReadable(paths.advancedSettingsFile())
                ? state.advancedSettings().authUrl() : AdvancedSettings.DEFAULT_AUTH_URL;
        return SignInCommand.run(args, env, in, out, err, authUrl, SignInCommand::xdgOpen);
    }

    static Options parse(String mode, List<String> args, Map<String, String> env) {
        return parse(mode, args, env, Platform.forCurrentOs());
    }

    /** The command line as {@code platform} reads it: its directories, DNS modes and interface name by default. */
    public static Options parse(String mode, List<String> args, Map<String, String> env, Platform platform) {
        ServicePaths paths = platform.paths(env);
        DnsMode dns = platform.defaultDnsMode();
        boolean anyExe = false;
        Optional<Path> staticInterface = Optional.empty();
        Optional<Path> tokenFile = Optional.empty();
        String name = platform.defaultInterfaceName();
        Optional<URI> apiUrl = Optional.empty();
        String certificate = null;
        String key = null;
        String password = null;
        boolean internet = "true".equalsIgnoreCase(env.getOrDefault("FLINT_ACTIVATE_INTERNET_RESOURCE", ""));
        Optional<String> envDns = Optional.ofNullable(env.get("FLINT_DNS_CONTROL"));
        if (envDns.isPresent()) {
            dns = DnsMode.parse(envDns.get()).filter(platform.dnsModes()::contains).orElseThrow(() ->
                    new IllegalArgumentException("FLINT_DNS_CONTROL must be " + platform.dnsModeNames()));
        }
        for (int i = 0; i < args.size(); i++) {
            String flag = args.get(i);
            if (flag.equals("--allow-any-peer-exe")) {
                anyExe = true;
                continue;
            }
            if (flag.equals("--activate-internet-resource")) {
                internet = true;
                continue;
            }
            if (i + 1 >= args.size()) {
                throw new IllegalArgumentException("'" + flag + "' is not a known flag, or it needs a value");
            }
            String value = args.get(++i);
            switch (flag) {
                case "--dns-control" -> dns = DnsMode.parse(value).filter(platform.dnsModes()::contains)
                        .orElseThrow(() -> new IllegalArgumentException(
                        "--dns-control must be " + platform.dnsModeNames() + ", not '" + value + "'"));
                case "--state-dir" -> paths = paths.withStateDir(Path.of(value));
                case "--runtime-dir" -> paths = paths.withRuntimeDir(Path.of(value));
                case "--log-dir" -> paths = paths.withLogDir(Path.of(value));
                case "--resolv-conf" -> paths = new ServicePaths(paths.stateDir(), paths.runtimeDir(), paths.logDir(),
                        Path.of(value));
                case "--interface" -> name = value;
                case "--static-interface" -> staticInterface = Optional.of(Path.of(value));
                case "--token-file" -> tokenFile = Optional.of(Path.of(value));
                case "--api-url" -> apiUrl = Optional.of(apiUrl(value));
                case "--client-certificate" -> certificate = value;
                case "--client-key" -> key = value;
                case "--client-certificate-password" -> password = value;
                default -> throw new IllegalArgumentException("'" + flag + "' is not a known flag");
            }
        }
        if (certificate == null && (key != null || password != null)) {
            throw new IllegalArgumentException("--client-key and --client-certificate-password need --client-certificate");
        }
        Optional<ClientCertificate> clientCertificate;
        try {
            clientCertificate = certificate == null ? Optional.empty()
                    : Optional.of(new ClientCertificate(absolute(certificate), absolute(key), absolute(password)));
        } catch (InvalidFieldException e) {
            String flag = switch (e.field()) {
                case "client_certificate.key" -> "--client-key";
                case "client_certificate.password_file" -> "--client-certificate-password";
                default -> "--client-certificate";
            };
            throw new IllegalArgumentException(flag + " " + e.problem());
        }
        return new Options(mode, paths, dns, anyExe, staticInterface, tokenFile, name, apiUrl, clientCertificate,
                internet);
    }

    /** A relative path given on the command line is taken from the working directory. */
    private static String absolute(String path) {
        if (path == null || path.startsWith("pkcs11:") || path.isBlank()) {
            return path == null || !path.startsWith("pkcs11:") ? path
                    : "pkcs11:" + Path.of(path.substring(7)).toAbsolutePath();
        }
        return Path.of(path).toAbsolutePath().toString();
    }

    /**
     * The TLS settings of a session: the managed (command line) client certificate, else the advanced
     * settings' one, loaded now so a bad file is reported when connecting rather than retried for ever.
     */
    static TlsSettings tls(Optional<ClientCertificate> managed, AdvancedSettings advanced)
            throws Session.UnavailableException {
        ClientCertificate chosen = managed.orElse(advanced.clientCertificate());
        if (chosen == null) {
            return TlsSettings.SYSTEM;
        }
        try {
            ClientIdentity identity = ClientIdentity.load(chosen.certificate(),
                    chosen.key() == null ? null : Path.of(chosen.key()),
                    chosen.passwordFile() == null ? null : Path.of(chosen.passwordFile()));
            identity.keyManagers();
            return new TlsSettings(identity);
        } catch (IllegalArgumentException e) {
            throw new Session.UnavailableException("The client certificate cannot be used: " + e.getMessage());
        }
    }

    private static URI apiUrl(String value) {
        try {
            URI uri = new URI(value);
            PortalUrl.build(uri, PortalUrl.Mode.CLIENT, new DeviceIdentity("check", "check", "A".repeat(43) + "="));
            return uri;
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw new IllegalArgumentException("--api-url must be an http(s) or ws(s) URL with a host, not '" + value + "'");
        }
    }

    private static Session.Factory sessions(Options options, StateFiles state, DnsControl dns, ServiceOs os) {
        return (token, internet) -> {
            if (options.staticInterface().isPresent()) {
                try {
                    return new StaticSession(InterfaceConfig.read(options.staticInterface().get()));
                } catch (IOException e) {
                    throw new Session.UnavailableException("The static interface file cannot be used: " + e.getMessage());
                }
            }
            if (token.isBlank()) {
                throw new Session.UnavailableException("Sign in first: the connection request carried no token.");
            }
            Optional<String> missing = os.missingDataPlane();
            if (missing.isPresent()) {
                throw new Session.UnavailableException(missing.get());
            }
            URI api = options.apiUrl().orElseGet(() -> state.advancedSettings().apiUrl());
            String deviceId;
            try {
                deviceId = state.deviceId().toString();
            } catch (IOException e) {
                throw new Session.UnavailableException("The device id cannot be read: " + e.getMessage());
            }
            try {
                PortalUrl.build(api, PortalUrl.Mode.CLIENT, new DeviceIdentity(deviceId, "check", "A".repeat(43) + "="));
            } catch (IllegalArgumentException e) {
                throw new Session.UnavailableException("The API URL in the advanced settings cannot be used: "
                        + e.getMessage());
            }
            ClientTunnel.Options tunnel = new ClientTunnel.Options(api, token, deviceId, DeviceIdentity.defaultName(),
                    UserAgent.detect(FlintVersion.current()), options.interfaceName(), PolicyRouting.FWMARK,
                    dns.systemResolvers(), tls(options.clientCertificate(), state.advancedSettings()));
            return new ConnlibSession(tunnel, internet, dns::systemResolvers);
        };
    }

    private static TunnelService build(Options options, Platform platform, Optional<LogControl> logs) {
        ServiceOs os = platform.pieces();
        StateFiles state = new StateFiles(options.paths(), os.clientGroup());
        DnsControl dns = platform.dnsControl(options.dnsMode(), options.paths());
        TunnelService service = TunnelService.on(os, options.paths(), state, options.allowAnyPeerExe(),
                options.interfaceName(), dns, sessions(options, state, dns, os), logs);
        options.clientCertificate().ifPresent(c -> service.setManagedSettings(new ManagedSettings(null, null, null, null,
                null, null, null, null, c)));
        return service;
    }

    /** Where the running executable lies: the installers put wintun.dll (Windows) and the GUI beside it. */
    static Path executableDirectory() {
        return ProcessHandle.current().info().command().map(Path::of).map(Path::getParent)
                .orElse(Path.of(".").toAbsolutePath());
    }

    /**
     * Runs the service under {@code platform}'s service manager until it asks for the stop (SIGTERM,
     * Ctrl+C, or the Windows SCM's STOP). Everything OS-specific comes from {@code platform}, so each
     * OS's start path runs here with that OS's fakes.
     */
    public static int serve(Options options, Platform platform, Path executableDirectory, Optional<LogControl> logs,
                     Map<String, String> env, PrintStream err, Optional<String> headlessToken) {
        Optional<String> missing = platform.missingPrerequisite(executableDirectory);
        if (missing.isPresent()) {
            err.println("flint-tunnel: " + missing.get());
            return 1;
        }
        return platform.serviceHost(options.mode(), env, err).run(lifecycle -> {
            TunnelService service = build(options, platform, logs);
            try {
                service.start(headlessToken.isEmpty());
            } catch (IOException e) {
                err.println("flint-tunnel: the service could not start: " + e.getMessage());
                service.close();
                return 1;
            }
            if (headlessToken.isPresent()) {
                Optional<String> failure = service.startHeadless(headlessToken.get(), options.activateInternetResource());
                if (failure.isPresent()) {
                    err.println("flint-tunnel: " + failure.get());
                    service.close();
                    return 1;
                }
            }
            lifecycle.ready();
            lifecycle.awaitStop();
            lifecycle.stopping();
            service.close();
            return 0;
        });
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
        return serve(options, Platform.forCurrentOs(), executableDirectory(), Optional.of(logs), env, err,
                Optional.of(token));
    }

    static List<String> versionLine() {
        return new ArrayList<>(List.of("flint-tunnel " + FlintVersion.current()));
    }
}
