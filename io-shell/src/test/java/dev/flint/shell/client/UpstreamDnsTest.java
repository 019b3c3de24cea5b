package dev.flint.shell.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flint.connlib.tunnel.DnsTransport;
import dev.flint.connlib.tunnel.UpstreamResult;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Recursion to a plain-DNS upstream on loopback, over UDP and over TCP with its length prefix. */
class UpstreamDnsTest {
    static final byte[] QUERY = {0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1};

    static byte[] answerTo(byte[] query) {
        byte[] answer = Arrays.copyOf(query, query.length);
        answer[2] |= (byte) 0x80;
        return answer;
    }

    @Test
    void udpSkipsAnAnswerWithAnotherIdAndReturnsTheMatchingOne() throws Exception {
        try (DatagramSocket server = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             UpstreamDns dns = new UpstreamDns(0)) {
            Thread.ofPlatform().daemon().start(() -> {
                try {
                    byte[] buffer = new byte[512];
                    DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                    server.receive(packet);
                    byte[] answer = answerTo(Arrays.copyOf(buffer, packet.getLength()));
                    byte[] stale = answer.clone();
                    stale[1] ^= 1;
                    server.send(new DatagramPacket(stale, stale.length, packet.getSocketAddress()));
                    server.send(new DatagramPacket(answer, answer.length, packet.getSocketAddress()));
                } catch (java.io.IOException ignored) {
                    // the test fails on its own
                }
            });
            UpstreamResult result = dns.do53((InetSocketAddress) server.getLocalSocketAddress(), DnsTransport.UDP, QUERY);
            assertThat(result).isInstanceOfSatisfying(UpstreamResult.Response.class,
                r -> assertThat(r.message()).isEqualTo(answerTo(QUERY)));
        }
    }

    @Test
    void tcpFramesTheQueryAndReadsTheFramedAnswer() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             UpstreamDns dns = new UpstreamDns(0)) {
            Thread.ofPlatform().daemon().start(() -> {
                try (Socket s = server.accept()) {
                    DataInputStream in = new DataInputStream(s.getInputStream());
                    byte[] query = new byte[in.readUnsignedShort()];
                    in.readFully(query);
                    DataOutputStream out = new DataOutputStream(s.getOutputStream());
                    byte[] answer = answerTo(query);
                    out.writeShort(answer.length);
                    out.write(answer);
                } catch (java.io.IOException ignored) {
                    // the test fails on its own
                }
            });
            UpstreamResult result = dns.do53((InetSocketAddress) server.getLocalSocketAddress(), DnsTransport.TCP, QUERY);
            assertThat(result).isInstanceOfSatisfying(UpstreamResult.Response.class,
                r -> assertThat(r.message()).isEqualTo(answerTo(QUERY)));
        }
    }

    @Test
    void aRefusedTcpConnectionIsAFailureNamingTheServer() throws Exception {
        InetSocketAddress closed;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = (InetSocketAddress) probe.getLocalSocketAddress();
        }
        try (UpstreamDns dns = new UpstreamDns(0)) {
            assertThat(dns.do53(closed, DnsTransport.TCP, QUERY)).isInstanceOfSatisfying(UpstreamResult.Failed.class,
                f -> assertThat(f.reason()).startsWith("127.0.0.1: "));
        }
    }

    /** A truncated UDP answer is asked again over TCP to the same server (RFC 7766; Firezone's client does). */
    @Test
    void aTruncatedUdpAnswerIsRetriedOverTcp() throws Exception {
        try (ServerSocket tcp = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             DatagramSocket udp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(),
                 tcp.getLocalPort()));
             UpstreamDns dns = new UpstreamDns(0)) {
            Thread.ofPlatform().daemon().start(() -> {
                try {
                    byte[] buffer = new byte[512];
                    DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                    udp.receive(packet);
                    byte[] truncated = answerTo(Arrays.copyOf(buffer, packet.getLength()));
                    truncated[2] |= 0x02; // TC
                    udp.send(new DatagramPacket(truncated, truncated.length, packet.getSocketAddress()));
                } catch (java.io.IOException ignored) {
                    // the test fails on its own
                }
            });
            Thread.ofPlatform().daemon().start(() -> {
                try (Socket s = tcp.accept()) {
                    DataInputStream in = new DataInputStream(s.getInputStream());
                    byte[] query = new byte[in.readUnsignedShort()];
                    in.readFully(query);
                    DataOutputStream out = new DataOutputStream(s.getOutputStream());
                    byte[] answer = answerTo(query);
                    answer[3] = 0x07; // marks the TCP answer
                    out.writeShort(answer.length);
                    out.write(answer);
                } catch (java.io.IOException ignored) {
                    // the test fails on its own
                }
            });
            UpstreamResult result = dns.do53((InetSocketAddress) tcp.getLocalSocketAddress(), DnsTransport.UDP, QUERY);
            assertThat(result).isInstanceOfSatisfying(UpstreamResult.Response.class,
                r -> assertThat(r.message()[3]).isEqualTo((byte) 0x07));
        }
    }

    /** Firezone 1.5.8: a repeated query within the TTL is answered from the cache, without asking the server. */
    @Test
    void firezoneAnswersARepeatedQueryFromTheCacheUntilItsTtlEnds() throws Exception {
        var now = new java.util.concurrent.atomic.AtomicReference<>(java.time.Instant.parse("2026-01-01T00:00:00Z"));
        java.time.Clock clock = new java.time.Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return java.time.ZoneOffset.UTC;
            }

            @Override
            public java.time.Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public java.time.Instant instant() {
                return now.get();
            }
        };
        var asked = new java.util.concurrent.atomic.AtomicInteger();
        try (DatagramSocket server = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             UpstreamDns dns = new UpstreamDns(0, clock, server.getLocalPort())) {
            Thread.ofPlatform().daemon().start(() -> {
                try {
                    while (true) {
                        byte[] buffer = new byte[512];
                        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                        server.receive(packet);
                        asked.incrementAndGet();
                        var q = ((dev.flint.connlib.dns.DnsCodec.DecodeResult.Decoded) dev.flint.connlib.dns.DnsCodec
                            .decode(Arrays.copyOf(buffer, packet.getLength()))).message();
                        byte[] a = dev.flint.connlib.dns.DnsCodec.encode(q.respond(0, java.util.List.of(
                            dev.flint.connlib.dns.DnsRecord.in("example.com", 30, new dev.flint.connlib.dns.RData.A(
                                (java.net.Inet4Address) InetAddress.getByName("192.0.2.7"))))));
                        server.send(new DatagramPacket(a, a.length, packet.getSocketAddress()));
                    }
                } catch (java.io.IOException ignored) {
                    // closed
                }
            });
            var upstream = new dev.flint.connlib.dns.Upstream.Do53(InetAddress.getLoopbackAddress(), true);
            java.util.function.IntFunction<byte[]> ask = id -> {
                byte[] q = dev.flint.connlib.dns.DnsCodec.encode(
                    dev.flint.connlib.dns.DnsMessage.query(id, "example.com", dev.flint.connlib.dns.RecordType.A));
                var result = new java.util.concurrent.CompletableFuture<UpstreamResult>();
                dns.resolve(new dev.flint.connlib.tunnel.ClientEvent.UpstreamDnsQuery(id, upstream, DnsTransport.UDP, q),
                    result::complete);
                return ((UpstreamResult.Response) result.join()).message();
            };
            ask.apply(1);
            now.set(now.get().plusSeconds(10));
            byte[] cached = ask.apply(2);
            var m = ((dev.flint.connlib.dns.DnsCodec.DecodeResult.Decoded) dev.flint.connlib.dns.DnsCodec.decode(cached))
                .message();
            assertThat(m.id()).isEqualTo(2);
            assertThat(m.answers().getFirst().ttl()).isEqualTo(20);
            assertThat(asked.get()).isEqualTo(1);
            now.set(now.get().plusSeconds(20));
            ask.apply(3);
            assertThat(asked.get()).isEqualTo(2);
        }
    }
}
