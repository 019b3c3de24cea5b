package dev.flint.ipc;

import java.net.URI;
import java.util.Locale;

/**
 * Which URLs the service accepts for the portal: encrypted schemes only, except on a loopback
 * host, where a development portal may run without TLS. Settings decide where the token is sent,
 * so a plain-text portal on a real network is refused outright.
 */
final class UrlPolicy {
    private UrlPolicy() {}

    static URI require(URI url, String field, String secureScheme, String loopbackScheme) {
        InvalidFieldException.requireNonNull(url, field);
        if (!url.isAbsolute() || url.isOpaque() || url.getHost() == null) {
            throw new InvalidFieldException(field, "must be an absolute " + secureScheme + ":// URL");
        }
        String scheme = url.getScheme().toLowerCase(Locale.ROOT);
        if (scheme.equals(secureScheme)) {
            return url;
        }
        if (scheme.equals(loopbackScheme) && isLoopback(url.getHost())) {
            return url;
        }
        throw new InvalidFieldException(field, "must use " + secureScheme + "://"
                + " (" + loopbackScheme + ":// is allowed only for localhost), got " + scheme + "://");
    }

    private static boolean isLoopback(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        return h.equals("localhost") || h.equals("[::1]") || h.equals("::1") || h.matches("127(\\.\\d{1,3}){3}");
    }
}
