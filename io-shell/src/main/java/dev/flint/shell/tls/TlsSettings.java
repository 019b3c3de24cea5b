package dev.flint.shell.tls;

import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLException;

/**
 * TLS for the tunnel's own connections: the JDK's trust store (which honours {@code javax.net.ssl.trustStore})
 * and, for the portal only, an optional client certificate.
 *
 * @param portalIdentity the client certificate presented to the portal, or null
 * @param portalTrust    when not empty, the only CAs trusted for the portal (tests, private portals); else the
 *                       system's
 */
public record TlsSettings(ClientIdentity portalIdentity, java.util.List<X509Certificate> portalTrust) {

    /** No client certificate. */
    public static final TlsSettings SYSTEM = new TlsSettings(null);

    /** The system's trust store. */
    public TlsSettings(ClientIdentity portalIdentity) {
        this(portalIdentity, java.util.List.of());
    }

    public TlsSettings {
        portalTrust = java.util.List.copyOf(portalTrust);
    }

    /** The portal WebSocket's context (HTTP/1.1 upgrade; ALPN not offered, as connlib offers none). */
    public SslContext portalContext() {
        try {
            SslContextBuilder builder = SslContextBuilder.forClient();
            if (portalIdentity != null) {
                builder.keyManager(portalIdentity.keyManagers());
            }
            if (!portalTrust.isEmpty()) {
                builder.trustManager(portalTrust);
            }
            return builder.build();
        } catch (SSLException e) {
            throw new IllegalStateException("cannot build the portal's TLS context: " + e.getMessage(), e);
        }
    }

    /** A DNS-over-HTTPS server's context: ALPN {@code h2} only (RFC 8484 recommends HTTP/2). */
    public static SslContext dohContext() {
        try {
            return SslContextBuilder.forClient()
                .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                    ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                    ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, ApplicationProtocolNames.HTTP_2))
                .build();
        } catch (SSLException e) {
            throw new IllegalStateException("cannot build the DNS-over-HTTPS TLS context: " + e.getMessage(), e);
        }
    }
}
