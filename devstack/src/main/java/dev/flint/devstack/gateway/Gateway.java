package dev.flint.devstack.gateway;

import com.fasterxml.jackson.databind.node.NullNode;
import dev.flint.connlib.ice.NominatedPair;
import dev.flint.connlib.ice.PathType;
import dev.flint.connlib.net.InetLiteral;
import dev.flint.connlib.peer.PeerEvent;
import dev.flint.connlib.phoenix.BackoffPolicy;
import dev.flint.connlib.phoenix.ChannelEvent;
import dev.flint.connlib.phoenix.ClientChannel;
import dev.flint.connlib.portal.Decoded;
import dev.flint.connlib.portal.GatewayResource;
import dev.flint.connlib.portal.GatewayToPortal;
import dev.flint.connlib.portal.PortalCodec;
import dev.flint.connlib.portal.PortalToGateway;
import dev.flint.connlib.tunnel.GatewaySession;
import dev.flint.connlib.tunnel.GatewaySessionEvent;
import dev.flint.connlib.wireguard.WireGuardKey;
import dev.flint.shell.engine.EventLoop;
import dev.flint.shell.linux.LinuxUdpSocket;
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
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A Firezone-compatible gateway: connlib's {@link GatewaySession} (authorizations, filters, DNS-resource NAT, the DNS
 * server on 53535, ICMP errors; ICE, TURN and WireGuard) on an {@link EventLoop} with one UDP socket on port 52625 and
 * the TUN device, whose decrypted traffic the host forwards and masquerades to the resource network; the portal's
 * {@code gateway} channel (with reconnect) feeds the session whole messages.
 *
 * <p>The session runs on the loop's thread only: portal messages are handed to it with {@link EventLoop#execute}.
 */
public final class Gateway implements AutoCloseable {
    /** The Firezone gateway version whose behaviour this gateway matches, for the portal's User-Agent check. */
    static final String COMPATIBLE_GATEWAY_VERSION = "1.4.19";

    /** What the command line sets. {@code dns} null means the namespace's resolv.conf. */
    public record Options(URI apiUrl, String token, String interfaceName, InetAddress dns) {
    }

    private final Consumer<String> say;
    private final SecureRandom random = new SecureRandom();
    private final Clock clock = Clock.systemUTC();
    private final UpstreamDns dns;
    private final CompletableFuture<String> failed = new CompletableFuture<>();
    private GatewaySession session;
    private GatewayTun tun;
    private LinuxUdpSocket udp;
    private EventLoop loop;
    private EventLoopGroup group;
    private PortalConnection portal;
    private boolean joinedOnce;
    private String joinLine;
    private volatile boolean closed;

    private Gateway(UpstreamDns dns, Consumer<String> say) {
        this.dns = dns;
        this.say = say;
    }

    /**
     * Sets up the TUN, forwarding and masquerading, binds the peer socket and dials the portal. Anything set up
     * before a failure is undone.
     */
    public static Gateway start(Options options, Consumer<String> say) throws IOException {
        InetAddress dnsServer = options.dns() != null ? options.dns()
            : UpstreamDns.fromResolvConf(java.nio.file.Path.of("/etc/resolv.conf"));
        Gateway gateway = new Gateway(new UpstreamDns(new InetSocketAddress(dnsServer, UpstreamDns.DNS_PORT)), say);
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
        Masquerade.ensure(tun.name());
        say.accept("Created " + tun.name() + " (MTU " + GatewayTun.MTU + ", routes 100.64.0.0/10 and "
            + "fd00:2021:1111::/107); masquerading from it to the resource network; DNS resources resolved through "
            + dns.server().getAddress().getHostAddress() + ".");

        session = new GatewaySession(WireGuardKey.generatePrivate(random), dns, random, clock.instant());
        String tunName = tun.name();
        if (PeerSockets.interfaceAddresses(nif -> !nif.getName().equals(tunName)).isEmpty()) {
            throw new IOException("no network interface with an address to reach clients and relays from");
        }
        udp = LinuxUdpSocket.bindPreferring(PeerSockets.FIREZONE_PORT);
        loop = EventLoop.start("gateway", session, new LoopShell(), udp, clock);
        loop.attach(tun.device());

        String deviceId = UUID.nameUUIDFromBytes(("flint-gateway:" + options.token().strip())
            .getBytes(StandardCharsets.UTF_8)).toString();
        DeviceIdentity device = new DeviceIdentity(deviceId, DeviceIdentity.defaultName(),
            session.publicKey().toBase64());
        ClientChannel channel = new ClientChannel(PortalUrl.Mode.GATEWAY.topic(), NullNode.getInstance(),
            BackoffPolicy.reconnect(Duration.ofHours(24)), random);
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        portal = new PortalConnection(PortalUrl.build(options.apiUrl(), PortalUrl.Mode.GATEWAY, device),
            options.token(), userAgent(), channel, null, HostResolver.SYSTEM, group, Clock.systemUTC(),
            event -> loop.execute(() -> onPortal(event)));
        say.accept("Listening for clients on UDP port " + udp.port() + " of every address (offloads: "
            + udp.offloads() + "); connecting to the portal at " + options.apiUrl() + ".");
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

    // ---- portal (loop thread) -----------------------------------------------------------------------

    private void onPortal(ChannelEvent event) {
        if (closed) {
            return;
        }
        Instant now = clock.instant();
        switch (event) {
            case ChannelEvent.Joined j -> session.handlePortalJoined(now);
            case ChannelEvent.Inbound in -> {
                switch (PortalCodec.decodePortalToGateway(in.event(), in.payload())) {
                    case Decoded.Ok<PortalToGateway> ok -> {
                        if (!ok.dropped().isEmpty()) {
                            say.accept("Skipped malformed parts of the portal's " + in.event() + ": " + ok.dropped());
                        }
                        describe(ok.message());
                        session.handlePortalMessage(ok.message(), now);
                    }
                    case Decoded.UnknownEvent<PortalToGateway> u ->
                        say.accept("Ignored an unknown portal message '" + u.event() + "'.");
                    case Decoded.Invalid<PortalToGateway> bad ->
                        say.accept("Ignored an unusable portal message '" + in.event() + "': " + bad.error());
                }
            }
            case ChannelEvent.Disconnected d -> {
                session.handlePortalLeft();
                say.accept("Lost the portal connection (" + d.reason() + "); trying again in "
                    + d.retryIn().toMillis() + " ms.");
            }
            case ChannelEvent.Failed f -> {
                session.handlePortalLeft();
                say.accept("The portal refused the gateway for good: " + f.error() + ".");
                failed.complete(String.valueOf(f.error()));
            }
            default -> { }
        }
    }

    /** The lines the devstack's log and tests read, for the messages whose effect is not an event of the session. */
    private void describe(PortalToGateway message) {
        switch (message) {
            case PortalToGateway.Init init -> {
                // Said once the addresses are on the device (InterfaceChanged), so whoever reads it finds them there.
                joinLine = ((joinedOnce ? "Joined the portal again" : "Joined the portal") + " as gateway of account "
                    + init.accountSlug() + ": tunnel addresses " + InetLiteral.format(init.iface().ipv4()) + " and "
                    + InetLiteral.format(init.iface().ipv6()) + ", " + dev.flint.connlib.peer.Relay.fromPortal(init.relays()).size()
                    + " relay(s), " + init.authorizations().size() + " authorization(s) to keep.");
                joinedOnce = true;
            }
            case PortalToGateway.RejectAccess r ->
                say.accept("Client " + r.clientId() + " may no longer reach resource " + r.resourceId() + ".");
            case PortalToGateway.ResourceUpdated u -> say.accept("The filters of " + describe(u.resource()) + " changed.");
            case PortalToGateway.RelaysPresence p -> say.accept("Relays changed: " + p.disconnectedIds().size()
                + " gone, " + dev.flint.connlib.peer.Relay.fromPortal(p.connected()).size() + " now.");
            case PortalToGateway.RequestConnection r -> say.accept("Ignored a legacy request_connection for client "
                + r.client().id() + ": this gateway speaks only the current protocol (create_authorization).");
            default -> { }
        }
    }

    private static String describe(GatewayResource resource) {
        return switch (resource) {
            case GatewayResource.Dns d -> "DNS resource " + d.name() + " (" + d.address() + ")";
            case GatewayResource.Cidr c -> "CIDR resource " + c.name() + " (" + c.address() + ")";
            case GatewayResource.Internet i -> "the Internet Resource";
        };
    }

    // ---- the session on the loop -------------------------------------------------------------------

    /** What the gateway does on the loop besides the session: portal messages and what it says of events. */
    private final class LoopShell implements EventLoop.Shell {
        @Override
        public void afterStep(Instant now) {
            for (GatewayToPortal m = session.pollPortalMessage(); m != null; m = session.pollPortalMessage()) {
                if (portal != null && !closed) {
                    portal.send(m);
                }
            }
            for (GatewaySessionEvent e = session.pollEvent(); e != null; e = session.pollEvent()) {
                onSessionEvent(e);
            }
        }
    }

    private void onSessionEvent(GatewaySessionEvent event) {
        switch (event) {
            case GatewaySessionEvent.InterfaceChanged changed -> {
                try {
                    tun.assign(List.of(changed.iface().ipv4(), changed.iface().ipv6()));
                } catch (IOException e) {
                    say.accept("Cannot put the tunnel addresses on " + tun.name() + ": " + e.getMessage());
                }
                if (joinLine != null) {
                    say.accept(joinLine);
                    joinLine = null;
                }
            }
            case GatewaySessionEvent.ClientAuthorized a -> say.accept("Client " + a.clientId() + " ("
                + a.clientIpv4().getHostAddress() + ") may reach " + describe(a.resource())
                + (a.expiresAt() == null ? "" : " until " + a.expiresAt()) + ".");
            case GatewaySessionEvent.AuthorizationRefused r ->
                say.accept("Cannot accept client " + r.clientId() + ": " + r.reason() + "; asked the portal for some.");
            case GatewaySessionEvent.Connection(PeerEvent peer) -> {
                switch (peer) {
                    case PeerEvent.ConnectionEstablished c ->
                        say.accept("Client " + c.connection() + " connected " + describe(c.path()) + ".");
                    case PeerEvent.PathChanged c ->
                        say.accept("Client " + c.connection() + " now connected " + describe(c.path()) + ".");
                    case PeerEvent.ConnectionFailed c ->
                        say.accept("Connection to client " + c.connection() + " failed: " + c.reason() + ".");
                    case PeerEvent.ConnectionClosed c -> say.accept("Connection to client " + c.connection() + " closed.");
                    default -> { }
                }
            }
        }
    }

    private static String describe(NominatedPair path) {
        String route = path.pathType() == PathType.RELAYED ? "via relay" : "via direct path";
        return route + " (" + text(path.source()) + " -> " + text(path.destination()) + ")";
    }

    static String text(java.net.InetSocketAddress address) {
        String host = InetLiteral.format(address.getAddress());
        return (address.getAddress() instanceof java.net.Inet6Address ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    /** Leaves the portal, says goodbye to every client, removes the TUN, the nftables table and the forwarding change. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        if (loop != null) {
            try {
                // Clients drop the connection at once and ask the portal again instead of waiting for ICE to time out.
                loop.submit(() -> {
                    session.goodbye(clock.instant());
                    return null;
                }).get(1, TimeUnit.SECONDS);
            } catch (Exception e) {
                // Clients notice by ICE timeout instead.
            }
        }
        closed = true;
        if (portal != null) {
            portal.close();
        }
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
        }
        if (loop != null) {
            loop.close();
        }
        if (udp != null) {
            udp.close();
        }
        if (tun != null) {
            tun.close();
        }
    }
}
