package dev.flint.connlib.tunnel;

import static dev.flint.connlib.tunnel.NatTableTest.ip;
import static org.assertj.core.api.Assertions.assertThat;

import dev.flint.connlib.dns.DnsCodec;
import dev.flint.connlib.dns.DnsMessage;
import dev.flint.connlib.dns.DnsRecord;
import dev.flint.connlib.net.IpPrefix;
import dev.flint.connlib.dns.ProxyIpAllocator;
import dev.flint.connlib.dns.RData;
import dev.flint.connlib.dns.Rcode;
import dev.flint.connlib.dns.RecordType;
import dev.flint.connlib.packet.IpPacket;
import dev.flint.connlib.packet.PacketBuilder;
import dev.flint.connlib.packet.ParseResult;
import dev.flint.connlib.portal.Filter;
import dev.flint.connlib.portal.Interface;
import dev.flint.connlib.portal.IpStack;
import dev.flint.connlib.portal.PoolDevice;
import dev.flint.connlib.portal.PortalToClient;
import dev.flint.connlib.portal.Resource;
import dev.flint.connlib.portal.Site;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ClientStateTest {
    static final Instant T0 = NatTableTest.T0;
    static final Inet4Address ME4 = (Inet4Address) ip("100.64.0.1");
    static final Inet6Address ME6 = (Inet6Address) ip("fd00:2021:1111::1");
    static final UUID SITE = new UUID(0, 0xA);
    static final UUID GW = new UUID(0, 0x61);
    static final UUID GW2 = new UUID(0, 0x62);
    static final Inet4Address GW4 = (Inet4Address) ip("100.64.0.11");
    static final Inet6Address GW6 = (Inet6Address) ip("fd00:2021:1111::11");
    static final UUID CIDR = new UUID(0, 0x3001);
    static final UUID CIDR2 = new UUID(0, 0x3002);
    static final UUID DNS = new UUID(0, 0x2001);
    static final UUID INTERNET = new UUID(0, 0x1001);

    final ClientState client = new ClientState(new ProxyIpAllocator(), new SplittableRandom(1));

    ClientStateTest() {
        client.setSystemResolvers(List.of(ip("192.0.2.53")));
        client.setInterface(new Interface(ME4, ME6, List.of(), List.of(), List.of(), null));
    }

    static Resource.Cidr cidr(UUID id, String net, List<Filter> filters) {
        IpPrefix p = IpPrefix.parse(net).network();
        return new Resource.Cidr(id, p, null, "n", List.of(new Site(SITE, "A")),
                filters);
    }

    static Resource.Dns dns(String pattern, List<Filter> filters) {
        return new Resource.Dns(DNS, pattern, null, "d", IpStack.DUAL, List.of(new Site(SITE, "A")), filters);
    }

    <T> List<T> events(Class<T> type) {
        List<T> l = new ArrayList<>();
        ClientEvent e;
        while ((e = client.pollEvent()) != null) {
            if (type.isInstance(e)) {
                l.add(type.cast(e));
            }
        }
        return l;
    }

    List<byte[]> transmits() {
        List<byte[]> l = new ArrayList<>();
        GatewayTransmit t;
        while ((t = client.pollGatewayTransmit()) != null) {
            l.add(t.packet());
        }
        return l;
    }

    List<IpPacket> tun() {
        List<IpPacket> l = new ArrayList<>();
        byte[] b;
        while ((b = client.pollTunPacket()) != null) {
            l.add(((ParseResult.Parsed) IpPacket.parse(b)).packet());
        }
        return l;
    }

    /** The CIDR resource (10.0.0.0/24) authorized on GW by a ping, the connection up, the events so far read. */
    void connectedToTheCidrResource() {
        client.upsertResource(cidr(CIDR, "10.0.0.0/24", List.of()), T0);
        client.handleTunInput(ping("10.0.0.5", 1), T0);
        client.handleAuthorizationCreated(CIDR, SITE, GW, GW4, GW6, T0);
        client.handleConnectionEstablished(GW, T0);
        events(Object.class);
    }

    byte[] ping(String dst, int id) {
        return PacketBuilder.icmpEchoRequest(ME4, ip(dst), id, 1, new byte[4]).bytes();
    }

    @Test
    void firstPacketRequestsAuthorizationAtMostEveryTwoSecondsAndIsBufferedWithoutDuplicates() {
        client.upsertResource(cidr(CIDR, "10.0.0.0/24", List.of()), T0);
        events(Object.class);
        client.handleTunInput(ping("10.0.0.5", 1), T0);
        client.handleTunInput(ping("10.0.0.5", 1), T0.plusMillis(500)); // identical retransmission
        client.handleTunInput(ping("10.0.0.6", 2), T0.plusMillis(1999));
        assertThat(events(ClientEvent.RequestAuthorization.class)).containsExactly(
                new ClientEvent.RequestAuthorization(CIDR, List.of()));
        client.handleTunInput(ping("10.0.0.6", 3), T0.plusSeconds(2));
        assertThat(events(ClientEvent.RequestAuthorization.class)).hasSize(1);

        client.handleAuthorizationCreated(CIDR, SITE, GW, GW4, GW6, T0.plusSeconds(3));
        assertThat(transmits()).isEmpty(); // connection not yet up
        client.handleConnectionEstablished(GW, T0.plusSeconds(3));
        assertThat(transmits()).hasSize(3).extracting(b -> ((ParseResult.Parsed) IpPacket.parse(b)).packet()
                .icmpIdentifier()).containsExactly(1, 2, 3);
    }

    @Test
    void aLostConnectionsResourcesAreAskedForAgainAtOnceButOncePerLoss() {
        client.upsertResource(cidr(CIDR, "10.0.0.0/24", List.of()), T0);
        client.upsertResource(cidr(CIDR2, "10.0.1.0/24", List.of()), T0);
        client.handleTunInput(ping("10.0.0.5", 1), T0);
        client.handleAuthorizationCreated(CIDR, SITE, GW, GW4, GW6, T0);
        client.handleConnectionEstablished(GW, T0);
        events(Object.class);

        // The connection fails (or a reset closes it) while its application only receives: no packet will come,
        // so the resource is asked for at once.
        client.handleConnectionFailed(GW, T0.plusSeconds(10));
        assertThat(events(ClientEvent.RequestAuthorization.class)).extracting(ClientEvent.RequestAuthorization::resourceId)
                .containsExactly(CIDR);
        // The new connection fails before it came up, nothing was sent meanwhile: not asked again (an unreachable
        // gateway does not make an idle client ask for ever).
        client.handleAuthorizationCreated(CIDR, SITE, GW, GW4, GW6, T0.plusSeconds(11));
        client.handleConnectionFailed(GW, T0.plusSeconds(30));
        assertThat(events(ClientEvent.RequestAuthorization.class)).isEmpty();
        // An application packet asks as usual.
        client.handleTunInput(ping("10.0.0.5", 2), T0.plusSeconds(31));
        assertThat(events(ClientEvent.RequestAuthorization.class)).hasSize(1);
    }

    @Test
    void newTunnelAddressesFromThePortalStartEveryConnectionAgainSoGatewaysLearnThem() {
        connectedToTheCidrResource();
        transmits();
        // The same addresses again (every rejoin repeats them): nothing happens.
        client.handlePortalMessage(new PortalToClient.ConfigChanged(
            new Interface(ME4, ME6, List.of(), List.of(), List.of(), null)), T0.plusSeconds(1));
        assertThat(events(ClientEvent.CloseConnection.class)).isEmpty();
        // Another IPv4 address: the gateway checks packets against the old one, so the connection starts again.
        client.handlePortalMessage(new PortalToClient.ConfigChanged(
            new Interface((Inet4Address) ip("100.64.250.7"), ME6, List.of(), List.of(), List.of(), null)),
            T0.plusSeconds(2));
        assertThat(transmits()).as("a goodbye to the gateway").hasSize(1);
        List<Object> after = events(Object.class);
        assertThat(after).contains(new ClientEvent.CloseConnection(GW));
        assertThat(after).filteredOn(ClientEvent.RequestAuthorization.class::isInstance)
            .extracting(e -> ((ClientEvent.RequestAuthorization) e).resourceId()).containsExactly(CIDR);
        assertThat(client.gatewayOf(CIDR)).isEmpty();
    }

    @Test
    void aGatewayThatNoLongerKnowsAGrantRefusesAndTheClientAsksAgainInsteadOfFailingTheApplication() {
        connectedToTheCidrResource();
        transmits();
        // The gateway restarted behind a connection that survived: it refuses what it has no grant for.
        byte[] refusal = PacketBuilder.destinationUnreachable(((ParseResult.Parsed) IpPacket.parse(ping("10.0.0.5", 2))).packet(),
            dev.flint.connlib.packet.UnreachableReason.PROHIBITED).bytes();
        client.handleGatewayPacket(GW, refusal, T0.plusSeconds(5));
        assertThat(tun()).as("kept from the application").isEmpty();
        assertThat(events(ClientEvent.RequestAuthorization.class)).extracting(ClientEvent.RequestAuthorization::resourceId)
            .containsExactly(CIDR);
        assertThat(client.counters().refusalsReasked()).isEqualTo(1);
        // The application's next packet waits for the answer, then goes over the same connection.
        client.handleTunInput(ping("10.0.0.5", 3), T0.plusSeconds(6));
        assertThat(transmits()).isEmpty();
        client.handleAuthorizationCreated(CIDR, SITE, GW, GW4, GW6, T0.plusSeconds(6));
        assertThat(transmits()).hasSize(1);
        // A refusal again soon after: it stands, so the application hears it.
        client.handleGatewayPacket(GW, refusal, T0.plusSeconds(7));
        assertThat(tun()).hasSize(1);
    }

    @Test
    void aRestartedGatewayUnderAnotherKeyIsAskedForEveryResourceTheOldOneHeld() {
        client.upsertResource(cidr(CIDR, "10.0.0.0/24", List.of()), T0);
        client.upsertResource(cidr(CIDR2, "10.0.1.0/24", List.of()), T0);
        client.handleTunInput(ping("10.0.0.5", 1), T0);
        client.handleTunInput(ping("10.0.1.5", 1), T0);
        client.handleAuthorizationCreated(CIDR, SITE, GW, GW4, GW6, T0);
        client.handleAuthorizationCreated(CIDR2, SITE, GW, GW4, GW6, T0);
        client.handleConnectionEstablished(GW, T0);
        events(Object.class);
        // A new packet for CIDR got it authorized again, by a gateway with a new key: the old grants are gone.
        client.handleGatewayReplaced(GW, CIDR, T0.plusSeconds(5));
        assertThat(events(ClientEvent.RequestAuthorization.class)).extracting(ClientEvent.RequestAuthorization::resourceId)
            .containsExactly(CIDR2);
        assertThat(client.gatewayOf(CIDR2)).isEmpty();
        client.handleAuthorizationCreated(CIDR, SITE, GW, GW4, GW6, T0.plusSeconds(5));
        assertThat(client.gatewayOf(CIDR)).contains(GW);
    }

    @Test
    void aDownloadsLastAcknowledgementsAfterTheGoodbyeDoNotEndTheAsking() {
        connectedToTheCidrResource();
        client.handleGatewayPacket(GW, new P2pControlEvent.Goodbye().encode(), T0);
        assertThat(events(ClientEvent.RequestAuthorization.class)).hasSize(1);
        // The application's last packets (a download's acknowledgements) come just after; then it only waits.
        client.handleTunInput(ping("10.0.0.5", 2), T0.plusMillis(10));
        offline(T0.plusMillis(20));
        assertThat(client.pollTimeout()).as("the asking goes on after the application fell silent")
            .isEqualTo(T0.plusMillis(20).plusSeconds(1));
        client.handleTimeout(T0.plusMillis(20).plusSeconds(1));
        assertThat(events(ClientEvent.RequestAuthorization.class)).isNotEmpty();
        client.handleAuthorizationCreated(CIDR, SITE, GW, GW4, GW6, T0.plusSeconds(2));
        client.handleConnectionEstablished(GW, T0.plusSeconds(2));
        assertThat(client.pollTimeout()).as("the connection is back: nothing more to ask").isNull();
    }

    @Test
    void whenThePortalIsBackEveryAuthorizationStillWaitingIsAskedForAgain() {
        client.upsertResource(cidr(CIDR, "10.0.0.0/24", List.of()), T0);
        client.upsertResource(cidr(CIDR2, "10.0.1.0/24", List.of()), T0);
        client.handleTunInput(ping("10.0.0.5", 1), T0);
        client.handleTunInput(ping("10.0.1.5", 1), T0);
        assertThat(events(ClientEvent.RequestAuthorization.class)).hasSize(2);
        client.handleAuthorizationCreated(CIDR, SITE, GW, GW4, GW6, T0.plusMillis(100));
        // The portal's init after a rejoin, well within the 2 s between requests: what still waits goes again.
        client.requestAuthorizationsAgain(T0.plusMillis(500));
        assertThat(events(ClientEvent.RequestAuthorization.class)).extracting(ClientEvent.RequestAuthorization::resourceId)
                .containsExactly(CIDR2);
    }

    @Test
    void resourceStatesFollowAuthorizationConnectionAndFailure() {
        client.upsertResource(cidr(CIDR, "10.0.0.0/24", List.of()), T0);
        client.upsertResource(cidr(CIDR2, "10.0.1.0/24", List.of()), T0);
        assertThat(client.resourceStates()).containsExactly(
                new ResourceState(CIDR, null, false, false, null, null),
                new ResourceState(CIDR2, null, false, false, null, null));

        client.handleTunInput(ping("10.0.0.5", 1), T0);
        assertThat(client.resourceStates().getFirst()).isEqualTo(new ResourceState(CIDR, null, false, true, null, null));
        client.handleAuthorizationCreated(CIDR, SITE, GW, GW4, GW6, T0.plusSeconds(1));
        assertThat(client.resourceStates().getFirst()).isEqualTo(new ResourceState(CIDR, GW, false, false, null, null));
        client.handleConnectionEstablished(GW, T0.plusSeconds(1));
        assertThat(client.resourceStates().getFirst()).isEqualTo(new ResourceState(CIDR, GW, true, false, null, null));

        client.handleConnectionFailed(GW, T0.plusSeconds(9));
        // Asked for again at once (its flows may only receive), so pending with the failure remembered.
        assertThat(client.resourceStates().getFirst()).isEqualTo(new ResourceState(CIDR, null, false, true,
                ResourceState.Failure.CONNECTION_FAILED, T0.plusSeconds(9)));

        client.handleTunInput(ping("10.0.1.5", 2), T0.plusSeconds(10));
        client.handleAuthorizationFailed(CIDR2, T0.plusSeconds(11));
        assertThat(client.resourceStates().get(1)).isEqualTo(new ResourceState(CIDR2, null, false, false,
                ResourceState.Failure.AUTHORIZATION_FAILED, T0.plusSeconds(11)));
        client.handleAuthorizationCreated(CIDR2, SITE, GW2, GW4, GW6, T0.plusSeconds(12));
        assertThat(client.resourceStates().get(1)).isEqualTo(new ResourceState(CIDR2, GW2, false, false, null, null));
    }

    @Test
    void deniedByFilterIsAnsweredLocallyAndRequestsNothing() {
        client.upsertResource(cidr(CIDR, "10.0.0.0/24", List.of(new Filter.Tcp(443, 443))), T0);
        events(Object.class);
        client.handleTunInput(ping("10.0.0.5", 1), T0);
        assertThat(events(ClientEvent.RequestAuthorization.class)).isEmpty();
        IpPacket err = tun().getFirst();
        assertThat(err.icmpType()).isEqualTo(3);
        assertThat(err.icmpCode()).isEqualTo(13);
        assertThat(err.source()).isEqualTo(ip("10.0.0.5"));
    }

    @Test
    void resourcesOfASiteShareTheConnectionAndTheLastOneRemovedSaysGoodbye() {
        client.upsertResource(cidr(CIDR, "10.0.0.0/24", List.of()), T0);
        client.upsertResource(cidr(CIDR2, "10.0.1.0/24", List.of()), T0);
        client.handleTunInput(ping("10.0.0.5", 1), T0);
        client.handleAuthorizationCreated(CIDR, SITE, GW, GW4, GW6, T0);
        client.handleConnectionEstablished(GW, T0);
        events(Object.class);
        transmits();
        client.handleTunInput(ping("10.0.1.5", 2), T0.plusSeconds(1));
        // the portal is told which gateway we already have, so it can reuse it
        assertThat(events(ClientEvent.RequestAuthorization.class)).containsExactly(
                new ClientEvent.RequestAuthorization(CIDR2, List.of(GW)));
        client.handleAuthorizationCreated(CIDR2, SITE, GW, GW4, GW6, T0.plusSeconds(1));
        assertThat(transmits()).hasSize(1); // straight onto the existing connection

        client.removeResource(CIDR, T0.plusSeconds(2));
        assertThat(transmits()).isEmpty();
        assertThat(events(ClientEvent.CloseConnection.class)).isEmpty();
        client.removeResource(CIDR2, T0.plusSeconds(2));
        List<byte[]> bye = transmits();
        assertThat(bye).hasSize(1);
        assertThat(((ParseResult.Parsed) IpPacket.parse(bye.getFirst())).packet().isP2pControl()).isTrue();
        assertThat(bye.getFirst()[40]).isEqualTo((byte) 2);
        assertThat(events(ClientEvent.CloseConnection.class)).containsExactly(new ClientEvent.CloseConnection(GW));
    }

    /** connlib's Site is PartialEq/Hash on the id: a site renamed by the portal is the same site. */
    @Test
    void firezoneSiteRenamedByThePortalKeepsItsResourcesAndTheirAuthorization() {
        connectedToTheCidrResource();
        transmits();

        IpPrefix p = IpPrefix.parse("10.0.0.0/24");
        Resource.Cidr renamed = new Resource.Cidr(CIDR, p, null, "n",
                List.of(new Site(SITE, "A, renamed")), List.of());
        client.upsertResource(renamed, T0.plusSeconds(1));
        assertThat(transmits()).isEmpty(); // no goodbye
        List<Object> after = events(Object.class);
        assertThat(after).noneMatch(e -> e instanceof ClientEvent.CloseConnection);
        client.handleTunInput(ping("10.0.0.5", 2), T0.plusSeconds(1));
        assertThat(events(ClientEvent.RequestAuthorization.class)).isEmpty();
        assertThat(transmits()).hasSize(1); // straight to the gateway, still authorized
        assertThat(new Site(SITE, "A")).isEqualTo(new Site(SITE, "B")).hasSameHashCodeAs(new Site(SITE, "B"));
        assertThat(new Site(SITE, "A")).isNotEqualTo(new Site(GW, "A"));
    }

    @Test
    void connectionFailureForgetsTheGatewayAndTheNextPacketReauthorizes() {
        connectedToTheCidrResource();
        client.handleConnectionFailed(GW, T0.plusSeconds(30));
        assertThat(client.gatewayOf(CIDR)).isEmpty();
        client.handleTunInput(ping("10.0.0.5", 2), T0.plusSeconds(31));
        assertThat(events(ClientEvent.RequestAuthorization.class)).containsExactly(
                new ClientEvent.RequestAuthorization(CIDR, List.of()));
        client.handleAuthorizationCreated(CIDR, SITE, GW2, GW4, GW6, T0.plusSeconds(31));
        assertThat(client.gatewayOf(CIDR)).contains(GW2);
    }

    @Test
    void goodbyeFromTheGatewayClosesAtOnce() {
        connectedToTheCidrResource();
        client.handleGatewayPacket(GW, new P2pControlEvent.Goodbye().encode(), T0);
        assertThat(events(ClientEvent.CloseConnection.class)).containsExactly(new ClientEvent.CloseConnection(GW));
        assertThat(client.gatewayOf(CIDR)).isEmpty();
    }

    private void offline(Instant at) {
        client.handlePortalMessage(new PortalToClient.AuthorizationCreationFailed(CIDR, "offline", List.of()), at);
    }

    @Test
    void aResourceWhoseGatewayLeftIsAskedForAgainWhileItsGatewaysAreOfflineWithoutAnyPacket() {
        connectedToTheCidrResource();
        // The gateway stops (SIGTERM): its goodbye, then the portal says it is offline while it restarts.
        client.handleGatewayPacket(GW, new P2pControlEvent.Goodbye().encode(), T0);
        assertThat(events(ClientEvent.RequestAuthorization.class)).hasSize(1);
        offline(T0);
        assertThat(client.pollTimeout()).isEqualTo(T0.plusSeconds(1));
        client.handleTimeout(T0.plusSeconds(1));
        assertThat(events(ClientEvent.RequestAuthorization.class)).as("asked again after 1 s").hasSize(1);
        offline(T0.plusSeconds(1));
        assertThat(client.pollTimeout()).isEqualTo(T0.plusSeconds(3));
        client.handleTimeout(T0.plusSeconds(3));
        assertThat(events(ClientEvent.RequestAuthorization.class)).as("then after 2 s").hasSize(1);
        // The gateway is back: the portal authorizes, the connection comes up, nothing more is asked.
        client.handleAuthorizationCreated(CIDR, SITE, GW, GW4, GW6, T0.plusSeconds(3));
        client.handleConnectionEstablished(GW, T0.plusSeconds(3));
        assertThat(client.pollTimeout()).isNull();
        assertThat(client.gatewayOf(CIDR)).contains(GW);
    }

    @Test
    void aResourceAuthorizedOntoAConnectionAlreadyUpIsAskedForAgainAtItsNextLoss() {
        client.upsertResource(cidr(CIDR, "10.0.0.0/24", List.of()), T0);
        client.upsertResource(cidr(CIDR2, "10.0.1.0/24", List.of()), T0);
        client.handleTunInput(ping("10.0.0.5", 1), T0);
        client.handleAuthorizationCreated(CIDR, SITE, GW, GW4, GW6, T0);
        client.handleConnectionEstablished(GW, T0);
        client.handleTunInput(ping("10.0.1.5", 1), T0);
        client.handleAuthorizationCreated(CIDR2, SITE, GW, GW4, GW6, T0);
        // Both lost; the first comes back on a new connection, the second is authorized onto it once it is up.
        client.handleConnectionFailed(GW, T0.plusSeconds(10));
        events(Object.class);
        client.handleAuthorizationCreated(CIDR, SITE, GW, GW4, GW6, T0.plusSeconds(10));
        client.handleConnectionEstablished(GW, T0.plusSeconds(10));
        client.handleAuthorizationCreated(CIDR2, SITE, GW, GW4, GW6, T0.plusSeconds(11));
        // The next loss (roaming, say) asks for both again, though neither sent a packet since.
        client.handleConnectionFailed(GW, T0.plusSeconds(20));
        assertThat(events(ClientEvent.RequestAuthorization.class)).extracting(ClientEvent.RequestAuthorization::resourceId)
            .containsExactlyInAnyOrder(CIDR, CIDR2);
    }

    @Test
    void aGatewayGoneForGoodIsNotAskedForAfterFiveMinutes() {
        client.upsertResource(cidr(CIDR, "10.0.0.0/24", List.of()), T0);
        client.handleTunInput(ping("10.0.0.5", 1), T0);
        client.handleAuthorizationCreated(CIDR, SITE, GW, GW4, GW6, T0);
        client.handleConnectionEstablished(GW, T0);
        client.handleGatewayPacket(GW, new P2pControlEvent.Goodbye().encode(), T0);
        events(Object.class);
        Instant now = T0;
        int asked = 0;
        offline(now);
        for (Instant due = client.pollTimeout(); due != null; due = client.pollTimeout()) {
            now = due;
            client.handleTimeout(now);
            asked += events(ClientEvent.RequestAuthorization.class).size();
            offline(now);
        }
        assertThat(asked).as("1, 2, 4, 8, 16 s, then every 30 s").isBetween(10, 14);
        assertThat(now).isBefore(T0.plus(LostResources.GIVE_UP).plusSeconds(31));
        assertThat(client.pollTimeout()).as("then only a packet asks again").isNull();
    }

    @Test
    void dnsResourceNatIsAssignedBufferedRetransmittedEveryTwoSecondsAndFlushedOnActive() {
        client.upsertResource(dns("*.example.com", List.of()), T0);
        InetAddress sentinel = client.tunConfig().dnsBySentinel().keySet().iterator().next();
        byte[] q = DnsCodec.encode(DnsMessage.query(5, "app.example.com", RecordType.A));
        client.handleTunInput(PacketBuilder.udp(ME4, sentinel, 5555, 53, q).bytes(), T0);
        IpPacket answer = tun().getFirst();
        DnsMessage m = ((DnsCodec.DecodeResult.Decoded) DnsCodec.decode(answer.payload())).message();
        assertThat(m.answers()).hasSize(4);
        client.handleTunInput(ping("100.96.0.1", 1), T0);
        client.handleAuthorizationCreated(DNS, SITE, GW, GW4, GW6, T0);
        client.handleConnectionEstablished(GW, T0);
        List<byte[]> sent = transmits();
        assertThat(sent).hasSize(1); // AssignedIps only; the ping waits for DomainStatus
        assertThat(sent.getFirst()[40]).isEqualTo((byte) 0);
        client.handleTunInput(ping("100.96.0.1", 2), T0.plusSeconds(1));
        assertThat(transmits()).isEmpty();
        client.handleTunInput(ping("100.96.0.1", 3), T0.plusSeconds(2));
        assertThat(transmits()).hasSize(1).allMatch(b -> b[40] == 0); // re-sent AssignedIps
        client.handleGatewayPacket(GW, new P2pControlEvent.DomainStatus(DNS, "app.example.com", true).encode(),
                T0.plusSeconds(2));
        assertThat(transmits()).hasSize(3);
        // a new query for the name refreshes the gateway's resolution while packets keep flowing
        client.handleTunInput(PacketBuilder.udp(ME4, sentinel, 5556, 53, q).bytes(), T0.plusSeconds(3));
        assertThat(transmits()).hasSize(1).allMatch(b -> b[40] == 0);
        client.handleTunInput(ping("100.96.0.1", 4), T0.plusSeconds(3));
        assertThat(transmits()).hasSize(1);
    }

    @Test
    void routesFollowResourcesAndTheInternetToggle() {
        client.upsertResource(cidr(CIDR, "10.0.0.0/24", List.of()), T0);
        assertThat(client.tunConfig().routes()).contains(IpPrefix.parse("10.0.0.0/24"), IpPrefix.parse("100.64.0.0/11"),
                IpPrefix.parse("100.100.111.0/24")).doesNotContain(IpPrefix.parse("0.0.0.0/0"));
        client.setInternetResourceActive(true, T0);
        assertThat(client.tunConfig().routes()).doesNotContain(IpPrefix.parse("0.0.0.0/0")); // not listed yet
        client.upsertResource(new Resource.Internet(INTERNET, null, true, List.of(new Site(SITE, "I"))), T0);
        assertThat(client.tunConfig().routes()).contains(IpPrefix.parse("0.0.0.0/0"), IpPrefix.parse("::/0"));
        client.upsertResource(new Resource.StaticDevicePool(new UUID(0, 9), "pool", List.<PoolDevice>of(),
                List.of()), T0);
        assertThat(client.resources()).extracting(Resource::id).containsExactly(CIDR, INTERNET);
        assertThat(events(ClientEvent.TunConfigChanged.class).getLast().config()).isEqualTo(client.tunConfig());
    }

    @Test
    void hostileInputIsCountedNeverThrown() {
        client.handleTunInput(new byte[] {0x45, 1, 2}, T0);
        assertThat(client.counters().malformedTunPackets()).isOne();
        InetAddress sentinel = client.tunConfig().dnsBySentinel().keySet().iterator().next();
        client.handleTunInput(PacketBuilder.udp(ME4, sentinel, 1, 53, new byte[] {1, 2, 3}).bytes(), T0);
        assertThat(client.counters().malformedDnsQueries()).isOne();
        client.handleTunInput(PacketBuilder.udp(ME4, ip("100.100.111.77"), 1, 53, new byte[20]).bytes(), T0);
        assertThat(tun()).isEmpty(); // unmapped sentinel: silently dropped
        // an application must not be able to inject control packets
        client.handleTunInput(new P2pControlEvent.Goodbye().encode(), T0);
        assertThat(transmits()).isEmpty();
    }

    @Test
    void longUdpAnswersAreTruncatedAt1212BytesWithTc() {
        InetAddress sentinel = client.tunConfig().dnsBySentinel().keySet().iterator().next();
        DnsMessage q = DnsMessage.query(9, "big.example.org", RecordType.TXT);
        client.handleTunInput(PacketBuilder.udp(ME4, sentinel, 7777, 53, DnsCodec.encode(q)).bytes(), T0);
        ClientEvent.UpstreamDnsQuery up = events(ClientEvent.UpstreamDnsQuery.class).getFirst();
        List<DnsRecord> many = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            many.add(DnsRecord.in("big.example.org", 60, new RData.Txt(List.of("y".repeat(60)))));
        }
        byte[] upstreamAnswer = DnsCodec.encode(q.withId(0).respond(Rcode.NOERROR, many));
        client.handleUpstreamResult(up.queryId(), new UpstreamResult.Response(upstreamAnswer), T0);
        IpPacket reply = tun().getFirst();
        assertThat(reply.payload().length).isLessThanOrEqualTo(DnsCodec.MAX_UDP_PAYLOAD);
        DnsMessage m = ((DnsCodec.DecodeResult.Decoded) DnsCodec.decode(reply.payload())).message();
        assertThat(m.truncated()).isTrue();
        assertThat(m.id()).isEqualTo(9);
        // an upstream failure is SERVFAIL; a UDP timeout stays unanswered
        client.handleTunInput(PacketBuilder.udp(ME4, sentinel, 7778, 53, DnsCodec.encode(q)).bytes(), T0);
        client.handleUpstreamResult(events(ClientEvent.UpstreamDnsQuery.class).getFirst().queryId(),
                new UpstreamResult.Timeout(), T0);
        assertThat(tun()).isEmpty();
        client.handleTunInput(PacketBuilder.udp(ME4, sentinel, 7779, 53, DnsCodec.encode(q)).bytes(), T0);
        client.handleUpstreamResult(events(ClientEvent.UpstreamDnsQuery.class).getFirst().queryId(),
                new UpstreamResult.Failed("refused"), T0);
        assertThat(((DnsCodec.DecodeResult.Decoded) DnsCodec.decode(tun().getFirst().payload())).message().rcode())
                .isEqualTo(Rcode.SERVFAIL);
    }
}
