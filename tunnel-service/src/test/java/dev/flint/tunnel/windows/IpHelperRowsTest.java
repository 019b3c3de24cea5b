package dev.flint.tunnel.windows;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flint.tunnel.os.Cidr;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The native rows byte by byte, at the x64 offsets of netioapi.h (the IP Helper API cannot run here). */
class IpHelperRowsTest {
    private static final long LUID = 0x0006_0000_0001_2345L;

    private static String hex(ByteBuffer row, int offset, int length) {
        return HexFormat.of().formatHex(Arrays.copyOfRange(row.array(), offset, offset + length));
    }

    /** A row as Initialize*Entry might leave it: every byte set, so untouched fields are visible. */
    private static ByteBuffer initialized(int size) {
        ByteBuffer row = IpHelperRows.row(size);
        Arrays.fill(row.array(), (byte) 0x5a);
        return row;
    }

    @Test
    void unicastAddressRowForAnIpv4HostAddress() {
        ByteBuffer row = initialized(IpHelperRows.UNICAST_ROW_SIZE);
        IpHelperRows.unicastAddress(row, new IpHelper.UnicastAddress(LUID, Cidr.parse("100.64.0.7/32")));
        // SOCKADDR_IN: family 2 (LE), port 0, 100.64.0.7, 8 zero bytes; the union pads to 28 bytes.
        assertThat(hex(row, 0, 28)).isEqualTo("0200" + "0000" + "64400007" + "00".repeat(8) + "00".repeat(12));
        assertThat(row.getLong(32)).isEqualTo(LUID);
        assertThat(hex(row, 40, 12)).as("index and prefix/suffix origins keep Windows' values").isEqualTo("5a".repeat(12));
        assertThat(row.getInt(52)).isEqualTo(0xffffffff);
        assertThat(row.getInt(56)).isEqualTo(0xffffffff);
        assertThat(row.get(60)).isEqualTo((byte) 32);
        assertThat(row.getInt(64)).isEqualTo(4);
    }

    @Test
    void unicastAddressRowForAnIpv6HostAddress() {
        ByteBuffer row = initialized(IpHelperRows.UNICAST_ROW_SIZE);
        IpHelperRows.unicastAddress(row, new IpHelper.UnicastAddress(LUID, Cidr.parse("fd00:2021:1111::7/128")));
        // SOCKADDR_IN6: family 23, port 0, flow info 0, the address, scope id 0.
        assertThat(hex(row, 0, 28)).isEqualTo("1700" + "0000" + "00000000" + "fd002021111100000000000000000007" + "00000000");
        assertThat(row.get(60)).isEqualTo((byte) 128);
    }

    @Test
    void routeRowIsOnLinkWithTheNetworkAddressAndMetric() {
        ByteBuffer row = initialized(IpHelperRows.FORWARD_ROW_SIZE);
        IpHelperRows.route(row, new IpHelper.Route(LUID, Cidr.parse("10.1.2.3/16"), 0));
        assertThat(row.getLong(0)).isEqualTo(LUID);
        assertThat(hex(row, 8, 4)).as("interface index: Windows finds it from the LUID").isEqualTo("5a5a5a5a");
        assertThat(hex(row, 12, 28)).isEqualTo("0200" + "0000" + "0a010000" + "00".repeat(20));
        assertThat(row.get(40)).isEqualTo((byte) 16);
        assertThat(hex(row, 44, 28)).as("unspecified IPv4 next hop").isEqualTo("0200" + "00".repeat(26));
        assertThat(row.getInt(76)).isEqualTo(0xffffffff);
        assertThat(row.getInt(80)).isEqualTo(0xffffffff);
        assertThat(row.getInt(84)).isZero();
        assertThat(row.getInt(88)).isEqualTo(3);
    }

    @Test
    void ipv6RouteRowClearsHostBits() {
        ByteBuffer row = initialized(IpHelperRows.FORWARD_ROW_SIZE);
        IpHelperRows.route(row, new IpHelper.Route(LUID, Cidr.parse("fd00:2021:1111:8000:100:100:111:5/120"), 7));
        assertThat(hex(row, 12, 28)).isEqualTo("1700" + "0000" + "00000000" + "fd002021111180000100010001110000" + "00000000");
        assertThat(row.get(40)).isEqualTo((byte) 120);
        assertThat(hex(row, 44, 2)).isEqualTo("1700");
        assertThat(row.getInt(84)).isEqualTo(7);
    }

    @Test
    void interfaceRowGetsMtuAndAFixedMetricAndNoIpv4SitePrefix() {
        ByteBuffer row = initialized(IpHelperRows.INTERFACE_ROW_SIZE);
        IpHelper.InterfaceSettings v4 = new IpHelper.InterfaceSettings(LUID, IpHelper.Family.IPV4, 1280, 0);
        IpHelperRows.interfaceKey(row, v4);
        assertThat(row.getShort(0)).isEqualTo((short) 2);
        assertThat(row.getLong(8)).isEqualTo(LUID);
        IpHelperRows.interfaceSettings(row, v4);
        assertThat(row.get(44)).as("UseAutomaticMetric").isZero();
        assertThat(row.getInt(144)).as("SitePrefixLength").isZero();
        assertThat(row.getInt(148)).isZero();
        assertThat(row.getInt(152)).isEqualTo(1280);
        assertThat(hex(row, 156, 12)).as("fields after NlMtu are Windows' own").isEqualTo("5a".repeat(12));

        ByteBuffer six = initialized(IpHelperRows.INTERFACE_ROW_SIZE);
        IpHelperRows.interfaceSettings(six, new IpHelper.InterfaceSettings(LUID, IpHelper.Family.IPV6, 1280, 0));
        assertThat(six.getInt(144)).as("IPv6 keeps its site prefix length").isEqualTo(0x5a5a5a5a);
    }
}
