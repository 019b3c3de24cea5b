/**
 * The network-namespace kit: namespaces, veth pairs, NAT routers, coturn and processes inside namespaces, for
 * the devstack and for the privileged tests of every module. Of Flint it knows only connlib's {@code net} value types
 * (addresses and prefixes are the same type on both sides of a test).
 */
module dev.flint.netns {
    requires transitive dev.flint.connlib;
    requires org.slf4j;

    exports dev.flint.netns;
}
