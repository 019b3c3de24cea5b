package dev.flint.devstack.netns;

import java.util.HashSet;
import java.util.Set;

/**
 * A stand-in for the internet: one namespace with a bridge ({@code br0}) that plain hosts and NATed sites plug into,
 * all on one "public" network, with the namespace itself as router at the network's first address. The building
 * block for tests that need peers behind NATs and a relay in between.
 *
 * <pre>{@code
 * Internet internet = Internet.create(net, "inet", IpPrefix.parse("198.18.0.0/24"));
 * NetworkNamespace relay = internet.attachHost("relay", 10);                                   // 198.18.0.10
 * NatSite a = internet.attachSite("nata", "a", NatType.SYMMETRIC, 2, IpPrefix.parse("10.1.0.0/24")); // host 10.1.0.2
 * }</pre>
 */
public final class Internet {

    private final Topology topology;
    private final NetworkNamespace namespace;
    private final IpPrefix network;
    private final Set<String> ports = new HashSet<>();

    private Internet(Topology topology, NetworkNamespace namespace, IpPrefix network) {
        this.topology = topology;
        this.namespace = namespace;
        this.network = network;
    }

    /** Creates namespace {@code role} with the bridge; it routes with address {@code network.host(1)}. */
    public static Internet create(Topology topology, String role, IpPrefix network) {
        NetworkNamespace namespace = topology.namespace(role);
        namespace.ip("link", "add", "br0", "type", "bridge");
        namespace.addAddress("br0", network.host(1));
        namespace.setUp("br0");
        namespace.enableForwarding();
        return new Internet(topology, namespace, network.network());
    }

    public NetworkNamespace namespace() {
        return namespace;
    }

    public IpPrefix network() {
        return network;
    }

    /** The router's address, every attached host's default gateway. */
    public IpPrefix router() {
        return network.host(1);
    }

    /** Creates namespace {@code role} and plugs it in at {@code network.host(hostIndex)} as {@code eth0}. */
    public NetworkNamespace attachHost(String role, int hostIndex) {
        NetworkNamespace host = topology.namespace(role);
        attach(host, "eth0", role, hostIndex);
        return host;
    }

    /**
     * Plugs {@code host} in through its interface {@code hostInterface} at {@code network.host(hostIndex)}, with a
     * default route to the internet router. {@code port} names the bridge port (unique, at most 15 characters).
     */
    public IpPrefix attach(NetworkNamespace host, String hostInterface, String port, int hostIndex) {
        synchronized (ports) {
            if (!ports.add(port)) {
                throw new IllegalArgumentException("bridge port " + port + " is taken");
            }
        }
        IpPrefix address = network.host(hostIndex);
        VethPair.create(namespace, port, host, hostInterface).up();
        namespace.ip("link", "set", port, "master", "br0");
        host.addAddress(hostInterface, address);
        host.addDefaultRoute(router().address());
        return address;
    }

    /**
     * A site behind a NAT router: namespace {@code routerRole} plugs in at {@code network.host(hostIndex)} (its
     * {@code wan}) and serves {@code lan} at {@code lan.host(1)} (its {@code lan}); namespace {@code hostRole} sits at
     * {@code lan.host(2)} ({@code eth0}) with the router as default gateway. For {@link NatType#NONE} the internet
     * routes {@code lan} to the router, so the host is reachable by its own address.
     */
    public NatSite attachSite(String routerRole, String hostRole, NatType type, int hostIndex, IpPrefix lan) {
        NetworkNamespace router = topology.namespace(routerRole);
        IpPrefix outside = attach(router, "wan", routerRole, hostIndex);
        NetworkNamespace host = topology.namespace(hostRole);
        VethPair.create(host, "eth0", router, "lan").up();
        IpPrefix inside = lan.network().host(1);
        IpPrefix hostAddress = lan.network().host(2);
        router.addAddress("lan", inside);
        host.addAddress("eth0", hostAddress);
        host.addDefaultRoute(inside.address());
        NatRouter nat = NatRouter.install(router, type, "lan", "wan", hostAddress.address());
        if (type == NatType.NONE) {
            namespace.addRoute(lan.network(), outside.address());
        }
        return new NatSite(nat, host, outside, inside, hostAddress);
    }

    /**
     * A NATed site: the router (with its type and interfaces) and the host behind it, with the router's outside
     * address, its inside address and the host's address.
     */
    public record NatSite(NatRouter router, NetworkNamespace host, IpPrefix outside, IpPrefix inside,
            IpPrefix hostAddress) {
    }
}
