package dev.flint.tunnel.wireguard;

import dev.flint.connlib.net.InetLiteral;
import dev.flint.connlib.net.IpPrefix;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class AllowedIpsTest {

    static IpPrefix p(String s) {
        return IpPrefix.parse(s);
    }

    static InetAddress a(String s) {
        return InetLiteral.parse(s);
    }

    @Test
    void longestPrefixWinsForBothFamilies() {
        AllowedIps<String> t = new AllowedIps<>();
        t.insert(p("0.0.0.0/0"), "default");
        t.insert(p("10.0.0.0/8"), "ten");
        t.insert(p("10.1.0.0/16"), "ten-one");
        t.insert(p("10.1.2.3/32"), "host");
        t.insert(p("::/0"), "v6default");
        t.insert(p("fd00::/8"), "ula");
        t.insert(p("fd00:1::/32"), "ula1");
        assertThat(t.lookup(a("10.1.2.3"))).isEqualTo("host");
        assertThat(t.lookup(a("10.1.2.4"))).isEqualTo("ten-one");
        assertThat(t.lookup(a("10.2.0.1"))).isEqualTo("ten");
        assertThat(t.lookup(a("192.0.2.1"))).isEqualTo("default");
        assertThat(t.lookup(a("fd00:1::5"))).isEqualTo("ula1");
        assertThat(t.lookup(a("fd00:2::5"))).isEqualTo("ula");
        assertThat(t.lookup(a("2001:db8::1"))).isEqualTo("v6default");
    }

    @Test
    void aPrefixHasOneOwnerAndRemovalIsPerPeer() {
        AllowedIps<String> t = new AllowedIps<>();
        t.insert(p("10.0.0.0/24"), "a");
        t.insert(p("10.0.1.0/24"), "a");
        t.insert(p("fd00::/64"), "a");
        t.insert(p("10.0.0.0/24"), "b");
        assertThat(t.lookup(a("10.0.0.7"))).isEqualTo("b");
        assertThat(t.prefixesOf("a")).map(IpPrefix::toString)
            .containsExactly("10.0.1.0/24", "fd00::/64");
        t.removePeer("a");
        assertThat(t.lookup(a("10.0.1.7"))).isNull();
        assertThat(t.lookup(a("fd00::1"))).isNull();
        assertThat(t.prefixesOf("b")).map(IpPrefix::toString).containsExactly("10.0.0.0/24");
    }

    @Test
    void readsAddressesOutOfPackets() {
        AllowedIps<String> t = new AllowedIps<>();
        t.insert(p("10.0.0.2/32"), "dst");
        t.insert(p("10.0.0.1/32"), "src");
        t.insert(p("fd00::2/128"), "dst6");
        byte[] v4 = new byte[20];
        v4[0] = 0x45;
        System.arraycopy(a("10.0.0.1").getAddress(), 0, v4, 12, 4);
        System.arraycopy(a("10.0.0.2").getAddress(), 0, v4, 16, 4);
        MemorySegment s = MemorySegment.ofArray(v4);
        assertThat(t.lookupDestination(s, 0, 20)).isEqualTo("dst");
        assertThat(t.lookupSource(s, 0, 20)).isEqualTo("src");
        assertThat(t.lookupDestination(s, 0, 19)).isNull();
        byte[] v6 = new byte[48];
        v6[8] = 0x60;
        System.arraycopy(a("fd00::2").getAddress(), 0, v6, 8 + 24, 16);
        assertThat(t.lookupDestination(MemorySegment.ofArray(v6), 8, 40)).isEqualTo("dst6");
        assertThat(t.lookupDestination(MemorySegment.ofArray(new byte[]{0x10}), 0, 1)).isNull();
    }

    /** The trie agrees with a plain scan over all prefixes for random IPv4 tables. */
    @Property(tries = 200)
    void matchesLinearScan(@ForAll int seed, @ForAll @IntRange(min = 1, max = 40) int count) {
        java.util.Random r = new java.util.Random(seed);
        AllowedIps<Integer> t = new AllowedIps<>();
        int[] nets = new int[count];
        int[] lens = new int[count];
        for (int i = 0; i < count; i++) {
            lens[i] = r.nextInt(33);
            int mask = lens[i] == 0 ? 0 : -1 << (32 - lens[i]);
            nets[i] = r.nextInt(4) == 0 ? r.nextInt() & mask : (0x0A000000 | (r.nextInt() & 0xFFFF)) & mask;
            t.insert(new IpPrefix(v4(nets[i]), lens[i]), i);
        }
        for (int probe = 0; probe < 50; probe++) {
            int addr = probe % 2 == 0 ? r.nextInt() : 0x0A000000 | (r.nextInt() & 0xFFFF);
            Integer expected = null;
            int best = -1;
            for (int i = 0; i < count; i++) {
                int mask = lens[i] == 0 ? 0 : -1 << (32 - lens[i]);
                // Later inserts of the same prefix replace earlier owners.
                if ((addr & mask) == nets[i] && lens[i] >= best) {
                    best = lens[i];
                    expected = i;
                }
            }
            assertThat(t.lookupV4(addr)).isEqualTo(expected);
        }
    }

    static InetAddress v4(int x) {
        try {
            return InetAddress.getByAddress(new byte[]{(byte) (x >>> 24), (byte) (x >>> 16), (byte) (x >>> 8), (byte) x});
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
