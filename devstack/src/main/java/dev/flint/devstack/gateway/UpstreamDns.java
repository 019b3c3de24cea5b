package dev.flint.devstack.gateway;

import dev.flint.connlib.dns.DnsCodec;
import dev.flint.connlib.dns.DnsMessage;
import dev.flint.connlib.dns.DnsRecord;
import dev.flint.connlib.dns.RData;
import dev.flint.connlib.dns.RecordType;
import dev.flint.connlib.tunnel.GatewayResolver;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Name resolution on the gateway's network through one DNS server over UDP: the resolver of the gateway's
 * namespace ({@code resolv.conf}) unless one is given. DNS-resource names are resolved here (A and AAAA), and the
 * in-tunnel DNS server on port 53535 forwards clients' raw queries here.
 */
public final class UpstreamDns implements GatewayResolver {
    static final int DNS_PORT = 53;
    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    private static final int ATTEMPTS = 2;

    private final InetSocketAddress server;

    public UpstreamDns(InetSocketAddress server) {
        this.server = server;
    }

    public InetSocketAddress server() {
        return server;
    }

    /** The first {@code nameserver} of a resolv.conf file. */
    public static InetAddress fromResolvConf(Path file) throws IOException {
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            String[] words = line.strip().split("\\s+");
            if (words.length >= 2 && words[0].equals("nameserver")) {
                try {
                    return InetAddress.ofLiteral(words[1].replaceFirst("%.*$", ""));
                } catch (IllegalArgumentException notAnAddress) {
                    // a malformed line: look further
                }
            }
        }
        throw new UnknownHostException("no nameserver in " + file);
    }

    @Override
    public List<InetAddress> resolve(String domain) {
        List<InetAddress> out = new ArrayList<>();
        for (int type : new int[] {RecordType.A, RecordType.AAAA}) {
            DnsMessage query = DnsMessage.query(ThreadLocalRandom.current().nextInt(0x10000), domain, type);
            Optional<byte[]> answer = exchange(DnsCodec.encode(query));
            if (answer.isPresent()
                && DnsCodec.decode(answer.get()) instanceof DnsCodec.DecodeResult.Decoded(DnsMessage response)) {
                for (DnsRecord r : response.answers()) {
                    switch (r.data()) {
                        case RData.A a -> out.add(a.address());
                        case RData.Aaaa a -> out.add(a.address());
                        default -> { }
                    }
                }
            }
        }
        return out;
    }

    @Override
    public Optional<byte[]> forward(byte[] query) {
        return exchange(query);
    }

    /** One query, one answer with the same id; retried once; empty when the server stays silent. */
    private Optional<byte[]> exchange(byte[] query) {
        if (query.length < 2) {
            return Optional.empty();
        }
        int id = ((query[0] & 0xff) << 8) | (query[1] & 0xff);
        try (DatagramSocket socket = new DatagramSocket()) {
            socket.connect(server);
            socket.setSoTimeout((int) TIMEOUT.toMillis());
            byte[] buffer = new byte[65535];
            for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
                socket.send(new DatagramPacket(query, query.length));
                try {
                    while (true) {
                        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                        socket.receive(packet);
                        if (packet.getLength() >= 2 && (((buffer[0] & 0xff) << 8) | (buffer[1] & 0xff)) == id) {
                            return Optional.of(Arrays.copyOf(buffer, packet.getLength()));
                        }
                    }
                } catch (SocketTimeoutException silent) {
                    // ask again
                }
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }
}
