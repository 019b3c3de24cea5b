package dev.flint.devstack.netns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * coturn in a namespace accepts the REST credentials {@link TurnCredentials} derives, from a client behind a
 * symmetric NAT, and relays data to a peer; wrong or expired credentials are refused. coturn's own test client
 * ({@code turnutils_uclient}) and echo peer ({@code turnutils_peer}) do the talking.
 */
@Tag("privileged")
class CoturnTest {

    private static final InetAddress CLIENT = IpPrefix.parse("10.81.0.2").address();
    private static final InetAddress ROUTER_INSIDE = IpPrefix.parse("10.81.0.1").address();
    private static final InetAddress ROUTER_OUTSIDE = IpPrefix.parse("198.18.1.1").address();
    private static final InetAddress RELAY = IpPrefix.parse("198.18.1.20").address();
    private static final InetAddress PEER = IpPrefix.parse("198.18.1.30").address();
    private static final Pattern TOTALS = Pattern.compile("tot_send_msgs=(\\d+), tot_recv_msgs=(\\d+)");

    @BeforeAll
    static void requireCoturn() {
        assumeTrue(Topology.isSupported(), "needs root and iproute2");
        assumeTrue(Command.of("sh", "-c", "command -v turnserver && command -v turnutils_uclient")
            .runAllowingFailure().ok(), "needs the coturn package");
    }

    @Test
    void allocatesAndRelaysWithRestCredentialsAndRefusesBadOnes() throws Exception {
        Topology net = Topology.create("nt");
        long coturnPid;
        Path runDirectory;
        try (net) {
            NetworkNamespace client = net.namespace("c");
            NetworkNamespace router = net.namespace("r");
            NetworkNamespace internet = net.namespace("i");
            NetworkNamespace relay = net.namespace("relay");
            net.veth(client, "eth0", router, "lan").up();
            client.addAddress("eth0", new IpPrefix(CLIENT, 24));
            router.addAddress("lan", new IpPrefix(ROUTER_INSIDE, 24));
            client.addDefaultRoute(ROUTER_INSIDE);
            // The "internet" is a bridge-less router namespace: one cable to the NAT, one to the relay.
            net.veth(router, "wan", internet, "nat").up();
            router.addAddress("wan", new IpPrefix(ROUTER_OUTSIDE, 28));
            internet.addAddress("nat", IpPrefix.parse("198.18.1.2/28"));
            router.addDefaultRoute(IpPrefix.parse("198.18.1.2").address());
            net.veth(internet, "relay", relay, "eth0").up();
            internet.addAddress("relay", IpPrefix.parse("198.18.1.17/28"));
            relay.addAddress("eth0", new IpPrefix(RELAY, 28));
            relay.addAddress("eth0", new IpPrefix(PEER, 28));
            relay.addDefaultRoute(IpPrefix.parse("198.18.1.17").address());
            internet.enableForwarding();
            NatRouter.install(router, NatType.SYMMETRIC, "lan", "wan", null);

            Coturn coturn = Coturn.start(net, relay, Coturn.Config.of("test-secret", RELAY));
            coturnPid = coturn.process().pid();
            runDirectory = net.runDirectory();
            net.start(relay, "peer", List.of("turnutils_peer", "-L", PEER.getHostAddress(), "-p", "3480"));
            relay.awaitListening(NetworkNamespace.Transport.UDP, 3480, Duration.ofSeconds(10), null);

            String salt = TurnCredentials.saltForPublicKey("n8Wd8QBV4XGJqT9Q8yIUmJY1IhY1NJs8tGr4xx1sPnE=");
            TurnCredentials good = coturn.credentials(Instant.now().plus(Duration.ofHours(1)), salt);
            assertThat(good.username()).matches("\\d+:[A-Za-z0-9+/]{43}");

            Command.Result relayed = uclient(client, good.username(), good.password());
            assertThat(relayed.exitCode()).as(relayed.stdout()).isZero();
            // The last progress line holds the totals.
            Matcher totals = TOTALS.matcher(relayed.stdout());
            int received = -1;
            while (totals.find()) {
                received = Integer.parseInt(totals.group(2));
            }
            assertThat(received).as("messages echoed back through the relay\n" + relayed.stdout()).isPositive();

            Command.Result wrong = uclient(client, good.username(), good.password().replace('A', 'B') + "x");
            assertThat(wrong.exitCode()).isNotZero();
            assertThat(wrong.stdout() + wrong.stderr()).contains("Cannot complete Allocation");

            TurnCredentials expired = coturn.credentials(Instant.now().minusSeconds(60), salt);
            Command.Result late = uclient(client, expired.username(), expired.password());
            assertThat(late.exitCode()).isNotZero();

            TurnCredentials otherSecret = TurnCredentials.rest("not-the-secret", good.expiresAt(), salt);
            assertThat(uclient(client, otherSecret.username(), otherSecret.password()).exitCode()).isNotZero();
        }
        assertThat(net.leftoverNamespaces()).isEmpty();
        assertThat(ProcessHandle.of(coturnPid).filter(ProcessHandle::isAlive)).isEmpty();
        assertThat(Files.exists(runDirectory)).as("pid file and user db removed").isFalse();
    }

    private static Command.Result uclient(NetworkNamespace client, String username, String password) {
        return client.command("turnutils_uclient", "-e", PEER.getHostAddress(), "-r", "3480", "-n", "3", "-m", "1",
            "-c", "-z", "5", "-u", username, "-w", password, RELAY.getHostAddress()).runAllowingFailure();
    }
}
