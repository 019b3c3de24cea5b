package dev.flint.devstack.gateway;

import com.fasterxml.jackson.databind.node.NullNode;
import dev.flint.connlib.ice.IceCredentials;
import dev.flint.connlib.ice.IceRole;
import dev.flint.connlib.ice.NominatedPair;
import dev.flint.connlib.ice.PathType;
import dev.flint.connlib.peer.DecryptedPacket;
import dev.flint.connlib.peer.PeerEvent;
import dev.flint.connlib.peer.PeerNode;
import dev.flint.connlib.peer.Relay;
import dev.flint.connlib.phoenix.BackoffPolicy;
import dev.flint.connlib.phoenix.ChannelEvent;
import dev.flint.connlib.phoenix.ClientChannel;
import dev.flint.connlib.portal.Decoded;
import dev.flint.connlib.portal.GatewayResource;
import dev.flint.connlib.portal.GatewayToPortal;
import dev.flint.connlib.portal.PortalCodec;
import dev.flint.connlib.portal.PortalToGateway;
import dev.flint.connlib.tunnel.GatewayEvent;
import dev.flint.connlib.tunnel.GatewayState;
import dev.flint.connlib.tunnel.GatewayTransmit;
import dev.flint.connlib.tunnel.P2pControlEvent;
import dev.flint.connlib.wireguard.WireGuardKey;
import dev.flint.shell.p2p.PeerSocketShell;
import dev.flint.shell.p2p.PeerSockets;
import dev.flint.shell.portal.DeviceIdentity;
import dev.flint.shell.portal.HostResolver;
import dev.flint.shell.portal.PortalConnection;
import dev.flint.shell.portal.PortalUrl;
import dev.flint.shell.portal.UserAgent;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A Firezone-compatible gateway: the portal's {@code gateway} channel (with reconnect) feeds connlib's
 * {@link GatewayState} (authorizations, filters, DNS-resource NAT, the DNS server on 53535, ICMP errors) and
 * {@link PeerNode} (ICE, TURN, WireGuard); the peer socket shell carries the encrypted traffic and the TUN device
 * the decrypted traffic, which the host forwards and masquerades to the resource network.
 *
 * <p>The state machines run on the peer shell's thread only: portal messages, TUN reads and the housekeeping
 * tick are handed to it with {@link PeerSocketShell#submit}.
 */
public final class Gateway implements AutoCloseable {
    /** The Firezone gateway version whose behaviour this gateway matches, for the portal's User-Agent check. */
    static final String COMPATIBLE_GATEWAY_VERSION = "1.4.19";
    private static final Duration TICK = Duration.ofSeconds(1);

    /** What the command line sets. {@code dns} null means the namespace's resolv.conf. */
    public record Options(URI apiUrl, String token, String interfaceName, InetAddress dns) {
    }

    private final Consumer<String> say;
    private final SecureRandom random = new SecureRandom();
    private final GatewayState state;
    private final UpstreamDns dns;
    private final Set<UUID> relays = new HashSet<>();
    private final CompletableFuture<String> failed = new CompletableFuture<>();
    private GatewayTun tun;
    private Masquerade masquerade;
    private PeerSocketShell shell;
    private EventLoopGroup group;
    private PortalConnection portal;
    private ScheduledExecutorService ticker;
    private volatile boolean joinedOnce;
    private volatile boolean closed;

    private Gateway(UpstreamDns dns, Consumer<String> say) {
        this.dns = dns;
        this.say = say;
        this.state = new GatewayState(dns);
    }

    /**
     * Sets up the TUN, forwarding and masquerading, binds the peer sockets and dials the portal. Anything set up
     * before a failure is undone.
     */
    public static Gateway start(Options options, Consumer<String> say) throws IOException {
        InetAddress dnsServer = options.dns() != null ? options.dns()
            : UpstreamDns.fromResolvConf(java.nio.file.Path.of("/etc/resolv.conf"));
        Gateway gateway = new Gateway(new UpstreamDns(new java.net.InetSocketAddress(dnsServer, UpstreamDns.DNS_PORT)),
            say);
        try {
            gateway.open(options);
            return gateway;
        } catch (IOException | RuntimeException e) {
            gateway.close();
            throw e;
        }
    }

    private void open(Options options) throws IOException {
        tun = GatewayTun.open(options.interfaceName());
        masquerade = Masquerade.install(tun.name());
        say.accept("Created " + tun.name() + " (MTU " + GatewayTun.MTU + ", routes 100.64.0.0/10 and "
            + "fd00:2021:1111::/107); masquerading from it to the resource network; DNS resources resolved through "
            + dns.server().getAddress().getHostAddress() + ".");

        WireGuardKey key = WireGuardKey.generatePrivate(random);
        PeerNode node = new PeerNode(key, true, random, Instant.now());
        String tunName = tun.name();
        List<InetAddress> local = PeerSockets.interfaceAddresses(nif -> !nif.getName().equals(tunName));
        if (local.isEmpty()) {
            throw new IOException("no network interface with an address to reach clients and relays from");
        }
        List<DatagramChannel> sockets = PeerSockets.bind(local, PeerSockets.FIREZONE_PORT);
        shell = PeerSocketShell.start(node, sockets, this::onPeerEvent, this::onDecrypted, "gateway");
        tun.startReading(packets -> shell.submit((n, now) -> {
            for (byte[] p : packets) {
                state.handleTunInput(p, now);
            }
            drain();
            return null;
        }));
        ticker = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon().name("gateway-tick").unstarted(r));
        ticker.scheduleAtFixedRate(() -> shell.submit((n, now) -> {
            state.handleTimeout(now);
            drain();
            return null;
        }), TICK.toMillis(), TICK.toMillis(), TimeUnit.MILLISECONDS);

        String deviceId = UUID.nameUUIDFromBytes(("flint-gateway:" + options.token().strip())
            .getBytes(StandardCharsets.UTF_8)).toString();
        DeviceIdentity device = new DeviceIdentity(deviceId, DeviceIdentity.defaultName(), node.publicKey().toBase64());
        ClientChannel channel = new ClientChannel(PortalUrl.Mode.GATEWAY.topic(), NullNode.getInstance(),
            BackoffPolicy.reconnect(Duration.ofHours(24)), random);
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        portal = new PortalConnection(PortalUrl.build(options.apiUrl(), PortalUrl.Mode.GATEWAY, device),
            options.token(), userAgent(), channel, null, HostResolver.SYSTEM, group, Clock.systemUTC(), this::onPortal);
        say.accept("Listening for clients on " + String.join(", ", shell.localAddresses().stream().map(Gateway::text)
            .toList()) + "; connecting to the portal at "
            + options.apiUrl() + ".");
        portal.start();
    }

    /** Completes with the reason when the portal refuses the gateway for good (bad token, budget spent). */
    public CompletableFuture<String> failure() {
        return failed;
    }

    private static String userAgent() {
        UserAgent system = UserAgent.detect("0");
        String version = Gateway.class.getPackage().getImplementationVersion();
        return token(system.osName()) + "/" + token(system.osVersion()) + " gateway/" + COMPATIBLE_GATEWAY_VERSION
            + " (" + token(system.arch()) + "; " + token(system.kernel()) + ") flint/"
            + (version == null ? "dev" : token(version));
    }

    private static String token(String s) {
        return s.replaceAll("[^A-Za-z0-9._+-]", "_");
    }

    // ---- portal ------------------------------------------------------------------------------------

    private void onPortal(ChannelEvent event) {
        switch (event) {
            case ChannelEvent.Joined j -> { }
            case ChannelEvent.Inbound in -> {
                switch (PortalCodec.decodePortalToGateway(in.event(), in.payload())) {
                    case Decoded.Ok<PortalToGateway> ok -> {
                        if (!ok.dropped().isEmpty()) {
                            say.accept("Skipped malformed parts of the portal's " + in.event() + ": " + ok.dropped());
                        }
                        handle(ok.message());
                    }
                    case Decoded.UnknownEvent<PortalToGateway> u ->
                        say.accept("Ignored an unknown portal message '" + u.event() + "'.");
                    case Decoded.Invalid<PortalToGateway> bad ->
                        say.accept("Ignored an unusable portal message '" + in.event() + "': " + bad.error());
                }
            }
            case ChannelEvent.Disconnected d -> say.accept("Lost the portal connection (" + d.reason()
                + "); trying again in " + d.retryIn().toMillis() + " ms.");
            case ChannelEvent.Failed f -> {
                say.accept("The portal refused the gateway for good: " + f.error() + ".");
                failed.complete(String.valueOf(f.error()));
            }
            default -> { }
        }
    }

    private void handle(PortalToGateway message) {
        switch (message) {
            case PortalToGateway.Init init -> {
                try {
                    tun.assign(List.of(init.iface().ipv4(), init.iface().ipv6()));
                } catch (IOException e) {
                    say.accept("Cannot put the tunnel addresses on " + tun.name() + ": " + e.getMessage());
                }
                List<Relay> fresh = PeerRelays.of(init.relays());
                onShell((node, now) -> {
                    Set<UUID> gone = new HashSet<>(relays);
                    fresh.forEach(r -> gone.remove(r.id()));
                    node.updateRelays(gone, fresh, now);
                    relays.removeAll(gone);
                    fresh.forEach(r -> relays.add(r.id()));
                    state.handlePortalMessage(init, now);
                });
                say.accept((joinedOnce ? "Joined the portal again" : "Joined the portal") + " as gateway of account "
                    + init.accountSlug() + ": tunnel addresses " + text(init.iface().ipv4()) + " and "
                    + text(init.iface().ipv6()) + ", " + fresh.size() + " relay(s), "
                    + init.authorizations().size() + " authorization(s) to keep.");
                joinedOnce = true;
            }
            case PortalToGateway.CreateAuthorization a -> onShell((node, now) -> {
                boolean ok = node.upsertConnection(a.client().id(),
                    WireGuardKey.fromBase64(a.client().publicKey().base64()),
                    WireGuardKey.fromBase64(a.client().presharedKey().base64()),
                    ice(a.gatewayIceCredentials()), ice(a.clientIceCredentials()), IceRole.CONTROLLED, now);
                if (!ok) {
                    say.accept("Cannot accept client " + a.client().id() + ": no relays; asked the portal for some.");
                    return;
                }
                state.handlePortalMessage(a, now);
                portal.send(new GatewayToPortal.AuthorizationCreated(a.ref()));
                say.accept("Client " + a.client().id() + " (" + a.client().ipv4().getHostAddress() + ") may reach "
                    + describe(a.resource()) + (a.expiresAt() == null ? "" : " until " + a.expiresAt()) + ".");
            });
            case PortalToGateway.IceCandidates c -> onShell((node, now) -> {
                for (String candidate : c.candidates()) {
                    node.addRemoteCandidate(c.clientId(), candidate, now);
                }
            });
            case PortalToGateway.InvalidateIceCandidates c -> onShell((node, now) -> {
                for (String candidate : c.candidates()) {
                    node.removeRemoteCandidate(c.clientId(), candidate, now);
                }
            });
            case PortalToGateway.RejectAccess r -> {
                onShell((node, now) -> state.handlePortalMessage(r, now));
                say.accept("Client " + r.clientId() + " may no longer reach resource " + r.resourceId() + ".");
            }
            case PortalToGateway.ResourceUpdated u -> {
                onShell((node, now) -> state.handlePortalMessage(u, now));
                say.accept("The filters of " + describe(u.resource()) + " changed.");
            }
            case PortalToGateway.RelaysPresence p -> {
                List<Relay> connected = PeerRelays.of(p.connected());
                onShell((node, now) -> {
                    node.updateRelays(p.disconnectedIds(), connected, now);
                    relays.removeAll(p.disconnectedIds());
                    connected.forEach(r -> relays.add(r.id()));
                });
                say.accept("Relays changed: " + p.disconnectedIds().size() + " gone, " + connected.size() + " now.");
            }
            case PortalToGateway.AllowAccess a -> onShell((node, now) -> {
                state.authorize(a.clientId(), a.clientIpv4(), a.clientIpv6(), a.resource(), a.expiresAt(), now);
                say.accept("Client " + a.clientId() + " may reach " + describe(a.resource()) + " (legacy allow_access).");
            });
            case PortalToGateway.RequestConnection r -> say.accept("Ignored a legacy request_connection for client "
                + r.client().id() + ": this gateway speaks only the current protocol (create_authorization).");
            case PortalToGateway.AccessAuthorizationExpiryUpdated ignored -> { }
        }
    }

    private interface ShellTask {
        void run(PeerNode node, Instant now);
    }

    /** Runs {@code task} on the shell's thread, then sends what the gateway state produced. */
    private void onShell(ShellTask task) {
        if (closed) {
            return;
        }
        shell.submit((node, now) -> {
            task.run(node, now);
            drain();
            return null;
        }).exceptionally(e -> {
            say.accept("Gateway step failed: " + e);
            return null;
        });
    }

    private static IceCredentials ice(dev.flint.connlib.portal.IceCredentials c) {
        return new IceCredentials(c.username(), c.password());
    }

    private static String describe(GatewayResource resource) {
        return switch (resource) {
            case GatewayResource.Dns d -> "DNS resource " + d.name() + " (" + d.address() + ")";
            case GatewayResource.Cidr c -> "CIDR resource " + c.name() + " (" + c.address() + ")";
            case GatewayResource.Internet i -> "the Internet Resource";
        };
    }

    // ---- data path (shell thread) ------------------------------------------------------------------

    private void onDecrypted(DecryptedPacket packet) {
        state.handleClientPacket(packet.connection(), packet.packet(), Instant.now());
        drain();
    }

    /** Packets for the resource network to the TUN, packets for clients to the shell, then the state's events. */
    private void drain() {
        for (byte[] p = state.pollTunPacket(); p != null; p = state.pollTunPacket()) {
            try {
                tun.write(p);
            } catch (IOException e) {
                // The kernel refused this packet (e.g. no route): it is dropped, the others go on.
            }
        }
        Map<UUID, List<byte[]>> toClients = new LinkedHashMap<>();
        for (GatewayTransmit t = state.pollClientTransmit(); t != null; t = state.pollClientTransmit()) {
            toClients.computeIfAbsent(t.peer(), id -> new ArrayList<>()).add(t.packet());
        }
        toClients.forEach(shell::send);
        for (GatewayEvent e = state.pollEvent(); e != null; e = state.pollEvent()) {
            switch (e) {
                case GatewayEvent.CloseConnection close -> shell.submit((node, now) -> {
                    node.closeConnection(close.clientId());
                    return null;
                });
            }
        }
    }

    private void onPeerEvent(PeerEvent event) {
        switch (event) {
            case PeerEvent.NewIceCandidate c -> portal.send(
                new GatewayToPortal.BroadcastIceCandidates(List.of(c.connection()), List.of(c.candidate())));
            case PeerEvent.InvalidateIceCandidate c -> portal.send(
                new GatewayToPortal.BroadcastInvalidatedIceCandidates(List.of(c.connection()), List.of(c.candidate())));
            case PeerEvent.ConnectionEstablished c ->
                say.accept("Client " + c.connection() + " connected " + describe(c.path()) + ".");
            case PeerEvent.PathChanged c ->
                say.accept("Client " + c.connection() + " now connected " + describe(c.path()) + ".");
            case PeerEvent.ConnectionFailed c -> {
                state.handleConnectionFailed(c.connection(), Instant.now());
                say.accept("Connection to client " + c.connection() + " failed: " + c.reason() + ".");
            }
            case PeerEvent.ConnectionClosed c -> say.accept("Connection to client " + c.connection() + " closed.");
            case PeerEvent.NoRelays n -> {
                portal.send(new GatewayToPortal.NoRelays());
                say.accept("No usable relay; asked the portal for relays.");
            }
        }
    }

    private static String describe(NominatedPair path) {
        String route = path.pathType() == PathType.RELAYED ? "via relay" : "via direct path";
        return route + " (" + text(path.source()) + " -> " + text(path.destination()) + ")";
    }

    /** An address as people write it: IPv6 with the longest run of zero groups shortened to "::" (RFC 5952). */
    static String text(InetAddress address) {
        if (!(address instanceof java.net.Inet6Address)) {
            return address.getHostAddress();
        }
        byte[] b = address.getAddress();
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLength = 1; // a single zero group is not shortened
        for (int i = 0; i < 8; i++) {
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = Math.max(i, j);
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                out.append("::");
                i += bestLength - 1;
                continue;
            }
            if (!out.isEmpty() && out.charAt(out.length() - 1) != ':') {
                out.append(':');
            }
            out.append(Integer.toHexString(groups[i]));
        }
        return out.toString();
    }

    static String text(java.net.InetSocketAddress address) {
        String host = text(address.getAddress());
        return (address.getAddress() instanceof java.net.Inet6Address ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    /**
     * Tells every connected client that this gateway is going (the p2p {@code goodbye}), so it drops the connection
     * at once and asks the portal again instead of waiting for ICE to time out.
     */
    private void sayGoodbye() {
        byte[] goodbye = new P2pControlEvent.Goodbye().encode();
        try {
            shell.submit((node, now) -> node.connectionIds().stream().filter(node::isConnected).toList())
                .thenCompose(ids -> CompletableFuture.allOf(ids.stream()
                    .map(id -> shell.send(id, List.of(goodbye))).toArray(CompletableFuture[]::new)))
                .get(1, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            // Clients notice by ICE timeout instead.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Leaves the portal, closes every connection, removes the TUN, the nftables table and the forwarding change. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (ticker != null) {
            ticker.shutdownNow();
        }
        if (shell != null) {
            sayGoodbye();
        }
        if (portal != null) {
            portal.close();
        }
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
        }
        if (shell != null) {
            shell.close();
        }
        if (tun != null) {
            tun.close();
        }
        if (masquerade != null) {
            masquerade.close();
        }
    }
}
