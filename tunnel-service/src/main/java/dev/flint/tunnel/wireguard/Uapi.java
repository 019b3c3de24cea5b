package dev.flint.tunnel.wireguard;

import dev.flint.connlib.net.InetLiteral;
import dev.flint.connlib.net.IpPrefix;
import dev.flint.connlib.wireguard.WireGuardKey;
import dev.flint.connlib.wireguard.WireGuardPeer;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * WireGuard's cross-platform userspace API (wireguard.com/xplatform): {@code get=1} describes the
 * interface, {@code set=1} changes it, in the line format {@code wg} speaks. A request that names a
 * bad value stops at that line and answers {@code errno=22} (EINVAL), as wireguard-go does.
 */
final class Uapi {

    static final int EINVAL = 22;
    static final int EIO = 5;
    static final int EPROTO = 71;

    private final PlainWireGuard device;

    Uapi(PlainWireGuard device) {
        this.device = device;
    }

    /** The reply to {@code get=1}, ending with {@code errno=0} and the empty line. */
    String get() {
        HexFormat hex = HexFormat.of();
        StringBuilder out = new StringBuilder();
        synchronized (device.configLock()) {
            out.append("private_key=").append(hex.formatHex(device.privateKey().toBytes())).append('\n');
            out.append("listen_port=").append(device.listenPort()).append('\n');
            if (device.fwmark() != 0) {
                out.append("fwmark=").append(Integer.toUnsignedString(device.fwmark())).append('\n');
            }
            for (PlainWireGuard.PeerEntry e : device.peerEntries()) {
                WireGuardPeer p = e.peer;
                out.append("public_key=").append(hex.formatHex(p.publicKey().toBytes())).append('\n');
                byte[] psk = e.presharedKey == null ? new byte[32] : e.presharedKey.toBytes();
                out.append("preshared_key=").append(hex.formatHex(psk)).append('\n');
                out.append("protocol_version=1\n");
                InetSocketAddress ep = p.endpoint();
                if (ep != null) {
                    out.append("endpoint=").append(endpoint(ep)).append('\n');
                }
                Instant last = p.lastHandshake().orElse(Instant.EPOCH);
                out.append("last_handshake_time_sec=").append(last.getEpochSecond()).append('\n');
                out.append("last_handshake_time_nsec=").append(last.getNano()).append('\n');
                out.append("tx_bytes=").append(p.txBytes()).append('\n');
                out.append("rx_bytes=").append(p.rxBytes()).append('\n');
                out.append("persistent_keepalive_interval=")
                    .append(p.persistentKeepalive().map(Duration::toSeconds).orElse(0L)).append('\n');
                for (IpPrefix prefix : device.allowedIps(p)) {
                    out.append("allowed_ip=").append(prefix).append('\n');
                }
            }
        }
        out.append("errno=0\n\n");
        return out.toString();
    }

    static String endpoint(InetSocketAddress ep) {
        String host = ep.getAddress().getHostAddress();
        if (ep.getAddress() instanceof Inet6Address) {
            int pct = host.indexOf('%');
            return "[" + (pct >= 0 ? host.substring(0, pct) : host) + "]:" + ep.getPort();
        }
        return host + ":" + ep.getPort();
    }

    /** A bad line: its errno and why (logged, since the protocol carries only the number). */
    static final class Refused extends Exception {
        final int errno;

        Refused(int errno, String message) {
            super(message, null, false, false);
            this.errno = errno;
        }
    }

    /** The changes for one peer, applied when the next peer starts or the request ends. */
    private final class PeerChange {
        final WireGuardKey key;
        boolean remove;
        boolean updateOnly;
        WireGuardKey psk;
        boolean pskSet;
        InetSocketAddress endpoint;
        Duration keepalive;
        boolean replaceAllowed;
        final List<IpPrefix> allowed = new ArrayList<>();

        PeerChange(WireGuardKey key) {
            this.key = key;
        }

        void apply() {
            Optional<PlainWireGuard.PeerEntry> existing = device.peerEntry(key);
            if (remove) {
                existing.ifPresent(device::removePeer);
                return;
            }
            if (existing.isEmpty()) {
                if (updateOnly || key.equals(device.privateKey().publicKey())) {
                    return;
                }
                device.addPeer(key, pskSet ? psk : null, keepalive, endpoint, allowed, Instant.now());
                return;
            }
            PlainWireGuard.PeerEntry e = existing.get();
            if (pskSet) {
                device.setPresharedKey(e, psk);
            }
            if (endpoint != null) {
                e.peer.setEndpoint(endpoint);
            }
            if (keepalive != null) {
                device.setPersistentKeepalive(e, keepalive);
            }
            if (replaceAllowed) {
                device.replaceAllowedIps(e);
            }
            for (IpPrefix prefix : allowed) {
                device.addAllowedIp(e, prefix);
            }
        }
    }

    /** Applies the lines of one {@code set=1} request (without the {@code set=1} line itself); returns errno. */
    int set(List<String> lines) throws Refused {
        synchronized (device.configLock()) {
            PeerChange peer = null;
            try {
                for (String line : lines) {
                    int eq = line.indexOf('=');
                    if (eq <= 0) {
                        throw new Refused(EINVAL, "line '" + line + "' is not key=value");
                    }
                    String key = line.substring(0, eq);
                    String value = line.substring(eq + 1);
                    if (peer == null) {
                        switch (key) {
                            case "private_key" -> {
                                WireGuardKey k = hexKey(key, value);
                                if (!isZero(k)) {
                                    device.setPrivateKey(k);
                                }
                            }
                            case "listen_port" -> {
                                try {
                                    device.setListenPort(number(key, value, 65535));
                                } catch (IOException e) {
                                    throw new Refused(EIO, e.getMessage());
                                }
                            }
                            case "fwmark" -> {
                                try {
                                    device.setFwmark((int) Long.parseLong(value.isEmpty() ? "0" : value));
                                } catch (NumberFormatException e) {
                                    throw new Refused(EINVAL, "fwmark '" + value + "' is not a number");
                                } catch (IOException e) {
                                    throw new Refused(EIO, e.getMessage());
                                }
                            }
                            case "replace_peers" -> {
                                if (!value.equals("true")) {
                                    throw new Refused(EINVAL, "replace_peers must be true");
                                }
                                device.removeAllPeers();
                            }
                            case "public_key" -> peer = new PeerChange(hexKey(key, value));
                            default -> throw new Refused(EINVAL, "unknown interface key '" + key + "'");
                        }
                        continue;
                    }
                    switch (key) {
                        case "public_key" -> {
                            peer.apply();
                            peer = new PeerChange(hexKey(key, value));
                        }
                        case "remove" -> peer.remove = bool(key, value);
                        case "update_only" -> peer.updateOnly = bool(key, value);
                        case "preshared_key" -> {
                            WireGuardKey k = hexKey(key, value);
                            peer.psk = isZero(k) ? null : k;
                            peer.pskSet = true;
                        }
                        case "endpoint" -> peer.endpoint = parseEndpoint(value);
                        case "persistent_keepalive_interval" ->
                            peer.keepalive = Duration.ofSeconds(number(key, value, 65535));
                        case "replace_allowed_ips" -> peer.replaceAllowed = bool(key, value);
                        case "allowed_ip" -> peer.allowed.add(Optional.ofNullable(IpPrefix.tryParse(value.strip()))
                            .orElseThrow(() -> new Refused(EINVAL, "allowed_ip '" + value + "' is not a prefix"))
                            .network());
                        case "protocol_version" -> {
                            if (!value.equals("1")) {
                                throw new Refused(EPROTO, "protocol_version " + value + " is not supported");
                            }
                        }
                        default -> throw new Refused(EINVAL, "unknown peer key '" + key + "'");
                    }
                }
                if (peer != null) {
                    peer.apply();
                }
                return 0;
            } catch (IllegalArgumentException e) {
                throw new Refused(EINVAL, e.getMessage());
            }
        }
    }

    private static boolean isZero(WireGuardKey k) {
        for (byte b : k.toBytes()) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    private static WireGuardKey hexKey(String key, String value) throws Refused {
        if (value.length() != 64) {
            throw new Refused(EINVAL, key + " is not 64 hex digits");
        }
        try {
            return WireGuardKey.fromBytes(HexFormat.of().parseHex(value));
        } catch (IllegalArgumentException e) {
            throw new Refused(EINVAL, key + " is not 64 hex digits");
        }
    }

    private static boolean bool(String key, String value) throws Refused {
        return switch (value) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new Refused(EINVAL, key + " must be true or false");
        };
    }

    private static int number(String key, String value, int max) throws Refused {
        try {
            int v = Integer.parseInt(value);
            if (v < 0 || v > max) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new Refused(EINVAL, key + " '" + value + "' is not a number from 0 to " + max);
        }
    }

    private static InetSocketAddress parseEndpoint(String value) throws Refused {
        Optional<PeerEndpoint> ep = PeerEndpoint.parse(value);
        if (ep.isEmpty() || InetLiteral.parse(ep.get().host()) == null) {
            throw new Refused(EINVAL, "endpoint '" + value + "' is not IP:port or [IPv6]:port");
        }
        try {
            return ep.get().resolve();
        } catch (java.net.UnknownHostException e) {
            throw new Refused(EINVAL, "endpoint '" + value + "' is not an address");
        }
    }
}
