package dev.flint.connlib.tunnel;

import dev.flint.connlib.ice.Transmit;
import dev.flint.connlib.peer.DatagramRoute;
import dev.flint.connlib.peer.PeerNode;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Instant;

/**
 * What an event loop drives, sans-IO: datagrams and TUN packets in, datagrams and TUN packets out, and timers, with a
 * copy-free way for the packets of flows it already knows. A client ({@link ClientSession}) and a gateway
 * ({@link GatewaySession}) are both one; everything else they do (the portal, events) their shells take directly.
 */
public interface TunnelSession {
    /** A datagram that arrived on {@code local} (the local address it was sent to) from {@code from}. */
    void handleNetworkInput(InetSocketAddress local, InetSocketAddress from, byte[] data, int offset, int length,
                            Instant now);

    /** An IP packet read from the TUN device; the session may keep the array. */
    void handleTunInput(byte[] packet, Instant now);

    void handleTimeout(Instant now);

    /** The next datagram to send, or null. */
    Transmit pollTransmit();

    /** The next packet for the TUN device, or null. */
    byte[] pollTunPacket();

    /** When {@link #handleTimeout} must run next, or null if nothing is scheduled. */
    Instant pollTimeout();

    /**
     * Encrypts the TUN packet in {@code packet} straight into {@code out} when its flow is known and its connection
     * is up, and says where the datagram goes; null (both buffers untouched) sends it the {@link #handleTunInput} way.
     */
    DatagramRoute sealTunPacket(ByteBuffer packet, ByteBuffer out, Instant now);

    /**
     * Decrypts WireGuard data of a known flow straight into {@code out}: {@code PACKET} means {@code out} holds a
     * packet for the TUN device; {@code NOT_DATA} leaves the datagram untouched for {@link #handleNetworkInput};
     * {@code CONSUMED} means the session took it (its outputs are polled as usual).
     */
    PeerNode.Opened openDatagram(InetSocketAddress local, InetSocketAddress from, ByteBuffer datagram, ByteBuffer out,
                                 Instant now);
}
