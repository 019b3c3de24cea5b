/**
 * The network-namespace kit: namespaces, veth pairs, NAT routers, coturn and processes inside namespaces, for
 * the devstack and for the privileged tests of every module. It knows nothing else of Flint.
 */
module dev.flint.netns {
    requires org.slf4j;

    exports dev.flint.netns;
}
