package dev.flint.devstack.portal;

import dev.flint.connlib.phoenix.ServerChannel;
import dev.flint.connlib.wireguard.WireGuardKey;
import dev.flint.devstack.portal.PortalConfig.Account;
import dev.flint.devstack.portal.PortalConfig.GatewayEntry;
import dev.flint.devstack.portal.PortalConfig.User;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Who may connect: issues client tokens (the sign-in page hands them out), revokes them on sign-out, and checks a
 * connect request's token and parameters the way the portal does, with its status codes and problem codes.
 */
final class SignIn {
    private final ConfigView view;
    private final Devices devices;
    private final Clock clock;
    private final Set<UUID> revokedTokens = new HashSet<>();

    SignIn(ConfigView view, Devices devices, Clock clock) {
        this.view = view;
        this.devices = devices;
        this.clock = clock;
    }

    /** Issues a client token for a user: the fragment to hand back (the client prepends its nonce). */
    String issueFragment(Account account, User user, String nonce) {
        Instant expires = clock.instant().plus(view.config().tokenLifetime());
        return view.tokens().fragment(nonce,
            new ClientTokens.Claims(UUID.randomUUID(), account.id(), user.id(), expires));
    }

    /** Revokes the user's tokens: connected sessions get {@code disconnect token_expired}, reconnects a 401. */
    int signOut(String email) {
        int count = 0;
        for (DeviceSession s : List.copyOf(devices.clients())) {
            if (s.user.email().equalsIgnoreCase(email)) {
                revokedTokens.add(s.tokenId);
                devices.expire(s);
                count++;
            }
        }
        return count;
    }

    /** Checks a connect request: a refusal, or (when a socket was given) the new session, not yet registered. */
    Portal.Admission admit(Portal.ConnectRequest request, ServerChannel phoenix, DeviceSession.Transport transport) {
        String token = request.authorizationHeader() != null ? bearer(request.authorizationHeader()) : null;
        if (token == null) {
            token = request.query().get("token");
        }
        token = token == null ? null : token.replaceAll("\\s", "");
        if (token == null || token.isEmpty()) {
            return refuse(401, "Unauthorized", "Missing token", "missing_token");
        }
        UserAgent ua = UserAgent.parse(request.userAgent());
        Map<String, String> q = request.query();
        String externalId = q.getOrDefault("external_id", q.get("firezone_id"));
        WireGuardKey key = WireGuardKey.parse(q.get("public_key"));
        List<String> problems = new ArrayList<>();
        if (externalId == null || externalId.isEmpty()) {
            problems.add("external_id can't be blank");
        } else if (externalId.length() > 255) {
            problems.add("external_id should be at most 255 character(s)");
        }
        if (q.get("public_key") == null || q.get("public_key").isEmpty()) {
            problems.add("public_key can't be blank");
        } else if (key == null) {
            problems.add("public_key must be a base64-encoded 32-byte key");
        }
        String name = q.get("name");
        if (name != null && (name.isEmpty() || name.length() > 255)) {
            problems.add("name should be 1 to 255 character(s)");
        }
        return switch (request.endpoint().kind) {
            case CLIENT -> admitClient(request, token, ua, externalId, key, name, problems, phoenix, transport);
            case GATEWAY -> admitGateway(request, token, ua, externalId, key, name, problems, phoenix, transport);
        };
    }

    private Portal.Admission admitClient(Portal.ConnectRequest request, String token, UserAgent ua,
                                         String externalId, WireGuardKey key, String name, List<String> problems,
                                         ServerChannel phoenix, DeviceSession.Transport transport) {
        Instant now = clock.instant();
        ClientTokens.Result verified = view.tokens().verify(token, now);
        if (verified.claims() == null || revokedTokens.contains(verified.claims().tokenId())) {
            return refuse(401, "Unauthorized", "Invalid token", "invalid_token");
        }
        ClientTokens.Claims claims = verified.claims();
        Optional<Account> account = view.config().account(claims.accountId());
        Optional<User> user = account.flatMap(a -> a.user(claims.userId()));
        if (user.isEmpty()) {
            return refuse(401, "Unauthorized", "Invalid token", "invalid_token");
        }
        if (!ua.known()) {
            problems.add("user_agent is invalid");
        }
        if (!problems.isEmpty()) {
            return refuse(400, "Bad Request", String.join("; ", problems), "invalid_connect_params");
        }
        if (phoenix == null) {
            return new Portal.Admission(null, null);
        }
        UUID deviceId = UUID.nameUUIDFromBytes(("client:" + account.get().id() + ":" + externalId)
            .getBytes(StandardCharsets.UTF_8));
        String deviceName = name != null ? name : "client-" + deviceId.toString().substring(0, 8);
        return new Portal.Admission(null, new DeviceSession(DeviceSession.Kind.CLIENT, request.endpoint().legacy,
            phoenix, transport, account.get(), deviceId, externalId, deviceName, key, ua, request.remoteIp(),
            request.query(), devices.ipv4(deviceId), devices.ipv6(deviceId), user.get(), claims.tokenId(),
            claims.expiresAt(), null));
    }

    private Portal.Admission admitGateway(Portal.ConnectRequest request, String token, UserAgent ua,
                                          String externalId, WireGuardKey key, String name, List<String> problems,
                                          ServerChannel phoenix, DeviceSession.Transport transport) {
        Account account = null;
        GatewayEntry entry = null;
        for (Account a : view.config().accounts()) {
            for (GatewayEntry g : a.gateways()) {
                if (MessageDigest.isEqual(g.token().getBytes(StandardCharsets.UTF_8),
                    token.getBytes(StandardCharsets.UTF_8))) {
                    account = a;
                    entry = g;
                }
            }
        }
        if (entry == null) {
            return refuse(401, "Unauthorized", "Invalid token", "invalid_token");
        }
        if (!problems.isEmpty()) {
            return refuse(400, "Bad Request", String.join("; ", problems), "invalid_connect_params");
        }
        DeviceSession existing = devices.gateway(entry.id());
        if (existing != null && !existing.externalId.equals(externalId)) {
            return refuse(409, "Conflict", "Gateway already connected", "gateway_already_connected");
        }
        if (phoenix == null) {
            return new Portal.Admission(null, null);
        }
        return new Portal.Admission(null, new DeviceSession(DeviceSession.Kind.GATEWAY, request.endpoint().legacy,
            phoenix, transport, account, entry.id(), externalId, name != null ? name : entry.name(), key, ua,
            request.remoteIp(), request.query(), devices.ipv4(entry.id()), devices.ipv6(entry.id()), null, null, null,
            entry));
    }

    private static Portal.Admission refuse(int status, String title, String detail, String code) {
        return new Portal.Admission(new Portal.Refusal(status, title, detail, code), null);
    }

    private static String bearer(String header) {
        String h = header.trim();
        return h.regionMatches(true, 0, "Bearer ", 0, 7) ? h.substring(7) : null;
    }
}
