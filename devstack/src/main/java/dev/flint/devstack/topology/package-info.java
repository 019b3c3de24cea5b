/**
 * The devstack's demo network ({@code flint devstack up|down|status}), built with the netns toolkit. Every box is
 * a namespace named {@code <prefix>-<role>}; state lives in {@code /run/flint-devstack/}. Address plan
 * ({@link dev.flint.devstack.topology.AddressPlan}; IPv6 alongside unless {@code --ipv4-only}):
 *
 * <pre>
 *  client 10.10.1.2    --lan-- natc 10.10.1.1 | 198.18.0.2  --+               +-- relay  198.18.0.10  2001:db8:18::10
 *         fd10:10:1::2              fd10:10:1::1 | 2001:db8:18::2 |               |          (coturn udp/3478)
 *                                                        +-- inet br0 --+-- portal 198.18.0.5   2001:db8:18::5
 *  gw     10.10.2.2    --lan-- natg 10.10.2.1 | 198.18.0.3  --+   198.18.0.1, 2001:db8:18::1
 *         fd10:10:2::2              fd10:10:2::1 | 2001:db8:18::3
 *   | 172.20.0.1
 *  res: web 172.20.0.10:80, iperf3 172.20.0.11:5201, dnsmasq 172.20.0.53:53 (zone flint.test), IPv4 only
 * </pre>
 *
 * The NAT routers natc and natg are of a selectable {@link dev.flint.netns.NatType} (NAT44 and NAT66);
 * client and gateway use the resource DNS server in their resolv.conf. {@code flint devstack up} also runs the portal
 * emulator (198.18.0.5:8081, with a Unix-socket door so the host's browser reaches it) and the gateway.
 */
package dev.flint.devstack.topology;
