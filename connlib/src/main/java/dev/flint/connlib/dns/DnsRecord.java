package dev.flint.connlib.dns;

/**
 * A resource record. For the EDNS0 OPT pseudo-record the class carries the requestor's UDP payload size and the TTL
 * the extended rcode, version and flags (RFC 6891).
 */
public record DnsRecord(String name, int type, int rclass, long ttl, RData data) {
    public static DnsRecord in(String name, long ttl, RData data) {
        int type = switch (data) {
            case RData.A a -> RecordType.A;
            case RData.Aaaa a -> RecordType.AAAA;
            case RData.Cname c -> RecordType.CNAME;
            case RData.Ns n -> RecordType.NS;
            case RData.Ptr p -> RecordType.PTR;
            case RData.Mx m -> RecordType.MX;
            case RData.Srv s -> RecordType.SRV;
            case RData.Txt t -> RecordType.TXT;
            case RData.Soa s -> RecordType.SOA;
            case RData.Opt o -> RecordType.OPT;
            case RData.Unknown u -> throw new IllegalArgumentException("unknown data needs an explicit type");
        };
        return new DnsRecord(name, type, RecordType.CLASS_IN, ttl, data);
    }

    public static DnsRecord opt(int udpPayloadSize, boolean dnssecOk) {
        return new DnsRecord("", RecordType.OPT, udpPayloadSize, dnssecOk ? 0x8000 : 0, new RData.Opt(java.util.List.of()));
    }
}
