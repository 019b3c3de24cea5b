package dev.flint.netns;

import dev.flint.connlib.net.InetLiteral;
import dev.flint.connlib.net.IpPrefix;
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

    private static final InetAddress RELAY = IpPrefix.parse("198.18.1.20").address();
    private static final InetAddress PEER = IpPrefix.parse("198.18.1.30").address();
    private static final InetAddress RELAY6 = IpPrefix.parse("2001:db8:18:1::20").address();
    private static final InetAddress PEER6 = IpPrefix.parse("2001:db8:18:1::30").address();
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
            Internet internet = Internet.create(net, "inet", IpPrefix.parse("198.18.1.0/24"),
                IpPrefix.parse("2001:db8:18:1::/64"));
            Internet.NatSite site = internet.attachSite("nat", "c", NatType.SYMMETRIC, 2,
                IpPrefix.parse("10.81.0.0/24"), IpPrefix.parse("fd81::/64"));
            NetworkNamespace client = site.host();
            NetworkNamespace relay = internet.attachHost("relay", 20);
            NetworkNamespace peer = internet.attachHost("peer", 30);

            Coturn coturn = Coturn.start(net, relay, Coturn.Config.of("test-secret", RELAY, RELAY6));
            coturnPid = coturn.process().pid();
            runDirectory = net.runDirectory();
            net.start(peer, "peer", List.of("turnutils_peer", "-L", PEER.getHostAddress(), "-L",
                InetLiteral.format(PEER6), "-p", "3480"));
            peer.awaitListening(NetworkNamespace.Transport.UDP, 3480, RealTimeWait.GENEROUS, null);

            String salt = TurnCredentials.saltForPublicKey("n8Wd8QBV4XGJqT9Q8yIUmJY1IhY1NJs8tGr4xx1sPnE=");
            TurnCredentials good = coturn.credentials(Instant.now().plus(Duration.ofHours(1)), salt);
            assertThat(good.username()).matches("\\d+:[A-Za-z0-9+/]{43}");

            assertEchoedThroughTheRelay(uclient(client, good.username(), good.password()));
            // Over IPv6 too: NAT66 on the client's side, an IPv6 allocation on the dual-stack relay.
            assertEchoedThroughTheRelay(client.command("turnutils_uclient", "-x", "-e",
                InetLiteral.format(PEER6), "-r", "3480", "-n", "3", "-m", "1", "-c", "-z", "5",
                "-u", good.username(), "-w", good.password(), InetLiteral.format(RELAY6))
                .runAllowingFailure());

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

    private static void assertEchoedThroughTheRelay(Command.Result run) {
        assertThat(run.exitCode()).as(run.stdout()).isZero();
        // The last progress line holds the totals.
        Matcher totals = TOTALS.matcher(run.stdout());
        int received = -1;
        while (totals.find()) {
            received = Integer.parseInt(totals.group(2));
        }
        assertThat(received).as("messages echoed back through the relay\n" + run.stdout()).isPositive();
    }

    private static Command.Result uclient(NetworkNamespace client, String username, String password) {
        return client.command("turnutils_uclient", "-e", PEER.getHostAddress(), "-r", "3480", "-n", "3", "-m", "1",
            "-c", "-z", "5", "-u", username, "-w", password, RELAY.getHostAddress()).runAllowingFailure();
    }
}
