package dev.flint.connlib.turn;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flint.connlib.ice.CandidateType;
import dev.flint.connlib.net.Transmit;
import dev.flint.connlib.stun.IntegrityKey;
import dev.flint.connlib.stun.ReceivedStun;
import dev.flint.connlib.stun.StunAttribute.*;
import dev.flint.connlib.stun.StunCodec;
import dev.flint.connlib.stun.StunMessage;
import dev.flint.connlib.stun.StunMethod;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class AllocationTest {
    static final InetSocketAddress SERVER = new InetSocketAddress("192.0.2.100", 3478);
    static final InetSocketAddress LOCAL = new InetSocketAddress("10.0.0.2", 52625);
    static final RelayCredentials CREDS = new RelayCredentials("1719367575:ZQHcVGkdnfgGmcP1", "pw");
    static final IntegrityKey KEY = IntegrityKey.longTerm(CREDS.username(), "firezone", "pw");

    Instant now = Instant.parse("2026-01-01T00:00:00Z");
    final Allocation allocation = new Allocation(List.of(SERVER), CREDS, new SplittableRandom(3), now);

    StunMessage next() {
        Transmit t = allocation.pollTransmit();
        assertThat(t.destination()).isEqualTo(SERVER);
        return ((ReceivedStun) StunCodec.decode(t.payload())).message();
    }

    void answer(StunMessage.Builder response, boolean sign) {
        byte[] b = StunCodec.encode(response.build(), sign ? KEY : null, false);
        assertThat(allocation.handleInput(LOCAL, SERVER, (ReceivedStun) StunCodec.decode(b), now)).isTrue();
    }

    StunMessage allocated() {
        return allocated(600);
    }

    StunMessage allocated(long lifetime) {
        StunMessage binding = next();
        assertThat(binding.method()).isEqualTo(StunMethod.BINDING);
        answer(StunMessage.successResponse(StunMethod.BINDING, binding.transactionId())
                .add(new XorMappedAddress(new InetSocketAddress("198.51.100.1", 40000))), false);
        StunMessage first = next();
        assertThat(first.method()).isEqualTo(StunMethod.ALLOCATE);
        assertThat(first.has(Nonce.class)).isFalse();
        answer(StunMessage.errorResponse(StunMethod.ALLOCATE, first.transactionId())
                .add(new ErrorCode(401, "Unauthorized")).add(new Realm("firezone")).add(new Nonce("n1")), false);
        StunMessage second = next();
        assertThat(second.attribute(Nonce.class)).contains(new Nonce("n1"));
        assertThat(second.attribute(RequestedTransport.class)).contains(new RequestedTransport(17));
        answer(StunMessage.errorResponse(StunMethod.ALLOCATE, second.transactionId())
                .add(new ErrorCode(438, "Stale Nonce")).add(new Realm("firezone")).add(new Nonce("n2")), false);
        StunMessage third = next();
        assertThat(third.attribute(Nonce.class)).contains(new Nonce("n2"));
        answer(StunMessage.successResponse(StunMethod.ALLOCATE, third.transactionId())
                .add(new XorRelayedAddress(new InetSocketAddress("192.0.2.100", 50000))).add(new Lifetime(lifetime)), true);
        return third;
    }

    @Test
    void bindingGivesHostAndSrflxThenAllocateAfterNonceDanceGivesRelay() {
        allocated();
        List<CandidateType> types = new ArrayList<>();
        for (var e = allocation.pollEvent(); e != null; e = allocation.pollEvent()) {
            if (e instanceof AllocationEvent.CandidateDiscovered(var c)) {
                types.add(c.type());
            }
        }
        assertThat(types).containsExactly(CandidateType.HOST, CandidateType.SERVER_REFLEXIVE, CandidateType.RELAYED);
    }

    @Test
    void unsignedSuccessIsIgnored() {
        StunMessage binding = next();
        answer(StunMessage.successResponse(StunMethod.BINDING, binding.transactionId())
                .add(new XorMappedAddress(LOCAL)), false);
        StunMessage alloc = next();
        byte[] forged = StunCodec.encode(StunMessage.successResponse(StunMethod.ALLOCATE, alloc.transactionId())
                .add(new XorRelayedAddress(new InetSocketAddress("6.6.6.6", 1))).build());
        allocation.handleInput(LOCAL, SERVER, (ReceivedStun) StunCodec.decode(forged), now);
        assertThat(allocation.relayedCandidates()).isEmpty();
    }

    @Test
    void refreshesAtHalfTheLifetime() {
        allocated();
        while (allocation.pollTransmit() != null) {
        }
        now = now.plusSeconds(299);
        allocation.handleTimeout(now);
        assertThat(drain(StunMethod.REFRESH)).isZero();
        now = now.plusSeconds(1);
        allocation.handleTimeout(now);
        assertThat(drain(StunMethod.REFRESH)).isOne();
    }

    @Test
    void requestsRetransmitAt1And2point5And4point75SecondsThenGiveUp() {
        next();
        List<Double> sends = new ArrayList<>();
        Instant start = now;
        for (int ms = 0; ms <= 9000; ms += 5) {
            now = start.plusMillis(ms);
            allocation.handleTimeout(now);
            while (allocation.pollTransmit() != null) {
                sends.add(ms / 1000.0);
            }
        }
        assertThat(sends).containsExactly(1.0, 2.5, 4.75);
        assertThat(allocation.isFailed()).isTrue();
    }

    @Test
    void channelsAreBoundInTheFirezoneRangeAndFramedUnpadded() {
        allocated(3600);
        while (allocation.pollTransmit() != null) {
        }
        InetSocketAddress peer = new InetSocketAddress("203.0.113.5", 4000);
        assertThat(allocation.encapsulate(peer, new byte[] {1, 2, 3}, now)).isEmpty();
        StunMessage bind = next();
        assertThat(bind.method()).isEqualTo(StunMethod.CHANNEL_BIND);
        int channel = bind.attribute(ChannelNumber.class).orElseThrow().number();
        assertThat(channel).isBetween(0x4000, 0x4FFF);
        assertThat(bind.attribute(XorPeerAddress.class).orElseThrow().address()).isEqualTo(peer);
        Transmit t = allocation.encapsulate(peer, new byte[] {1, 2, 3}, now).orElseThrow();
        assertThat(t.payload()).containsExactly(channel >> 8, channel & 0xFF, 0, 3, 1, 2, 3);
        // Rebinding: only after 5 minutes and only if data came in on the channel.
        answer(StunMessage.successResponse(StunMethod.CHANNEL_BIND, bind.transactionId()), true);
        now = now.plus(Duration.ofMinutes(5));
        allocation.handleTimeout(now);
        assertThat(drain(StunMethod.CHANNEL_BIND)).isZero();
        byte[] in = ChannelData.encode(channel, new byte[] {9}, 0, 1);
        assertThat(allocation.decapsulate(SERVER, in, 0, in.length, now)).hasValueSatisfying(r -> {
            assertThat(r.peer()).isEqualTo(peer);
            assertThat(r.payload()).containsExactly(9);
        });
        now = now.plusSeconds(1);
        allocation.handleTimeout(now);
        assertThat(drain(StunMethod.CHANNEL_BIND)).isOne();
    }

    private int drain(int method) {
        int n = 0;
        for (var t = allocation.pollTransmit(); t != null; t = allocation.pollTransmit()) {
            if (StunCodec.decode(t.payload()) instanceof ReceivedStun r && r.message().method() == method) {
                n++;
            }
        }
        return n;
    }

    @Test
    void dualStackRelayIsAskedForBothFamiliesAndFallsBackOn440() {
        InetSocketAddress v6 = new InetSocketAddress("2001:db8::100", 3478);
        Allocation dual = new Allocation(List.of(SERVER, v6), CREDS, new SplittableRandom(4), now);
        List<StunMessage> bindings = new ArrayList<>();
        List<InetSocketAddress> targets = new ArrayList<>();
        for (var t = dual.pollTransmit(); t != null; t = dual.pollTransmit()) {
            bindings.add(((ReceivedStun) StunCodec.decode(t.payload())).message());
            targets.add(t.destination());
        }
        assertThat(targets).containsExactly(SERVER, v6);
        byte[] ok = StunCodec.encode(StunMessage.successResponse(StunMethod.BINDING, bindings.get(0).transactionId())
                .add(new XorMappedAddress(LOCAL)).build());
        dual.handleInput(LOCAL, SERVER, (ReceivedStun) StunCodec.decode(ok), now);
        StunMessage alloc = ((ReceivedStun) StunCodec.decode(dual.pollTransmit().payload())).message();
        assertThat(alloc.attribute(AdditionalAddressFamily.class))
                .contains(new AdditionalAddressFamily(dev.flint.connlib.stun.AddressFamily.IPV6));
        byte[] refused = StunCodec.encode(StunMessage.errorResponse(StunMethod.ALLOCATE, alloc.transactionId())
                .add(new ErrorCode(440, "Address Family not Supported")).build(), KEY, false);
        dual.handleInput(LOCAL, SERVER, (ReceivedStun) StunCodec.decode(refused), now);
        StunMessage retry = ((ReceivedStun) StunCodec.decode(dual.pollTransmit().payload())).message();
        assertThat(retry.method()).isEqualTo(StunMethod.ALLOCATE);
        assertThat(retry.has(AdditionalAddressFamily.class)).isFalse();
        byte[] granted = StunCodec.encode(StunMessage.successResponse(StunMethod.ALLOCATE, retry.transactionId())
                .add(new XorRelayedAddress(new InetSocketAddress("192.0.2.100", 50000)))
                .add(new XorRelayedAddress(new InetSocketAddress("2001:db8::100", 50000))).add(new Lifetime(600)).build(),
                KEY, false);
        dual.handleInput(LOCAL, SERVER, (ReceivedStun) StunCodec.decode(granted), now);
        assertThat(dual.relayedCandidates()).hasSize(2);
    }

    @Test
    void singleStackRelayIsNotAskedForASecondFamily() {
        StunMessage binding = next();
        answer(StunMessage.successResponse(StunMethod.BINDING, binding.transactionId()).add(new XorMappedAddress(LOCAL)), false);
        assertThat(next().has(AdditionalAddressFamily.class)).isFalse();
    }

    @Test
    void keepsTheRelayAliveWithABindingEvery25Seconds() {
        allocated(3600);
        while (allocation.pollTransmit() != null) {
        }
        now = now.plusSeconds(24);
        allocation.handleTimeout(now);
        assertThat(drain(StunMethod.BINDING)).isZero();
        now = now.plusSeconds(1);
        allocation.handleTimeout(now);
        assertThat(drain(StunMethod.BINDING)).isOne();
    }

    @Test
    void wrongCredentialsFailTheAllocation() {
        StunMessage binding = next();
        answer(StunMessage.successResponse(StunMethod.BINDING, binding.transactionId()).add(new XorMappedAddress(LOCAL)), false);
        StunMessage first = next();
        answer(StunMessage.errorResponse(StunMethod.ALLOCATE, first.transactionId())
                .add(new ErrorCode(401, "Unauthorized")).add(new Realm("firezone")).add(new Nonce("n1")), false);
        StunMessage second = next();
        answer(StunMessage.errorResponse(StunMethod.ALLOCATE, second.transactionId())
                .add(new ErrorCode(401, "Unauthorized")).add(new Realm("firezone")).add(new Nonce("n1")), false);
        assertThat(allocation.isFailed()).isTrue();
    }

    @Test
    void aRealmOtherThanFirezoneIsRefused() {
        StunMessage binding = next();
        answer(StunMessage.successResponse(StunMethod.BINDING, binding.transactionId()).add(new XorMappedAddress(LOCAL)), false);
        StunMessage first = next();
        answer(StunMessage.errorResponse(StunMethod.ALLOCATE, first.transactionId())
                .add(new ErrorCode(401, "Unauthorized")).add(new Realm("evil")).add(new Nonce("n1")), false);
        assertThat(allocation.isFailed()).isTrue();
        assertThat(allocation.pollTransmit()).isNull();
    }

    @Test
    void allocationMismatchOnChannelBindReallocatesAndRebinds() {
        allocated(3600);
        while (allocation.pollTransmit() != null) {
        }
        InetSocketAddress peer = new InetSocketAddress("203.0.113.5", 4000);
        allocation.bindChannel(peer, now);
        StunMessage bind = next();
        answer(StunMessage.errorResponse(StunMethod.CHANNEL_BIND, bind.transactionId())
                .add(new ErrorCode(437, "Allocation Mismatch")), true);
        StunMessage realloc = next();
        assertThat(realloc.method()).isEqualTo(StunMethod.ALLOCATE);
        answer(StunMessage.successResponse(StunMethod.ALLOCATE, realloc.transactionId())
                .add(new XorRelayedAddress(new InetSocketAddress("192.0.2.100", 50001))).add(new Lifetime(600)), true);
        StunMessage rebind = next();
        assertThat(rebind.method()).isEqualTo(StunMethod.CHANNEL_BIND);
        assertThat(rebind.attribute(XorPeerAddress.class).orElseThrow().address()).isEqualTo(peer);
    }

    @Test
    void usernameCarriesTheExpiry() {
        assertThat(CREDS.expiresAtEpochSecond()).isEqualTo(1719367575L);
        assertThat(new RelayCredentials("nocolon", "x").expiresAtEpochSecond()).isEqualTo(-1);
    }
}
