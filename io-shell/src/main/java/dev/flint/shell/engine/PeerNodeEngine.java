package dev.flint.shell.engine;

import dev.flint.connlib.ice.Transmit;
import dev.flint.connlib.peer.DecryptedPacket;
import dev.flint.connlib.peer.PeerEvent;
import dev.flint.connlib.peer.DatagramRoute;
import dev.flint.connlib.peer.PeerNode;
import dev.flint.connlib.tunnel.TunnelSession;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * The connection layer alone on an {@link EventLoop}: a {@link PeerNode} without a policy layer or a TUN device, for
 * probes that craft the IP packets they send through a tunnel and look at the ones that come back (the devstack's
 * gateway tests, the NAT matrix). Decrypted packets and events are handed out on the loop's thread.
 */
public final class PeerNodeEngine implements TunnelSession, EventLoop.Shell {
    private final PeerNode node;
    private final Consumer<PeerEvent> events;
    private final Consumer<DecryptedPacket> packets;
    private final java.util.ArrayDeque<Transmit> sends = new java.util.ArrayDeque<>();

    public PeerNodeEngine(PeerNode node, Consumer<PeerEvent> events, Consumer<DecryptedPacket> packets) {
        this.node = node;
        this.events = events;
        this.packets = packets;
    }

    /** The node, for calls made on the loop's thread ({@link EventLoop#submit}). */
    public PeerNode node() {
        return node;
    }

    @Override
    public void handleNetworkInput(InetSocketAddress local, InetSocketAddress from, byte[] data, int offset, int length,
                                   Instant now) {
        node.handleNetworkInput(local, from, data, offset, length, now);
    }

    /** Encrypts an IP packet for {@code connection} and queues it; false while not connected. Loop thread only. */
    public boolean send(java.util.UUID connection, byte[] packet, Instant now) {
        return node.encapsulate(connection, packet, now).map(sends::add).orElse(false);
    }

    /** There is no TUN device: packets to send are handed in with {@link PeerNode#encapsulate} instead. */
    @Override
    public void handleTunInput(byte[] packet, Instant now) {
    }

    @Override
    public void handleTimeout(Instant now) {
        node.handleTimeout(now);
    }

    @Override
    public Transmit pollTransmit() {
        Transmit t = node.pollTransmit().orElse(null);
        return t != null ? t : sends.poll();
    }

    @Override
    public byte[] pollTunPacket() {
        return null;
    }

    @Override
    public Instant pollTimeout() {
        return node.pollTimeout().orElse(null);
    }

    /** Every datagram takes the copying way: a probe's packets are few. */
    @Override
    public DatagramRoute sealTunPacket(java.nio.ByteBuffer packet, java.nio.ByteBuffer out, Instant now) {
        return null;
    }

    @Override
    public PeerNode.Opened openDatagram(InetSocketAddress local, InetSocketAddress from, java.nio.ByteBuffer datagram,
                                        java.nio.ByteBuffer out, Instant now) {
        return PeerNode.Opened.NOT_DATA;
    }

    @Override
    public void afterStep(Instant now) {
        for (var p = node.pollPacket(); p.isPresent(); p = node.pollPacket()) {
            packets.accept(p.get());
        }
        for (var e = node.pollEvent(); e.isPresent(); e = node.pollEvent()) {
            events.accept(e.get());
        }
    }
}
