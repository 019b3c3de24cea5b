package dev.flint.tunnel.service;

import dev.flint.connlib.dns.DnsCodec;
import dev.flint.connlib.dns.DnsMessage;
import dev.flint.connlib.dns.DnsRecord;
import dev.flint.connlib.dns.RData;
import dev.flint.ipc.ProbeResult;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The probes only the service can make, from its own network namespace and with unmarked sockets, so they take
 * the same way through the tunnel as an application's packets: a query to the DNS stub, and one TCP connection
 * to a resource. Each result is a sentence, never an exception.
 */
final class ServiceProbes {
    static final int TIMEOUT_MILLIS = 5000;

    private ServiceProbes() {}

    /** Asks the tunnel's DNS stub at {@code server} for {@code name}'s A record. */
    static ProbeResult stub(InetAddress server, String name) {
        String target = name + " A @" + server.getHostAddress();
        int id = ThreadLocalRandom.current().nextInt(1, 0xFFFF);
        byte[] query = DnsCodec.encode(DnsMessage.query(id, name, 1));
        long start = System.nanoTime();
        try (DatagramSocket socket = new DatagramSocket()) {
            socket.setSoTimeout(TIMEOUT_MILLIS);
            socket.send(new DatagramPacket(query, query.length, new InetSocketAddress(server, 53)));
            DatagramPacket in = new DatagramPacket(new byte[4096], 4096);
            do {
                socket.receive(in);
            } while (!in.getAddress().equals(server));
            long micros = (System.nanoTime() - start) / 1000;
            byte[] answer = java.util.Arrays.copyOf(in.getData(), in.getLength());
            if (!(DnsCodec.decode(answer) instanceof DnsCodec.DecodeResult.Decoded(DnsMessage m))) {
                return new ProbeResult(target, false, micros, "the stub's answer could not be read");
            }
            List<String> addresses = m.answers().stream().map(DnsRecord::data).filter(d -> d instanceof RData.A)
                    .map(d -> ((RData.A) d).address().getHostAddress()).toList();
            if (m.rcode() != 0 || addresses.isEmpty()) {
                return new ProbeResult(target, m.rcode() == 3, micros, m.rcode() == 3 ? "the stub answered: no such name"
                        : "the stub answered with rcode " + m.rcode() + " and no address");
            }
            return new ProbeResult(target, true, micros, String.join(", ", addresses));
        } catch (SocketTimeoutException e) {
            return new ProbeResult(target, false, null, "the stub did not answer within " + TIMEOUT_MILLIS / 1000 + " s");
        } catch (IOException | RuntimeException e) {
            return new ProbeResult(target, false, null, "the query could not be sent: " + e.getMessage());
        }
    }

    /**
     * Opens one TCP connection to the resource through the tunnel. A refusal still proves the path: the gateway
     * forwarded the SYN and the resource's host answered it.
     */
    static ProbeResult resource(ProbeTarget t) {
        String target = "tcp://" + t.host() + ":" + t.port();
        long start = System.nanoTime();
        try (Socket s = new Socket()) {
            InetAddress address = InetAddress.getByName(t.host());
            s.connect(new InetSocketAddress(address, t.port()), TIMEOUT_MILLIS);
            long micros = (System.nanoTime() - start) / 1000;
            return new ProbeResult(target, true, micros, "connected to " + address.getHostAddress() + ":" + t.port()
                    + " through the tunnel");
        } catch (ConnectException e) {
            long micros = (System.nanoTime() - start) / 1000;
            return new ProbeResult(target, true, micros, "the resource refused port " + t.port()
                    + ", so the tunnel reached it (nothing listens on that port)");
        } catch (SocketTimeoutException e) {
            return new ProbeResult(target, false, null, "no answer within " + TIMEOUT_MILLIS / 1000 + " s");
        } catch (IOException | RuntimeException e) {
            return new ProbeResult(target, false, null, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        }
    }
}
