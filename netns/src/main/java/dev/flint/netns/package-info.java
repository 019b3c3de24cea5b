/**
 * A typed toolkit over iproute2 and nftables for test and demo topologies: network namespaces, veth pairs,
 * addresses, routes, NAT routers, coturn and processes run inside namespaces, all torn down by a {@link
 * dev.flint.netns.Topology} scope. It shells out to {@code ip}/{@code nft} on purpose: this builds test
 * networks once per run and is never on the tunnel service's packet path, so readable commands in the log beat
 * a netlink binding.
 */
package dev.flint.netns;
