package dev.flint.connlib.tunnel;

import dev.flint.connlib.dns.DnsMessage;
import java.net.InetAddress;
import java.util.Optional;

/** Where a query to a sentinel came from, so the answer can go back the same way with the original id. */
sealed interface DnsQuerySource {
    InetAddress sentinel();

    DnsMessage query();

    DnsQuerySource withQuery(DnsMessage query);

    default Optional<DnsMessage> originalQuery() {
        return Optional.ofNullable(query());
    }

    /** The id to answer with: the client's own. */
    default int queryId(int fallback) {
        return query() == null ? fallback : query().id();
    }

    record Udp(InetAddress client, int clientPort, InetAddress sentinel, DnsMessage query) implements DnsQuerySource {
        @Override
        public DnsQuerySource withQuery(DnsMessage q) {
            return new Udp(client, clientPort, sentinel, q);
        }
    }

    record Tcp(SentinelTcpServer.ConnectionKey connection, DnsMessage query) implements DnsQuerySource {
        @Override
        public InetAddress sentinel() {
            return connection.sentinel();
        }

        @Override
        public DnsQuerySource withQuery(DnsMessage q) {
            return new Tcp(connection, q);
        }
    }
}
