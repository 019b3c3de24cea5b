package dev.flint.connlib.portal;

/**
 * One traffic filter of a resource. An empty filter list permits everything; otherwise only the listed
 * TCP/UDP destination port ranges and (when present) ICMP are allowed.
 */
public sealed interface Filter {

    /** TCP destination ports {@code start..end} inclusive; a filter sent without a range covers 0..65535. */
    record Tcp(int portRangeStart, int portRangeEnd) implements Filter {
        public Tcp {
            checkRange(portRangeStart, portRangeEnd);
        }
    }

    /** UDP destination ports {@code start..end} inclusive. */
    record Udp(int portRangeStart, int portRangeEnd) implements Filter {
        public Udp {
            checkRange(portRangeStart, portRangeEnd);
        }
    }

    /** ICMP (echo) allowed. */
    record Icmp() implements Filter {
    }

    int MAX_PORT = 65535;

    private static void checkRange(int start, int end) {
        if (start < 0 || end > MAX_PORT || start > end) {
            throw new IllegalArgumentException("bad port range " + start + ".." + end);
        }
    }
}
