package dev.flint.tunnel.wireguard;

import dev.flint.connlib.net.IpPrefix;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Cryptokey routing table: longest-prefix match from an IPv4 or IPv6 address to the peer that owns
 * it. A prefix has one owner; inserting it for another peer moves it, as in WireGuard. Lookups walk
 * a binary trie and never allocate. Not thread-safe for writers; readers of a published table may run
 * concurrently with nothing else, so the shell swaps a copy in on change (see {@link #copy}).
 *
 * @param <P> the peer type
 */
public final class AllowedIps<P> {

    private static final ValueLayout.OfInt INT_BE =
        ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfLong LONG_BE =
        ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private static final class Node<P> {
        Node<P> zero;
        Node<P> one;
        P owner;
    }

    private Node<P> root4 = new Node<>();
    private Node<P> root6 = new Node<>();

    public void insert(IpPrefix prefix, P peer) {
        byte[] a = prefix.network().address().getAddress();
        Node<P> node = a.length == 4 ? root4 : root6;
        for (int bit = 0; bit < prefix.prefixLength(); bit++) {
            boolean one = (a[bit >>> 3] & (0x80 >>> (bit & 7))) != 0;
            Node<P> next = one ? node.one : node.zero;
            if (next == null) {
                next = new Node<>();
                if (one) {
                    node.one = next;
                } else {
                    node.zero = next;
                }
            }
            node = next;
        }
        node.owner = peer;
    }

    /** Removes every prefix owned by {@code peer}. */
    public void removePeer(P peer) {
        removeFrom(root4, peer);
        removeFrom(root6, peer);
    }

    private static <P> void removeFrom(Node<P> node, P peer) {
        if (node == null) {
            return;
        }
        if (node.owner == peer) {
            node.owner = null;
        }
        removeFrom(node.zero, peer);
        removeFrom(node.one, peer);
    }

    /** The prefixes owned by {@code peer}, IPv4 first. */
    public List<IpPrefix> prefixesOf(P peer) {
        List<IpPrefix> out = new ArrayList<>();
        collect(root4, new byte[4], 0, peer, out);
        collect(root6, new byte[16], 0, peer, out);
        return out;
    }

    private static <P> void collect(Node<P> node, byte[] bits, int depth, P peer, List<IpPrefix> out) {
        if (node == null) {
            return;
        }
        if (node.owner == peer) {
            try {
                out.add(new IpPrefix(InetAddress.getByAddress(bits.clone()), depth));
            } catch (UnknownHostException e) {
                throw new AssertionError(e);
            }
        }
        if (depth == bits.length * 8) {
            return;
        }
        collect(node.zero, bits, depth + 1, peer, out);
        bits[depth >>> 3] |= (byte) (0x80 >>> (depth & 7));
        collect(node.one, bits, depth + 1, peer, out);
        bits[depth >>> 3] &= (byte) ~(0x80 >>> (depth & 7));
    }

    public P lookupV4(int address) {
        Node<P> node = root4;
        P best = node.owner;
        for (int bit = 31; bit >= 0 && node != null; bit--) {
            node = ((address >>> bit) & 1) != 0 ? node.one : node.zero;
            if (node != null && node.owner != null) {
                best = node.owner;
            }
        }
        return best;
    }

    public P lookupV6(long high, long low) {
        Node<P> node = root6;
        P best = node.owner;
        for (int bit = 0; bit < 128 && node != null; bit++) {
            long word = bit < 64 ? high : low;
            boolean one = ((word >>> (63 - (bit & 63))) & 1) != 0;
            node = one ? node.one : node.zero;
            if (node != null && node.owner != null) {
                best = node.owner;
            }
        }
        return best;
    }

    public P lookup(InetAddress address) {
        MemorySegment a = MemorySegment.ofArray(address.getAddress());
        return a.byteSize() == 4 ? lookupV4(a.get(INT_BE, 0)) : lookupV6(a.get(LONG_BE, 0), a.get(LONG_BE, 8));
    }

    /** The owner of an IP packet's destination address, or null (also for non-IP bytes). */
    public P lookupDestination(MemorySegment packet, long offset, int length) {
        return lookupAt(packet, offset, length, 16, 24);
    }

    /** The owner of an IP packet's source address, or null (also for non-IP bytes). */
    public P lookupSource(MemorySegment packet, long offset, int length) {
        return lookupAt(packet, offset, length, 12, 8);
    }

    private P lookupAt(MemorySegment packet, long offset, int length, int v4At, int v6At) {
        if (length < 1) {
            return null;
        }
        int version = (packet.get(ValueLayout.JAVA_BYTE, offset) & 0xF0) >>> 4;
        if (version == 4 && length >= 20) {
            return lookupV4(packet.get(INT_BE, offset + v4At));
        }
        if (version == 6 && length >= 40) {
            return lookupV6(packet.get(LONG_BE, offset + v6At), packet.get(LONG_BE, offset + v6At + 8));
        }
        return null;
    }

    /** A deep copy, so a writer can change it and publish it without disturbing readers. */
    public AllowedIps<P> copy() {
        AllowedIps<P> c = new AllowedIps<>();
        c.root4 = copy(root4);
        c.root6 = copy(root6);
        return c;
    }

    private static <P> Node<P> copy(Node<P> n) {
        if (n == null) {
            return null;
        }
        Node<P> c = new Node<>();
        c.owner = n.owner;
        c.zero = copy(n.zero);
        c.one = copy(n.one);
        return c;
    }
}
