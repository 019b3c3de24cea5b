package dev.flint.connlib.tunnel.sim;

import dev.flint.connlib.sim.VirtualNetwork.Nat;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

/**
 * Generated transition sequences (resources added, removed, changed and moved; filters; the Internet toggle; DNS
 * queries of every type over UDP and TCP through both sentinels; probes; roaming, portal reconnects, gateway
 * restarts and crashes, relay changes, idle time with expiring authorizations; hostile bytes) run against the
 * reference model on a generated network: a NAT of every kind in front of each client and gateway, no, 2 % or 5 %
 * loss, NATs that forget idle mappings after 30 s or never.
 *
 * <p>Every run sets up real ICE, TURN and WireGuard connections, so runs cost about a hundred times what they did
 * over the old fake connection layer; 150 tries keep the property at 15 to 35 s on a busy two-core machine. The
 * statistics jqwik prints show which paths the runs' connections took.
 *
 * <p>The simulation is deterministic (virtual time, seeded randomness), so a failure reproduces from its transition
 * list alone. jqwik prints the shrunk list and the {@code seed}; to replay, put the seed on the property
 * ({@code @Property(seed = "...")}) or paste the printed transitions into {@link SimulationScenariosTest}. The
 * failure message also carries the full transition log with every observation made before the disagreement.
 */
class SimulationTest {
    @Property(tries = 150, maxDiscardRatio = 1)
    void tunnelBehavesLikeTheModel(@ForAll("networks") Simulation.Net net,
                                   @ForAll("sequences") List<Transition> transitions) {
        Simulation sim = new Simulation(net);
        for (Transition t : transitions) {
            sim.apply(t);
        }
        Statistics.label("paths").collect(sim.paths.stream().map(p -> p.pair().pathType()).distinct().sorted()
                .toList());
        Statistics.label("loss").collect(net.loss());
        Statistics.label("NAT timeout").collect(String.valueOf(net.natTimeout()));
        Statistics.label("connections").collect(sim.paths.size() == 0 ? "0" : sim.paths.size() < 3 ? "1-2" : "3+");
    }

    /**
     * A NAT in front of every client and gateway (so direct, server-reflexive and relayed paths all occur). Loss
     * stays at 5 % or less here: over two relays a round trip crosses six lossy hops, and at 10 % the slowest
     * connections would outlast the applications' minute of retries now and then (the scenarios try 10 %).
     */
    @Provide
    Arbitrary<Simulation.Net> networks() {
        Arbitrary<Nat> nat = Arbitraries.of(Nat.values());
        return Combinators.combine(nat.list().ofSize(World.CLIENTS.size()), nat.list().ofSize(World.GATEWAYS.size()),
                Arbitraries.frequency(Tuple.of(3, 0.0), Tuple.of(1, 0.02), Tuple.of(1, 0.05)), Arbitraries.longs(),
                Arbitraries.just(Simulation.Net.NAT_TIMEOUT).injectNull(0.5)).as(Simulation.Net::new);
    }

    /**
     * An opening that sets up connections (a resource and the first packet to it, so most runs have the real
     * connection layer at work when roaming, restarts, relay changes and expiry come), then anything.
     */
    @Provide
    Arbitrary<List<Transition>> sequences() {
        return Combinators.combine(opening(), transition().list().ofMinSize(1).ofMaxSize(20)).as((a, b) -> {
            List<Transition> all = new ArrayList<>(a);
            all.addAll(b);
            return all;
        });
    }

    /**
     * One or two resources, each followed by traffic to it: a CIDR resource and a probe to its host (the probe
     * targets list starts with them while no proxy address is handed out), or a DNS resource, a query for a name
     * of a site and a probe to the first proxy address.
     */
    static Arbitrary<List<Transition>> opening() {
        Arbitrary<Integer> who = Arbitraries.integers().between(0, 1);
        Arbitrary<Integer> kind = Arbitraries.integers().between(0, 4);
        Arbitrary<Integer> filters = Arbitraries.frequency(Tuple.of(3, 0), Tuple.of(1, 1), Tuple.of(1, 4));
        Arbitrary<List<Transition>> cidr = Combinators.combine(Arbitraries.integers().between(0, 3), filters, kind,
                who).as((c, f, k, w) -> List.of(new Transition.AddCidrResource(c, f), new Transition.Probe(c, k, w)));
        Arbitrary<List<Transition>> dns = Combinators.combine(Arbitraries.integers().between(0, 4),
                Arbitraries.integers().between(0, World.PATTERNS.size() - 1), Arbitraries.of(true, false),
                Arbitraries.integers().between(0, 5), kind, who).as((slot, pattern, siteB, name, k, w) -> List.of(
                        new Transition.AddDnsResource(slot, pattern, siteB, 0, 0),
                        new Transition.DnsQuery(name, 0, false, false, w), new Transition.Probe(0, k, w)));
        return Arbitraries.oneOf(cidr, dns).list().ofMinSize(1).ofMaxSize(2)
                .map(l -> l.stream().flatMap(List::stream).toList());
    }

    static Arbitrary<Transition> transition() {
        Arbitrary<Integer> small = Arbitraries.integers().between(0, 40);
        Arbitrary<Transition> addDns = Combinators.combine(small, small, Arbitraries.of(true, false), small, small)
                .as(Transition.AddDnsResource::new);
        Arbitrary<Transition> addCidr = Combinators.combine(small, small).as(Transition.AddCidrResource::new);
        Arbitrary<Integer> who = Arbitraries.integers().between(0, 1);
        Arbitrary<Transition> dns = Combinators.combine(small, small, Arbitraries.of(true, false),
                Arbitraries.of(true, false), who).as(Transition.DnsQuery::new);
        Arbitrary<Transition> probe = Combinators.combine(small, small, who).as(Transition.Probe::new);
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, addDns),
                net.jqwik.api.Tuple.of(3, addCidr),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(new Transition.AddInternetResource())),
                net.jqwik.api.Tuple.of(2, small.map(Transition.RemoveResource::new)),
                net.jqwik.api.Tuple.of(2, Combinators.combine(small, small).as(Transition.ChangeFilters::new)),
                net.jqwik.api.Tuple.of(1, small.map(Transition.MoveDnsResource::new)),
                net.jqwik.api.Tuple.of(2, who.map(Transition.ToggleInternet::new)),
                net.jqwik.api.Tuple.of(10, dns),
                net.jqwik.api.Tuple.of(12, probe),
                net.jqwik.api.Tuple.of(1, Arbitraries.of(true, false).map(Transition.SetPortalDns::new)),
                net.jqwik.api.Tuple.of(1, who.map(Transition.Roam::new)),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(new Transition.ReconnectPortal())),
                net.jqwik.api.Tuple.of(1, small.map(Transition.RestartGateway::new)),
                net.jqwik.api.Tuple.of(1, small.map(Transition.CrashGateway::new)),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(new Transition.ChangeRelays())),
                net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(0, 200).map(Transition.Idle::new)),
                net.jqwik.api.Tuple.of(1, Combinators.combine(Arbitraries.longs(), Arbitraries.of(true, false))
                        .as(Transition.Garbage::new)));
    }
}
