package dev.flint.connlib.dns;

import java.util.List;
import java.util.Optional;

/** A DNS message (RFC 1035 §4.1). {@code flags} is the 16-bit header word after the id. */
public record DnsMessage(int id, int flags, List<DnsQuestion> questions, List<DnsRecord> answers,
                         List<DnsRecord> authorities, List<DnsRecord> additionals) {
    public static final int FLAG_QR = 0x8000;
    public static final int FLAG_AA = 0x0400;
    public static final int FLAG_TC = 0x0200;
    public static final int FLAG_RD = 0x0100;
    public static final int FLAG_RA = 0x0080;

    public DnsMessage {
        questions = List.copyOf(questions);
        answers = List.copyOf(answers);
        authorities = List.copyOf(authorities);
        additionals = List.copyOf(additionals);
    }

    public static DnsMessage query(int id, String name, int type) {
        return new DnsMessage(id, FLAG_RD, List.of(new DnsQuestion(name, type)), List.of(), List.of(), List.of());
    }

    public boolean isResponse() {
        return (flags & FLAG_QR) != 0;
    }

    public int opcode() {
        return (flags >>> 11) & 0xF;
    }

    public int rcode() {
        return flags & 0xF;
    }

    public boolean truncated() {
        return (flags & FLAG_TC) != 0;
    }

    public Optional<DnsQuestion> question() {
        return questions.isEmpty() ? Optional.empty() : Optional.of(questions.getFirst());
    }

    public Optional<DnsRecord> edns() {
        return additionals.stream().filter(r -> r.type() == RecordType.OPT).findFirst();
    }

    /** A response to this query with the given rcode and answers; echoes the question, RD and the OPT record. */
    public DnsMessage respond(int rcode, List<DnsRecord> answers) {
        int f = FLAG_QR | (flags & FLAG_RD) | FLAG_RA | (opcode() << 11) | (rcode & 0xF);
        List<DnsRecord> add = edns().map(o -> List.of(DnsRecord.opt(1232, false))).orElse(List.of());
        return new DnsMessage(id, f, questions, answers, List.of(), add);
    }

    public DnsMessage withId(int newId) {
        return new DnsMessage(newId, flags, questions, answers, authorities, additionals);
    }
}
