package dev.flint.connlib.packet;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class IpPacketTest {
    static InetAddress ip(String s) {
        try {
            return InetAddress.getByName(s);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    static IpPacket parse(byte[] b) {
        return switch (IpPacket.parse(b)) {
            case ParseResult.Parsed(IpPacket p) -> p;
            case ParseResult.Malformed m -> throw new AssertionError(m.toString());
        };
    }

    @Test
    void builtUdpV4RoundTripsWithValidChecksums() {
        IpPacket p = PacketBuilder.udp(ip("100.64.0.1"), ip("10.0.0.5"), 40000, 53, new byte[] {1, 2, 3});
        IpPacket q = parse(p.bytes());
        assertThat(q.source()).isEqualTo(ip("100.64.0.1"));
        assertThat(q.destination()).isEqualTo(ip("10.0.0.5"));
        assertThat(q.sourcePort()).isEqualTo(40000);
        assertThat(q.destinationPort()).isEqualTo(53);
        assertThat(q.payload()).containsExactly(1, 2, 3);
        assertThat(q.checksumsValid()).isTrue();
    }

    @Test
    void knownIpv4HeaderChecksum() {
        // RFC 1071 style example: a header whose checksum is known (from Wikipedia's IPv4 checksum example).
        byte[] h = {0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11, 0, 0, (byte) 0xc0, (byte) 0xa8, 0x00,
                0x01, (byte) 0xc0, (byte) 0xa8, 0x00, (byte) 0xc7};
        assertThat(Checksum.compute(h, 0, 20)).isEqualTo(0xb861);
    }

    @Test
    void rewritingAddressesAndPortsKeepsChecksumsValidForEveryTransport() {
        IpPacket[] packets = {
            PacketBuilder.udp(ip("100.64.0.1"), ip("100.96.0.1"), 1234, 80, "hello".getBytes()),
            PacketBuilder.tcp(ip("100.64.0.1"), ip("100.96.0.1"), 1234, 443, 7, 0, IpPacket.TCP_SYN, 1000, new byte[5]),
            PacketBuilder.icmpEchoRequest(ip("100.64.0.1"), ip("100.96.0.1"), 77, 1, new byte[11]),
            PacketBuilder.udp(ip("fd00:2021:1111::1"), ip("fd00:2021:1111:8000::1"), 1234, 80, "hello".getBytes()),
            PacketBuilder.tcp(ip("fd00:2021:1111::1"), ip("fd00:2021:1111:8000::2"), 5, 22, 1, 2, IpPacket.TCP_ACK, 9,
                    new byte[3]),
            PacketBuilder.icmpEchoRequest(ip("fd00:2021:1111::1"), ip("fd00:2021:1111:8000::1"), 9, 2, new byte[4]),
        };
        for (IpPacket p : packets) {
            boolean v4 = p.isIpv4();
            p.setDestination(ip(v4 ? "93.184.216.34" : "2606:2800:220:1::1"));
            p.setSource(ip(v4 ? "100.64.0.9" : "fd00:2021:1111::9"));
            p.setSourceL4Id(4242);
            if (p.hasPorts()) {
                p.setDestinationPort(8080);
            }
            assertThat(p.checksumsValid()).as(p.toString()).isTrue();
            IpPacket q = parse(p.bytes());
            assertThat(q.sourceL4Id()).isEqualTo(4242);
            assertThat(q.destination()).isEqualTo(ip(v4 ? "93.184.216.34" : "2606:2800:220:1::1"));
        }
    }

    @Test
    void prohibitedV4QuotesHeaderPlusEightBytes() {
        IpPacket orig = PacketBuilder.tcp(ip("100.64.0.1"), ip("10.1.2.3"), 1000, 22, 1, 0, IpPacket.TCP_SYN, 10,
                new byte[40]);
        IpPacket err = PacketBuilder.destinationUnreachable(orig, UnreachableReason.PROHIBITED);
        assertThat(err.source()).isEqualTo(ip("10.1.2.3"));
        assertThat(err.destination()).isEqualTo(ip("100.64.0.1"));
        assertThat(err.icmpType()).isEqualTo(3);
        assertThat(err.icmpCode()).isEqualTo(13);
        assertThat(err.ttl()).isEqualTo(20);
        assertThat(err.isIcmpError()).isTrue();
        assertThat(err.length()).isEqualTo(20 + 8 + 20 + 8);
        assertThat(err.checksumsValid()).isTrue();
        IpPacket quoted = ((ParseResult.Parsed) err.icmpQuoted()).packet();
        assertThat(quoted.destinationPort()).isEqualTo(22);
        assertThat(quoted.sourcePort()).isEqualTo(1000);
    }

    @Test
    void prohibitedV6IsTypeOneCodeOneAndFitsMtu() {
        IpPacket orig = PacketBuilder.udp(ip("fd00:2021:1111::1"), ip("2001:db8::1"), 1, 2, new byte[1200]);
        IpPacket err = PacketBuilder.destinationUnreachable(orig, UnreachableReason.PROHIBITED);
        assertThat(err.icmpType()).isEqualTo(1);
        assertThat(err.icmpCode()).isEqualTo(1);
        assertThat(err.length()).isLessThanOrEqualTo(1280);
        assertThat(err.checksumsValid()).isTrue();
        IpPacket quoted = ((ParseResult.Parsed) err.icmpQuoted()).packet();
        assertThat(quoted.destinationPort()).isEqualTo(2);
        assertThat(quoted.isTruncated()).isTrue();
    }

    @Test
    void malformedInputsNameTheField() {
        assertThat(IpPacket.parse(new byte[0])).isEqualTo(new ParseResult.Malformed("version", "empty packet"));
        assertThat(IpPacket.parse(new byte[] {0x45, 0, 0})).isInstanceOf(ParseResult.Malformed.class);
        byte[] p = PacketBuilder.udp(ip("1.2.3.4"), ip("5.6.7.8"), 1, 2, new byte[4]).bytes();
        p[3] = (byte) 200; // total length beyond the buffer
        assertThat(IpPacket.parse(p)).extracting(r -> ((ParseResult.Malformed) r).field()).isEqualTo("ipv4.total_length");
        byte[] t = PacketBuilder.tcp(ip("1.2.3.4"), ip("5.6.7.8"), 1, 2, 0, 0, 0, 0, new byte[0]).bytes();
        t[20 + 12] = 0x10; // data offset 1 word
        assertThat(IpPacket.parse(t)).extracting(r -> ((ParseResult.Malformed) r).field()).isEqualTo("tcp.data_offset");
        byte[] u = PacketBuilder.udp(ip("1.2.3.4"), ip("5.6.7.8"), 1, 2, new byte[4]).bytes();
        u[20 + 5] = 50;
        assertThat(IpPacket.parse(u)).extracting(r -> ((ParseResult.Malformed) r).field()).isEqualTo("udp.length");
        assertThat(IpPacket.parse(new byte[] {0x25})).extracting(r -> ((ParseResult.Malformed) r).field())
                .isEqualTo("version");
    }

    @Test
    void trailingBytesBeyondTotalLengthAreIgnored() {
        byte[] p = PacketBuilder.udp(ip("1.2.3.4"), ip("5.6.7.8"), 1, 2, new byte[4]).bytes();
        byte[] padded = java.util.Arrays.copyOf(p, p.length + 10);
        assertThat(parse(padded).length()).isEqualTo(p.length);
    }

    @Test
    void p2pControlFrameWireFormat() {
        P2pControlFrame f = new P2pControlFrame(1, "{}".getBytes());
        byte[] b = f.encode();
        assertThat(b).hasSize(50);
        assertThat(b[0]).isEqualTo((byte) 0x60);
        assertThat(IpPacket.u16(b, 4)).isEqualTo(10);
        assertThat(b[6] & 0xFF).isEqualTo(0xFF);
        assertThat(b[7]).isZero();
        assertThat(b[40]).isEqualTo((byte) 1);
        for (int i = 41; i < 48; i++) {
            assertThat(b[i]).isZero();
        }
        IpPacket p = parse(b);
        assertThat(p.isP2pControl()).isTrue();
        assertThat(P2pControlFrame.decode(p)).isEqualTo(new P2pControlFrame.Result.Decoded(f));
        IpPacket normal = PacketBuilder.udp(ip("fd00::1"), ip("fd00::2"), 1, 2, new byte[0]);
        assertThat(normal.isP2pControl()).isFalse();
        byte[] shortCtl = java.util.Arrays.copyOf(b, 44);
        IpPacket.put16(shortCtl, 4, 4);
        assertThat(P2pControlFrame.decode(parse(shortCtl))).isInstanceOf(P2pControlFrame.Result.Malformed.class);
    }

    @Test
    void ipv6ExtensionHeadersAreSkipped() {
        IpPacket u = PacketBuilder.udp(ip("fd00::1"), ip("fd00::2"), 7, 9, new byte[2]);
        byte[] b = u.bytes();
        byte[] withHbh = new byte[b.length + 8];
        System.arraycopy(b, 0, withHbh, 0, 40);
        withHbh[6] = 0; // hop-by-hop
        IpPacket.put16(withHbh, 4, b.length - 40 + 8);
        withHbh[40] = (byte) IpProtocol.UDP;
        System.arraycopy(b, 40, withHbh, 48, b.length - 40);
        IpPacket p = parse(withHbh);
        assertThat(p.protocol()).isEqualTo(IpProtocol.UDP);
        assertThat(p.destinationPort()).isEqualTo(9);
        assertThat(p.checksumsValid()).isTrue();
    }
}
