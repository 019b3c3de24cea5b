package dev.flint.tunnel.windows;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** NRPT rule contents and leftover removal, against an in-memory registry (Windows cannot run here). */
class NrptDnsControlTest {

    static final class MemoryRegistry implements WindowsRegistry {
        final Map<String, Map<String, Object>> keys = new TreeMap<>();

        @Override
        public boolean keyExists(String path) {
            return keys.containsKey(path);
        }

        @Override
        public void createKey(String path) {
            keys.computeIfAbsent(path, p -> new HashMap<>());
        }

        Map<String, Object> key(String path) {
            Map<String, Object> values = keys.get(path);
            if (values == null) {
                throw new IllegalStateException("no key " + path);
            }
            return values;
        }

        @Override
        public void setString(String path, String name, String value) {
            key(path).put(name, value);
        }

        @Override
        public void setDword(String path, String name, int value) {
            key(path).put(name, value);
        }

        @Override
        public void setMultiString(String path, String name, List<String> values) {
            key(path).put(name, List.copyOf(values));
        }

        @Override
        public void deleteKey(String path) {
            keys.remove(path);
        }
    }

    @Test
    void activateWritesOneCatchAllRuleAndDeactivateRemovesIt() throws Exception {
        MemoryRegistry registry = new MemoryRegistry();
        NrptDnsControl dns = new NrptDnsControl(registry);
        dns.activate("Flint", List.of(InetAddress.getByName("100.100.111.1"),
                InetAddress.getByName("fd00:2021:1111:8000:100:100:111:0")), Optional.empty());
        Map<String, Object> rule = registry.key(NrptDnsControl.LOCAL + "\\" + NrptDnsControl.RULE_ID);
        assertThat(rule).containsEntry("Name", List.of("."))
                .containsEntry("ConfigOptions", 8)
                .containsEntry("Version", 2)
                .containsEntry("GenericDNSServers", "100.100.111.1;fd00:2021:1111:8000:100:100:111:0");
        assertThat(registry.keys).hasSize(1);

        dns.deactivate();
        assertThat(registry.keys).isEmpty();
    }

    @Test
    void mirrorsIntoGroupPolicyWhenItExistsAndCleansLeftoversFromBoth() throws Exception {
        MemoryRegistry registry = new MemoryRegistry();
        registry.createKey(NrptDnsControl.GROUP_POLICY);
        new NrptDnsControl(registry).activate("Flint", List.of(InetAddress.getByName("100.100.111.1")),
                Optional.empty());
        assertThat(registry.keys).containsKeys(NrptDnsControl.LOCAL + "\\" + NrptDnsControl.RULE_ID,
                NrptDnsControl.GROUP_POLICY + "\\" + NrptDnsControl.RULE_ID);
        // A new process (after a crash) removes both without having activated anything itself.
        new NrptDnsControl(registry).deactivate();
        assertThat(registry.keys).containsOnlyKeys(NrptDnsControl.GROUP_POLICY);
    }
}
