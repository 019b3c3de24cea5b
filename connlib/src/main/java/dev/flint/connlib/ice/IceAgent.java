package dev.flint.connlib.ice;

import dev.flint.connlib.net.Transmit;
import dev.flint.connlib.stun.IntegrityKey;
import dev.flint.connlib.stun.ReceivedStun;
import dev.flint.connlib.stun.StunAttribute.ErrorCode;
import dev.flint.connlib.stun.StunAttribute.IceControlled;
import dev.flint.connlib.stun.StunAttribute.IceControlling;
import dev.flint.connlib.stun.StunAttribute.Priority;
import dev.flint.connlib.stun.StunAttribute.UseCandidate;
import dev.flint.connlib.stun.StunAttribute.Username;
import dev.flint.connlib.stun.StunAttribute.XorMappedAddress;
import dev.flint.connlib.stun.StunClass;
import dev.flint.connlib.stun.StunCodec;
import dev.flint.connlib.stun.StunMessage;
import dev.flint.connlib.stun.StunMethod;
import dev.flint.connlib.stun.TransactionId;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A full ICE agent (RFC 8445) with trickle, modelled on str0m's as Firezone runs it: every pair is
 * checked as soon as it forms (Ta = 0), the controlling side nominates the best pair that succeeded
 * and re-nominates when a better one succeeds, working pairs are re-checked every {@code maxRto}
 * (consent and NAT keepalive), and a pair is given up after {@code maxRetransmits} unanswered checks.
 * Sans-IO: feed it STUN, poll transmits, events and its next timeout.
 */
public final class IceAgent {
    private static final Logger LOG = LoggerFactory.getLogger(IceAgent.class);
    /** Firezone caps the pairs of one connection at 100. */
    public static final int MAX_PAIRS = 100;
    /**
     * Unanswered checks after which a working pair counts as stale: it is still checked and may recover, but data
     * moves to another working pair meanwhile. Three checks are about 3 s with the client's timing, where giving
     * the pair up takes the whole retransmit ladder (over 15 s).
     */
    public static final int STALE_AFTER = 3;
    /** How long the controlled side keeps a better pair the controlling side nominated last. */
    static final Duration FOLLOW_AFTER = Duration.ofSeconds(1);
    private static final Duration TRANSACTION_TTL = Duration.ofSeconds(10);

    private IceRole role;
    private final long tieBreaker;
    private final IceCredentials localCredentials;
    private final IceCredentials remoteCredentials;
    private final IntegrityKey localKey;
    private final IntegrityKey remoteKey;
    private IceTiming timing;
    private final RandomGenerator random;

    private final List<Candidate> localCandidates = new ArrayList<>();
    private final List<Candidate> remoteCandidates = new ArrayList<>();
    private final List<CandidatePair> pairs = new ArrayList<>();
    private final Map<TransactionId, Inflight> inflight = new HashMap<>();
    private final ArrayDeque<Transmit> transmits = new ArrayDeque<>();
    private final ArrayDeque<IceEvent> events = new ArrayDeque<>();
    private CandidatePair nominated;
    private IceConnectionState state = IceConnectionState.CHECKING;
    private Instant lastNow;
    private String label = "ice";

    private record Inflight(CandidatePair pair, boolean useCandidate, IceRole role, Instant sentAt) {
    }

    public IceAgent(IceRole role, IceCredentials local, IceCredentials remote, IceTiming timing,
                    RandomGenerator random) {
        this.role = role;
        this.localCredentials = local;
        this.remoteCredentials = remote;
        this.localKey = IntegrityKey.shortTerm(local.password());
        this.remoteKey = IntegrityKey.shortTerm(remote.password());
        this.timing = timing;
        this.random = random;
        this.tieBreaker = random.nextLong();
    }

    public IceRole role() {
        return role;
    }

    /** Names this agent in its debug log lines (the connection it belongs to). */
    public void setLabel(String label) {
        this.label = label;
    }

    public IceCredentials localCredentials() {
        return localCredentials;
    }

    public IceCredentials remoteCredentials() {
        return remoteCredentials;
    }

    public IceConnectionState state() {
        return state;
    }

    public IceTiming timing() {
        return timing;
    }

    public void setTiming(IceTiming timing) {
        this.timing = timing;
    }

    public Optional<NominatedPair> nominated() {
        return Optional.ofNullable(nominated).map(CandidatePair::asNominated);
    }

    /**
     * The round trip of the latest answered connectivity check on the nominated pair: the checks keep
     * running every {@code maxRto} as consent and keepalive, so this follows the path's latency.
     */
    public Optional<java.time.Duration> nominatedRtt() {
        return Optional.ofNullable(nominated).map(p -> p.rtt);
    }

    public List<Candidate> localCandidates() {
        return List.copyOf(localCandidates);
    }

    public List<Candidate> remoteCandidates() {
        return List.copyOf(remoteCandidates);
    }

    /** True if {@code id} is a check this agent sent and still waits for. */
    public boolean ownsTransaction(TransactionId id) {
        return inflight.containsKey(id);
    }

    /** Adds a local candidate; returns false if it was already known. */
    public boolean addLocalCandidate(Candidate c, Instant now) {
        for (Candidate known : localCandidates) {
            if (known.type() == c.type() && known.address().equals(c.address())) {
                return false;
            }
        }
        localCandidates.add(c);
        LOG.debug("{}: local candidate {}", label, c);
        if (pairsWithItself(c)) {
            for (Candidate remote : remoteCandidates) {
                addPair(c, remote, now);
            }
        }
        return true;
    }

    /** Adds a (trickled) remote candidate; returns false if it was already known. */
    public boolean addRemoteCandidate(Candidate c, Instant now) {
        for (int i = 0; i < remoteCandidates.size(); i++) {
            Candidate known = remoteCandidates.get(i);
            if (known.address().equals(c.address())) {
                if (known.type() == CandidateType.PEER_REFLEXIVE && c.type() != CandidateType.PEER_REFLEXIVE) {
                    remoteCandidates.set(i, c);
                    for (CandidatePair p : pairs) {
                        if (p.remote == known) {
                            p.remote = c;
                        }
                    }
                    return true;
                }
                return false;
            }
        }
        remoteCandidates.add(c);
        LOG.debug("{}: remote candidate {}", label, c);
        for (Candidate local : localCandidates) {
            if (pairsWithItself(local)) {
                addPair(local, c, now);
            }
        }
        if (state == IceConnectionState.DISCONNECTED && nominated == null) {
            setState(IceConnectionState.CHECKING);
        }
        return true;
    }

    public void invalidateLocalCandidate(Candidate c, Instant now) {
        localCandidates.removeIf(k -> k.type() == c.type() && k.address().equals(c.address()));
        removePairs(p -> p.local.address().equals(c.address()) && p.local.type() == c.type(), now);
    }

    public void invalidateRemoteCandidate(Candidate c, Instant now) {
        remoteCandidates.removeIf(k -> k.address().equals(c.address()));
        removePairs(p -> p.remote.address().equals(c.address()), now);
    }

    /** Server-reflexive candidates are signalled but checked through their base, a host candidate. */
    private static boolean pairsWithItself(Candidate c) {
        return c.type() == CandidateType.HOST || c.type() == CandidateType.RELAYED;
    }

    private CandidatePair addPair(Candidate local, Candidate remote, Instant now) {
        if (!local.sameFamily(remote)) {
            return null;
        }
        for (CandidatePair p : pairs) {
            if (p.matches(local.address(), remote.address())) {
                return p;
            }
        }
        if (pairs.size() >= MAX_PAIRS) {
            return null;
        }
        CandidatePair p = new CandidatePair(local, remote);
        p.nextCheck = now;
        pairs.add(p);
        LOG.debug("{}: pair {} -> {} formed", label, local.address(), remote.address());
        return p;
    }

    private void removePairs(java.util.function.Predicate<CandidatePair> which, Instant now) {
        boolean lostNominated = false;
        for (Iterator<CandidatePair> it = pairs.iterator(); it.hasNext(); ) {
            CandidatePair p = it.next();
            if (which.test(p)) {
                it.remove();
                if (p == nominated) {
                    nominated = null;
                    lostNominated = true;
                }
            }
        }
        inflight.values().removeIf(f -> !pairs.contains(f.pair()));
        if (lostNominated) {
            afterPairLoss(now);
        }
    }

    /**
     * Handles a STUN message for this agent: a BINDING request (connectivity check from the peer)
     * or a response to one of our checks. {@code local} is the address it arrived on (a host
     * address, or our relayed address when it came through a channel). Returns false if the
     * message is not for this agent.
     */
    public boolean handleStun(InetSocketAddress local, InetSocketAddress from, ReceivedStun received, Instant now) {
        lastNow = now;
        StunMessage m = received.message();
        if (m.method() != StunMethod.BINDING) {
            return false;
        }
        return switch (m.messageClass()) {
            case REQUEST -> handleRequest(local, from, received, now);
            case SUCCESS_RESPONSE, ERROR_RESPONSE -> handleResponse(local, from, received, now);
            case INDICATION -> true; // a keepalive indication needs no answer
        };
    }

    private boolean handleRequest(InetSocketAddress local, InetSocketAddress from, ReceivedStun received, Instant now) {
        StunMessage m = received.message();
        Optional<Username> username = m.attribute(Username.class);
        if (username.isEmpty() || !username.get().value().equals(localCredentials.ufrag() + ":" + remoteCredentials.ufrag())) {
            return false;
        }
        if (!received.integrityMatches(localKey)) {
            return true; // ours by name, but forged or corrupted: drop silently
        }
        Optional<Priority> priority = m.attribute(Priority.class);
        if (priority.isEmpty()) {
            respondError(local, from, m, ErrorCode.BAD_REQUEST, "Missing PRIORITY");
            return true;
        }
        Optional<IceControlling> theirControlling = m.attribute(IceControlling.class);
        Optional<IceControlled> theirControlled = m.attribute(IceControlled.class);
        if (role == IceRole.CONTROLLING && theirControlling.isPresent()) {
            if (Long.compareUnsigned(tieBreaker, theirControlling.get().tieBreaker()) >= 0) {
                respondError(local, from, m, ErrorCode.ROLE_CONFLICT, "Role Conflict");
                return true;
            }
            switchRole();
        } else if (role == IceRole.CONTROLLED && theirControlled.isPresent()) {
            if (Long.compareUnsigned(tieBreaker, theirControlled.get().tieBreaker()) >= 0) {
                switchRole();
            } else {
                respondError(local, from, m, ErrorCode.ROLE_CONFLICT, "Role Conflict");
                return true;
            }
        }

        StunMessage response = StunMessage.successResponse(StunMethod.BINDING, m.transactionId())
                .add(new XorMappedAddress(from)).build();
        transmits.add(new Transmit(local, from, StunCodec.encode(response, localKey, true)));

        Candidate remote = remoteCandidates.stream().filter(c -> c.address().equals(from)).findFirst().orElse(null);
        if (remote == null) {
            remote = Candidate.peerReflexive(from, from, priority.get().value());
            remoteCandidates.add(remote);
            LOG.debug("{}: peer-reflexive remote candidate {} (a check came from it)", label, from);
        }
        Candidate localCandidate = localCandidates.stream()
                .filter(c -> pairsWithItself(c) && c.address().equals(local)).findFirst().orElse(null);
        if (localCandidate == null) {
            return true;
        }
        CandidatePair pair = addPair(localCandidate, remote, now);
        if (pair == null) {
            return true;
        }
        boolean useCandidate = m.has(UseCandidate.class);
        if (useCandidate && role == IceRole.CONTROLLED) {
            pair.lastUseCandidate = now;
            if (pair.state == CandidatePair.State.SUCCEEDED) {
                controlledNominate(pair, now);
            } else {
                pair.nominateOnSuccess = true;
            }
        }
        if (pair.state != CandidatePair.State.SUCCEEDED) {
            pair.state = CandidatePair.State.WAITING;
            pair.unanswered = 0;
            sendCheck(pair, now);
        }
        return true;
    }

    private boolean handleResponse(InetSocketAddress local, InetSocketAddress from, ReceivedStun received, Instant now) {
        StunMessage m = received.message();
        Inflight sent = inflight.get(m.transactionId());
        if (sent == null) {
            return false;
        }
        CandidatePair pair = sent.pair();
        if (!from.equals(pair.remote.address()) || !local.equals(pair.local.address())) {
            return true; // not symmetric: RFC 8445 §7.2.5.2.1
        }
        if (!received.integrityMatches(remoteKey)) {
            return true;
        }
        inflight.remove(m.transactionId());
        if (m.messageClass() == StunClass.ERROR_RESPONSE) {
            int code = m.attribute(ErrorCode.class).map(ErrorCode::code).orElse(0);
            if (code == ErrorCode.ROLE_CONFLICT) {
                if (sent.role() == role) {
                    switchRole();
                }
                pair.unanswered = 0;
                sendCheck(pair, now);
            } else {
                failPair(pair, now);
            }
            return true;
        }
        InetSocketAddress mapped = m.attribute(XorMappedAddress.class).map(XorMappedAddress::address).orElse(null);
        if (mapped == null) {
            return true;
        }
        if (pair.state != CandidatePair.State.SUCCEEDED || pair.unanswered >= STALE_AFTER) {
            LOG.debug("{}: pair {} works (we appear as {})", label, pair, mapped);
        }
        pair.state = CandidatePair.State.SUCCEEDED;
        pair.unanswered = 0;
        pair.rtt = java.time.Duration.between(sent.sentAt(), now);
        pair.nextCheck = now.plus(timing.maxRto());
        pair.validLocal = localCandidates.stream().filter(c -> c.address().equals(mapped)).findFirst()
                .orElseGet(() -> mapped.equals(pair.local.address()) ? pair.local
                        : Candidate.peerReflexive(mapped, pair.local.address(),
                                Candidate.priority(CandidateType.PEER_REFLEXIVE, mapped)));
        if (role == IceRole.CONTROLLING) {
            if (sent.useCandidate() && pair.nominateOnSuccess) {
                nominate(pair);
            }
            chooseBestPair(now);
        } else if (pair.nominateOnSuccess) {
            controlledNominate(pair, now);
        }
        if (state == IceConnectionState.DISCONNECTED && nominated != null) {
            setState(IceConnectionState.CONNECTED);
        }
        return true;
    }

    /** A working pair whose recent checks went unanswered: data should not wait on it. */
    private static boolean isStale(CandidatePair p) {
        return p.unanswered >= STALE_AFTER;
    }

    /** Controlling side: aim USE-CANDIDATE at the best pair that works and is not stale. */
    private void chooseBestPair(Instant now) {
        CandidatePair best = pairs.stream().filter(p -> p.state == CandidatePair.State.SUCCEEDED && !isStale(p))
                .max(Comparator.comparingLong(p -> p.priority(role))).orElse(null);
        if (best == null || best == nominated || best.nominateOnSuccess) {
            return;
        }
        for (CandidatePair p : pairs) {
            if (p != nominated) {
                p.nominateOnSuccess = false;
            }
        }
        best.nominateOnSuccess = true;
        sendCheck(best, now);
    }

    /**
     * Controlled side: follow the controlling agent's nomination. A nomination of a worse pair is refused while the
     * better one is still being nominated (a check delayed on the relay must not pull data back there), and followed
     * once the controlling side has stopped nominating the better one for {@link #FOLLOW_AFTER} (it fell back).
     */
    private void controlledNominate(CandidatePair pair, Instant now) {
        pair.nominateOnSuccess = false;
        if (nominated != null && nominated != pair && nominated.state == CandidatePair.State.SUCCEEDED
                && nominated.priority(role) > pair.priority(role) && nominated.lastUseCandidate != null
                && now.isBefore(nominated.lastUseCandidate.plus(FOLLOW_AFTER))) {
            return;
        }
        nominate(pair);
    }

    private void nominate(CandidatePair pair) {
        if (nominated == pair) {
            return;
        }
        if (nominated != null) {
            nominated.nominated = false;
            nominated.nominateOnSuccess = false;
        }
        // Done with this pair's nomination: its keepalives must not nominate it again once another pair took over.
        pair.nominateOnSuccess = false;
        pair.nominated = true;
        nominated = pair;
        LOG.debug("{}: nominated {} as {}", label, pair, role);
        events.add(new IceEvent.Nominated(pair.asNominated()));
        setState(IceConnectionState.CONNECTED);
    }

    private void switchRole() {
        role = role.other();
        for (CandidatePair p : pairs) {
            p.nominateOnSuccess = false;
        }
        events.add(new IceEvent.RoleChanged(role));
    }

    private void respondError(InetSocketAddress local, InetSocketAddress from, StunMessage request, int code,
                              String reason) {
        StunMessage response = StunMessage.errorResponse(StunMethod.BINDING, request.transactionId())
                .add(new ErrorCode(code, reason)).build();
        transmits.add(new Transmit(local, from, StunCodec.encode(response, localKey, true)));
    }

    public void handleTimeout(Instant now) {
        lastNow = now;
        inflight.values().removeIf(f -> f.sentAt().plus(TRANSACTION_TTL).isBefore(now));
        for (CandidatePair pair : List.copyOf(pairs)) {
            if (pair.state == CandidatePair.State.FAILED || pair.nextCheck == null || pair.nextCheck.isAfter(now)) {
                continue;
            }
            switch (pair.state) {
                case WAITING -> sendCheck(pair, now);
                case IN_PROGRESS -> {
                    if (pair.unanswered >= timing.maxRetransmits()) {
                        failPair(pair, now);
                    } else {
                        sendCheck(pair, now);
                    }
                }
                case SUCCEEDED -> {
                    if (pair.unanswered >= timing.maxRetransmits() - 1) {
                        failPair(pair, now);
                    } else {
                        sendCheck(pair, now);
                        if (pair.unanswered == STALE_AFTER) {
                            LOG.debug("{}: pair {} is stale ({} checks unanswered)", label, pair, pair.unanswered);
                            if (role == IceRole.CONTROLLING && pair == nominated) {
                                chooseBestPair(now);
                            }
                        }
                    }
                }
                case FAILED -> {
                }
            }
        }
    }

    private void sendCheck(CandidatePair pair, Instant now) {
        boolean useCandidate = role == IceRole.CONTROLLING && (pair.nominateOnSuccess || pair.nominated);
        TransactionId id = TransactionId.random(random);
        StunMessage.Builder b = StunMessage.request(StunMethod.BINDING, id)
                .add(new Username(remoteCredentials.ufrag() + ":" + localCredentials.ufrag()))
                .add(new Priority(Candidate.priority(CandidateType.PEER_REFLEXIVE, pair.local.address())))
                .add(role == IceRole.CONTROLLING ? new IceControlling(tieBreaker) : new IceControlled(tieBreaker));
        if (useCandidate) {
            b.add(new UseCandidate());
        }
        inflight.put(id, new Inflight(pair, useCandidate, role, now));
        transmits.add(new Transmit(pair.local.address(), pair.remote.address(), StunCodec.encode(b.build(), remoteKey, true)));
        pair.unanswered++;
        if (pair.state == CandidatePair.State.WAITING) {
            pair.state = CandidatePair.State.IN_PROGRESS;
        }
        int n = pair.state == CandidatePair.State.SUCCEEDED ? pair.unanswered + 1 : pair.unanswered;
        pair.nextCheck = now.plus(timing.retransmitDelay(n));
    }

    private void failPair(CandidatePair pair, Instant now) {
        LOG.debug("{}: pair {} failed after {} unanswered checks", label, pair, pair.unanswered);
        pair.state = CandidatePair.State.FAILED;
        pair.nextCheck = null;
        pair.nominateOnSuccess = false;
        if (pair == nominated) {
            pair.nominated = false;
            nominated = null;
            afterPairLoss(now);
        } else if (nominated == null && pairs.stream().allMatch(p -> p.state == CandidatePair.State.FAILED)) {
            setState(IceConnectionState.DISCONNECTED);
        } else if (role == IceRole.CONTROLLING) {
            chooseBestPair(now);
        }
    }

    private void afterPairLoss(Instant now) {
        setState(IceConnectionState.DISCONNECTED);
        if (role == IceRole.CONTROLLING) {
            chooseBestPair(now);
        }
    }

    private void setState(IceConnectionState s) {
        if (state != s) {
            state = s;
            events.add(new IceEvent.StateChanged(s));
        }
    }

    public Transmit pollTransmit() {
        return transmits.poll();
    }

    public IceEvent pollEvent() {
        return events.poll();
    }

    public Instant pollTimeout() {
        if ((!transmits.isEmpty() || !events.isEmpty()) && lastNow != null) {
            return lastNow;
        }
        Instant earliest = null;
        for (CandidatePair p : pairs) {
            if (p.state != CandidatePair.State.FAILED && p.nextCheck != null
                    && (earliest == null || p.nextCheck.isBefore(earliest))) {
                earliest = p.nextCheck;
            }
        }
        return earliest;
    }

    /** Pair states for diagnostics and tests. */
    public List<String> describePairs() {
        return pairs.stream().map(CandidatePair::toString).toList();
    }
}
