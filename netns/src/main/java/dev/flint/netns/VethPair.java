package dev.flint.netns;

import dev.flint.connlib.net.IpPrefix;

/**
 * A veth pair: a virtual cable between two namespaces. Each end is created directly in its namespace, so end
 * names only have to be unique inside that namespace (and at most 15 characters). Deleting either namespace
 * removes the cable.
 */
public record VethPair(End a, End b) {

    /** One end of the cable: an interface name in a namespace. */
    public record End(NetworkNamespace namespace, String name) {

        public End addAddress(IpPrefix address) {
            namespace.addAddress(name, address);
            return this;
        }

        public End up() {
            namespace.setUp(name);
            return this;
        }

        public End mtu(int mtu) {
            namespace.ip("link", "set", name, "mtu", Integer.toString(mtu));
            return this;
        }

        @Override
        public String toString() {
            return namespace + ":" + name;
        }
    }

    /** Creates the pair (both ends down, no addresses). */
    public static VethPair create(NetworkNamespace aNamespace, String aName, NetworkNamespace bNamespace, String bName) {
        RunPrefix.checkInterfaceName(aName);
        RunPrefix.checkInterfaceName(bName);
        Command.of("ip", "link", "add", "name", aName, "netns", aNamespace.name(), "type", "veth",
            "peer", "name", bName, "netns", bNamespace.name()).run();
        return new VethPair(new End(aNamespace, aName), new End(bNamespace, bName));
    }

    /** Brings both ends up. */
    public VethPair up() {
        a.up();
        b.up();
        return this;
    }
}
