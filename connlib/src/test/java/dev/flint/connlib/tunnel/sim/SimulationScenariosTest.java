package dev.flint.connlib.tunnel.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flint.connlib.ice.NominatedPair;
import dev.flint.connlib.ice.PathType;
import dev.flint.connlib.sim.VirtualNetwork.Nat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Hand-written sequences through the same simulation (and the place to paste a failing generated one). */
class SimulationScenariosTest {
    private Simulation sim;

    private List<Object> run(Transition... transitions) {
        return run(Simulation.Net.DEFAULT, transitions);
    }

    private List<Object> run(Simulation.Net net, Transition... transitions) {
        sim = new Simulation(net);
        for (Transition t : transitions) {
            sim.apply(t);
        }
        return sim.outcomes;
    }

    @Test
    void dnsResourceEndToEnd() {
        List<Object> o = run(new Transition.AddDnsResource(0, 1, false, 0, 0), // *.a.test @A, permit all, dual
                new Transition.DnsQuery(0, 0, false, false), // app.a.test A over UDP
                new Transition.Probe(0, 0), // ping the first proxy
                new Transition.Probe(4, 3), // TCP 80 to the first v6 proxy
                new Transition.DnsQuery(0, 3, true, true), // TXT over TCP through the site
                new Transition.DnsQuery(1, 0, true, false), // db.a.test A over TCP
                new Transition.Probe(9, 1), // UDP to db's second proxy (round robin onto .13)
                new Transition.DnsQuery(0, 4, false, false)); // PTR of a proxy
        assertThat(o).containsExactly(
                new Outcome.DnsAnswer(0, List.of("A 100.96.0.1", "A 100.96.0.2", "A 100.96.0.3", "A 100.96.0.4")),
                new Outcome.Delivered(World.SITE_A, World.ip("10.0.1.10")),
                new Outcome.Delivered(World.SITE_A, World.ip("fd10:a::10")),
                new Outcome.DnsAnswer(0, List.of("TXT [site-a app]")),
                new Outcome.DnsAnswer(0, List.of("A 100.96.0.5", "A 100.96.0.6", "A 100.96.0.7", "A 100.96.0.8")),
                new Outcome.Delivered(World.SITE_A, World.ip("10.0.1.13")),
                new Outcome.DnsAnswer(0, List.of("PTR app.a.test")));
    }

    @Test
    void filtersCidrAndInternet() {
        List<Object> o = run(new Transition.AddCidrResource(1, 1), // 10.0.3.0/24 tcp/80 only
                new Transition.Probe(1, 3), new Transition.Probe(1, 0), // delivered, then prohibited locally
                new Transition.AddInternetResource(), new Transition.ToggleInternet(),
                new Transition.Probe(4, 0), // 198.51.100.7 via the Internet gateway
                new Transition.Probe(7, 0), // 10.9.9.9: the Internet gateway answers unreachable
                new Transition.RemoveResource(0), new Transition.Probe(1, 3),
                new Transition.ToggleInternet(), new Transition.Probe(4, 0));
        assertThat(o).containsExactly(new Outcome.Delivered(World.SITE_A, World.ip("10.0.3.5")),
                new Outcome.Prohibited(), new Outcome.Delivered(World.SITE_INTERNET, World.ip("198.51.100.7")),
                new Outcome.Unreachable(), new Outcome.Unreachable(), new Outcome.Dropped());
    }

    @Test
    void recoversFromGatewayRestartRoamAndPortalReconnect() {
        List<Object> o = run(new Transition.AddDnsResource(0, 0, false, 0, 0), new Transition.DnsQuery(0, 0, false, false),
                new Transition.Probe(0, 0), new Transition.RestartGateway(0), new Transition.Probe(1, 0),
                new Transition.Roam(), new Transition.Probe(2, 4), new Transition.ReconnectPortal(),
                new Transition.Probe(3, 1), new Transition.MoveDnsResource(0), new Transition.Probe(0, 0),
                new Transition.Idle(100), new Transition.Probe(0, 0), new Transition.Garbage(1, true),
                new Transition.Garbage(2, false));
        // Delivered through every disruption; after the move to site B the name no longer resolves there.
        assertThat(o.subList(1, 5)).allMatch(x -> x instanceof Outcome.Delivered);
        assertThat(o.subList(5, 7)).containsOnly(new Outcome.Unreachable());
    }

    @Test
    void expiredAuthorizationsAreRenewedOnTheNextPacket() {
        List<Object> o = run(new Transition.AddCidrResource(2, 0), new Transition.Probe(2, 0), // 10.0.2.99 @B
                new Transition.Idle(119), new Transition.Idle(119), // the 3-minute authorization expires: Goodbye
                new Transition.Probe(2, 1), new Transition.Probe(3, 3)); // fd10:b::99 is outside 10.0.2.0/25
        assertThat(o).containsExactly(new Outcome.Delivered(World.SITE_B, World.ip("10.0.2.99")),
                new Outcome.Delivered(World.SITE_B, World.ip("10.0.2.99")), new Outcome.Dropped());
        assertThat(sim.log).contains("    gateway " + World.GW_B1 + " closes the connection");
    }

    @Test
    void portalResolversAreReachedThroughTheTunnelWhileTheInternetResourceIsOn() {
        List<Object> o = run(new Transition.SetPortalDns(true), new Transition.DnsQuery(6, 0, false, false),
                new Transition.AddInternetResource(), new Transition.ToggleInternet(),
                new Transition.DnsQuery(6, 1, false, true), new Transition.DnsQuery(7, 5, true, false));
        assertThat(o).containsExactly(new Outcome.DnsAnswer(0, List.of("A 198.51.100.7")),
                new Outcome.DnsAnswer(0, List.of("AAAA 2001:db8:0:0:0:0:0:7")),
                new Outcome.DnsAnswer(0, List.of("MX 10 www.public.test")));
        assertThat(sim.tunnelledDnsQueries).isEqualTo(2);
    }

    @Test
    void twoClientsUseTheSameProxyAddressForDifferentNamesThroughOneGateway() {
        List<Object> o = run(new Transition.AddDnsResource(0, 1, false, 0, 0),
                new Transition.DnsQuery(0, 0, false, false, 0), // client 1: app.a.test -> 100.96.0.1..4
                new Transition.DnsQuery(1, 0, false, false, 1), // client 2: db.a.test -> 100.96.0.1..4
                new Transition.Probe(0, 0, 0), new Transition.Probe(0, 0, 1), new Transition.Probe(0, 3, 0),
                new Transition.ToggleInternet(1), new Transition.Roam(1), new Transition.Probe(1, 1, 1));
        assertThat(o).containsExactly(
                new Outcome.DnsAnswer(0, List.of("A 100.96.0.1", "A 100.96.0.2", "A 100.96.0.3", "A 100.96.0.4")),
                new Outcome.DnsAnswer(0, List.of("A 100.96.0.1", "A 100.96.0.2", "A 100.96.0.3", "A 100.96.0.4")),
                new Outcome.Delivered(World.SITE_A, World.ip("10.0.1.10")),
                new Outcome.Delivered(World.SITE_A, World.ip("10.0.1.11")),
                new Outcome.Delivered(World.SITE_A, World.ip("10.0.1.10")),
                new Outcome.Delivered(World.SITE_A, World.ip("10.0.1.13")));
    }

    @Test
    void symmetricNatsEverywhereAndTenPercentLossGoThroughTheRelays() {
        List<Object> o = run(Simulation.Net.everywhere(Nat.SYMMETRIC, 0.1, 4),
                new Transition.AddDnsResource(0, 2, false, 0, 0), // **.a.test @A
                new Transition.DnsQuery(0, 0, false, false), // app.a.test A: answered locally
                new Transition.Probe(0, 0), // ping through a relay (sent again until answered)
                new Transition.Probe(4, 3), // TCP 80 to the first v6 proxy
                new Transition.DnsQuery(0, 3, false, true), // TXT: recursed through the tunnel to the site
                new Transition.DnsQuery(2, 2, true, false), // x.y.a.test SRV over TCP, through the site too
                new Transition.AddCidrResource(2, 0), new Transition.Probe(2, 1, 1), // 10.0.2.99 @B, other client
                new Transition.ChangeRelays(), // the relay in use may die: connections move to the new one
                new Transition.Probe(0, 4), new Transition.Probe(2, 2, 1));
        assertThat(o).containsExactly(
                new Outcome.DnsAnswer(0, List.of("A 100.96.0.1", "A 100.96.0.2", "A 100.96.0.3", "A 100.96.0.4")),
                new Outcome.Delivered(World.SITE_A, World.ip("10.0.1.10")),
                new Outcome.Delivered(World.SITE_A, World.ip("fd10:a::10")),
                new Outcome.DnsAnswer(0, List.of("TXT [site-a app]")),
                new Outcome.DnsAnswer(0, List.of("SRV 0 5 5432 db.a.test")),
                new Outcome.Delivered(World.SITE_B, World.ip("10.0.2.99")),
                new Outcome.Delivered(World.SITE_A, World.ip("10.0.1.10")),
                new Outcome.Delivered(World.SITE_B, World.ip("10.0.2.99")));
        assertThat(sim.paths).isNotEmpty().allSatisfy(p ->
                assertThat(p.pair().pathType()).isEqualTo(PathType.RELAYED));
        assertThat(sim.network.lost).isGreaterThan(sim.network.sent / 20);
    }

    @Test
    void aRoamingClientComesBackFromItsNewAddressWithANewKey() {
        List<Object> o = run(new Transition.AddCidrResource(1, 0), // 10.0.3.0/24 @A, gateway A1 on a public address
                new Transition.Probe(1, 0), new Transition.Roam(0), new Transition.Probe(1, 3),
                new Transition.Probe(1, 1));
        assertThat(o).containsExactly(new Outcome.Delivered(World.SITE_A, World.ip("10.0.3.5")),
                new Outcome.Delivered(World.SITE_A, World.ip("10.0.3.5")),
                new Outcome.Delivered(World.SITE_A, World.ip("10.0.3.5")));
        // Client 0 sits behind a port-restricted NAT whose public address changes with the network.
        List<NominatedPair> paths = sim.pathsOf(World.CLIENT, World.GW_A1);
        assertThat(paths).hasSize(2);
        assertThat(paths.get(0).local().address().getAddress()).isEqualTo(World.ip("198.18.1.1"));
        assertThat(paths.get(1).local().address().getAddress()).isEqualTo(World.ip("198.18.1.2"));
    }

    @Test
    void aRoamingClientBehindASymmetricNatComesBackThroughTheRelay() {
        Simulation.Net net = new Simulation.Net(List.of(Nat.SYMMETRIC, Nat.NONE),
                List.of(Nat.SYMMETRIC, Nat.NONE, Nat.NONE, Nat.NONE), 0, 5);
        List<Object> o = run(net, new Transition.AddCidrResource(0, 0), new Transition.Probe(0, 0),
                new Transition.Roam(0), new Transition.Probe(0, 2), new Transition.Roam(0), new Transition.Probe(0, 4));
        assertThat(o).containsOnly(new Outcome.Delivered(World.SITE_A, World.ip("10.0.1.10")));
        assertThat(sim.pathsOf(World.CLIENT, World.GW_A1)).hasSize(3)
                .allSatisfy(p -> assertThat(p.pathType()).isEqualTo(PathType.RELAYED));
    }

    @Test
    void clientsOfACrashedGatewayFindOutThroughIceAndAskAgain() {
        List<Object> o = run(new Transition.AddCidrResource(2, 0), // 10.0.2.0/25 @B: gateway B1 only
                new Transition.Probe(2, 0, 0), new Transition.Probe(2, 0, 1), new Transition.Idle(30),
                new Transition.CrashGateway(2), new Transition.Probe(2, 3, 0), new Transition.Probe(2, 1, 1));
        assertThat(o).containsOnly(new Outcome.Delivered(World.SITE_B, World.ip("10.0.2.99")));
        assertThat(sim.log).anyMatch(l -> l.matches(".*client 0 lost gateway b1: .*"))
                .anyMatch(l -> l.matches(".*client 1 lost gateway b1: .*"));
        assertThat(sim.pathsOf(World.CLIENT, World.GW_B1)).hasSize(2);
    }

    @Test
    void sameNetworkAndTransitionsSameRun() {
        Simulation.Net net = new Simulation.Net(List.of(Nat.FULL_CONE, Nat.SYMMETRIC),
                List.of(Nat.PORT_RESTRICTED, Nat.SYMMETRIC, Nat.NONE, Nat.FULL_CONE), 0.05, 9);
        Transition[] ts = {new Transition.AddDnsResource(1, 1, false, 0, 0), new Transition.AddCidrResource(2, 0),
                new Transition.DnsQuery(0, 0, false, false, 1), new Transition.Probe(0, 0, 1),
                new Transition.Probe(2, 3, 0), new Transition.Roam(1), new Transition.ChangeRelays(),
                new Transition.Probe(1, 1, 1), new Transition.Idle(90), new Transition.Probe(2, 0, 0)};
        run(net, ts);
        List<String> first = List.copyOf(sim.log);
        long sent = sim.network.sent;
        run(net, ts);
        assertThat(sim.log).isEqualTo(first);
        assertThat(sim.network.sent).isEqualTo(sent);
    }

    @Test
    void sequencesOfAllKindsRun() {
        assertThat(List.of(SimulationTest.transition().sample())).isNotEmpty();
    }

    /**
     * Found by the generated runs: one of two authorizations on a gateway expires while the other (asked for later by
     * a DNS query over TCP to the same name) keeps the connection up. The gateway forgets the expired one's proxy
     * addresses; its refusal makes the client ask again, and the retried probe arrives.
     */
    @Test
    void anAuthorizationExpiringBesideAnotherOnTheSameGatewayIsAskedForAgain() {
        var none = dev.flint.connlib.sim.VirtualNetwork.Nat.NONE;
        Simulation.Net net = new Simulation.Net(List.of(none, none), List.of(none, none, none, none), 0.05, 0, null);
        List<Object> o = run(net, new Transition.AddDnsResource(0, 1, false, 0, 0),
            new Transition.DnsQuery(0, 0, false, false, 1), new Transition.Probe(0, 0, 1),
            new Transition.AddCidrResource(1, 0),
            new Transition.AddDnsResource(1, 0, true, 0, 0),
            new Transition.AddDnsResource(1, 0, true, 0, 0),
            new Transition.AddDnsResource(1, 0, true, 0, 0),
            new Transition.AddDnsResource(1, 0, true, 0, 0),
            new Transition.Probe(0, 0, 0),
            new Transition.AddDnsResource(1, 0, false, 0, 0),
            new Transition.AddCidrResource(1, 0), new Transition.Probe(0, 12, 0),
            new Transition.DnsQuery(40, 2, true, true, 1), new Transition.Probe(20, 4, 1));
        assertThat(o.getLast()).isEqualTo(new Outcome.Delivered(World.SITE_A, World.ip("10.0.1.10")));
    }

    @Test
    void withoutLossTheProbeAfterAPartialExpiryIsRefusedOnceThenArrives() {
        List<Object> o = run(new Transition.AddDnsResource(0, 1, false, 0, 0), // *.a.test @A
                new Transition.DnsQuery(0, 0, false, false), new Transition.Probe(0, 0), // authorized on a gateway of A
                new Transition.Idle(119),
                new Transition.AddDnsResource(1, 0, false, 0, 0), // app.a.test @A: the more specific resource
                new Transition.DnsQuery(40, 2, true, true), // SRV over TCP: authorizes it on the same gateway
                new Transition.Idle(60), // the first authorization expires, the second keeps the connection
                new Transition.Probe(20, 4)); // TCP 443 to a proxy address the first one assigned
        assertThat(o.getLast()).isEqualTo(new Outcome.Delivered(World.SITE_A, World.ip("10.0.1.10")));
    }
}
