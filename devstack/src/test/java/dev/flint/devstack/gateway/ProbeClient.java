package dev.flint.devstack.gateway;

import dev.flint.connlib.ice.IceCredentials;
import dev.flint.connlib.ice.IceRole;
import dev.flint.connlib.peer.DecryptedPacket;
import dev.flint.connlib.peer.PeerEvent;
import dev.flint.connlib.peer.PeerNode;
import dev.flint.connlib.phoenix.ChannelEvent;
import dev.flint.connlib.portal.ClientToPortal;
import dev.flint.connlib.portal.Decoded;
import dev.flint.connlib.portal.PortalCodec;
import dev.flint.connlib.portal.PortalToClient;
import dev.flint.connlib.wireguard.WireGuardKey;
import dev.flint.netns.NetworkNamespace;
import dev.flint.shell.engine.EventLoop;
import dev.flint.shell.engine.PeerNodeEngine;
import dev.flint.shell.linux.LinuxUdpSocket;
import dev.flint.shell.portal.DeviceIdentity;
import dev.flint.shell.portal.PortalConnection;
import dev.flint.shell.portal.UserAgent;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.net.URI;
import java.time.Clock;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A bare client for driving the gateway from a test: connlib's {@link PeerNode} on the event loop with a real UDP
 * socket in the client namespace and the real portal WebSocket, without a TUN or a ClientState. The test crafts the
 * IP packets it sends through the tunnel and inspects the ones that come back.
 */
final class ProbeClient implements AutoCloseable {
    private final EventLoopGroup group;
    private final PortalConnection portal;
    private final LinuxUdpSocket udp;
    private final EventLoop loop;
    private final PeerNode node;
    private final PeerNodeEngine engine;
    private final List<PortalToClient> unread = new java.util.ArrayList<>();
    private final List<PortalToClient> seen = new CopyOnWriteArrayList<>();
    private final BlockingQueue<byte[]> received = new LinkedBlockingQueue<>();
    private final BlockingQueue<PeerEvent> peerEvents = new LinkedBlockingQueue<>();
    private volatile UUID gatewayId;

    private ProbeClient(NetworkNamespace namespace, URI apiUrl, String token) throws Exception {
        SecureRandom random = new SecureRandom();
        WireGuardKey key = WireGuardKey.generatePrivate(random);
        node = new PeerNode(key, false, random, Instant.now());
        // The socket and the loop's thread are created inside the namespace; the thread keeps it.
        udp = namespace.call(() -> LinuxUdpSocket.bind(0));
        engine = new PeerNodeEngine(node, this::onPeerEvent, this::onPacket);
        loop = namespace.call(() -> EventLoop.start("probe", engine, engine, udp, Clock.systemUTC()));
        group = namespace.call(() -> {
            EventLoopGroup g = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
            g.submit(() -> { }).sync();
            return g;
        });
        DeviceIdentity device = new DeviceIdentity(UUID.randomUUID().toString(), "probe", node.publicKey().toBase64());
        portal = PortalConnection.client(apiUrl, device, token, UserAgent.detect("0.1.0"), group, this::onPortal);
        portal.start();
    }

    static ProbeClient connect(NetworkNamespace namespace, URI apiUrl, String token) throws Exception {
        return new ProbeClient(namespace, apiUrl, token);
    }

    private void onPortal(ChannelEvent event) {
        if (event instanceof ChannelEvent.Inbound in
            && PortalCodec.decodePortalToClient(in.event(), in.payload()) instanceof Decoded.Ok<PortalToClient> ok) {
            seen.add(ok.message());
            if (ok.message() instanceof PortalToClient.IceCandidates c) {
                loop.execute(() -> c.candidates().forEach(sdp -> node.addRemoteCandidate(c.gatewayId(), sdp, now())));
            } else if (ok.message() instanceof PortalToClient.AuthorizationCreated a) {
                // Set up before the gateway's candidates, which the portal sends right after, are handled.
                connect(a);
                deliver(a);
            } else if (ok.message() instanceof PortalToClient.Init init) {
                List<dev.flint.connlib.peer.Relay> relays = dev.flint.connlib.peer.Relay.fromPortal(init.relays());
                loop.execute(() -> node.updateRelays(List.of(), relays, now()));
                deliver(ok.message());
            } else {
                deliver(ok.message());
            }
        }
    }

    private void onPeerEvent(PeerEvent event) {
        if (event instanceof PeerEvent.NewIceCandidate c) {
            portal.send(new ClientToPortal.NewGatewayIceCandidates(c.connection(), List.of(c.candidate())));
        }
        peerEvents.add(event);
    }

    private void onPacket(DecryptedPacket packet) {
        received.add(packet.packet());
    }

    /** The first unread portal message of type {@code type} (ICE candidates are consumed by the client itself). */
    <T extends PortalToClient> T await(Class<T> type, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (unread) {
            while (true) {
                for (PortalToClient m : unread) {
                    if (type.isInstance(m)) {
                        unread.remove(m);
                        return type.cast(m);
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("no " + type.getSimpleName() + " from the portal in " + timeout + "; got "
                        + seen);
                }
                TimeUnit.NANOSECONDS.timedWait(unread, left);
            }
        }
    }

    private void deliver(PortalToClient message) {
        synchronized (unread) {
            unread.add(message);
            unread.notifyAll();
        }
    }

    void requestAuthorization(UUID resourceId) {
        portal.send(ClientToPortal.RequestAuthorization.of(resourceId, gatewayId == null ? List.of() : List.of(gatewayId)));
    }

    /** Sets up the connection the portal authorized, as a client does (controlling); on the portal's thread. */
    private void connect(PortalToClient.AuthorizationCreated a) {
        gatewayId = a.gatewayId();
        loop.execute(() -> node.upsertConnection(a.gatewayId(), a.gatewayPublicKey(), a.presharedKey(),
            a.clientIceCredentials(), a.gatewayIceCredentials(), IceRole.CONTROLLING, now()));
    }

    PeerEvent.ConnectionEstablished awaitEstablished(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            PeerEvent e = peerEvents.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (e == null) {
                throw new AssertionError("no connection to the gateway within " + timeout);
            }
            if (e instanceof PeerEvent.ConnectionEstablished established) {
                return established;
            }
            if (e instanceof PeerEvent.ConnectionFailed failed) {
                throw new AssertionError("connection failed: " + failed.reason());
            }
        }
    }

    /** Sends {@code packet} through the tunnel, again every second, until a received packet matches. */
    byte[] exchange(byte[] packet, Predicate<byte[]> answer, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            UUID to = gatewayId;
            loop.submit(() -> engine.send(to, packet, now())).join();
            long until = Math.min(deadline, System.nanoTime() + TimeUnit.SECONDS.toNanos(1));
            while (System.nanoTime() < until) {
                byte[] got = received.poll(Math.max(0, until - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (got != null && answer.test(got)) {
                    return got;
                }
            }
        }
        return null;
    }

    /** Every packet that came back through the tunnel and was not consumed by {@link #exchange}. */
    List<byte[]> drainReceived() {
        List<byte[]> out = new java.util.ArrayList<>();
        received.drainTo(out);
        return out;
    }

    @Override
    public void close() {
        portal.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
        loop.close();
        udp.close();
    }

    private Instant now() {
        return loop.clock().instant();
    }
}
