package dev.flint.tunnel.macos;

import dev.flint.tunnel.dns.DnsControl;
import dev.flint.tunnel.dns.DnsMode;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * macOS DNS control: a DNS entry in the System Configuration dynamic store, written by
 * {@code scutil}. The dynamic store is in memory, so a reboot clears it; a crash does not, hence
 * {@link #deactivate()} at start-up removes an entry left by a dead service.
 */
public final class ScutilDnsControl implements DnsControl {
    static final String KEY = "State:/Network/Service/dev.flint.client/DNS";

    /** Runs {@code scutil} with a script on its standard input. */
    @FunctionalInterface
    public interface Scutil {
        void run(String script) throws IOException;
    }

    private final Scutil scutil;

    public ScutilDnsControl(Scutil scutil) {
        this.scutil = scutil;
    }

    /** The scutil this control runs. */
    public Scutil scutil() {
        return scutil;
    }

    /** The real {@code /usr/sbin/scutil}. Not yet run on macOS. */
    public static ScutilDnsControl system() {
        return new ScutilDnsControl(script -> {
            Process process = new ProcessBuilder("/usr/sbin/scutil").redirectErrorStream(true).start();
            process.getOutputStream().write(script.getBytes(StandardCharsets.UTF_8));
            process.getOutputStream().close();
            try {
                if (!process.waitFor(5, TimeUnit.SECONDS) || process.exitValue() != 0) {
                    process.destroyForcibly();
                    throw new IOException("scutil failed: "
                            + new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while running scutil");
            }
        });
    }

    @Override
    public DnsMode mode() {
        return DnsMode.SCUTIL;
    }

    @Override
    public void activate(String interfaceName, List<InetAddress> servers, Optional<String> searchDomain)
            throws IOException {
        for (InetAddress server : servers) {
            if (server.getHostAddress().contains(" ")) {
                throw new IOException("bad DNS server address");
            }
        }
        StringBuilder script = new StringBuilder("d.init\n");
        script.append("d.add ServerAddresses *");
        servers.forEach(s -> script.append(' ').append(s.getHostAddress()));
        script.append('\n');
        // An empty supplemental match domain makes this the resolver for every name.
        script.append("d.add SupplementalMatchDomains * \"\"\n");
        if (searchDomain.isPresent()) {
            if (!searchDomain.get().matches("[A-Za-z0-9.-]+")) {
                throw new IOException("the search domain '" + searchDomain.get() + "' is not a domain name");
            }
            script.append("d.add SearchDomains * ").append(searchDomain.get()).append('\n');
        }
        script.append("d.add InterfaceName ").append(interfaceName).append('\n');
        script.append("set ").append(KEY).append('\n');
        scutil.run(script.toString());
    }

    @Override
    public void deactivate() throws IOException {
        scutil.run("remove " + KEY + "\n");
    }
}
