/**
 * The UDP shell around {@link dev.flint.connlib.peer.PeerNode}: one socket per local address, one
 * event-loop thread. One socket per address rather than IP_PKTINFO through FFM/JNA because it
 * gives both things the node needs from the JDK alone, portably (Linux, macOS, Windows): the local
 * address a datagram arrived on is the socket's bound address, and a send leaves from the address of
 * the socket chosen for it. The cost (rebinding when addresses change, one port per address) is
 * paid on network changes, which reset the node anyway.
 */
package dev.flint.shell.p2p;
