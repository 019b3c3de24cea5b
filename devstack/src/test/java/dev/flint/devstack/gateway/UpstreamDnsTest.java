package dev.flint.devstack.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flint.connlib.dns.DnsCodec;
import dev.flint.connlib.dns.DnsMessage;
import dev.flint.connlib.dns.DnsRecord;
import dev.flint.connlib.dns.RData;
import dev.flint.connlib.dns.Rcode;
import dev.flint.connlib.dns.RecordType;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Against a real UDP DNS server on loopback that knows one name. */
class UpstreamDnsTest {
    static final InetAddress V4 = InetAddress.ofLiteral("172.20.0.10");
    static final InetAddress V6 = InetAddress.ofLiteral("2001:db8::10");

    DatagramSocket server;
    final List<String> asked = new ArrayList<>();

    @BeforeEach
    void server() throws Exception {
        server = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        Thread.ofPlatform().daemon().start(() -> {
            byte[] buffer = new byte[1500];
            while (!server.isClosed()) {
                try {
                    DatagramPacket p = new DatagramPacket(buffer, buffer.length);
                    server.receive(p);
                    if (DnsCodec.decode(Arrays.copyOf(buffer, p.getLength())) instanceof DnsCodec.DecodeResult.Decoded(
                        DnsMessage q)) {
                        String name = q.questions().getFirst().name();
                        int type = q.questions().getFirst().type();
                        synchronized (asked) {
                            asked.add(name + "/" + type);
                        }
                        List<DnsRecord> answers = !name.equals("web.flint.test") ? List.of()
                            : type == RecordType.A ? List.of(DnsRecord.in(name, 60, new RData.A((Inet4Address) V4)))
                            : type == RecordType.AAAA ? List.of(DnsRecord.in(name, 60, new RData.Aaaa((Inet6Address) V6)))
                            : List.of();
                        byte[] answer = DnsCodec.encode(q.respond(answers.isEmpty() && !name.equals("web.flint.test")
                            ? Rcode.NXDOMAIN : Rcode.NOERROR, answers));
                        server.send(new DatagramPacket(answer, answer.length, p.getSocketAddress()));
                    }
                } catch (java.io.IOException e) {
                    return;
                }
            }
        });
    }

    @AfterEach
    void close() {
        server.close();
    }

    UpstreamDns dns() {
        return new UpstreamDns((InetSocketAddress) server.getLocalSocketAddress());
    }

    @Test
    void resolvesBothFamilies() {
        assertThat(dns().resolve("web.flint.test")).containsExactly(V4, V6);
        assertThat(asked).containsExactly("web.flint.test/" + RecordType.A, "web.flint.test/" + RecordType.AAAA);
    }

    @Test
    void anUnknownNameResolvesToNothing() {
        assertThat(dns().resolve("missing.flint.test")).isEmpty();
    }

    @Test
    void forwardsARawQueryAndReturnsTheAnswerWithItsId() {
        byte[] query = DnsCodec.encode(DnsMessage.query(0x1234, "web.flint.test", RecordType.A));
        byte[] answer = dns().forward(query).orElseThrow();
        DnsMessage m = ((DnsCodec.DecodeResult.Decoded) DnsCodec.decode(answer)).message();
        assertThat(m.id()).isEqualTo(0x1234);
        assertThat(m.answers()).extracting(DnsRecord::data).containsExactly(new RData.A((Inet4Address) V4));
    }

    @Test
    void aTooShortQueryIsNotSent() {
        assertThat(dns().forward(new byte[1])).isEmpty();
        assertThat(asked).isEmpty();
    }

    @Test
    void theNameserverComesFromResolvConf(@TempDir Path dir) throws Exception {
        Path conf = dir.resolve("resolv.conf");
        Files.writeString(conf, "# generated\nsearch flint.test\nnameserver not-an-ip\nnameserver 172.20.0.53\n"
            + "nameserver 10.0.0.1\n");
        assertThat(UpstreamDns.fromResolvConf(conf)).isEqualTo(InetAddress.ofLiteral("172.20.0.53"));
        Files.writeString(conf, "search flint.test\n");
        assertThatThrownBy(() -> UpstreamDns.fromResolvConf(conf)).isInstanceOf(UnknownHostException.class);
    }
}
