package dev.flint.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flint.connlib.dns.AddressPlan;
import dev.flint.devstack.topology.PseudoRandomBytes;
import dev.flint.devstack.topology.Role;
import dev.flint.gui.controller.ControllerEvent;
import dev.flint.gui.controller.Phase;
import dev.flint.netns.Command;
import dev.flint.netns.NamespaceProcess;
import dev.flint.netns.NatType;
import dev.flint.netns.NetworkNamespace;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Firezone's integration scenarios on one devstack (both sites behind port-restricted cone NATs, dual stack, one
 * relay), with the tunnel service in the client namespace driven by the GUI's controller over IPC, as on a user's
 * machine. In order: sign-in, DNS by name and over TCP, downloads with their SHA-256 (50 MB, three at once), no WARN
 * or ERROR lines so far, a server reset, an ICMP error, 20% loss, the portal down and restarted (devices rejoining in
 * either order), roaming, a gateway restart, then sign-out, token expiry and {@code kill -9} of GUI and service, each
 * leaving the machine byte for byte as before sign-in. {@code -Dflint.scenarios.long=true} ({@code ./flint
 * scenarios}) runs the long forms: ten portal restarts, 50 MB under loss, three 50 MB downloads, a 40 s freeze.
 */
@Tag("privileged")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(ScenarioResults.class)
class CoreScenariosTest {
    static final boolean LONG = Boolean.getBoolean("flint.scenarios.long");
    static final long MB = 1_000_000;
    static final long DOWNLOAD = 50 * MB;
    static final long CONCURRENT = (LONG ? 50 : 10) * MB;
    static final long LOSSY = (LONG ? 50 : 20) * MB;
    /** Through 20% loss each way TCP itself crawls (retransmission timeouts back off): a small download, long run only. */
    static final long LOSSY_BOTH_WAYS = 2 * MB;
    static final long SLOW = 8 * MB;
    /** Read slowly (about 0.8 MB/s, 75 s) it outlasts both restarts of the short form; the web server's largest. */
    static final long ACROSS_RESTARTS = 60 * MB;
    static final int RESTARTS = LONG ? 10 : 2;
    static final Duration FREEZE = Duration.ofSeconds(LONG ? 40 : 10);
    static final String WEB = "http://web.flint.test";
    static final InetAddress WEB_ADDRESS = InetAddress.ofLiteral("172.20.0.10");
    static final String TUN = "tun-flint";

    ScenarioStack stack;
    ClientHost client;
    OsState beforeSignIn;
    HeadlessGui gui;
    String tunIndex;

    @BeforeAll
    void up() {
        ScenarioStack.assumeSupported();
        stack = ScenarioStack.up(new ScenarioStack.Options("scn", NatType.PORT_RESTRICTED_CONE,
            NatType.PORT_RESTRICTED_CONE, true, false));
        client = new ClientHost(stack.namespace(Role.CLIENT));
        stack.startService(ScenarioStack.ServiceMode.IPC, null);
        beforeSignIn = OsState.of(client.namespace());
    }

    @AfterEach
    void serviceStillRuns() {
        NamespaceProcess service = stack.service();
        if (service != null && !service.isAlive() && !expectServiceGone) {
            throw new AssertionError("the tunnel service exited (" + service.exitCode() + "):\n"
                + ScenarioStack.tail(stack.log("service")));
        }
    }

    boolean expectServiceGone;

    @AfterAll
    void down() {
        if (gui != null) {
            gui.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    // ---- sign-in and the clean run ----------------------------------------------------------------------------

    @Test
    @Order(1)
    void signInThroughTheGui() {
        Instant start = Instant.now();
        gui = new HeadlessGui(stack.socket(), stack.token("alice@flint.test", Duration.ofDays(7)));
        ScenarioStack.await("the GUI to say signed in with resources listed",
            () -> gui.phase() == Phase.SIGNED_IN && !gui.state().resources().isEmpty() && tunUp(),
            () -> "phase " + gui.phase() + "\n" + ScenarioStack.tail(stack.log("service")));
        ScenarioResults.note("signed in with the tunnel up in " + seconds(Duration.between(start, Instant.now())));
        assertThat(gui.state().resources()).extracting(r -> r.name())
            .contains("Web by name", "Wildcard names", "Resource network");
        tunIndex = linkIndex(TUN);
    }

    @Test
    @Order(2)
    void dnsByName() {
        List<InetAddress> web = client.resolve("web.flint.test");
        assertThat(web).as("the system resolver's answer for a DNS resource").isNotEmpty()
            .allMatch(AddressPlan::isProxy, "a proxy address of 100.96.0.0/11");
        assertThat(client.get(WEB + "/")).contains("flint devstack resource web.flint.test", "you are 172.20.0.1");
        // Any name under a wildcard resource, and its proxy addresses are the stub's own (stable while connected).
        assertThat(client.resolve("a.wild.flint.test")).isNotEmpty().allMatch(AddressPlan::isProxy)
            .doesNotContainAnyElementsOf(web);
        assertThat(client.resolve("web.flint.test")).isEqualTo(web);
    }

    @Test
    @Order(3)
    void dnsOverTcpToTheStub() throws Exception {
        InetAddress stub = client.nameserver();
        assertThat(stub.getHostAddress()).startsWith("100.100.111.");
        assertThat(client.queryTcp(stub, "web.flint.test")).isNotEmpty().allMatch(AddressPlan::isProxy);
        assertThat(client.queryTcp(stub, "b.wild.flint.test")).isNotEmpty().allMatch(AddressPlan::isProxy);
        assertThat(client.queryUdp(stub, "web.flint.test")).isEqualTo(client.queryTcp(stub, "web.flint.test"));
    }

    @Test
    @Order(4)
    void downloadFiftyMegabytesWithItsChecksum() {
        Instant start = Instant.now();
        String sha = client.curlSha256(WEB + "/random?n=" + DOWNLOAD + "&seed=1", ScenarioStack.WAIT);
        Duration took = Duration.between(start, Instant.now());
        assertThat(sha).as("SHA-256 of the 50 MB download by name").isEqualTo(PseudoRandomBytes.sha256(1, DOWNLOAD));
        ScenarioResults.note("50 MB in " + seconds(took) + " (" + mbits(DOWNLOAD, took) + ")");
    }

    @Test
    @Order(5)
    void threeDownloadsAtOnce() {
        Instant start = Instant.now();
        List<String> urls = List.of(WEB + "/random?n=" + CONCURRENT + "&seed=2",
            "http://dl.wild.flint.test/random?n=" + CONCURRENT + "&seed=3",
            "http://172.20.0.10/random?n=" + CONCURRENT + "&seed=4");
        List<CompletableFuture<String>> downloads = urls.stream()
            .map(u -> ClientHost.inBackground(() -> client.curlSha256(u, ScenarioStack.WAIT))).toList();
        for (int i = 0; i < 3; i++) {
            assertThat(downloads.get(i).join()).as("SHA-256 of " + urls.get(i))
                .isEqualTo(PseudoRandomBytes.sha256(2 + i, CONCURRENT));
        }
        ScenarioResults.note("3 x " + CONCURRENT / MB + " MB (DNS resource, wildcard DNS resource, CIDR resource) in "
            + seconds(Duration.between(start, Instant.now())));
    }

    @Test
    @Order(6)
    void noWarnOrErrorLinesInACleanRun() {
        assertThat(stack.warnings("service", "gateway")).as("WARN and ERROR lines of the service and the gateway")
            .isEmpty();
    }

    // ---- faults of the network and the servers ----------------------------------------------------------------

    @Test
    @Order(10)
    void theServerResettingMidTransferIsSeenAndNothingHangs() {
        Instant start = Instant.now();
        Command.Result cut = client.curl(ScenarioStack.WAIT, "-o", "/dev/null", "http://172.20.0.10:8080/?n=2000000");
        Duration took = Duration.between(start, Instant.now());
        assertThat(cut.exitCode()).as("curl's exit: 56 is 'failure receiving', here the reset; 28 would be a hang "
            + "ended by curl's own limit. " + cut.stderr()).isEqualTo(56);
        assertThat(cut.stderr()).containsIgnoringCase("reset");
        ScenarioResults.note("reset seen after " + seconds(took));
        assertThat(client.get("http://172.20.0.10/")).contains("flint devstack resource");
    }

    @Test
    @Order(11)
    void anIcmpErrorFromTheResourceNetworkReachesTheClient() throws Exception {
        // Port 9 of the web server is closed: its kernel answers UDP there with ICMP port unreachable, which must
        // come back through the gateway and the tunnel to the socket that sent it, for a CIDR and a DNS resource.
        assertPortUnreachable("the CIDR resource 172.20.0.10", WEB_ADDRESS);
        InetAddress proxy = client.resolve("icmp.wild.flint.test").getFirst();
        assertPortUnreachable("the DNS resource icmp.wild.flint.test (" + proxy.getHostAddress() + ")", proxy);
    }

    void assertPortUnreachable(String what, InetAddress target) throws Exception {
        NetworkNamespace ns = client.namespace();
        String[] seen = {"nothing"};
        ScenarioStack.await("ICMP port unreachable from " + what + " to reach the sending socket", () -> {
            try {
                return ns.call(() -> {
                    try (DatagramSocket socket = new DatagramSocket()) {
                        socket.connect(new InetSocketAddress(target, 9));
                        socket.setSoTimeout(2000);
                        byte[] probe = "flint".getBytes();
                        socket.send(new DatagramPacket(probe, probe.length));
                        socket.receive(new DatagramPacket(new byte[64], 64));
                        seen[0] = "an answer";
                        return false;
                    } catch (PortUnreachableException unreachable) {
                        return true;
                    } catch (SocketTimeoutException silence) {
                        seen[0] = "silence for 2 s";
                        return false;
                    }
                });
            } catch (Exception e) {
                seen[0] = e.toString();
                return false;
            }
        }, () -> seen[0]);
    }

    @Test
    @Order(12)
    void downloadsSurviveTwentyPercentLossOnTheClientsUplink() {
        // This kernel has no netem: nftables drops one packet in five at random as it leaves the client.
        Duration took = withLoss(false, () -> {
            String sha = client.curlSha256(WEB + "/random?n=" + LOSSY + "&seed=5", ScenarioStack.WAIT.multipliedBy(3));
            assertThat(sha).isEqualTo(PseudoRandomBytes.sha256(5, LOSSY));
        });
        ScenarioResults.note(LOSSY / MB + " MB through 20% loss on the uplink in " + seconds(took) + " ("
            + mbits(LOSSY, took) + ")");
        if (LONG) {
            Duration both = withLoss(true, () -> {
                String sha = client.curlSha256(WEB + "/random?n=" + LOSSY_BOTH_WAYS + "&seed=9",
                    ScenarioStack.WAIT.multipliedBy(5));
                assertThat(sha).isEqualTo(PseudoRandomBytes.sha256(9, LOSSY_BOTH_WAYS));
            });
            ScenarioResults.note(LOSSY_BOTH_WAYS / MB + " MB through 20% loss each way in " + seconds(both));
        }
    }

    /** Runs {@code step} with 20% of the client's packets dropped leaving (and arriving, with {@code bothWays}). */
    Duration withLoss(boolean bothWays, Runnable step) {
        NetworkNamespace ns = client.namespace();
        ns.nft("""
            table inet flint_loss {
              chain out { type filter hook output priority 0; policy accept; oifname "eth0" numgen random mod 100 < 20 drop; }
            """ + (bothWays ? """
              chain in { type filter hook input priority 0; policy accept; iifname "eth0" numgen random mod 100 < 20 drop; }
            """ : "") + "}\n");
        Instant start = Instant.now();
        try {
            step.run();
            return Duration.between(start, Instant.now());
        } finally {
            ns.exec("nft", "delete", "table", "inet", "flint_loss");
        }
    }

    @Test
    @Order(20)
    void namesResolveAndFlowsWorkWhileThePortalIsFrozenThenDown() throws Exception {
        InetAddress stub = client.nameserver();
        // What the steps below use is authorized before the portal goes (new authorizations need it).
        client.awaitReachable("web.flint.test before the portal freezes", WEB + "/");
        client.awaitReachable("dl.wild.flint.test before the portal freezes", "http://dl.wild.flint.test/");
        client.awaitReachable("172.20.0.10 before the portal freezes", "http://172.20.0.10/");
        AtomicBoolean slow = new AtomicBoolean(true);
        CompletableFuture<ClientHost.Download> flow = ClientHost.inBackground(() ->
            client.download(WEB_ADDRESS, "172.20.0.10", SLOW, 6, slow::get));

        // Frozen: its sockets stay open and say nothing, as a hung server's do.
        stack.freezePortal();
        Instant frozen = Instant.now();
        try {
            assertThat(client.queryUdp(stub, "web.flint.test")).isNotEmpty().allMatch(AddressPlan::isProxy);
            assertThat(client.get(WEB + "/")).contains("flint devstack resource");
            ScenarioStack.sleep(FREEZE.minus(Duration.between(frozen, Instant.now())));
            assertThat(client.get("http://dl.wild.flint.test/")).contains("flint devstack resource");
        } finally {
            stack.thawPortal();
        }
        // Down: killed; the connections of both devices die with it.
        stack.killPortal();
        assertThat(client.queryUdp(stub, "web.flint.test")).as("a DNS resource's name with the portal down")
            .isNotEmpty().allMatch(AddressPlan::isProxy);
        assertThat(client.queryUdp(stub, "never-asked-before.wild.flint.test"))
            .as("a name of a wildcard resource never asked before").isNotEmpty().allMatch(AddressPlan::isProxy);
        assertThat(client.get(WEB + "/")).as("a new flow to an authorized resource").contains("flint devstack");
        slow.set(false);
        ClientHost.Download d = flow.get(ScenarioStack.WAIT.toSeconds(), TimeUnit.SECONDS);
        ClientHost.assertIntact("the download that ran while the portal froze and died", d, SLOW, 6);
        ScenarioResults.note("portal frozen " + FREEZE.toSeconds() + " s then killed; the running download's longest "
            + "stall " + seconds(d.longestStall()));
    }

    @Test
    @Order(21)
    void afterPortalRestartsOldAndNewResourcesAreReachedWhicheverDeviceRejoinsFirst() throws Exception {
        String clientAddress = tunAddress();
        // A download by name runs across every restart: the portal keeps its grants, so the gateway keeps the flow.
        InetAddress web = client.queryUdp(client.nameserver(), "web.flint.test").getFirst();
        AtomicBoolean slow = new AtomicBoolean(true);
        CompletableFuture<ClientHost.Download> flow = ClientHost.inBackground(() ->
            client.download(web, "web.flint.test", ACROSS_RESTARTS, 11, slow::get));
        for (int i = 1; i <= RESTARTS; i++) {
            stack.killPortal();
            // The administrator adds a resource while the portal is down: it must be reachable after the restart.
            String name = "r" + i + ".wild.flint.test";
            String resource = "Restart " + i;
            stack.rewritePortalConfig(text -> text
                .replace("\"resources\": [", "\"resources\": [\n        {\"name\": \"" + resource + "\", \"type\": \"dns\","
                    + " \"address\": \"" + name + "\", \"site\": \"Lab\"},")
                .replace("\"policies\": [", "\"policies\": [\n        {\"resource\": \"" + resource + "\","
                    + " \"users\": [\"alice@flint.test\"]},"));
            boolean gatewayFirst = i % 2 == 1;
            Role late = gatewayFirst ? Role.CLIENT : Role.GATEWAY;
            int gatewayJoins = ScenarioStack.count(stack.log("gateway"), "Joined the portal");
            int clientJoins = ScenarioStack.count(stack.log("service"), "Joined the portal's client channel");
            blockPortal(late);
            Instant started;
            try {
                stack.startPortal();
                started = Instant.now();
                if (gatewayFirst) {
                    stack.awaitLog("gateway", "the gateway to rejoin first", "Joined the portal", gatewayJoins + 1);
                } else {
                    stack.awaitLog("service", "the client to rejoin first", "Joined the portal's client channel",
                        clientJoins + 1);
                }
            } finally {
                unblockPortal(late);
            }
            stack.awaitLog("gateway", "the gateway to rejoin", "Joined the portal", gatewayJoins + 1);
            stack.awaitLog("service", "the client to rejoin", "Joined the portal's client channel", clientJoins + 1);
            client.awaitReachable("web.flint.test (a resource from before) after restart " + i, WEB + "/");
            client.awaitReachable(name + " (a resource added while the portal was down) after restart " + i,
                "http://" + name + "/");
            ScenarioResults.note("restart " + i + " (" + (gatewayFirst ? "gateway" : "client") + " first): old and new "
                + "resources reached " + seconds(Duration.between(started, Instant.now())) + " after the portal started");
            assertThat(tunAddress()).as("the client keeps its tunnel address").isEqualTo(clientAddress);
            assertThat(linkIndex(TUN)).as("tun-flint is the same device").isEqualTo(tunIndex);
            assertThat(gatewayAddresses()).as("tun-gateway carries exactly one IPv4 address, its own").hasSize(1)
                .doesNotContain(clientAddress);
        }
        boolean outlasted = !flow.isDone();
        slow.set(false);
        ClientHost.Download d = flow.get(ScenarioStack.WAIT.toSeconds(), TimeUnit.SECONDS);
        ClientHost.assertIntact("the download by name across " + RESTARTS + " portal restarts", d, ACROSS_RESTARTS, 11);
        ScenarioResults.note("a download by name across " + (outlasted ? "all " + RESTARTS : "the first")
            + " portal restarts: intact, longest stall " + seconds(d.longestStall()));
    }

    @Test
    @Order(22)
    void aClientGivenANewAddressByThePortalChangesItOnTheSameDevice() {
        // The portal's address book says the client now has another address (as if an administrator reassigned it):
        // after a restart the service must move tun-flint to it in place, and the gateway must not keep it.
        String old = tunAddress();
        stack.killPortal();
        String moved = "100.64.250.7";
        java.nio.file.Path book = stack.runDirectory().resolve(dev.flint.devstack.topology.DemoTopology.PORTAL_ADDRESSES);
        try {
            String text = java.nio.file.Files.readString(book);
            assertThat(text).contains(" " + old + " ");
            java.nio.file.Files.writeString(book, text.replace(" " + old + " ", " " + moved + " "));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        stack.startPortal();
        ScenarioStack.await("tun-flint to carry " + moved + " instead of " + old,
            () -> moved.equals(tunAddress()), () -> client.namespace().ip("addr", "show", "dev", TUN));
        client.awaitReachable("web.flint.test from the new address", WEB + "/");
        assertThat(client.get("http://172.20.0.10/")).contains("you are 172.20.0.1");
        assertThat(client.namespace().ip("-4", "addr", "show", "dev", TUN)).doesNotContain(old + "/");
        assertThat(linkIndex(TUN)).as("tun-flint is the same device").isEqualTo(tunIndex);
        assertThat(gatewayAddresses()).hasSize(1).doesNotContain(moved, old);
    }

    @Test
    @Order(30)
    void roamingTheClientsAddressChangesMidDownloadAndTrafficRecovers() throws Exception {
        NetworkNamespace ns = client.namespace();
        client.awaitReachable("the resources before roaming", "http://172.20.0.10/");
        AtomicBoolean slow = new AtomicBoolean(true);
        CompletableFuture<ClientHost.Download> flow = ClientHost.inBackground(() ->
            client.download(WEB_ADDRESS, "172.20.0.10", SLOW, 7, slow::get));
        ScenarioStack.sleep(Duration.ofSeconds(2));
        // A new lease on the same LAN: the new address first, then the old one goes (kept routes with it).
        roam(ns, "10.10.1.2", "10.10.1.3", "fd10:10:1::2", "fd10:10:1::3");
        try {
            ScenarioStack.sleep(Duration.ofSeconds(4));
            slow.set(false);
            ClientHost.Download d = flow.get(ScenarioStack.WAIT.toSeconds(), TimeUnit.SECONDS);
            ClientHost.assertIntact("the download across the address change", d, SLOW, 7);
            ScenarioResults.note("longest stall of the download across the address change " + seconds(d.longestStall()));
        } finally {
            roam(ns, "10.10.1.3", "10.10.1.2", "fd10:10:1::3", "fd10:10:1::2");
        }
        client.awaitReachable("the resources after roaming back", WEB + "/");
    }

    static void roam(NetworkNamespace ns, String from4, String to4, String from6, String to6) {
        ns.exec("sysctl", "-qw", "net.ipv4.conf.eth0.promote_secondaries=1");
        ns.exec("ip", "addr", "add", to4 + "/24", "dev", "eth0");
        ns.exec("ip", "-6", "addr", "add", to6 + "/64", "dev", "eth0", "nodad");
        ns.exec("ip", "addr", "del", from4 + "/24", "dev", "eth0");
        ns.exec("ip", "-6", "addr", "del", from6 + "/64", "dev", "eth0");
        ns.exec("ip", "route", "replace", "default", "via", "10.10.1.1", "dev", "eth0");
        ns.exec("ip", "-6", "route", "replace", "default", "via", "fd10:10:1::1", "dev", "eth0");
    }

    @Test
    @Order(31)
    void aGatewayRestartIsReauthorizedAndFlowsRecover() throws Exception {
        restartGatewayDuringADownload("KILL", 8, false);
    }

    @Test
    @Order(32)
    void aDownloadSurvivesAGatewayRestart() throws Exception {
        restartGatewayDuringADownload("KILL", 9, true);
    }

    @Test
    @Order(33)
    void aGatewayStoppedAndStartedAgainIsReauthorizedAndFlowsRecover() throws Exception {
        restartGatewayDuringADownload("TERM", 10, true);
    }

    /**
     * A slow download runs while the gateway is stopped with {@code signal} (KILL: it vanishes and the client learns
     * from its connection failing; TERM: it says goodbye first) and started again; the resources must be reached
     * again, and the download must end: intact when {@code mustSurvive}, else intact or cut with an error (not
     * hung, and not ended as if complete with wrong bytes).
     */
    void restartGatewayDuringADownload(String signal, long seed, boolean mustSurvive) throws Exception {
        AtomicBoolean slow = new AtomicBoolean(true);
        CompletableFuture<ClientHost.Download> flow = ClientHost.inBackground(() ->
            client.download(WEB_ADDRESS, "172.20.0.10", SLOW, seed, slow::get));
        ScenarioStack.sleep(Duration.ofSeconds(2));
        Instant stopped = Instant.now();
        stack.stopGateway(signal);
        stack.startGateway();
        client.awaitReachable("web.flint.test through the restarted gateway", WEB + "/");
        ScenarioResults.note("resources reached again " + seconds(Duration.between(stopped, Instant.now()))
            + " after SIG" + signal + " of the gateway");
        slow.set(false);
        ClientHost.Download d = flow.get(ScenarioStack.WAIT.toSeconds(), TimeUnit.SECONDS);
        if (mustSurvive || d.failure() == null) {
            ClientHost.assertIntact("the download across the gateway restart", d, SLOW, seed);
            ScenarioResults.note("longest stall of the download across the restart " + seconds(d.longestStall()));
        } else {
            ScenarioResults.note("the download across the restart was cut after " + d.bytes() + " bytes: "
                + d.failure());
        }
        assertThat(stack.gateway().recentOutput()).contains("may reach");
    }

    // ---- leaving: nothing left behind -------------------------------------------------------------------------

    @Test
    @Order(40)
    void signOutTakesTheTunnelDownAndRestoresDns() {
        gui.post(new ControllerEvent.SignOut());
        ScenarioStack.await("the GUI to be signed out and the machine as before sign-in",
            () -> gui.phase() == Phase.SIGNED_OUT && OsState.of(client.namespace()).differencesFrom(beforeSignIn).isEmpty(),
            () -> "phase " + gui.phase() + "\n" + OsState.of(client.namespace()).differencesFrom(beforeSignIn));
        gui.close();
        gui = null;
    }

    @Test
    @Order(41)
    void anExpiredTokenTakesTheTunnelDownAndTheGuiAsksToSignIn() {
        // The portal disconnects the session when its token ends. A token that ran out before the tunnel came up (a
        // slow machine) proves less, so the sign-in is tried again with one that lives twice as long.
        for (Duration valid = Duration.ofSeconds(10); ; valid = valid.multipliedBy(2)) {
            HeadlessGui attempt = new HeadlessGui(stack.socket(), stack.token("alice@flint.test", valid));
            gui = attempt;
            ScenarioStack.await("the tunnel with a token valid " + valid.toSeconds() + " s, or the token to run out first",
                () -> attempt.phase() == Phase.SIGNED_IN && tunUp() || attempt.phase() == Phase.SIGNED_OUT,
                () -> "phase " + attempt.phase());
            if (attempt.phase() == Phase.SIGNED_IN || valid.toSeconds() >= 80) {
                break;
            }
            ScenarioStack.await("the machine as before sign-in after a token that ran out before the tunnel came up",
                () -> OsState.of(client.namespace()).differencesFrom(beforeSignIn).isEmpty(),
                () -> OsState.of(client.namespace()).differencesFrom(beforeSignIn));
            attempt.close();
        }
        ScenarioStack.await("the token to expire: the GUI signed out and the machine as before sign-in",
            () -> gui.phase() == Phase.SIGNED_OUT && OsState.of(client.namespace()).differencesFrom(beforeSignIn).isEmpty(),
            () -> "phase " + gui.phase() + "\n" + OsState.of(client.namespace()).differencesFrom(beforeSignIn));
        assertThat(gui.notifications()).as("what the GUI told the user").anyMatch(n -> n.contains("sign in"));
        gui.close();
        gui = null;
    }

    @Test
    @Order(42)
    void killNineOfTheGuiLeavesNothingBehind() {
        java.nio.file.Path tokenFile = stack.runDirectory().resolve("gui-token");
        ScenarioStack.write(tokenFile, stack.token("alice@flint.test", Duration.ofDays(7)));
        NamespaceProcess process = stack.detached(client.namespace(), "gui", dev.flint.netns.JavaCommand.forMain(
            HeadlessGui.class, List.of(stack.socket().toString(), tokenFile.toString())));
        try {
            ScenarioStack.await("the GUI process to sign in", () -> process.recentOutput().contains("phase SIGNED_IN")
                && tunUp(), process::recentOutput);
            ScenarioStack.kill(process, "KILL");
            ScenarioStack.await("the machine as before sign-in after kill -9 of the GUI",
                () -> OsState.of(client.namespace()).differencesFrom(beforeSignIn).isEmpty(),
                () -> OsState.of(client.namespace()).differencesFrom(beforeSignIn));
        } finally {
            process.close();
        }
    }

    @Test
    @Order(43)
    void killNineOfTheServiceThenTheRepairLeavesNothingBehind() {
        gui = new HeadlessGui(stack.socket(), stack.token("alice@flint.test", Duration.ofDays(7)));
        ScenarioStack.await("the tunnel", () -> gui.phase() == Phase.SIGNED_IN && tunUp(), () -> "phase " + gui.phase());
        expectServiceGone = true;
        ScenarioStack.kill(stack.service(), "KILL");
        ScenarioStack.await("tun-flint to vanish with the service's last descriptor", () -> !tunUp(), () -> "");
        // What systemd's ExecStopPost= runs after the main process died, SIGKILL included.
        Command.Result repair = stack.repair();
        assertThat(repair.exitCode()).as(repair.stdout() + repair.stderr()).isZero();
        assertThat(repair.stdout()).contains("repaired what the previous service run left");
        assertThat(OsState.of(client.namespace()).differencesFrom(beforeSignIn))
            .as("interfaces, addresses, rules, routes and resolv.conf compared with before sign-in").isEmpty();
        gui.close();
        gui = null;
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    boolean tunUp() {
        return client.namespace().links().contains(TUN);
    }

    String linkIndex(String name) {
        return client.namespace().ip("-o", "link", "show", name).split(":")[0];
    }

    /** The IPv4 address on tun-flint. */
    String tunAddress() {
        String text = client.namespace().ip("-4", "-o", "addr", "show", "dev", TUN);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("inet (\\S+)/32").matcher(text);
        return m.find() ? m.group(1) : "";
    }

    /** The IPv4 addresses on the gateway's TUN. */
    List<String> gatewayAddresses() {
        String text = stack.namespace(Role.GATEWAY).ip("-4", "-o", "addr", "show", "dev", "tun-gateway");
        return java.util.regex.Pattern.compile("inet (\\S+)/32").matcher(text).results().map(r -> r.group(1)).toList();
    }

    /** Drops {@code role}'s packets to the portal, so the other device rejoins first. */
    void blockPortal(Role role) {
        stack.namespace(role).nft("""
            table inet flint_hold {
              chain out { type filter hook output priority 0; policy accept; ip daddr %s tcp dport %d reject with tcp reset; }
            }
            """.formatted(ScenarioStack.PORTAL_LISTEN.getAddress().getHostAddress(), ScenarioStack.PORTAL_LISTEN.getPort()));
    }

    void unblockPortal(Role role) {
        stack.namespace(role).exec("nft", "delete", "table", "inet", "flint_hold");
    }

    static String seconds(Duration d) {
        return String.format("%.1f s", d.toMillis() / 1000.0);
    }

    static String mbits(long bytes, Duration d) {
        return String.format("%.0f Mbit/s", bytes * 8 / 1e6 / Math.max(0.001, d.toMillis() / 1000.0));
    }
}
