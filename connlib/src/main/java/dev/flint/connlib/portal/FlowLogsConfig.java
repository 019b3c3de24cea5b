package dev.flint.connlib.portal;

import java.util.Objects;

/** Flow-log upload settings, required in every {@code init}; an interval of 0 disables uploads. */
public record FlowLogsConfig(String apiUrl, long uploadIntervalSecs, long uploadBatchSize) {

    public FlowLogsConfig {
        Objects.requireNonNull(apiUrl, "apiUrl");
    }

    public boolean uploadsEnabled() {
        return uploadIntervalSecs > 0;
    }
}
