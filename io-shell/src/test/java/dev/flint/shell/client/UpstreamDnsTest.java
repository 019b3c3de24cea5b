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
}
