package dev.flint.ipc;

import dev.flint.ipc.logging.LogFilter;
import dev.flint.ipc.logging.LogFilterParse;
import java.net.URI;

/**
 * Service-owned settings, stored by the service and shown in the GUI's Advanced page. Validated on
 * construction: the auth URL must be https, the API URL wss (plain http/ws only for localhost), and
 * the log filter must parse. {@code clientCertificate} (mutual TLS to the portal) is null when none is used.
 */
public record AdvancedSettings(URI authUrl, URI apiUrl, String logFilter, ClientCertificate clientCertificate) {
    public static final URI DEFAULT_AUTH_URL = URI.create("https://app.firezone.dev/");
    public static final URI DEFAULT_API_URL = URI.create("wss://api.firezone.dev/");
    public static final String DEFAULT_LOG_FILTER = "info";

    /** Without a client certificate. */
    public AdvancedSettings(URI authUrl, URI apiUrl, String logFilter) {
        this(authUrl, apiUrl, logFilter, null);
    }

    public AdvancedSettings {
        UrlPolicy.require(authUrl, "auth_url", "https", "http");
        UrlPolicy.require(apiUrl, "api_url", "wss", "ws");
        requireLogFilter(logFilter, "log_filter");
    }

    public static AdvancedSettings defaults() {
        return new AdvancedSettings(DEFAULT_AUTH_URL, DEFAULT_API_URL, DEFAULT_LOG_FILTER, null);
    }

    /** The parsed log filter (always valid: the constructor checked it). */
    public LogFilter parsedLogFilter() {
        return ((LogFilterParse.Valid) LogFilter.parse(logFilter)).filter();
    }

    static void requireLogFilter(String logFilter, String field) {
        InvalidFieldException.requireNonNull(logFilter, field);
        if (LogFilter.parse(logFilter) instanceof LogFilterParse.Invalid invalid) {
            throw new InvalidFieldException(field, invalid.sentence());
        }
    }
}
