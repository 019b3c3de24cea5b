package dev.flint.netns;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Arrays;

/**
 * One UDP request to a real server and its answer, the way a DNS resolver asks: the request is sent again each
 * second without an answer, because UDP may lose it (on a busy machine, or while a tunnel reconnects). The socket
 * is opened on the calling thread, so call it inside {@link NetworkNamespace#call} to ask from a namespace.
 */
public final class UdpExchange {

    private static final int RESEND_MILLIS = 1000;

    private UdpExchange() {
    }

    /** The first datagram that comes back from {@code server} for {@code request}, within {@code limit}. */
    public static byte[] ask(InetSocketAddress server, byte[] request, Duration limit) throws IOException {
        long deadline = System.nanoTime() + limit.toNanos();
        try (DatagramSocket socket = new DatagramSocket()) {
            socket.setSoTimeout(RESEND_MILLIS);
            byte[] buffer = new byte[65535];
            while (true) {
                socket.send(new DatagramPacket(request, request.length, server));
                DatagramPacket reply = new DatagramPacket(buffer, buffer.length);
                try {
                    socket.receive(reply);
                    return Arrays.copyOf(buffer, reply.getLength());
                } catch (SocketTimeoutException e) {
                    if (System.nanoTime() - deadline > 0) {
                        throw new SocketTimeoutException("no answer from " + server + " within " + limit.toSeconds()
                            + " s, asked every " + RESEND_MILLIS + " ms");
                    }
                }
            }
        }
    }
}
