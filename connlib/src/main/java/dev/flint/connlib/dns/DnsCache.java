package dev.flint.connlib.dns;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Answers of upstream resolvers kept for their TTL (Firezone 1.5.8 caches upstream DNS responses), sans-IO:
 * the time is an argument. A positive answer lives for the smallest TTL of its answer records; a negative one
 * (NXDOMAIN, or NOERROR without answers) for the SOA's negative TTL, min(SOA TTL, SOA minimum) (RFC 2308);
 * truncated, failed or TTL-0 answers are not kept. A hit is the stored answer with the asker's id and question
 * (so a randomized letter case is echoed) and every TTL lowered by the seconds it has been cached.
 */
public final class DnsCache {

    /** Entries kept at most; the least recently used one goes first. */
    public static final int MAX_ENTRIES = 4096;

    private record Key(String name, int type, int qclass) {
    }

    private record Cached(DnsMessage response, Instant storedAt, Instant expiresAt) {
    }

    private final LinkedHashMap<Key, Cached> entries = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, Cached> eldest) {
            return size() > MAX_ENTRIES;
        }
    };

    /** The cached answer to {@code query}, or empty. */
    public Optional<DnsMessage> lookup(DnsMessage query, Instant now) {
        Optional<Key> key = keyOf(query);
        if (key.isEmpty()) {
            return Optional.empty();
        }
        Cached e = entries.get(key.get());
        if (e == null) {
            return Optional.empty();
        }
        if (!now.isBefore(e.expiresAt())) {
            entries.remove(key.get());
            return Optional.empty();
        }
        long age = Duration.between(e.storedAt(), now).toSeconds();
        DnsMessage r = e.response();
        return Optional.of(new DnsMessage(query.id(), r.flags(), query.questions(), aged(r.answers(), age),
            aged(r.authorities(), age), r.additionals()));
    }

    /** Keeps {@code response} to {@code query} if it may be cached. */
    public void store(DnsMessage query, DnsMessage response, Instant now) {
        Optional<Key> key = keyOf(query);
        if (key.isEmpty() || !response.isResponse() || response.truncated() || !keyOf(response).equals(key)) {
            return;
        }
        long ttl = ttlOf(response);
        if (ttl <= 0) {
            return;
        }
        entries.put(key.get(), new Cached(response, now, now.plusSeconds(ttl)));
    }

    public int size() {
        return entries.size();
    }

    /** Seconds an answer may be kept; 0 when it must not be. */
    static long ttlOf(DnsMessage response) {
        int rcode = response.rcode();
        List<DnsRecord> answers = response.answers().stream().filter(r -> r.type() != RecordType.OPT).toList();
        if (rcode == Rcode.NOERROR && !answers.isEmpty()) {
            return answers.stream().mapToLong(DnsRecord::ttl).min().orElse(0);
        }
        if (rcode == Rcode.NXDOMAIN || rcode == Rcode.NOERROR) {
            return response.authorities().stream()
                .filter(r -> r.data() instanceof RData.Soa)
                .mapToLong(r -> Math.min(r.ttl(), ((RData.Soa) r.data()).minimum()))
                .min().orElse(0);
        }
        return 0;
    }

    private static Optional<Key> keyOf(DnsMessage m) {
        if (m.questions().size() != 1 || m.opcode() != 0) {
            return Optional.empty();
        }
        DnsQuestion q = m.questions().getFirst();
        return Optional.of(new Key(q.name().toLowerCase(Locale.ROOT), q.type(), q.qclass()));
    }

    private static List<DnsRecord> aged(List<DnsRecord> records, long age) {
        List<DnsRecord> out = new ArrayList<>(records.size());
        for (DnsRecord r : records) {
            out.add(r.type() == RecordType.OPT ? r
                : new DnsRecord(r.name(), r.type(), r.rclass(), Math.max(0, r.ttl() - age), r.data()));
        }
        return out;
    }
}
