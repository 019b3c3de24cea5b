package dev.flint.tunnel.dns;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Leaves the system resolver alone (for machines whose DNS is managed by something else). */
public final class DisabledDns implements DnsControl {
    @Override
    public DnsMode mode() {
        return DnsMode.DISABLED;
    }

    @Override
    public void activate(String interfaceName, List<InetAddress> servers, Optional<String> searchDomain) {
    }

    @Override
    public void deactivate() {
    }

    /** Whatever manages DNS here wrote its resolvers to the standard file. */
    @Override
    public List<InetAddress> systemResolvers() {
        return SystemResolvers.fromResolvConf(Path.of("/etc/resolv.conf"));
    }
}
