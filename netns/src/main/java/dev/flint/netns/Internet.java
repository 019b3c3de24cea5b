package dev.flint.netns;

import dev.flint.connlib.net.IpPrefix;
import java.util.HashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A stand-in for the internet: one namespace with a bridge ({@code br0}) that plain hosts and NATed sites plug into,
 * all on one "public" network (IPv4, optionally IPv6 too), with the namespace itself as router at each network's
 * first address. The building block for tests that need peers behind NATs and a relay in between.
 *
 * <pre>{@code
 * Internet internet = Internet.create(net, "inet", IpPrefix.parse("198.18.0.0/24"));
 * NetworkNamespace relay = internet.attachHost("relay", 10);                                   // 198.18.0.10
 * NatSite a = internet.attachSite("nata", "a", NatType.SYMMETRIC, 2, IpPrefix.parse("10.1.0.0/24")); // host 10.1.0.2
 * }</pre>
 *
 * Host number {@code n} on the internet is {@code network.host(n)} in IPv4 and is written with the same digits in
 * IPv6: host 10 of 198.18.0.0/24 and 2001:db8:18::/64 is 198.18.0.10 and 2001:db8:18::10. The same holds for the
 * first two addresses of a site's LANs.
 */
public final class Internet {

    private final Topology topology;
    private final NetworkNamespace namespace;
    private final IpPrefix network;
    private final IpPrefix network6;
    private final Set<String> ports = new HashSet<>();

    private Internet(Topology topology, NetworkNamespace namespace, IpPrefix network, IpPrefix network6) {
        this.topology = topology;
        this.namespace = namespace;
        this.network = network;
        this.network6 = network6;
    }

    /** An IPv4-only internet: namespace {@code role} with the bridge, routing at {@code network.host(1)}. */
    public static Internet create(Topology topology, String role, IpPrefix network) {
        return create(topology, role, network, null);
    }

    /** A dual-stack internet ({@code network6} an IPv6 prefix, or null for IPv4 only). */
    public static Internet create(Topology topology, String role, IpPrefix network, IpPrefix network6) {
        if (network.isIpv6() || (network6 != null && !network6.isIpv6())) {
            throw new IllegalArgumentException("want an IPv4 and an IPv6 prefix: " + network + ", " + network6);
        }
        NetworkNamespace namespace = topology.namespace(role);
        namespace.ip("link", "add", "br0", "type", "bridge");
        namespace.addAddress("br0", network.host(1));
        if (network6 != null) {
            namespace.addAddress("br0", sameDigits(network6, 1));
        }
        namespace.setUp("br0");
        namespace.enableForwarding();
        return new Internet(topology, namespace, network.network(), network6 == null ? null : network6.network());
    }

    public NetworkNamespace namespace() {
        return namespace;
    }

    public IpPrefix network() {
        return network;
    }

    public Optional<IpPrefix> network6() {
        return Optional.ofNullable(network6);
    }

    /** The router's address, every attached host's default gateway. */
    public IpPrefix router() {
        return network.host(1);
    }

    /** Host {@code n}'s IPv6 address (empty for an IPv4-only internet). */
    public Optional<IpPrefix> address6(int hostIndex) {
        return network6().map(prefix -> sameDigits(prefix, hostIndex));
    }

    /** Creates namespace {@code role} and plugs it in at host {@code hostIndex} as {@code eth0}. */
    public NetworkNamespace attachHost(String role, int hostIndex) {
        NetworkNamespace host = topology.namespace(role);
        attach(host, "eth0", role, hostIndex);
        return host;
    }

    /**
     * Plugs {@code host} in through its interface {@code hostInterface} at host {@code hostIndex} (both families),
     * with default routes to the internet router. {@code port} names the bridge port (unique, at most 15
     * characters). Returns the IPv4 address.
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
        if (network6 != null) {
            host.addAddress(hostInterface, sameDigits(network6, hostIndex));
            host.addDefaultRoute(sameDigits(network6, 1).address());
        }
        return address;
    }

    /** {@link #attachSite(String, String, NatType, int, IpPrefix, IpPrefix)} with an IPv4-only LAN. */
    public NatSite attachSite(String routerRole, String hostRole, NatType type, int hostIndex, IpPrefix lan) {
        return attachSite(routerRole, hostRole, type, hostIndex, lan, null);
    }

    /**
     * A site behind a NAT router: namespace {@code routerRole} plugs in at host {@code hostIndex} (its {@code wan})
     * and serves {@code lan} (and {@code lan6}, if not null) at their first address (its {@code lan}); namespace
     * {@code hostRole} sits at their second address ({@code eth0}) with the router as default gateway. The NAT
     * applies to both families (NAT66 for IPv6). For {@link NatType#NONE} the internet routes the LAN to the
     * router, so the host is reachable by its own address.
     */
    public NatSite attachSite(String routerRole, String hostRole, NatType type, int hostIndex, IpPrefix lan,
            IpPrefix lan6) {
        if (lan6 != null && network6 == null) {
            throw new IllegalArgumentException("an IPv6 LAN needs a dual-stack internet");
        }
        NetworkNamespace router = topology.namespace(routerRole);
        IpPrefix outside = attach(router, "wan", routerRole, hostIndex);
        NetworkNamespace host = topology.namespace(hostRole);
        VethPair.create(host, "eth0", router, "lan").up();
        IpPrefix inside = lan.network().host(1);
        IpPrefix hostAddress = lan.network().host(2);
        router.addAddress("lan", inside);
        host.addAddress("eth0", hostAddress);
        host.addDefaultRoute(inside.address());
        IpPrefix hostAddress6 = null;
        if (lan6 != null) {
            hostAddress6 = lan6.network().host(2);
            router.addAddress("lan", lan6.network().host(1));
            host.addAddress("eth0", hostAddress6);
            host.addDefaultRoute(lan6.network().host(1).address());
        }
        NatRouter nat = NatRouter.install(router, type, "lan", "wan", hostAddress.address());
        if (type == NatType.NONE) {
            namespace.addRoute(lan.network(), outside.address());
            if (lan6 != null) {
                namespace.addRoute(lan6.network(), sameDigits(network6, hostIndex).address());
            }
        }
        return new NatSite(nat, host, outside, inside, hostAddress, address6(hostIndex).orElse(null), hostAddress6);
    }

    /** The IPv6 host of {@code prefix} whose last group reads like {@code n} in decimal (10 -> ::10). */
    static IpPrefix sameDigits(IpPrefix prefix, int n) {
        if (n < 0 || n > 9999) {
            throw new IllegalArgumentException("host number out of range: " + n);
        }
        return prefix.host(Integer.parseInt(Integer.toString(n), 16));
    }

    /**
     * A NATed site: the router (with its type and interfaces) and the host behind it; the router's outside and
     * inside IPv4 addresses and the host's; the router's outside and the host's IPv6 addresses (null when the site
     * or the internet has no IPv6).
     */
    public record NatSite(NatRouter router, NetworkNamespace host, IpPrefix outside, IpPrefix inside,
            IpPrefix hostAddress, IpPrefix outside6, IpPrefix hostAddress6) {
        public NatSite {
            Objects.requireNonNull(router);
            Objects.requireNonNull(host);
        }
    }
}
