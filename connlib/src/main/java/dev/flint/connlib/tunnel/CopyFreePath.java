package dev.flint.connlib.tunnel;

import dev.flint.connlib.peer.DatagramRoute;
import dev.flint.connlib.peer.PeerNode;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.UUID;

/**
 * The data path without copies, the same for a client and a gateway: a packet whose flow the policy layer decided
 * before is sealed or opened straight between the caller's buffers; anything else falls back to the session's slow
 * path. What differs between the two ends is only which flows their state knows ({@link Flows}).
 */
final class CopyFreePath {
    /** What a session's state decided about flows before, and its slow path for a packet it must look at. */
    interface Flows {
        /** The peer a TUN packet goes to unchanged, or null when it must take the slow path. Allocates nothing. */
        UUID peerOfFlow(ByteBuffer buffer, int at, int length);

        /** Whether a packet decrypted from {@code peer} goes to the TUN device unchanged. Allocates nothing. */
        boolean passesFlow(UUID peer, ByteBuffer buffer, int at, int length);

        /** The slow path for a decrypted packet the state must look at (a copy of it). */
        void handlePeerPacket(UUID peer, byte[] packet, Instant now);

        /** Moves whatever the layers produced to where it belongs. */
        void flush(Instant now);
    }

    private final PeerNode node;
    private final Flows flows;

    CopyFreePath(PeerNode node, Flows flows) {
        this.node = node;
        this.flows = flows;
    }

    /** See {@link TunnelSession#sealTunPacket}. */
    DatagramRoute seal(ByteBuffer packet, ByteBuffer out, Instant now) {
        UUID peer = flows.peerOfFlow(packet, packet.position(), packet.remaining());
        if (peer == null) {
            return null;
        }
        // Whatever WireGuard queued meanwhile (a rekey's handshake) waits in the node for pollTransmit.
        return node.seal(peer, packet, out, now);
    }

    /** See {@link TunnelSession#openDatagram}. */
    PeerNode.Opened open(InetSocketAddress local, InetSocketAddress from, ByteBuffer datagram, ByteBuffer out,
                         Instant now) {
        int start = out.position();
        PeerNode.Opened opened = node.open(local, from, datagram, out, now);
        if (opened != PeerNode.Opened.PACKET) {
            if (opened == PeerNode.Opened.CONSUMED) {
                flows.flush(now);
            }
            return opened;
        }
        UUID peer = node.lastOpened();
        if (flows.passesFlow(peer, out, start, out.position() - start)) {
            return opened;
        }
        byte[] copy = new byte[out.position() - start];
        out.get(start, copy);
        out.position(start);
        flows.handlePeerPacket(peer, copy, now);
        flows.flush(now);
        return PeerNode.Opened.CONSUMED;
    }
}
