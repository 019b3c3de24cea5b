package dev.flint.connlib.tunnel.sim;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Generated transition sequences (resources added, removed, changed and moved; filters; the Internet toggle; DNS
 * queries of every type over UDP and TCP through both sentinels; probes; roaming, portal reconnects, gateway
 * restarts, relay changes, idle time with expiring authorizations; hostile bytes) run against the reference model.
 *
 * <p>The simulation is deterministic (virtual time, seeded randomness), so a failure reproduces from its transition
 * list alone. jqwik prints the shrunk list and the {@code seed}; to replay, put the seed on the property
 * ({@code @Property(seed = "...")}) or paste the printed transitions into {@link SimulationScenariosTest}. The
 * failure message also carries the full transition log with every observation made before the disagreement.
 */
class SimulationTest {
    @Property(tries = 2000, maxDiscardRatio = 1)
    void tunnelBehavesLikeTheModel(@ForAll("sequences") List<Transition> transitions) {
        Simulation sim = new Simulation();
        for (Transition t : transitions) {
            sim.apply(t);
        }
    }

    @Provide
    Arbitrary<List<Transition>> sequences() {
        return transition().list().ofMinSize(1).ofMaxSize(25);
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
                net.jqwik.api.Tuple.of(1, Arbitraries.just(new Transition.ChangeRelays())),
                net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(0, 200).map(Transition.Idle::new)),
                net.jqwik.api.Tuple.of(1, Combinators.combine(Arbitraries.longs(), Arbitraries.of(true, false))
                        .as(Transition.Garbage::new)));
    }
}
