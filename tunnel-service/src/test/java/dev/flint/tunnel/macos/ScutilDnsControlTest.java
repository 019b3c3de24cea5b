package dev.flint.tunnel.macos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The scutil scripts (scutil itself cannot run here). */
class ScutilDnsControlTest {

    @Test
    void activateSetsACatchAllResolverAndDeactivateRemovesIt() throws Exception {
        List<String> scripts = new ArrayList<>();
        ScutilDnsControl dns = new ScutilDnsControl(scripts::add);
        dns.activate("utun7", List.of(InetAddress.getByName("100.100.111.1")), Optional.of("corp.example"));
        assertThat(scripts.getFirst()).isEqualTo("""
                d.init
                d.add ServerAddresses * 100.100.111.1
                d.add SupplementalMatchDomains * ""
                d.add SearchDomains * corp.example
                d.add InterfaceName utun7
                set State:/Network/Service/dev.flint.client/DNS
                """);
        dns.deactivate();
        assertThat(scripts.get(1)).isEqualTo("remove State:/Network/Service/dev.flint.client/DNS\n");
    }

    @Test
    void refusesASearchDomainThatWouldInjectCommands() {
        ScutilDnsControl dns = new ScutilDnsControl(script -> {
            throw new AssertionError("must not run: " + script);
        });
        assertThatThrownBy(() -> dns.activate("utun7", List.of(InetAddress.getByName("100.100.111.1")),
                Optional.of("x\nremove State:/Network/Global/DNS"))).hasMessageContaining("not a domain name");
    }
}
