package dev.flint.connlib.dns;

import java.io.ByteArrayOutputStream;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/** Wire codec for {@link DnsMessage}: name compression on both sides, EDNS0, and truncation to a size limit. */
public final class DnsCodec {
    /** Largest UDP DNS response the client sends (1280 − 60 − 8); longer ones are truncated with TC set. */
    public static final int MAX_UDP_PAYLOAD = 1212;
    private static final int MAX_NAME = 255;

    private DnsCodec() {}

    public sealed interface DecodeResult {
        record Decoded(DnsMessage message) implements DecodeResult {}

        record Malformed(String field, String reason) implements DecodeResult {
            @Override
            public String toString() {
                return field + ": " + reason;
            }
        }
    }

    private static final class Bad extends Exception {
        final String field;

        Bad(String field, String reason) {
            super(reason, null, false, false);
            this.field = field;
        }
    }

    // ---------------------------------------------------------------- decode

    public static DecodeResult decode(byte[] b) {
        return decode(b, 0, b.length);
    }

    public static DecodeResult decode(byte[] b, int off, int len) {
        try {
            return new DecodeResult.Decoded(new Reader(b, off, len).message());
        } catch (Bad e) {
            return new DecodeResult.Malformed(e.field, e.getMessage());
        }
    }

    private static final class Reader {
        private final byte[] b;
        private final int base;
        private final int end;
        private int pos;

        Reader(byte[] b, int off, int len) {
            this.b = b;
            this.base = off;
            this.end = off + len;
            this.pos = off;
        }

        DnsMessage message() throws Bad {
            if (end - base < 12) {
                throw new Bad("header", "shorter than 12 bytes");
            }
            int id = u16("header");
            int flags = u16("header");
            int qd = u16("header");
            int an = u16("header");
            int ns = u16("header");
            int ar = u16("header");
            List<DnsQuestion> q = new ArrayList<>();
            for (int i = 0; i < qd; i++) {
                String name = name("question.name");
                q.add(new DnsQuestion(name, u16("question.type"), u16("question.class")));
            }
            return new DnsMessage(id, flags, q, records(an, "answer"), records(ns, "authority"),
                    records(ar, "additional"));
        }

        private List<DnsRecord> records(int n, String section) throws Bad {
            List<DnsRecord> l = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String name = name(section + ".name");
                int type = u16(section + ".type");
                int cls = u16(section + ".class");
                long ttl = u32(section + ".ttl");
                int rdlen = u16(section + ".rdlength");
                if (pos + rdlen > end) {
                    throw new Bad(section + ".rdata", "beyond message end");
                }
                int rdEnd = pos + rdlen;
                RData data = rdata(type, rdEnd, section + ".rdata");
                if (pos != rdEnd) {
                    throw new Bad(section + ".rdata", "length does not match content");
                }
                l.add(new DnsRecord(name, type, cls, ttl, data));
            }
            return l;
        }

        private RData rdata(int type, int rdEnd, String field) throws Bad {
            int len = rdEnd - pos;
            return switch (type) {
                case RecordType.A -> {
                    if (len != 4) {
                        throw new Bad(field, "A record is not 4 bytes");
                    }
                    yield new RData.A((Inet4Address) address(4));
                }
                case RecordType.AAAA -> {
                    if (len != 16) {
                        throw new Bad(field, "AAAA record is not 16 bytes");
                    }
                    yield new RData.Aaaa((Inet6Address) address(16));
                }
                case RecordType.CNAME -> new RData.Cname(name(field));
                case RecordType.NS -> new RData.Ns(name(field));
                case RecordType.PTR -> new RData.Ptr(name(field));
                case RecordType.MX -> new RData.Mx(u16(field), name(field));
                case RecordType.SRV -> new RData.Srv(u16(field), u16(field), u16(field), name(field));
                case RecordType.SOA -> new RData.Soa(name(field), name(field), u32(field), u32(field), u32(field),
                        u32(field), u32(field));
                case RecordType.TXT -> {
                    List<String> strings = new ArrayList<>();
                    while (pos < rdEnd) {
                        int n = b[pos++] & 0xFF;
                        if (pos + n > rdEnd) {
                            throw new Bad(field, "TXT string beyond record end");
                        }
                        strings.add(new String(b, pos, n, StandardCharsets.ISO_8859_1));
                        pos += n;
                    }
                    yield new RData.Txt(strings);
                }
                case RecordType.OPT -> {
                    List<RData.EdnsOption> opts = new ArrayList<>();
                    while (pos < rdEnd) {
                        if (pos + 4 > rdEnd) {
                            throw new Bad(field, "EDNS option header truncated");
                        }
                        int code = u16(field);
                        int olen = u16(field);
                        if (pos + olen > rdEnd) {
                            throw new Bad(field, "EDNS option beyond record end");
                        }
                        opts.add(new RData.EdnsOption(code, HexFormat.of().formatHex(b, pos, pos + olen)));
                        pos += olen;
                    }
                    yield new RData.Opt(opts);
                }
                default -> {
                    String hex = HexFormat.of().formatHex(b, pos, rdEnd);
                    pos = rdEnd;
                    yield new RData.Unknown(hex);
                }
            };
        }

        private InetAddress address(int n) {
            byte[] a = new byte[n];
            System.arraycopy(b, pos, a, 0, n);
            pos += n;
            try {
                return n == 4 ? InetAddress.getByAddress(a) : Inet6Address.getByAddress(null, a, -1);
            } catch (UnknownHostException e) {
                throw new IllegalStateException(e);
            }
        }

        /** Reads a possibly compressed name; pointers must point strictly backwards, so loops are impossible. */
        private String name(String field) throws Bad {
            StringBuilder sb = new StringBuilder();
            int p = pos;
            int limit = pos; // a pointer must target an offset before the label that holds it
            boolean jumped = false;
            int wireLength = 0;
            while (true) {
                if (p >= end) {
                    throw new Bad(field, "name runs past message end");
                }
                int len = b[p] & 0xFF;
                if ((len & 0xC0) == 0xC0) {
                    if (p + 1 >= end) {
                        throw new Bad(field, "compression pointer truncated");
                    }
                    int target = base + (((len & 0x3F) << 8) | (b[p + 1] & 0xFF));
                    if (target >= limit) {
                        throw new Bad(field, "compression pointer does not point backwards");
                    }
                    if (!jumped) {
                        pos = p + 2;
                        jumped = true;
                    }
                    limit = target;
                    p = target;
                    continue;
                }
                if ((len & 0xC0) != 0) {
                    throw new Bad(field, "reserved label type");
                }
                if (len == 0) {
                    if (!jumped) {
                        pos = p + 1;
                    }
                    return sb.toString();
                }
                if (p + 1 + len > end) {
                    throw new Bad(field, "label runs past message end");
                }
                wireLength += len + 1;
                if (wireLength + 1 > MAX_NAME) {
                    throw new Bad(field, "name longer than 255 bytes");
                }
                if (!sb.isEmpty()) {
                    sb.append('.');
                }
                for (int i = 0; i < len; i++) {
                    char c = (char) (b[p + 1 + i] & 0xFF);
                    if (c == '.') {
                        throw new Bad(field, "label contains a dot");
                    }
                    sb.append(c);
                }
                p += 1 + len;
                if (!jumped) {
                    limit = p;
                }
            }
        }

        private int u16(String field) throws Bad {
            if (pos + 2 > end) {
                throw new Bad(field, "truncated");
            }
            int v = ((b[pos] & 0xFF) << 8) | (b[pos + 1] & 0xFF);
            pos += 2;
            return v;
        }

        private long u32(String field) throws Bad {
            if (pos + 4 > end) {
                throw new Bad(field, "truncated");
            }
            long v = ((long) (b[pos] & 0xFF) << 24) | ((b[pos + 1] & 0xFF) << 16) | ((b[pos + 2] & 0xFF) << 8)
                    | (b[pos + 3] & 0xFF);
            pos += 4;
            return v;
        }
    }

    // ---------------------------------------------------------------- encode

    public static byte[] encode(DnsMessage m) {
        Writer w = new Writer();
        w.u16(m.id());
        w.u16(m.flags());
        w.u16(m.questions().size());
        w.u16(m.answers().size());
        w.u16(m.authorities().size());
        w.u16(m.additionals().size());
        for (DnsQuestion q : m.questions()) {
            w.name(q.name(), true);
            w.u16(q.type());
            w.u16(q.qclass());
        }
        for (List<DnsRecord> section : List.of(m.answers(), m.authorities(), m.additionals())) {
            for (DnsRecord r : section) {
                w.record(r);
            }
        }
        return w.out.toByteArray();
    }

    /**
     * Encodes {@code m}, and if it exceeds {@code maxSize} drops records (keeping the question and the OPT record)
     * until it fits, setting TC so the client retries over TCP.
     */
    public static byte[] encode(DnsMessage m, int maxSize) {
        byte[] full = encode(m);
        if (full.length <= maxSize) {
            return full;
        }
        List<DnsRecord> opt = m.edns().map(List::of).orElse(List.of());
        int flags = m.flags() | DnsMessage.FLAG_TC;
        byte[] best = encode(new DnsMessage(m.id(), flags, m.questions(), List.of(), List.of(), opt));
        for (int n = 1; n <= m.answers().size(); n++) {
            byte[] attempt = encode(new DnsMessage(m.id(), flags, m.questions(), m.answers().subList(0, n), List.of(),
                    opt));
            if (attempt.length > maxSize) {
                break;
            }
            best = attempt;
        }
        return best;
    }

    /** The name in presentation form is invalid for the wire (empty or over-long label, over-long name). */
    public static boolean isEncodable(String name) {
        if (name.isEmpty()) {
            return true;
        }
        String[] labels = DomainPattern.stripDot(name).split("\\.", -1);
        int total = 1;
        for (String l : labels) {
            if (l.isEmpty() || l.length() > 63) {
                return false;
            }
            total += l.length() + 1;
        }
        return total <= MAX_NAME;
    }

    private static final class Writer {
        final ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        final Map<String, Integer> suffixes = new HashMap<>();

        void u16(int v) {
            out.write(v >>> 8);
            out.write(v);
        }

        void u32(long v) {
            out.write((int) (v >>> 24));
            out.write((int) (v >>> 16));
            out.write((int) (v >>> 8));
            out.write((int) v);
        }

        void name(String name, boolean compress) {
            String n = DomainPattern.stripDot(name);
            if (!isEncodable(n)) {
                throw new IllegalArgumentException("not a valid DNS name: " + name);
            }
            while (!n.isEmpty()) {
                // Case-sensitive on purpose: a pointer to "a.example" for "A.example" would change the name's
                // case, and stub resolvers that randomize case (DNS 0x20) reject answers that do not echo it.
                String key = n;
                Integer at = compress ? suffixes.get(key) : null;
                if (at != null) {
                    u16(0xC000 | at);
                    return;
                }
                if (out.size() < 0x4000) {
                    suffixes.putIfAbsent(key, out.size());
                }
                int dot = n.indexOf('.');
                String label = dot < 0 ? n : n.substring(0, dot);
                byte[] lb = label.getBytes(StandardCharsets.ISO_8859_1);
                out.write(lb.length);
                out.write(lb, 0, lb.length);
                n = dot < 0 ? "" : n.substring(dot + 1);
            }
            out.write(0);
        }

        void record(DnsRecord r) {
            name(r.name(), true);
            u16(r.type());
            u16(r.rclass());
            u32(r.ttl());
            int lengthAt = out.size();
            u16(0);
            int start = out.size();
            switch (r.data()) {
                case RData.A a -> out.write(a.address().getAddress(), 0, 4);
                case RData.Aaaa a -> out.write(a.address().getAddress(), 0, 16);
                case RData.Cname c -> name(c.target(), true);
                case RData.Ns ns -> name(ns.host(), true);
                case RData.Ptr p -> name(p.target(), true);
                case RData.Mx mx -> {
                    u16(mx.preference());
                    name(mx.exchange(), true);
                }
                case RData.Srv s -> {
                    u16(s.priority());
                    u16(s.weight());
                    u16(s.port());
                    name(s.target(), false);
                }
                case RData.Soa s -> {
                    name(s.mname(), true);
                    name(s.rname(), true);
                    u32(s.serial());
                    u32(s.refresh());
                    u32(s.retry());
                    u32(s.expire());
                    u32(s.minimum());
                }
                case RData.Txt t -> {
                    for (String s : t.strings()) {
                        byte[] sb = s.getBytes(StandardCharsets.ISO_8859_1);
                        if (sb.length > 255) {
                            throw new IllegalArgumentException("TXT string longer than 255 bytes");
                        }
                        out.write(sb.length);
                        out.write(sb, 0, sb.length);
                    }
                }
                case RData.Opt o -> {
                    for (RData.EdnsOption opt : o.options()) {
                        byte[] d = opt.data();
                        u16(opt.code());
                        u16(d.length);
                        out.write(d, 0, d.length);
                    }
                }
                case RData.Unknown u -> {
                    byte[] d = u.data();
                    out.write(d, 0, d.length);
                }
            }
            int len = out.size() - start;
            byte[] sofar = out.toByteArray();
            sofar[lengthAt] = (byte) (len >>> 8);
            sofar[lengthAt + 1] = (byte) len;
            out.reset();
            out.write(sofar, 0, sofar.length);
        }
    }
}
