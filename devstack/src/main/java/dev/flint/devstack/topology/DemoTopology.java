package dev.flint.devstack.topology;

import dev.flint.connlib.net.InetLiteral;
import static dev.flint.devstack.topology.AddressPlan.*;

import dev.flint.devstack.gateway.GatewayMain;
import dev.flint.devstack.portal.PortalMain;
import dev.flint.devstack.dns.DohServer;
import dev.flint.devstack.tls.TestCa;
import dev.flint.netns.Coturn;
import dev.flint.netns.Created;
import dev.flint.netns.Internet;
import dev.flint.netns.Internet.NatSite;
import dev.flint.connlib.net.IpPrefix;
import dev.flint.netns.JavaCommand;
import dev.flint.netns.NamespaceProcess;
import dev.flint.netns.NatType;
import dev.flint.netns.NetworkNamespace;
import dev.flint.netns.NetworkNamespace.Transport;
import dev.flint.netns.RealTimeWait;
import dev.flint.netns.Topology;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * Builds and removes the demo network (see package-info). {@link #up} leaves its processes running after the JVM
 * exits and records everything in a state file; {@link #down} removes it from any process. A failure or Ctrl-C
 * during {@code up} removes whatever was built so far.
 */
public final class DemoTopology {

    /** Where {@code flint devstack} keeps its state. */
    public static final Path DEFAULT_STATE = Topology.RUN_ROOT.resolve("devstack.state");

    public static final String COTURN = "coturn";
    public static final String COTURN2 = "coturn2";
    public static final String DNSMASQ = "dnsmasq";
    public static final String WEB_SERVER = "web";
    public static final String IPERF3 = "iperf3";
    public static final String PORTAL_PROCESS = "portal";
    public static final String PORTAL_DOOR = "portal-door";
    public static final String GATEWAY_PROCESS = "gateway";
    public static final String DOH_SERVER = "doh";
    /** In the run directory: the devstack's test CA (PEM) and the same as a PKCS#12 trust store ("changeit"). */
    public static final String CA_PEM = "ca.pem";
    public static final String CA_TRUST_STORE = "ca.p12";
    /** In the run directory: the client certificate and key the tunnel service presents to the mTLS portal. */
    public static final String CLIENT_CERT = "client.pem";
    public static final String CLIENT_KEY = "client.key";
    /** The portal's mutual-TLS listener (Firezone's mtls host), beside the plain one. */
    public static final InetSocketAddress PORTAL_MTLS_LISTEN = new InetSocketAddress(AddressPlan.PORTAL.address(), 8443);
    /** The DoH server in the resource network, in front of its dnsmasq. */
    public static final InetSocketAddress DOH_LISTEN = new InetSocketAddress(AddressPlan.DNS.address(), 443);
    public static final String DOH_URL = "https://" + AddressPlan.DNS.addressText() + "/dns-query";

    /** In the run directory: the portal emulator's config (this run's relay secret and gateway token). */
    public static final String PORTAL_CONFIG = "portal.json";
    /** In the run directory: the tunnel addresses and PSK bases the portal gave each device, kept across restarts. */
    public static final String PORTAL_ADDRESSES = "portal-addresses";
    /** In the run directory: the authorizations the portal confirmed, kept across portal restarts. */
    public static final String PORTAL_GRANTS = "portal-grants";
    /** In the run directory: the gateway's token, for {@code flint devstack gateway --token-file}. */
    public static final String GATEWAY_TOKEN = "gateway-token";
    /** In the run directory: a Unix socket that reaches the portal emulator from any namespace (the host's too). */
    public static final String PORTAL_SOCKET = "portal.sock";
    /** Where the portal emulator listens, in the portal namespace. */
    public static final InetSocketAddress PORTAL_LISTEN = new InetSocketAddress(AddressPlan.PORTAL.address(),
        AddressPlan.PORTAL_PORT);

    /** How long a part of the topology may take to listen or answer: generous, since the machine may be busy. */
    private static final Duration READY_TIMEOUT = RealTimeWait.GENEROUS;

    /**
     * What to build. {@code routeResources} lets the internet route straight to the gateway's site and resource
     * network (needs {@code gatewayNat} NONE): plain routing for testing the topology; the tunnel replaces it.
     * {@code ipv6} adds IPv6 to the internet, the sites and the relay (the resource network stays IPv4).
     * {@code tag} starts the namespace names (tests use their own).
     */
    public record Options(NatType clientNat, NatType gatewayNat, boolean routeResources, boolean ipv6, String tag,
                          boolean portalAndGateway, boolean mtls, boolean doh, boolean secondRelay) {

        /** With one relay. */
        public Options(NatType clientNat, NatType gatewayNat, boolean routeResources, boolean ipv6, String tag,
                       boolean portalAndGateway, boolean mtls, boolean doh) {
            this(clientNat, gatewayNat, routeResources, ipv6, tag, portalAndGateway, mtls, doh, false);
        }

        /** Without the mutual-TLS portal listener and without DoH. */
        public Options(NatType clientNat, NatType gatewayNat, boolean routeResources, boolean ipv6, String tag,
                       boolean portalAndGateway) {
            this(clientNat, gatewayNat, routeResources, ipv6, tag, portalAndGateway, false, false);
        }

        public Options {
            if (routeResources && gatewayNat != NatType.NONE) {
                throw new IllegalArgumentException("routing to the resources needs the gateway NAT to be 'none'");
            }
        }

        /** The network and its servers without the portal emulator and the gateway (tests start their own). */
        public Options(NatType clientNat, NatType gatewayNat, boolean routeResources, boolean ipv6, String tag) {
            this(clientNat, gatewayNat, routeResources, ipv6, tag, false);
        }

        /** What {@code flint devstack up} builds: everything, the portal emulator and the gateway included. */
        public static Options defaults() {
            return new Options(NatType.PORT_RESTRICTED_CONE, NatType.PORT_RESTRICTED_CONE, false, true, "fd", true);
        }

        /**
         * The same with a second coturn ({@code relay2}, 198.18.0.11 and 2001:db8:18::11, same secret) that the
         * portal lists beside the first: devices get both, and lose only one when one relay dies.
         */
        public Options withSecondRelay() {
            return new Options(clientNat, gatewayNat, routeResources, ipv6, tag, portalAndGateway, mtls, doh, true);
        }
    }

    private DemoTopology() {
    }

    /**
     * Builds the topology, starts its servers and writes {@code stateFile}. Refuses when {@code stateFile} already
     * describes a topology. Prints progress to {@code out}.
     */
    public static DevstackState up(Options options, Path stateFile, PrintStream out) {
        Optional<DevstackState> existing = DevstackState.load(stateFile);
        if (existing.isPresent()) {
            throw new IllegalStateException("a devstack is already up (" + existing.get().prefix() + ", state in "
                + stateFile + "); run 'flint devstack down' first");
        }
        Topology net = Topology.create(options.tag());
        String secret = randomSecret();
        Instant createdAt = Instant.now();
        Runnable save = () -> new DevstackState(net.prefix(), options.clientNat(), options.gatewayNat(),
            options.routeResources(), options.ipv6(), secret, createdAt, net.created()).save(stateFile);
        Thread undoOnInterrupt = new Thread(() -> {
            out.println("flint devstack: interrupted; removing what was built");
            tearDown(net, stateFile);
        }, "devstack-up-interrupted");
        Runtime.getRuntime().addShutdownHook(undoOnInterrupt);
        boolean built = false;
        try {
            build(net, options, secret, save, out);
            save.run();
            // From here on the state file owns it all: this JVM exits and leaves it running.
            net.release();
            built = true;
            return DevstackState.load(stateFile).orElseThrow();
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(undoOnInterrupt);
            } catch (IllegalStateException shuttingDown) {
                // The hook is running (Ctrl-C); it cleans up.
            }
            if (!built) {
                tearDown(net, stateFile);
            }
        }
    }

    private static void tearDown(Topology net, Path stateFile) {
        try {
            net.close();
        } finally {
            try {
                Files.deleteIfExists(stateFile);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static void build(Topology net, Options options, String secret, Runnable save, PrintStream out) {
        NetworkNamespace portalHost;
        Internet internet = Internet.create(net, Role.INTERNET.shortName(), INTERNET,
            options.ipv6() ? INTERNET6 : null);
        save.run();
        NatSite client = internet.attachSite(Role.CLIENT_NAT.shortName(), Role.CLIENT.shortName(),
            options.clientNat(), index(CLIENT_NAT_WAN), CLIENT_LAN, options.ipv6() ? CLIENT_LAN6 : null);
        save.run();
        NatSite gateway = internet.attachSite(Role.GATEWAY_NAT.shortName(), Role.GATEWAY.shortName(),
            options.gatewayNat(), index(GATEWAY_NAT_WAN), GATEWAY_LAN, options.ipv6() ? GATEWAY_LAN6 : null);
        save.run();
        NetworkNamespace relayHost = internet.attachHost(Role.RELAY.shortName(), index(RELAY));
        NetworkNamespace relay2Host = options.secondRelay()
            ? internet.attachHost(Role.RELAY2.shortName(), index(RELAY2)) : null;
        portalHost = internet.attachHost(Role.PORTAL.shortName(), index(PORTAL));
        NetworkNamespace resources = net.namespace(Role.RESOURCES.shortName());
        save.run();
        out.println("flint devstack: namespaces " + net.prefix() + "-{inet,portal,relay,"
            + (options.secondRelay() ? "relay2," : "") + "natc,client,natg,gw,res}");

        NetworkNamespace gw = gateway.host();
        net.veth(resources, "eth0", gw, "res").up();
        gw.addAddress("res", GATEWAY_RESOURCE_SIDE);
        resources.addAddress("eth0", WEB);
        resources.addAddress("eth0", IPERF);
        resources.addAddress("eth0", DNS);
        resources.addDefaultRoute(GATEWAY_RESOURCE_SIDE.address());
        gw.enableForwarding();
        if (options.routeResources()) {
            internet.namespace().addRoute(RESOURCES, GATEWAY_NAT_WAN.address());
            gateway.router().namespace().addRoute(RESOURCES, GATEWAY.address());
        }
        out.println("flint devstack: links, addresses and routes set; client NAT " + options.clientNat().label()
            + ", gateway NAT " + options.gatewayNat().label()
            + (options.routeResources() ? "; resources routed from the internet (no tunnel needed)" : ""));

        client.host().writeResolvConf(List.of(DNS.address()), List.of(DOMAIN));
        gw.writeResolvConf(List.of(DNS.address()), List.of(DOMAIN));

        Path run = net.runDirectory();
        save.run();
        Path hosts = run.resolve("resource-hosts");
        writeHosts(hosts);
        List<NamespaceProcess> started = new ArrayList<>();
        started.add(net.startDetached(resources, DNSMASQ, List.of("dnsmasq", "--keep-in-foreground",
            "--conf-file=/dev/null", "--no-resolv", "--no-hosts", "--addn-hosts=" + hosts, "--pid-file=",
            "--user=root", "--group=root", "--bind-interfaces", "--listen-address=" + DNS.addressText(),
            "--port=" + DNS_PORT, "--local=/" + DOMAIN + "/", "--address=/" + WILDCARD_DOMAIN + "/" + WEB.addressText(),
            "--log-queries", "--log-facility=-"), run.resolve(DNSMASQ + ".log")));
        save.run();
        started.add(net.startDetached(resources, WEB_SERVER, JavaCommand.forMain(ResourceWebServer.class,
            List.of(WEB.addressText(), Integer.toString(WEB_PORT), "web." + DOMAIN)), run.resolve(WEB_SERVER + ".log")));
        save.run();
        started.add(net.startDetached(resources, IPERF3, List.of("iperf3", "--server", "--bind", IPERF.addressText(),
            "--port", Integer.toString(IPERF_PORT)), run.resolve(IPERF3 + ".log")));
        save.run();
        Coturn.Config relay = new Coturn.Config(
            options.ipv6() ? List.of(RELAY.address(), RELAY6.address()) : List.of(RELAY.address()),
            secret, RELAY_MIN_PORT, RELAY_MAX_PORT);
        started.add(net.startDetached(relayHost, COTURN,
            Coturn.commandLine(relay, run, COTURN), run.resolve(COTURN + ".log")));
        save.run();
        Coturn.Config relay2 = new Coturn.Config(
            options.ipv6() ? List.of(RELAY2.address(), RELAY2_6.address()) : List.of(RELAY2.address()),
            secret, RELAY_MIN_PORT, RELAY_MAX_PORT);
        NamespaceProcess coturn2 = null;
        if (relay2Host != null) {
            coturn2 = net.startDetached(relay2Host, COTURN2, Coturn.commandLine(relay2, run, COTURN2),
                run.resolve(COTURN2 + ".log"));
            started.add(coturn2);
            save.run();
        }

        resources.awaitListening(Transport.UDP, DNS_PORT, READY_TIMEOUT, started.get(0));
        resources.awaitListening(Transport.TCP, WEB_PORT, READY_TIMEOUT, started.get(1));
        resources.awaitListening(Transport.TCP, RESET_PORT, READY_TIMEOUT, started.get(1));
        resources.awaitListening(Transport.TCP, IPERF_PORT, READY_TIMEOUT, started.get(2));
        for (InetAddress address : relay.addresses()) {
            relayHost.awaitListening(Transport.UDP, new InetSocketAddress(address, RELAY_PORT), READY_TIMEOUT,
                started.get(3));
        }
        if (coturn2 != null) {
            for (InetAddress address : relay2.addresses()) {
                relay2Host.awaitListening(Transport.UDP, new InetSocketAddress(address, RELAY_PORT), READY_TIMEOUT,
                    coturn2);
            }
        }
        TestCa ca = null;
        if (options.mtls() || options.doh()) {
            ca = TestCa.create("Flint devstack CA " + net.prefix());
            ca.writeTrust(run.resolve(CA_PEM), run.resolve(CA_TRUST_STORE));
        }
        if (options.doh()) {
            TestCa.Files doh = ca.server("doh", List.of(DNS.address()), List.of("dns." + DOMAIN)).written(run, DOH_SERVER);
            NamespaceProcess server = net.startDetached(resources, DOH_SERVER, JavaCommand.forMain(DohServer.class,
                List.of("-Xmx64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"),
                List.of(DNS.addressText() + ":" + DOH_LISTEN.getPort(), doh.certificate().toString(), doh.key().toString(),
                    DNS.addressText() + ":" + DNS_PORT)), run.resolve(DOH_SERVER + ".log"));
            started.add(server);
            save.run();
            resources.awaitListening(Transport.TCP, DOH_LISTEN, READY_TIMEOUT, server);
        }
        if (options.portalAndGateway()) {
            List<String> extra = new ArrayList<>();
            if (options.mtls()) {
                TestCa.Files portal = ca.server("portal", List.of(AddressPlan.PORTAL.address()), List.of())
                    .written(run, "portal-tls");
                ca.client("flint-demo-device").written(run, "client");
                extra.addAll(List.of("--mtls", AddressPlan.PORTAL.addressText() + ":" + PORTAL_MTLS_LISTEN.getPort(),
                    portal.certificate().toString(), portal.key().toString(), run.resolve(CA_PEM).toString()));
            }
            if (options.doh()) {
                extra.addAll(List.of("--upstream-doh", DOH_URL));
            }
            startPortalAndGateway(net, portalHost, gw, secret, options.secondRelay(), save, started, extra);
            if (options.mtls()) {
                portalHost.awaitListening(Transport.TCP, PORTAL_MTLS_LISTEN, READY_TIMEOUT, started.get(started.size() - 3));
            }
        }
        for (NamespaceProcess process : started) {
            out.println("flint devstack: " + process.label() + " running (pid " + process.pid() + ") in "
                + process.namespace());
        }
    }

    /**
     * The portal emulator in the portal namespace (its config in the run directory, with this run's relay secret
     * and a fresh gateway token), its Unix-socket door for the host, and the gateway in the gateway namespace,
     * which is up once it has joined the portal.
     */
    private static void startPortalAndGateway(Topology net, NetworkNamespace portalHost, NetworkNamespace gw,
                                              String secret, boolean secondRelay, Runnable save,
                                              List<NamespaceProcess> started,
                                              List<String> portalOptions) {
        Path run = net.runDirectory();
        String gatewayToken = randomSecret();
        writePrivate(run.resolve(GATEWAY_TOKEN), gatewayToken + "\n");
        Path portalConfig = run.resolve(PORTAL_CONFIG);
        writePrivate(portalConfig, portalConfig(secret, gatewayToken, randomSecret(), secondRelay));
        NamespaceProcess portal = net.startDetached(portalHost, PORTAL_PROCESS, JavaCommand.forMain(PortalMain.class,
            List.of("-Xmx96m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"),
            java.util.stream.Stream.concat(java.util.stream.Stream.of("--config", portalConfig.toString(),
                    "--address-book", run.resolve(PORTAL_ADDRESSES).toString(),
                    "--grants", run.resolve(PORTAL_GRANTS).toString(), "--watch-relays"),
                portalOptions.stream()).toList()),
            run.resolve(PORTAL_PROCESS + ".log"));
        started.add(portal);
        save.run();
        NamespaceProcess door = net.startDetached(portalHost, PORTAL_DOOR, JavaCommand.forMain(StreamRelay.class,
            List.of("unix:" + run.resolve(PORTAL_SOCKET), "tcp:" + AddressPlan.PORTAL.addressText() + ":" + PORTAL_PORT)),
            run.resolve(PORTAL_DOOR + ".log"));
        started.add(door);
        save.run();

        portalHost.awaitListening(Transport.TCP, PORTAL_LISTEN, READY_TIMEOUT, portal);
        awaitFile(run.resolve(PORTAL_SOCKET), door);
        NamespaceProcess gateway = net.startDetached(gw, GATEWAY_PROCESS, JavaCommand.forMain(GatewayMain.class,
            GatewayMain.JVM_OPTIONS, List.of("--api-url", "ws://" + AddressPlan.PORTAL.addressText() + ":" + PORTAL_PORT,
                "--token-file", run.resolve(GATEWAY_TOKEN).toString(), "--dns", DNS.addressText())),
            run.resolve(GATEWAY_PROCESS + ".log"));
        started.add(gateway);
        save.run();
        awaitLine(gateway, run.resolve(GATEWAY_PROCESS + ".log"), "Joined the portal");
    }

    /** The host number of {@code address} in the internet network. */
    private static int index(IpPrefix address) {
        byte[] bytes = address.address().getAddress();
        return bytes[3] & 0xff;
    }

    private static void writeHosts(Path hosts) {
        StringBuilder text = new StringBuilder();
        for (HostName name : RESOURCE_NAMES) {
            text.append(InetLiteral.format(name.address())).append(' ').append(name.name()).append('\n');
        }
        try {
            Files.writeString(hosts, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The bundled sample config with this run's secrets: the relay secret coturn checks, the gateway token and a
     * fresh signing secret; with {@code secondRelay} the second relay listed after the first. Text replacement keeps
     * the sample's comments, which explain the file to whoever opens it.
     */
    public static String portalConfig(String relaySecret, String gatewayToken, String signingSecret,
                                      boolean secondRelay) {
        String sample = PortalMain.sample();
        for (String placeholder : List.of("change-me-devstack-relay-secret", "change-me-gateway-token",
            "change-me-devstack-signing-secret", FIRST_RELAY)) {
            if (!sample.contains(placeholder)) {
                throw new IllegalStateException("the sample portal config has no " + placeholder + " any more");
            }
        }
        String config = sample.replace("\"change-me-devstack-relay-secret\"", '"' + relaySecret + '"')
            .replace("\"change-me-gateway-token\"", '"' + gatewayToken + '"')
            .replace("\"change-me-devstack-signing-secret\"", '"' + signingSecret + '"');
        return secondRelay ? config.replace(FIRST_RELAY, FIRST_RELAY + ",\n    {\"name\": \"relay2\", \"addresses\": [\""
            + RELAY2.addressText() + ":" + RELAY_PORT + "\", \"[" + RELAY2_6.addressText() + "]:" + RELAY_PORT + "\"]}")
            : config;
    }

    /** The sample's relay entry, after which a second relay is listed. */
    private static final String FIRST_RELAY =
        "{\"name\": \"relay\", \"addresses\": [\"198.18.0.10:3478\", \"[2001:db8:18::10]:3478\"]}";

    private static void writePrivate(Path file, String text) {
        try {
            Files.deleteIfExists(file);
            Files.createFile(file, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static void awaitLine(NamespaceProcess owner, Path log, String text) {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (true) {
            try {
                if (Files.readString(log).contains(text)) {
                    return;
                }
            } catch (IOException e) {
                // not written yet
            }
            if (!owner.isAlive()) {
                throw new IllegalStateException(owner.label() + " exited (code " + owner.exitCode() + "):\n"
                    + owner.recentOutput());
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(owner.label() + " did not say \"" + text + "\" within "
                    + READY_TIMEOUT.toSeconds() + " s:\n" + owner.recentOutput());
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + owner.label(), e);
            }
        }
    }

    private static void awaitFile(Path file, NamespaceProcess owner) {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (!Files.exists(file)) {
            if (!owner.isAlive()) {
                throw new IllegalStateException(owner.label() + " exited (code " + owner.exitCode() + ") before "
                    + file + " appeared:\n" + owner.recentOutput());
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(owner.label() + " did not create " + file + " within "
                    + READY_TIMEOUT.toSeconds() + " s");
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + file, e);
            }
        }
    }

    /**
     * Records a process started beside the devstack (the demo's tunnel service, GUI, Xvfb) in its state file, so
     * {@link #down} stops it too, even when whoever started it was killed. {@code namespace} is "host" for a process
     * in the machine's own namespace.
     */
    public static synchronized void recordProcess(Path stateFile, String label, String namespace, long pid) {
        DevstackState state = DevstackState.load(stateFile)
            .orElseThrow(() -> new IllegalStateException("no devstack state at " + stateFile));
        List<Created> created = new ArrayList<>(state.created());
        created.add(new Created.Process(label, namespace, pid,
            ProcessHandle.of(pid).flatMap(h -> h.info().startInstant()).orElse(null)));
        new DevstackState(state.prefix(), state.clientNat(), state.gatewayNat(), state.resourcesRouted(), state.ipv6(),
            state.relaySecret(), state.createdAt(), created).save(stateFile);
    }

    /** This run's gateway token (written by {@link #up}). */
    public static String gatewayToken(DevstackState state) {
        try {
            return Files.readString(state.runDirectory().resolve(GATEWAY_TOKEN)).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("no gateway token in " + state.runDirectory(), e);
        }
    }

    private static String randomSecret() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /**
     * Removes the topology described by {@code stateFile}: everything recorded, newest first, then any namespace
     * that still carries its prefix (a run killed between creating and recording), then the state file. Returns
     * false when there was nothing to remove.
     */
    public static boolean down(Path stateFile) {
        Optional<DevstackState> loaded = DevstackState.load(stateFile);
        if (loaded.isEmpty()) {
            return false;
        }
        DevstackState state = loaded.get();
        RuntimeException failure = Topology.tearDown(state.created());
        for (String name : NetworkNamespace.list()) {
            if (state.prefix().owns(name)) {
                try {
                    NetworkNamespace.existing(name).delete();
                } catch (RuntimeException e) {
                    failure = failure == null ? e : withSuppressed(failure, e);
                }
            }
        }
        try {
            new Created.Directory(state.runDirectory()).remove();
        } catch (RuntimeException e) {
            failure = failure == null ? e : withSuppressed(failure, e);
        }
        List<String> left = leftovers(state);
        if (!left.isEmpty()) {
            RuntimeException leaked = new IllegalStateException("still there after down: " + String.join(", ", left)
                + " (the state file " + stateFile + " is kept; run down again)");
            throw failure == null ? leaked : withSuppressed(leaked, failure);
        }
        try {
            Files.deleteIfExists(stateFile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (failure != null) {
            throw failure;
        }
        return true;
    }

    /** What of {@code state} still exists: namespaces with its prefix, live processes, its run directory. */
    public static List<String> leftovers(DevstackState state) {
        List<String> left = new ArrayList<>();
        NetworkNamespace.list().stream().filter(state.prefix()::owns).map(n -> "namespace " + n).forEach(left::add);
        for (Created.Process process : state.processes()) {
            if (NamespaceProcess.isRunning(process.pid(), process.startedAt())) {
                left.add(process.label() + " (pid " + process.pid() + ")");
            }
        }
        if (Files.exists(state.runDirectory())) {
            left.add("directory " + state.runDirectory());
        }
        return left;
    }

    private static RuntimeException withSuppressed(RuntimeException failure, Exception more) {
        failure.addSuppressed(more);
        return failure;
    }

    /** A human-readable account of what is up, from {@code stateFile} and the live system. */
    public static String status(Path stateFile) {
        Optional<DevstackState> loaded = DevstackState.load(stateFile);
        if (loaded.isEmpty()) {
            return "flint devstack: nothing is up (no " + stateFile + ")\n";
        }
        DevstackState state = loaded.get();
        StringBuilder text = new StringBuilder("flint devstack " + state.prefix() + ", up since " + state.createdAt()
            + "; client NAT " + state.clientNat().label() + ", gateway NAT " + state.gatewayNat().label()
            + (state.resourcesRouted() ? ", resources routed" : "") + (state.ipv6() ? ", dual-stack" : ", IPv4 only")
            + "\n");
        text.append("namespaces:\n");
        state.namespaces().forEach((role, namespace) -> text.append("  ")
            .append(String.format("%-12s %-20s %s%n", role.shortName(), namespace.name(),
                namespace.exists() ? "up" : "MISSING")));
        text.append("processes:\n");
        for (Created.Process process : state.processes()) {
            boolean alive = NamespaceProcess.isRunning(process.pid(), process.startedAt());
            text.append(String.format("  %-12s pid %-8d in %-20s %s  log %s%n", process.label(), process.pid(),
                process.namespace(), alive ? "running" : "NOT RUNNING",
                state.runDirectory().resolve(process.label() + ".log")));
        }
        text.append("relay: ").append(RELAY.addressText()).append(':').append(RELAY_PORT)
            .append(state.ipv6() ? ", [" + RELAY6.addressText() + "]:" + RELAY_PORT : "")
            .append(state.hasSecondRelay() ? "; relay2 " + RELAY2.addressText() + ":" + RELAY_PORT : "")
            .append(" realm firezone, static auth secret ").append(state.relaySecret()).append('\n');
        text.append("addresses:\n").append(describe().indent(2));
        return text.toString();
    }

    /** The DNS names the resource DNS server answers, for printing. */
    public static List<String> resourceNames() {
        List<String> names = new ArrayList<>();
        for (HostName name : RESOURCE_NAMES) {
            names.add(name.name() + " -> " + InetLiteral.format(name.address()));
        }
        names.add("*." + WILDCARD_DOMAIN + " -> " + WEB.addressText());
        return names;
    }
}
