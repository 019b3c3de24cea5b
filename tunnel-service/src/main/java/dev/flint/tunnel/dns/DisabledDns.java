package dev.flint.tunnel.dns;

import java.net.InetAddress;
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
}
