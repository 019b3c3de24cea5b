package dev.flint.connlib.dns;

/** A question: name (no trailing dot; the root is ""), type and class. */
public record DnsQuestion(String name, int type, int qclass) {
    public DnsQuestion(String name, int type) {
        this(name, type, RecordType.CLASS_IN);
    }
}
