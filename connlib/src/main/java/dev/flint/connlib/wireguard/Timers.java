package dev.flint.connlib.wireguard;

import java.time.Instant;
import java.util.function.LongSupplier;

/**
 * The per-peer timers of the WireGuard paper (section 6), as wireguard-go's {@code timers.go} keeps them: when each
 * is due ({@link #nextDeadline}), what fires at a given instant ({@link #run}), and the bookkeeping that arms and
 * disarms them (wireguard-go's {@code timers*} hooks: packets sent and received, handshakes initiated, completed or
 * given up). Deadlines are nanoseconds on the node's clock; the actions themselves (a handshake
 * initiation, a keepalive, giving up, zeroing keys) belong to the {@link WireGuardNode}, which owns the keys.
 */
final class Timers {
    /** What a due timer makes the node do to a peer; called with the node's lock held. */
    interface Actions {
        void expireKeys(WireGuardPeer peer, Instant now);

        void giveUp(WireGuardPeer peer, Instant now);

        void sendInitiation(WireGuardPeer peer, long nowNanos, boolean retry);

        void sendKeepalive(WireGuardPeer peer, long nowNanos);
    }

    private final long keepaliveNanos;
    private final long rekeyTimeoutNanos;
    private final long attemptNanos;
    private final LongSupplier jitter;

    Timers(long keepaliveNanos, long rekeyTimeoutNanos, long attemptNanos, LongSupplier jitter) {
        this.keepaliveNanos = keepaliveNanos;
        this.rekeyTimeoutNanos = rekeyTimeoutNanos;
        this.attemptNanos = attemptNanos;
        this.jitter = jitter;
    }

    /** The earliest instant any timer of {@code peer} is due, or {@code Long.MAX_VALUE}. */
    long nextDeadline(WireGuardPeer peer) {
        long d = Long.MAX_VALUE;
        long requested = peer.handshakeRequestedNanos;
        if (requested != 0) {
            d = Math.min(d, requested);
        }
        if (peer.handshakeAttemptStartNanos != 0) {
            d = Math.min(d, peer.retransmitAtNanos);
        }
        long sentSince = peer.unansweredDataSentSinceNanos;
        if (sentSince != 0) {
            d = Math.min(d, sentSince + keepaliveNanos + rekeyTimeoutNanos + peer.newHandshakeJitterNanos);
        }
        long keepaliveSince = peer.keepalivePendingSinceNanos;
        if (keepaliveSince != 0) {
            d = Math.min(d, keepaliveSince + keepaliveNanos);
        }
        long persistent = peer.persistentKeepaliveNanos();
        if (persistent != 0) {
            d = Math.min(d, lastTraversal(peer) + persistent);
        }
        if (peer.sessionDerivedNanos != 0) {
            d = Math.min(d, peer.sessionDerivedNanos + 3 * WireGuardNode.REJECT_AFTER_TIME_NANOS);
        }
        return d;
    }

    /** Fires every timer of {@code peer} that is due at {@code t} (nanoseconds of {@code now}). */
    void run(WireGuardPeer peer, Instant now, long t, Actions actions) {
        // Zero all keys REJECT_AFTER_TIME * 3 after the last session was derived.
        if (peer.sessionDerivedNanos != 0 && t >= peer.sessionDerivedNanos + 3 * WireGuardNode.REJECT_AFTER_TIME_NANOS) {
            actions.expireKeys(peer, now);
        }
        // Retransmit an unanswered initiation, or give up after REKEY_ATTEMPT_TIME.
        if (peer.handshakeAttemptStartNanos != 0 && t >= peer.retransmitAtNanos) {
            if (t - peer.handshakeAttemptStartNanos >= attemptNanos) {
                actions.giveUp(peer, now);
            } else {
                actions.sendInitiation(peer, t, true);
            }
        }
        // A handshake the data path asked for.
        long requested = peer.handshakeRequestedNanos;
        if (requested != 0 && t >= requested) {
            peer.handshakeRequestedNanos = 0;
            actions.sendInitiation(peer, t, false);
        }
        // Sent data, heard nothing back for KEEPALIVE + REKEY_TIMEOUT: the session may be dead, handshake anew.
        long sentSince = peer.unansweredDataSentSinceNanos;
        if (sentSince != 0 && t >= sentSince + keepaliveNanos + rekeyTimeoutNanos + peer.newHandshakeJitterNanos) {
            peer.unansweredDataSentSinceNanos = 0;
            peer.newHandshakeJitterNanos = jitter.getAsLong();
            actions.sendInitiation(peer, t, false);
        }
        // Received data and sent nothing for KEEPALIVE_TIMEOUT: tell the peer we are alive.
        long keepaliveSince = peer.keepalivePendingSinceNanos;
        if (keepaliveSince != 0 && t >= keepaliveSince + keepaliveNanos) {
            actions.sendKeepalive(peer, t);
            peer.keepalivePendingSinceNanos = 0;
            if (peer.anotherKeepaliveNeeded) {
                peer.anotherKeepaliveNeeded = false;
                peer.keepalivePendingSinceNanos = t;
            }
        }
        long persistent = peer.persistentKeepaliveNanos();
        if (persistent != 0 && t >= lastTraversal(peer) + persistent) {
            peer.persistentKeepaliveAttemptNanos = t; // even if nothing could be sent, wait a full interval
            actions.sendKeepalive(peer, t);
        }
    }

    /** When a packet last crossed between the peers (or the peer was added): the persistent keepalive's base. */
    static long lastTraversal(WireGuardPeer peer) {
        return Math.max(Math.max(peer.addedNanos, peer.persistentKeepaliveAttemptNanos),
                Math.max(peer.lastSentAuthNanos, peer.lastReceivedAuthNanos));
    }

    /** wireguard-go {@code timersAnyAuthenticatedPacketSent}: a sent packet is as good as a keepalive. */
    static void authenticatedSent(WireGuardPeer peer, long nowNanos) {
        if (nowNanos > peer.lastSentAuthNanos) {
            peer.lastSentAuthNanos = nowNanos;
        }
        if (peer.keepalivePendingSinceNanos != 0) {
            peer.keepalivePendingSinceNanos = 0;
        }
    }

    /** wireguard-go {@code timersAnyAuthenticatedPacketReceived}: the peer answered, the session lives. */
    static void authenticatedReceived(WireGuardPeer peer, long nowNanos) {
        if (nowNanos > peer.lastReceivedAuthNanos) {
            peer.lastReceivedAuthNanos = nowNanos;
        }
        if (peer.unansweredDataSentSinceNanos != 0) {
            peer.unansweredDataSentSinceNanos = 0;
        }
    }

    /** wireguard-go {@code timersDataSent}: data went out, so an answer is expected before a new handshake. */
    static void dataSent(WireGuardPeer peer, long nowNanos) {
        if (peer.unansweredDataSentSinceNanos == 0) {
            peer.unansweredDataSentSinceNanos = nowNanos;
        }
    }

    /**
     * wireguard-go {@code timersDataReceived}: data came in, so a keepalive is due unless we send something first;
     * if one is already pending, another follows it.
     */
    static void dataReceived(WireGuardPeer peer, long nowNanos) {
        if (peer.keepalivePendingSinceNanos == 0) {
            peer.keepalivePendingSinceNanos = nowNanos;
        } else if (!peer.anotherKeepaliveNeeded) {
            peer.anotherKeepaliveNeeded = true;
        }
    }

    /**
     * wireguard-go {@code timersHandshakeInitiated}: an initiation went out; a retry keeps the attempt's start, so
     * REKEY_ATTEMPT_TIME counts from the first one.
     */
    void initiationSent(WireGuardPeer peer, long nowNanos, boolean retry) {
        if (!retry) {
            peer.handshakeAttemptStartNanos = nowNanos;
        }
        peer.lastHandshakeSentNanos = nowNanos;
        peer.retransmitAtNanos = nowNanos + rekeyTimeoutNanos + jitter.getAsLong();
    }

    /** The handshake attempt is over (done, or impossible): nothing is retransmitted. */
    static void attemptEnded(WireGuardPeer peer) {
        peer.handshakeAttemptStartNanos = 0;
        peer.retransmitAtNanos = 0;
    }

    /** wireguard-go {@code timersHandshakeComplete}: a fresh session, so the last-minute rekey may happen again. */
    static void handshakeComplete(WireGuardPeer peer) {
        attemptEnded(peer);
        peer.sentLastMinuteHandshake = false;
    }

    /** REKEY_ATTEMPT_TIME passed without an answer: nothing stays armed until new traffic asks again. */
    static void gaveUp(WireGuardPeer peer) {
        attemptEnded(peer);
        peer.handshakeRequestedNanos = 0;
        peer.unansweredDataSentSinceNanos = 0;
        peer.keepalivePendingSinceNanos = 0;
        peer.anotherKeepaliveNeeded = false;
    }
}
