package dev.flint.gui.diagnostics;

import dev.flint.ipc.ResourceStatus;
import dev.flint.ipc.ResourceView;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** Which resource the self test makes its one request to. */
public final class SelfTest {

    private SelfTest() {
    }

    /**
     * A resource with one host to ask (a DNS name without wildcards or a single-address CIDR resource), preferring
     * one that is online (known to work), then one never used, so the test says something about the present.
     */
    public static Optional<ResourceView> pickResource(List<ResourceView> resources) {
        return resources.stream().filter(SelfTest::singleHost)
                .min(Comparator.comparingInt(r -> switch (r.status()) {
                    case ONLINE -> 0;
                    case CONNECTING -> 1;
                    case UNKNOWN -> 2;
                    case OFFLINE -> 3;
                }));
    }

    static boolean singleHost(ResourceView r) {
        return switch (r) {
            case ResourceView.Dns d -> !d.address().contains("*") && !d.address().contains("?");
            case ResourceView.Cidr c -> c.address().endsWith("/32") || c.address().endsWith("/128");
            case ResourceView.Internet i -> false;
        };
    }

    static boolean online(ResourceView r) {
        return r.status() == ResourceStatus.ONLINE;
    }
}
