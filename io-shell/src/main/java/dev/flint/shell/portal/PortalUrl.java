package dev.flint.shell.portal;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The WebSocket URL a client or gateway dials: the API URL with {@code ws}/{@code wss} scheme, a trailing empty
 * path segment dropped, {@code <mode>/v2/websocket} appended, any query replaced by {@code external_id},
 * {@code name}, the optional hardware ids and finally {@code public_key}, form-urlencoded.
 */
public final class PortalUrl {

    /** Which socket to dial. */
    public enum Mode {
        CLIENT("client"), GATEWAY("gateway");

        final String path;

        Mode(String path) {
            this.path = path;
        }

        /** The Phoenix channel topic of this socket. */
        public String topic() {
            return path;
        }
    }

    private static final Pattern UUID_TEXT =
        Pattern.compile("[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}");

    private PortalUrl() {
    }

    /**
     * @throws IllegalArgumentException for schemes other than http(s)/ws(s) or a URL without a host
     */
    public static URI build(URI apiUrl, Mode mode, DeviceIdentity device) {
        String scheme = switch (apiUrl.getScheme() == null ? "" : apiUrl.getScheme().toLowerCase(Locale.ROOT)) {
            case "http", "ws" -> "ws";
            case "https", "wss" -> "wss";
            default -> throw new IllegalArgumentException("only http(s) and ws(s) API URLs are allowed: " + apiUrl);
        };
        if (apiUrl.getHost() == null) {
            throw new IllegalArgumentException("the API URL has no host: " + apiUrl);
        }
        String path = apiUrl.getRawPath() == null ? "" : apiUrl.getRawPath();
        if (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        path = path + "/" + mode.path + "/v2/websocket";

        StringBuilder query = new StringBuilder();
        param(query, "external_id", externalId(device.deviceId()));
        param(query, "name", device.name());
        if (device.deviceSerial() != null) {
            param(query, "device_serial", device.deviceSerial());
        }
        if (device.deviceUuid() != null) {
            param(query, "device_uuid", device.deviceUuid());
        }
        param(query, "public_key", device.publicKey());

        String authority = apiUrl.getRawAuthority();
        return URI.create(scheme + "://" + authority + path + "?" + query);
    }

    /** A device id that is a UUID is sent as the lowercase hex SHA-256 of its text; anything else verbatim. */
    public static String externalId(String deviceId) {
        if (!UUID_TEXT.matcher(deviceId).matches()) {
            return deviceId;
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(deviceId.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }

    /** The port to dial: the URL's, else the scheme default. */
    public static int port(URI wsUrl) {
        if (wsUrl.getPort() >= 0) {
            return wsUrl.getPort();
        }
        return "wss".equals(wsUrl.getScheme()) ? 443 : 80;
    }

    private static void param(StringBuilder query, String name, String value) {
        if (!query.isEmpty()) {
            query.append('&');
        }
        query.append(name).append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8));
    }
}
