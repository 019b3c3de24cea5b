package dev.flint.connlib.sim;

import dev.flint.connlib.stun.IntegrityKey;
import dev.flint.connlib.stun.ReceivedStun;
import dev.flint.connlib.stun.StunAttribute.*;
import dev.flint.connlib.stun.StunClass;
import dev.flint.connlib.stun.StunCodec;
import dev.flint.connlib.stun.StunMessage;
import dev.flint.connlib.stun.StunMethod;
import dev.flint.connlib.turn.ChannelData;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * A TURN server for the simulated network with the subset of behaviour Firezone's relay gives a
 * client (reference §1.6): unauthenticated BINDING, long-term auth with a 401 nonce challenge,
 * ALLOCATE, REFRESH, CHANNEL-BIND and ChannelData relaying; no Send/Data indications.
 */
public final class SimRelay {
    public final InetSocketAddress address;
    private final String username;
    private final IntegrityKey key;
    private int nextPort = 49152;
    private final Map<InetSocketAddress, Integer> allocationByClient = new HashMap<>();
    private final Map<Integer, InetSocketAddress> clientByPort = new HashMap<>();
    private final Map<InetSocketAddress, Map<Integer, InetSocketAddress>> channels = new HashMap<>();
    public int allocations;

    public SimRelay(InetSocketAddress address, String username, String password) {
        this.address = address;
        this.username = username;
        this.key = IntegrityKey.longTerm(username, "firezone", password);
    }

    /**
     * The relay restarts at the same address: every allocation and channel is gone, and nobody is told (the portal
     * may not notice a restart that quick). Requests for the lost allocations get 437, as from any TURN server.
     */
    public void restart() {
        allocationByClient.clear();
        clientByPort.clear();
        channels.clear();
    }

    public boolean owns(InetSocketAddress a) {
        return a.getAddress().equals(address.getAddress());
    }

    /** Handles a datagram to {@code to} (3478 or an allocation port); {@code send(from, (to, payload))}. */
    public void receive(InetSocketAddress from, InetSocketAddress to, byte[] data, VirtualNetwork.Sender send) {
        if (to.getPort() != address.getPort()) {
            InetSocketAddress client = clientByPort.get(to.getPort());
            if (client == null) {
                return;
            }
            channels.getOrDefault(client, Map.of()).forEach((number, peer) -> {
                if (peer.equals(from)) {
                    send.send(address, client, ChannelData.encode(number, data, 0, data.length));
                }
            });
            return;
        }
        if (ChannelData.decode(data, 0, data.length) instanceof ChannelData.Result.Decoded(ChannelData cd)) {
            Integer port = allocationByClient.get(from);
            InetSocketAddress peer = channels.getOrDefault(from, Map.of()).get(cd.channel());
            if (port != null && peer != null) {
                send.send(new InetSocketAddress(address.getAddress(), port), peer, cd.payload());
            }
            return;
        }
        if (!(StunCodec.decode(data) instanceof ReceivedStun r) || r.message().messageClass() != StunClass.REQUEST) {
            return;
        }
        StunMessage m = r.message();
        if (m.method() == StunMethod.BINDING) {
            send.send(address, from, StunCodec.encode(StunMessage.successResponse(StunMethod.BINDING, m.transactionId())
                    .add(new XorMappedAddress(from)).build()));
            return;
        }
        if (!m.has(Nonce.class) || !r.integrityMatches(key)
                || !m.attribute(Username.class).map(Username::value).orElse("").equals(username)) {
            send.send(address, from, StunCodec.encode(StunMessage.errorResponse(m.method(), m.transactionId())
                    .add(new ErrorCode(401, "Unauthorized")).add(new Realm("firezone")).add(new Nonce("n0nce")).build()));
            return;
        }
        if ((m.method() == StunMethod.REFRESH || m.method() == StunMethod.CHANNEL_BIND)
                && !allocationByClient.containsKey(from)) {
            send.send(address, from, StunCodec.encode(StunMessage.errorResponse(m.method(), m.transactionId())
                    .add(new ErrorCode(437, "Allocation Mismatch")).build(), key, false));
            return;
        }
        StunMessage.Builder ok = StunMessage.successResponse(m.method(), m.transactionId());
        switch (m.method()) {
            case StunMethod.ALLOCATE -> {
                int port = allocationByClient.computeIfAbsent(from, f -> {
                    allocations++;
                    clientByPort.put(nextPort, f);
                    return nextPort++;
                });
                ok.add(new XorRelayedAddress(new InetSocketAddress(address.getAddress(), port)))
                        .add(new XorMappedAddress(from)).add(new Lifetime(600));
            }
            case StunMethod.REFRESH -> ok.add(new Lifetime(m.attribute(Lifetime.class).map(Lifetime::seconds).orElse(600L)));
            case StunMethod.CHANNEL_BIND -> channels.computeIfAbsent(from, f -> new HashMap<>()).put(
                    m.attribute(ChannelNumber.class).orElseThrow().number(),
                    m.attribute(XorPeerAddress.class).orElseThrow().address());
            default -> {
            }
        }
        send.send(address, from, StunCodec.encode(ok.build(), key, false));
    }
}
