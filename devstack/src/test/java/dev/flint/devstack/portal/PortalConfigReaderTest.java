package dev.flint.devstack.portal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flint.connlib.portal.Filter;
import dev.flint.devstack.portal.PortalConfig.ResourceType;
import org.junit.jupiter.api.Test;

class PortalConfigReaderTest {

    @Test
    void theCommentedSampleParses() {
        PortalConfig config = PortalConfigReader.parse(PortalMain.sample());
        PortalConfig.Account demo = config.account("demo").orElseThrow();
        assertThat(demo.users()).extracting(PortalConfig.User::email)
            .containsExactly("alice@flint.test", "bob@flint.test");
        assertThat(demo.resources()).extracting(PortalConfig.ResourceEntry::type)
            .containsExactly(ResourceType.DNS, ResourceType.DNS, ResourceType.CIDR, ResourceType.INTERNET);
        assertThat(demo.resources().getFirst().filters()).containsExactly(new Filter.Tcp(80, 80), new Filter.Icmp());
        assertThat(config.relays().getFirst().addresses()).hasSize(2);
        // Derived ids are stable across reads.
        assertThat(PortalConfigReader.parse(PortalMain.sample()).account("demo").orElseThrow().resources())
            .isEqualTo(demo.resources());
    }

    @Test
    void errorsNameTheField() {
        String base = """
            {"signing_secret": "s", "relay_secret": "r", "accounts": [{"slug": "a",
              "sites": [{"name": "S"}], "users": [{"email": "u@x", "password": "p"}],
              "resources": [%s], "policies": [%s]}]}
            """;
        assertThatThrownBy(() -> PortalConfigReader.parse(base.formatted(
            "{\"name\": \"r\", \"type\": \"cidr\", \"address\": \"10.0.0.1/24\", \"site\": \"S\"}", "")))
            .hasMessageContaining("accounts[0]").hasMessageContaining("resources[0].address");
        assertThatThrownBy(() -> PortalConfigReader.parse(base.formatted(
            "{\"name\": \"r\", \"type\": \"dns\", \"address\": \"x.test\", \"site\": \"Nowhere\"}", "")))
            .hasMessageContaining("resources[0].site");
        assertThatThrownBy(() -> PortalConfigReader.parse(base.formatted(
            "{\"name\": \"r\", \"type\": \"dns\", \"address\": \"x.test\", \"site\": \"S\", \"filters\": [\"tcp/99999\"]}",
            ""))).hasMessageContaining("filters[0]");
        assertThatThrownBy(() -> PortalConfigReader.parse(base.formatted(
            "{\"name\": \"r\", \"type\": \"dns\", \"address\": \"x.test\", \"site\": \"S\"}",
            "{\"resource\": \"r\", \"users\": [\"nobody@x\"]}"))).hasMessageContaining("policies[0].users");
        assertThatThrownBy(() -> PortalConfigReader.parse("{\"listen\": \"nowhere\"}"))
            .hasMessageContaining("listen");
        assertThatThrownBy(() -> PortalConfigReader.parse("{ not json")).hasMessageContaining("not JSON");
    }

    @Test
    void singleAddressesBecomeHostCidrs() {
        PortalConfig config = PortalConfigReader.parse("""
            {"signing_secret": "s", "relay_secret": "r", "accounts": [{"slug": "a", "sites": [{"name": "S"}],
              "resources": [{"name": "one", "type": "ip", "address": "172.20.0.10", "site": "S"},
                            {"name": "six", "type": "ip", "address": "2001:db8::1", "site": "S"}]}]}
            """);
        assertThat(config.accounts().getFirst().resources()).extracting(PortalConfig.ResourceEntry::address)
            .containsExactly("172.20.0.10/32", "2001:db8::1/128");
    }
}
