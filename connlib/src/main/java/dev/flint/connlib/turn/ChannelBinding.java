package dev.flint.connlib.turn;

import java.net.InetSocketAddress;
import java.time.Instant;

/** One channel number bound (or being bound) to a peer on a relay. */
final class ChannelBinding {
    final int number;
    final InetSocketAddress peer;
    Instant boundAt;
    boolean confirmed;
    boolean dataReceivedSinceBind;
    boolean inFlight;

    ChannelBinding(int number, InetSocketAddress peer, Instant boundAt) {
        this.number = number;
        this.peer = peer;
        this.boundAt = boundAt;
    }
}
