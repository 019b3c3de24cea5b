package dev.flint.connlib.ice;

import java.net.InetSocketAddress;

/**
 * The pair ICE selected for sending. {@code local} is the candidate the peer sees us as (host,
 * server- or peer-reflexive, relayed); packets leave from {@code source}, the local base or relayed
 * address, towards {@code destination}.
 */
public record NominatedPair(Candidate local, Candidate remote, InetSocketAddress source,
                            InetSocketAddress destination) {
    public PathType pathType() {
        return PathType.of(local, remote);
    }
}
