package dev.flint.connlib.tunnel;

import dev.flint.connlib.dns.ProxyIpAllocator;
import dev.flint.connlib.dns.ProxyIps;
import dev.flint.connlib.portal.IpStack;
import dev.flint.connlib.portal.Resource;
import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * The client's half of DNS-resource NAT (reference §4.8). A gateway only translates a proxy IP after it learned,
 * through an {@code assigned_ips} control event, which domain and resource the proxy IPs stand for; this keeps per
 * (gateway, domain, resource) the proxy IPs sent and the gateway's answer, and holds packets until that answer comes,
 * because before it the gateway would drop them. Proxy IPs themselves come from the {@link ProxyIpAllocator}.
 */
final class DnsResourceNat {
    static final int BUFFER = 32;

    record Key(UUID gateway, String domain, UUID resource) {}

    enum State { PENDING, CONFIRMED, RECREATING, FAILED }

    private static final class Entry {
        final Key key;
        final List<InetAddress> proxyIps;
        State state = State.PENDING;
        Instant lastSent;
        final UniquePacketBuffer buffer = new UniquePacketBuffer(BUFFER);

        Entry(Key key, List<InetAddress> proxyIps) {
            this.key = key;
            this.proxyIps = proxyIps;
        }
    }

    private final ProxyIpAllocator allocator;
    /** Called when a translation starts or stops holding, since flow verdicts cached before are then stale. */
    private final Runnable flowsChanged;
    private final Map<Key, Entry> entries = new HashMap<>();

    DnsResourceNat(ProxyIpAllocator allocator, Runnable flowsChanged) {
        this.allocator = allocator;
        this.flowsChanged = flowsChanged;
    }

    /**
     * Sends a packet addressed to a proxy IP of {@code domain}, first agreeing the translation with the gateway.
     * Returns true when the gateway has confirmed it, so the data path may reuse the verdict for the flow.
     */
    boolean send(GatewayConnection g, Resource.Dns r, String domain, byte[] packet, Instant now) {
        Key key = new Key(g.id, domain, r.id());
        Entry e = entries.get(key);
        if (e == null) {
            ProxyIps ips = allocator.lookup(domain).orElseThrow();
            List<InetAddress> assigned = new ArrayList<>();
            IpStack stack = r.effectiveIpStack();
            if (stack != IpStack.IPV6_ONLY) {
                assigned.addAll(ips.v4());
            }
            if (stack != IpStack.IPV4_ONLY) {
                assigned.addAll(ips.v6());
            }
            e = new Entry(key, assigned);
            entries.put(key, e);
        }
        switch (e.state) {
            case PENDING -> {
                e.buffer.add(packet);
                if (e.lastSent == null || !now.isBefore(e.lastSent.plus(ClientState.REQUEST_INTERVAL))) {
                    sendAssignedIps(g, e, now);
                }
            }
            case CONFIRMED -> {
                g.send(packet);
                return true;
            }
            case RECREATING, FAILED -> g.send(packet);
        }
        return false;
    }

    /**
     * The stub resolver answered for {@code domain} again: the gateway re-resolves it, so the translation is agreed
     * anew. Nothing is created here; an entry appears with the first packet.
     */
    void reassigned(GatewayConnection g, String domain, UUID resource, Instant now) {
        Entry e = entries.get(new Key(g.id, domain, resource));
        if (e == null) {
            return;
        }
        if (e.state == State.CONFIRMED || e.state == State.FAILED) {
            e.state = State.RECREATING;
            flowsChanged.run();
        }
        sendAssignedIps(g, e, now);
    }

    /** The gateway's {@code domain_status}: the translation holds or failed; held packets go either way. */
    void domainStatus(GatewayConnection g, UUID resource, String domain, boolean active) {
        Entry e = entries.get(new Key(g.id, domain.toLowerCase(Locale.ROOT), resource));
        if (e == null) {
            return;
        }
        e.state = active ? State.CONFIRMED : State.FAILED;
        flowsChanged.run();
        for (byte[] packet : e.buffer.drain()) {
            g.send(packet);
        }
    }

    void forget(UUID gateway, UUID resource) {
        entries.keySet().removeIf(k -> k.gateway().equals(gateway) && k.resource().equals(resource));
    }

    void forgetGateway(UUID gateway) {
        entries.keySet().removeIf(k -> k.gateway().equals(gateway));
    }

    private void sendAssignedIps(GatewayConnection g, Entry e, Instant now) {
        e.lastSent = now;
        g.send(new P2pControlEvent.AssignedIps(e.key.resource(), e.key.domain(), e.proxyIps).encode());
    }
}
