package dev.flint.connlib.packet;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * A parsed IPv4 or IPv6 packet over its own byte array, with in-place rewriting of addresses, ports and
 * ICMP identifiers that keeps every checksum right by incremental update (for NAT).
 *
 * <p>Only validated structure is exposed: a packet that parsed has a complete IP header and, unless it is a
 * non-first fragment or a quoted (truncated) packet, a complete transport header.
 */
public final class IpPacket {
    public static final int MAX_SIZE = 1280;

    private final byte[] b;
    private final int version;
    private final int headerLength;
    private final int protocol;
    private final boolean fragment;
    private final boolean truncated;
    /** Bytes of transport header available (0 when fragmented or not a known transport). */
    private final int l4HeaderLength;

    private IpPacket(byte[] b, int version, int headerLength, int protocol, boolean fragment, boolean truncated,
                     int l4HeaderLength) {
        this.b = b;
        this.version = version;
        this.headerLength = headerLength;
        this.protocol = protocol;
        this.fragment = fragment;
        this.truncated = truncated;
        this.l4HeaderLength = l4HeaderLength;
    }

    public static ParseResult parse(byte[] data) {
        return parse(data, 0, data.length, false);
    }

    public static ParseResult parse(byte[] data, int off, int len) {
        return parse(data, off, len, false);
    }

    /**
     * Parses the packet quoted inside an ICMP error: the declared length may exceed what is present, and only
     * the first 8 transport bytes are required (ports, ICMP identifier).
     */
    public static ParseResult parseQuoted(byte[] data, int off, int len) {
        return parse(data, off, len, true);
    }

    private static ParseResult parse(byte[] data, int off, int len, boolean quoted) {
        if (data == null || off < 0 || len < 0 || off + len > data.length) {
            return new ParseResult.Malformed("buffer", "bounds");
        }
        if (len < 1) {
            return new ParseResult.Malformed("version", "empty packet");
        }
        int v = (data[off] & 0xFF) >>> 4;
        return switch (v) {
            case 4 -> parseV4(data, off, len, quoted);
            case 6 -> parseV6(data, off, len, quoted);
            default -> new ParseResult.Malformed("version", "unsupported IP version " + v);
        };
    }

    private static ParseResult parseV4(byte[] data, int off, int len, boolean quoted) {
        if (len < 20) {
            return new ParseResult.Malformed("ipv4.header", "shorter than 20 bytes");
        }
        int ihl = (data[off] & 0x0F) * 4;
        if (ihl < 20) {
            return new ParseResult.Malformed("ipv4.ihl", "less than 5 words");
        }
        if (ihl > len) {
            return new ParseResult.Malformed("ipv4.ihl", "beyond packet end");
        }
        int total = u16(data, off + 2);
        if (total < ihl) {
            return new ParseResult.Malformed("ipv4.total_length", "smaller than header");
        }
        if (total > len && !quoted) {
            return new ParseResult.Malformed("ipv4.total_length", "beyond packet end");
        }
        int actual = Math.min(total, len);
        int flagsFrag = u16(data, off + 6);
        boolean moreFragments = (flagsFrag & 0x2000) != 0;
        int fragOffset = flagsFrag & 0x1FFF;
        int proto = data[off + 9] & 0xFF;
        byte[] copy = Arrays.copyOfRange(data, off, off + actual);
        return finish(copy, 4, ihl, proto, moreFragments || fragOffset != 0, fragOffset != 0, total > len, quoted);
    }

    private static ParseResult parseV6(byte[] data, int off, int len, boolean quoted) {
        if (len < 40) {
            return new ParseResult.Malformed("ipv6.header", "shorter than 40 bytes");
        }
        int payloadLength = u16(data, off + 4);
        if (40 + payloadLength > len && !quoted) {
            return new ParseResult.Malformed("ipv6.payload_length", "beyond packet end");
        }
        int actual = Math.min(40 + payloadLength, len);
        byte[] copy = Arrays.copyOfRange(data, off, off + actual);
        int next = copy[6] & 0xFF;
        int pos = 40;
        boolean frag = false;
        boolean laterFragment = false;
        // Skip the extension headers a host may legitimately send (hop-by-hop, routing, destination options,
        // fragment); anything else is treated as the transport protocol.
        for (int guard = 0; guard < 8; guard++) {
            if (next == 0 || next == 43 || next == 60) {
                if (pos + 8 > actual) {
                    return new ParseResult.Malformed("ipv6.extension_header", "truncated");
                }
                int extLen = ((copy[pos + 1] & 0xFF) + 1) * 8;
                if (pos + extLen > actual) {
                    return new ParseResult.Malformed("ipv6.extension_header", "length beyond packet end");
                }
                next = copy[pos] & 0xFF;
                pos += extLen;
            } else if (next == 44) {
                if (pos + 8 > actual) {
                    return new ParseResult.Malformed("ipv6.fragment_header", "truncated");
                }
                int fo = u16(copy, pos + 2);
                frag = true;
                laterFragment = (fo >>> 3) != 0;
                next = copy[pos] & 0xFF;
                pos += 8;
            } else {
                break;
            }
        }
        return finish(copy, 6, pos, next, frag, laterFragment, 40 + payloadLength > len, quoted);
    }

    private static ParseResult finish(byte[] copy, int version, int hl, int proto, boolean fragment,
                                      boolean laterFragment, boolean truncated, boolean quoted) {
        int avail = copy.length - hl;
        int l4 = 0;
        if (!laterFragment) {
            int needed = switch (proto) {
                case IpProtocol.UDP, IpProtocol.ICMP, IpProtocol.ICMPV6 -> 8;
                case IpProtocol.TCP -> quoted ? 8 : 20;
                default -> 0;
            };
            if (needed > 0) {
                if (avail < needed) {
                    return new ParseResult.Malformed(transportName(proto), "header truncated");
                }
                l4 = needed;
                if (proto == IpProtocol.TCP && avail >= 20) {
                    int dataOffset = ((copy[hl + 12] & 0xFF) >>> 4) * 4;
                    if (dataOffset < 20) {
                        return new ParseResult.Malformed("tcp.data_offset", "less than 5 words");
                    }
                    if (dataOffset > avail) {
                        if (!quoted) {
                            return new ParseResult.Malformed("tcp.data_offset", "beyond packet end");
                        }
                    } else {
                        l4 = dataOffset;
                    }
                }
                if (proto == IpProtocol.UDP && !quoted && !fragment) {
                    int udpLen = u16(copy, hl + 4);
                    if (udpLen < 8 || udpLen > avail) {
                        return new ParseResult.Malformed("udp.length", "inconsistent with packet");
                    }
                }
            }
        }
        if (proto == IpProtocol.ICMP && version == 6 || proto == IpProtocol.ICMPV6 && version == 4) {
            l4 = 0; // ICMP of the wrong family: carried, never interpreted
        }
        return new ParseResult.Parsed(new IpPacket(copy, version, hl, proto, fragment, truncated || quoted, l4));
    }

    private static String transportName(int proto) {
        return switch (proto) {
            case IpProtocol.TCP -> "tcp.header";
            case IpProtocol.UDP -> "udp.header";
            default -> "icmp.header";
        };
    }

    static int u16(byte[] b, int off) {
        return ((b[off] & 0xFF) << 8) | (b[off + 1] & 0xFF);
    }

    static void put16(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 8);
        b[off + 1] = (byte) v;
    }

    // ---- reading ----

    /** The packet's bytes (owned by this object; copy before keeping). */
    public byte[] bytes() {
        return b;
    }

    public int length() {
        return b.length;
    }

    public int version() {
        return version;
    }

    public boolean isIpv4() {
        return version == 4;
    }

    public InetAddress source() {
        return address(version == 4 ? 12 : 8);
    }

    public InetAddress destination() {
        return address(version == 4 ? 16 : 24);
    }

    private InetAddress address(int off) {
        int n = version == 4 ? 4 : 16;
        byte[] a = Arrays.copyOfRange(b, off, off + n);
        try {
            return version == 4 ? InetAddress.getByAddress(a) : Inet6Address.getByAddress(null, a, -1);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Transport protocol (IPv4 protocol, or the IPv6 next header after extension headers). */
    public int protocol() {
        return protocol;
    }

    public int ttl() {
        return b[version == 4 ? 8 : 7] & 0xFF;
    }

    public boolean isFragment() {
        return fragment;
    }

    /** A packet quoted in an ICMP error, possibly cut short. */
    public boolean isTruncated() {
        return truncated;
    }

    public int transportOffset() {
        return headerLength;
    }

    public boolean isTcp() {
        return protocol == IpProtocol.TCP && l4HeaderLength > 0;
    }

    public boolean isUdp() {
        return protocol == IpProtocol.UDP && l4HeaderLength > 0;
    }

    public boolean hasPorts() {
        return isTcp() || isUdp();
    }

    public boolean isIcmp() {
        return (protocol == IpProtocol.ICMP || protocol == IpProtocol.ICMPV6) && l4HeaderLength > 0;
    }

    /** -1 unless TCP or UDP with a readable header. */
    public int sourcePort() {
        return hasPorts() ? u16(b, headerLength) : -1;
    }

    public int destinationPort() {
        return hasPorts() ? u16(b, headerLength + 2) : -1;
    }

    public int icmpType() {
        return isIcmp() ? b[headerLength] & 0xFF : -1;
    }

    public int icmpCode() {
        return isIcmp() ? b[headerLength + 1] & 0xFF : -1;
    }

    public boolean isIcmpEchoRequest() {
        return icmpType() == (version == 4 ? 8 : 128);
    }

    public boolean isIcmpEchoReply() {
        return icmpType() == (version == 4 ? 0 : 129);
    }

    public boolean isIcmpEcho() {
        return isIcmpEchoRequest() || isIcmpEchoReply();
    }

    /** ICMP error messages (destination unreachable, time exceeded, ...), which quote another packet. */
    public boolean isIcmpError() {
        int t = icmpType();
        if (t < 0) {
            return false;
        }
        return version == 4 ? (t == 3 || t == 4 || t == 5 || t == 11 || t == 12) : t < 128;
    }

    public int icmpIdentifier() {
        return isIcmpEcho() ? u16(b, headerLength + 4) : -1;
    }

    public int icmpSequence() {
        return isIcmpEcho() ? u16(b, headerLength + 6) : -1;
    }

    /** The packet quoted by an ICMP error. */
    public ParseResult icmpQuoted() {
        if (!isIcmpError()) {
            return new ParseResult.Malformed("icmp.type", "not an error message");
        }
        return parseQuoted(b, headerLength + 8, b.length - headerLength - 8);
    }

    /** Source port for TCP/UDP, identifier for ICMP echo, else -1: the "L4 id" NAT tables key on. */
    public int sourceL4Id() {
        return hasPorts() ? sourcePort() : icmpIdentifier();
    }

    public int destinationL4Id() {
        return hasPorts() ? destinationPort() : icmpIdentifier();
    }

    public int tcpFlags() {
        return isTcp() ? b[headerLength + 13] & 0xFF : 0;
    }

    public static final int TCP_FIN = 0x01;
    public static final int TCP_SYN = 0x02;
    public static final int TCP_RST = 0x04;
    public static final int TCP_PSH = 0x08;
    public static final int TCP_ACK = 0x10;

    public long tcpSequence() {
        return isTcp() ? Integer.toUnsignedLong(i32(headerLength + 4)) : -1;
    }

    public long tcpAcknowledgement() {
        return isTcp() ? Integer.toUnsignedLong(i32(headerLength + 8)) : -1;
    }

    private int i32(int off) {
        return ((b[off] & 0xFF) << 24) | ((b[off + 1] & 0xFF) << 16) | ((b[off + 2] & 0xFF) << 8) | (b[off + 3] & 0xFF);
    }

    /** Transport payload: UDP data, TCP data, ICMP body after the 8-byte header, else the whole IP payload. */
    public byte[] payload() {
        int start = headerLength + l4HeaderLength;
        return Arrays.copyOfRange(b, Math.min(start, b.length), b.length);
    }

    /** A Firezone p2p control packet: IPv6, next header 0xFF, source and destination {@code ::}. */
    public boolean isP2pControl() {
        if (version != 6 || (b[6] & 0xFF) != IpProtocol.FZ_P2P_CONTROL) {
            return false;
        }
        for (int i = 8; i < 40; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    // ---- rewriting ----

    public void setSource(InetAddress a) {
        rewriteAddress(version == 4 ? 12 : 8, a);
    }

    public void setDestination(InetAddress a) {
        rewriteAddress(version == 4 ? 16 : 24, a);
    }

    private void rewriteAddress(int off, InetAddress a) {
        byte[] now = a.getAddress();
        if ((version == 4) != (a instanceof Inet4Address)) {
            throw new IllegalArgumentException("address family does not match packet: " + a);
        }
        byte[] old = Arrays.copyOfRange(b, off, off + now.length);
        System.arraycopy(now, 0, b, off, now.length);
        if (version == 4) {
            put16(b, 10, Checksum.adjust(u16(b, 10), old, now));
        }
        int csum = pseudoChecksumOffset();
        if (csum >= 0) {
            int hc = u16(b, csum);
            if (protocol == IpProtocol.UDP && version == 4 && hc == 0) {
                return; // no checksum in use
            }
            int updated = Checksum.adjust(hc, old, now);
            put16(b, csum, fixUdpZero(updated));
        }
    }

    /** Offset of a checksum covering the pseudo-header, or -1. */
    private int pseudoChecksumOffset() {
        if (fragment || l4HeaderLength == 0) {
            return -1;
        }
        return switch (protocol) {
            case IpProtocol.TCP -> b.length >= headerLength + 18 ? headerLength + 16 : -1;
            case IpProtocol.UDP -> headerLength + 6;
            case IpProtocol.ICMPV6 -> headerLength + 2;
            default -> -1;
        };
    }

    private int transportChecksumOffset() {
        if (fragment || l4HeaderLength == 0) {
            return -1;
        }
        return switch (protocol) {
            case IpProtocol.TCP -> b.length >= headerLength + 18 ? headerLength + 16 : -1;
            case IpProtocol.UDP -> headerLength + 6;
            case IpProtocol.ICMPV6, IpProtocol.ICMP -> headerLength + 2;
            default -> -1;
        };
    }

    private int fixUdpZero(int c) {
        return protocol == IpProtocol.UDP && c == 0 ? 0xFFFF : c;
    }

    public void setSourcePort(int port) {
        rewrite16(headerLength, port, hasPorts());
    }

    public void setDestinationPort(int port) {
        rewrite16(headerLength + 2, port, hasPorts());
    }

    public void setIcmpIdentifier(int id) {
        rewrite16(headerLength + 4, id, isIcmpEcho());
    }

    public void setSourceL4Id(int id) {
        if (hasPorts()) {
            setSourcePort(id);
        } else {
            setIcmpIdentifier(id);
        }
    }

    public void setDestinationL4Id(int id) {
        if (hasPorts()) {
            setDestinationPort(id);
        } else {
            setIcmpIdentifier(id);
        }
    }

    private void rewrite16(int off, int value, boolean applicable) {
        if (!applicable) {
            throw new IllegalStateException("field not present in this packet");
        }
        int old = u16(b, off);
        put16(b, off, value);
        int csum = transportChecksumOffset();
        if (csum >= 0) {
            int hc = u16(b, csum);
            if (protocol == IpProtocol.UDP && version == 4 && hc == 0) {
                return;
            }
            put16(b, csum, fixUdpZero(Checksum.adjust16(hc, old, value)));
        }
    }

    /** Recomputes every checksum from scratch (for tests and for freshly built packets). */
    public boolean checksumsValid() {
        if (version == 4 && Checksum.compute(b, 0, headerLength) != 0) {
            return false;
        }
        if (truncated || fragment || l4HeaderLength == 0) {
            return true;
        }
        int l4len = b.length - headerLength;
        long sum = switch (protocol) {
            case IpProtocol.TCP, IpProtocol.UDP, IpProtocol.ICMPV6 ->
                    Checksum.pseudoHeader(source(), destination(), protocol, l4len);
            default -> 0;
        };
        if (protocol == IpProtocol.UDP && version == 4 && u16(b, headerLength + 6) == 0) {
            return true;
        }
        return Checksum.finish(Checksum.add(sum, b, headerLength, l4len)) == 0;
    }

    public IpPacket copy() {
        return new IpPacket(b.clone(), version, headerLength, protocol, fragment, truncated, l4HeaderLength);
    }

    @Override
    public String toString() {
        String l4 = hasPorts() ? ":" + sourcePort() + " -> " : " -> ";
        String dp = hasPorts() ? ":" + destinationPort() : "";
        return "IPv" + version + "(" + protocol + ") " + source().getHostAddress() + l4 + destination().getHostAddress()
                + dp + (isIcmp() ? " icmp " + icmpType() + "/" + icmpCode() : "") + " len=" + b.length;
    }
}
