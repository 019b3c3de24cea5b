package dev.flint.devstack.portal;

import dev.flint.connlib.phoenix.ServerChannel;
import dev.flint.connlib.phoenix.ServerEvent;
import dev.flint.connlib.portal.EncodeOptions;
import dev.flint.connlib.portal.EncodedMessage;
import dev.flint.connlib.portal.PortalCodec;
import dev.flint.connlib.portal.PortalMessage;
import dev.flint.connlib.portal.Resource;
import dev.flint.connlib.wireguard.WireGuardKey;
import dev.flint.devstack.portal.PortalConfig.Account;
import dev.flint.devstack.portal.PortalConfig.GatewayEntry;
import dev.flint.devstack.portal.PortalConfig.User;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Future;

/**
 * One connected device (a client or a gateway) on one WebSocket: its Phoenix server channel, who it is, and what
 * it has been told. Lives on the portal's event-loop thread.
 */
final class DeviceSession {

    enum Kind {
        CLIENT("client"), GATEWAY("gateway");

        final String topic;

        Kind(String topic) {
            this.topic = topic;
        }
    }

    /** Where a session's frames go; the Netty shell implements it. */
    interface Transport {
        void send(String text);

        void close();
    }

    final Kind kind;
    final boolean legacyEndpoint;
    final ServerChannel phoenix;
    final Transport transport;
    final Account account;
    final UUID deviceId;
    final String externalId;
    final String name;
    final WireGuardKey publicKey;
    final UserAgent userAgent;
    final String remoteIp;
    final Map<String, String> query;
    final Inet4Address ipv4;
    final Inet6Address ipv6;
    /** Client: the signed-in user and the token's id and expiry. Null for gateways. */
    final User user;
    final UUID tokenId;
    final Instant tokenExpiresAt;
    /** Gateway: its config entry. Null for clients. */
    final GatewayEntry gateway;

    boolean joined;
    /** Client: the resources last sent, by id, to push only differences on reload. */
    final Map<UUID, Resource> visible = new LinkedHashMap<>();
    Future<?> expiryTimer;

    DeviceSession(Kind kind, boolean legacyEndpoint, ServerChannel phoenix, Transport transport, Account account,
                  UUID deviceId, String externalId, String name, WireGuardKey publicKey, UserAgent userAgent,
                  String remoteIp, Map<String, String> query, Inet4Address ipv4, Inet6Address ipv6, User user,
                  UUID tokenId, Instant tokenExpiresAt, GatewayEntry gateway) {
        this.kind = kind;
        this.legacyEndpoint = legacyEndpoint;
        this.phoenix = phoenix;
        this.transport = transport;
        this.account = account;
        this.deviceId = deviceId;
        this.externalId = externalId;
        this.name = name;
        this.publicKey = publicKey;
        this.userAgent = userAgent;
        this.remoteIp = remoteIp;
        this.query = Map.copyOf(query);
        this.ipv4 = ipv4;
        this.ipv6 = ipv6;
        this.user = user;
        this.tokenId = tokenId;
        this.tokenExpiresAt = tokenExpiresAt;
        this.gateway = gateway;
    }

    EncodeOptions encodeOptions() {
        return new EncodeOptions(legacyEndpoint, kind == Kind.CLIENT && userAgent.wantsLegacySiteKeys());
    }

    /** Pushes a message on the device's topic (dropped when the topic is not joined) and flushes. */
    void push(PortalMessage message) {
        EncodedMessage encoded = PortalCodec.encode(message, encodeOptions());
        phoenix.push(kind.topic, encoded.event(), encoded.payload());
        flush();
    }

    /** Writes everything the Phoenix channel has queued, and closes the socket when it asked to. */
    void flush() {
        String out;
        while ((out = phoenix.pollSend()) != null) {
            transport.send(out);
        }
    }

    /** Server events not handled by the portal itself (only socket closes matter here). */
    ServerEvent pollEvent() {
        return phoenix.pollEvent();
    }

    @Override
    public String toString() {
        return kind.topic + " " + name + " (" + deviceId + ")";
    }
}
