package dev.flint.tunnel.dns;

import java.util.Arrays;
import java.util.Optional;

/** The DNS control modes the service can run with, by their command-line names. */
public enum DnsMode {
    SYSTEMD_RESOLVED("systemd-resolved"),
    ETC_RESOLV_CONF("etc-resolv-conf"),
    DISABLED("disabled"),
    /** Windows: a Name Resolution Policy Table rule. */
    NRPT("nrpt"),
    /** macOS: a dynamic-store DNS entry written with {@code scutil}. */
    SCUTIL("scutil");

    private final String cliName;

    DnsMode(String cliName) {
        this.cliName = cliName;
    }

    public String cliName() {
        return cliName;
    }

    public static Optional<DnsMode> parse(String text) {
        return Arrays.stream(values()).filter(m -> m.cliName.equals(text)).findFirst();
    }
}
