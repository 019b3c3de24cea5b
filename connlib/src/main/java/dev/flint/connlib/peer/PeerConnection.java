package dev.flint.connlib.peer;

import dev.flint.connlib.ice.IceAgent;
import dev.flint.connlib.ice.IceCredentials;
import dev.flint.connlib.ice.IceRole;
import dev.flint.connlib.ice.NominatedPair;
import dev.flint.connlib.wireguard.WireGuardKey;
import dev.flint.connlib.wireguard.WireGuardPeer;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.UUID;

/** State of one peer inside a {@link PeerNode}: its ICE agent, WireGuard peer and chosen relay. */
final class PeerConnection {
    final UUID id;
    final WireGuardKey remoteKey;
    final WireGuardKey presharedKey;
    final IceCredentials localCredentials;
    final IceCredentials remoteCredentials;
    final IceRole role;
    final IceAgent agent;
    final WireGuardPeer wgPeer;
    final Instant createdAt;
    UUID relay;
    NominatedPair path;
    /** How datagrams leave on {@link #path}; null until worked out (again) after the path or its relay changed. */
    DatagramRoute route;
    /** The relay {@link #route} goes through, or null for a direct route. */
    UUID routeRelay;
    /** The local address of {@link #path} was withdrawn (its relay is gone): like no path until ICE nominates again. */
    boolean pathLost;
    boolean handshakeCompleted;
    boolean established;
    boolean remoteCandidateSeen;
    Instant disconnectedSince;
    Instant lastHandshakeInitiated;
    Instant lastPacketAt;
    boolean idle;
    String failure;
    /** WireGuard output produced before ICE nominated a path (Firezone keeps up to 128). */
    final ArrayDeque<byte[]> pendingWireGuard = new ArrayDeque<>();

    PeerConnection(UUID id, WireGuardKey remoteKey, WireGuardKey presharedKey, IceCredentials localCredentials,
                   IceCredentials remoteCredentials, IceRole role, IceAgent agent, WireGuardPeer wgPeer, Instant now) {
        this.id = id;
        this.remoteKey = remoteKey;
        this.presharedKey = presharedKey;
        this.localCredentials = localCredentials;
        this.remoteCredentials = remoteCredentials;
        this.role = role;
        this.agent = agent;
        this.wgPeer = wgPeer;
        this.createdAt = now;
        this.lastPacketAt = now;
    }

    boolean sameAs(WireGuardKey key, WireGuardKey psk, IceCredentials local, IceCredentials remote, IceRole r) {
        return remoteKey.equals(key) && java.util.Objects.equals(presharedKey, psk) && localCredentials.equals(local)
                && remoteCredentials.equals(remote) && role == r;
    }
}
