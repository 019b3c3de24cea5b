package dev.flint.ipc;

import java.net.URI;

/**
 * Settings an administrator enforces (Windows policy registry; on Linux the service's own command line,
 * e.g. the client certificate of {@code flint-tunnel run --client-certificate}). Every field is
 * optional: {@code null} means "not managed". The service drops invalid policy values before it
 * builds this record, so the GUI only ever sees usable ones.
 */
public record ManagedSettings(
        URI authUrl,
        URI apiUrl,
        String logFilter,
        String accountSlug,
        Boolean hideAdminPortalMenuItem,
        Boolean connectOnStart,
        Boolean checkForUpdates,
        URI supportUrl,
        ClientCertificate clientCertificate) {

    /** Without a managed client certificate. */
    public ManagedSettings(URI authUrl, URI apiUrl, String logFilter, String accountSlug,
                           Boolean hideAdminPortalMenuItem, Boolean connectOnStart, Boolean checkForUpdates,
                           URI supportUrl) {
        this(authUrl, apiUrl, logFilter, accountSlug, hideAdminPortalMenuItem, connectOnStart, checkForUpdates,
                supportUrl, null);
    }

    public ManagedSettings {
        if (authUrl != null) {
            UrlPolicy.require(authUrl, "auth_url", "https", "http");
        }
        if (apiUrl != null) {
            UrlPolicy.require(apiUrl, "api_url", "wss", "ws");
        }
        if (logFilter != null) {
            AdvancedSettings.requireLogFilter(logFilter, "log_filter");
        }
        if (supportUrl != null) {
            UrlPolicy.require(supportUrl, "support_url", "https", "http");
        }
    }

    /** Nothing managed (Linux, or no policy set). */
    public static ManagedSettings none() {
        return new ManagedSettings(null, null, null, null, null, null, null, null, null);
    }
}
