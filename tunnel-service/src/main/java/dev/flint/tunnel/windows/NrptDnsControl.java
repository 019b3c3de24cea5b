package dev.flint.tunnel.windows;

import dev.flint.tunnel.dns.DnsControl;
import dev.flint.tunnel.dns.DnsMode;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Windows DNS control with one Name Resolution Policy Table rule for the namespace {@code "."}
 * sending every lookup to the tunnel's servers. The rule lives under a fixed key so that
 * {@link #deactivate()} — also run at service start-up — removes a rule a crashed service left,
 * which otherwise survives reboots. Where group policy manages NRPT, the rule is mirrored there.
 */
public final class NrptDnsControl implements DnsControl {
    static final String RULE_ID = "{A3C1F0E2-5B7D-4E21-9F3A-6D0B2C8E4F17}";
    static final String LOCAL = "SYSTEM\\CurrentControlSet\\Services\\Dnscache\\Parameters\\DnsPolicyConfig";
    static final String GROUP_POLICY = "SOFTWARE\\Policies\\Microsoft\\Windows NT\\DNSClient\\DnsPolicyConfig";
    /** NRPT's "generic DNS servers" option. */
    static final int CONFIG_OPTIONS_GENERIC_DNS = 8;

    private final WindowsRegistry registry;

    public NrptDnsControl(WindowsRegistry registry) {
        this.registry = registry;
    }

    @Override
    public DnsMode mode() {
        return DnsMode.NRPT;
    }

    @Override
    public void activate(String interfaceName, List<InetAddress> servers, Optional<String> searchDomain) {
        String joined = servers.stream().map(InetAddress::getHostAddress).collect(Collectors.joining(";"));
        for (String parent : parents()) {
            String key = parent + "\\" + RULE_ID;
            registry.createKey(key);
            registry.setString(key, "Comment", "Flint split DNS");
            registry.setDword(key, "ConfigOptions", CONFIG_OPTIONS_GENERIC_DNS);
            registry.setString(key, "DisplayName", "Flint");
            registry.setString(key, "GenericDNSServers", joined);
            registry.setString(key, "IPSECCARestriction", "");
            registry.setMultiString(key, "Name", List.of("."));
            registry.setDword(key, "Version", 2);
        }
    }

    @Override
    public void deactivate() {
        registry.deleteKey(LOCAL + "\\" + RULE_ID);
        registry.deleteKey(GROUP_POLICY + "\\" + RULE_ID);
    }

    private List<String> parents() {
        return registry.keyExists(GROUP_POLICY) ? List.of(LOCAL, GROUP_POLICY) : List.of(LOCAL);
    }
}
