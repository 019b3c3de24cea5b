package dev.flint.devstack.dns;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flint.connlib.dns.DnsCodec;
import dev.flint.connlib.dns.DnsMessage;
import dev.flint.connlib.dns.DnsRecord;
import dev.flint.connlib.dns.RData;
import dev.flint.connlib.dns.RecordType;
import dev.flint.devstack.tls.TestCa;
import dev.flint.shell.dns.DohClient;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** DNS over HTTPS end to end on loopback: Flint's DoH client against the devstack's DoH server. */
class DohEndToEndTest {

    @TempDir
    Path dir;

    static SslContext trusting(TestCa ca) throws Exception {
        return SslContextBuilder.forClient().trustManager(ca.certificate())
            .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, ApplicationProtocolNames.HTTP_2))
            .build();
    }

    /** RFC 8484 over HTTP/2, one connection reused for every query (Firezone's DoH client keeps one per server). */
    @Test
    void queriesGoOverOneReusedHttp2ConnectionAndKeepTheirIds() throws Exception {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        TestCa ca = TestCa.create("test CA");
        TestCa.Files cert = ca.server("doh", List.of(loopback), List.of()).written(dir, "doh");
        try (DatagramSocket dns = new DatagramSocket(new InetSocketAddress(loopback, 0));
             DohServer server = DohServer.start(new InetSocketAddress(loopback, 0), cert.certificate(), cert.key(),
                 (InetSocketAddress) dns.getLocalSocketAddress());
             DohClient client = new DohClient(0, trusting(ca), host -> List.of(), Duration.ofSeconds(5))) {
            Thread.ofPlatform().daemon().start(() -> answer(dns));
            URI url = URI.create("https://127.0.0.1:" + server.address().getPort() + "/dns-query");
            for (int id : new int[] {0x1234, 0x4321, 0x0101}) {
                byte[] q = DnsCodec.encode(DnsMessage.query(id, "web.flint.test", RecordType.A));
                byte[] a = client.query(url, q).join();
                DnsMessage m = ((DnsCodec.DecodeResult.Decoded) DnsCodec.decode(a)).message();
                assertThat(m.id()).isEqualTo(id);
                assertThat(m.answers()).extracting(DnsRecord::data)
                    .containsExactly(new RData.A((Inet4Address) InetAddress.getByName("10.77.0.80")));
            }
            assertThat(server.queries()).isEqualTo(3);
            assertThat(server.connections()).isEqualTo(1);
            assertThat(client.connectionsOpened()).isEqualTo(1);
        }
    }

    @Test
    void aServerWithAnUntrustedCertificateIsAFailureNamingTheServer() throws Exception {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        TestCa ca = TestCa.create("test CA");
        TestCa other = TestCa.create("other CA");
        TestCa.Files cert = other.server("doh", List.of(loopback), List.of()).written(dir, "doh");
        try (DohServer server = DohServer.start(new InetSocketAddress(loopback, 0), cert.certificate(), cert.key(),
                 new InetSocketAddress(loopback, 9));
             DohClient client = new DohClient(0, trusting(ca), host -> List.of(), Duration.ofSeconds(5))) {
            URI url = URI.create("https://127.0.0.1:" + server.address().getPort() + "/dns-query");
            byte[] q = DnsCodec.encode(DnsMessage.query(7, "web.flint.test", RecordType.A));
            assertThat(client.query(url, q)).failsWithin(Duration.ofSeconds(10))
                .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .havingCause().isInstanceOf(IOException.class).withMessageContaining("DoH server 127.0.0.1")
                .withMessageContaining("TLS");
        }
    }

    private static void answer(DatagramSocket dns) {
        try {
            while (true) {
                byte[] buffer = new byte[512];
                DatagramPacket p = new DatagramPacket(buffer, buffer.length);
                dns.receive(p);
                DnsMessage q = ((DnsCodec.DecodeResult.Decoded) DnsCodec.decode(Arrays.copyOf(buffer, p.getLength())))
                    .message();
                byte[] a = DnsCodec.encode(q.respond(0, List.of(DnsRecord.in("web.flint.test", 60,
                    new RData.A((Inet4Address) InetAddress.getByName("10.77.0.80"))))));
                dns.send(new DatagramPacket(a, a.length, p.getSocketAddress()));
            }
        } catch (IOException closed) {
            // the test is over
        }
    }

    @SuppressWarnings("unused")
    private static Throwable cause(Throwable t) {
        return t instanceof CompletionException c ? c.getCause() : t;
    }
}
