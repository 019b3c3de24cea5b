package dev.flint.tunnel.dns;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Per-link DNS through systemd-resolved. This module has no D-Bus library, so it runs
 * {@code resolvectl}, which makes exactly the {@code org.freedesktop.resolve1.Manager.SetLinkDNS} and
 * {@code SetLinkDomains} calls. Nothing needs restoring: resolved forgets a link's settings when
 * the link disappears, and {@link #deactivate()} reverts them explicitly while it still exists.
 */
public final class ResolvedDns implements DnsControl {
    private String activeLink;

    @Override
    public DnsMode mode() {
        return DnsMode.SYSTEMD_RESOLVED;
    }

    @Override
    public void activate(String interfaceName, List<InetAddress> servers, Optional<String> searchDomain)
            throws IOException {
        List<String> dns = new ArrayList<>(List.of("resolvectl", "dns", interfaceName));
        servers.forEach(s -> dns.add(s.getHostAddress()));
        run(dns);
        // "~." makes this link the default route for every name; a search domain is added beside it.
        List<String> domains = new ArrayList<>(List.of("resolvectl", "domain", interfaceName, "~."));
        searchDomain.ifPresent(domains::add);
        run(domains);
        activeLink = interfaceName;
        run(List.of("resolvectl", "flush-caches"));
    }

    @Override
    public void deactivate() throws IOException {
        if (activeLink != null) {
            String link = activeLink;
            activeLink = null;
            try {
                run(List.of("resolvectl", "revert", link));
            } catch (IOException gone) {
                // The link is already gone, and resolved dropped its settings with it.
            }
        }
    }

    /** Every link's servers and the global ones, except the tunnel's own link (reference §4.9). */
    @Override
    public List<InetAddress> systemResolvers() {
        try {
            Process process = new ProcessBuilder("resolvectl", "dns").redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(5, TimeUnit.SECONDS) || process.exitValue() != 0) {
                return List.of();
            }
            return SystemResolvers.fromResolvectl(output, activeLink);
        } catch (IOException e) {
            return List.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        }
    }

    private static void run(List<String> command) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException(String.join(" ", command) + " did not finish within 5 seconds");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + command.getFirst());
        }
        if (process.exitValue() != 0) {
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            throw new IOException(String.join(" ", command) + " failed: " + output);
        }
    }
}
