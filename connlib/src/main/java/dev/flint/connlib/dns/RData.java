package dev.flint.connlib.dns;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.util.HexFormat;
import java.util.List;

/** Record data of the types the tunnel reads or writes; everything else stays opaque. */
public sealed interface RData {
    record A(Inet4Address address) implements RData {}

    record Aaaa(Inet6Address address) implements RData {}

    record Cname(String target) implements RData {}

    record Ns(String host) implements RData {}

    record Ptr(String target) implements RData {}

    record Mx(int preference, String exchange) implements RData {}

    /** The target is never compressed (RFC 2782). */
    record Srv(int priority, int weight, int port, String target) implements RData {}

    /** Character strings as ISO-8859-1, so arbitrary bytes round-trip. */
    record Txt(List<String> strings) implements RData {
        public Txt {
            strings = List.copyOf(strings);
        }
    }

    record Soa(String mname, String rname, long serial, long refresh, long retry, long expire, long minimum)
            implements RData {}

    /** EDNS0 options of an OPT pseudo-record (RFC 6891). */
    record Opt(List<EdnsOption> options) implements RData {
        public Opt {
            options = List.copyOf(options);
        }
    }

    record EdnsOption(int code, String dataHex) {
        public byte[] data() {
            return HexFormat.of().parseHex(dataHex);
        }
    }

    record Unknown(String dataHex) implements RData {
        public byte[] data() {
            return HexFormat.of().parseHex(dataHex);
        }
    }
}
