package io.nvmegate.launcher.observability;

/**
 * Where a node serves {@code /metrics}, {@code /health/live} and {@code /health/ready} (HTTP).
 *
 * @param host listen address
 * @param port TCP port; 0 picks a free one (logged), negative: no HTTP server (meters are still recorded)
 */
public record ObservabilityOptions(String host, int port) {
    /** The default HTTP port of {@code /metrics} and the health endpoints. */
    public static final int DEFAULT_PORT = 9420;

    /** No HTTP server. */
    public static ObservabilityOptions disabled() {
        return new ObservabilityOptions("127.0.0.1", -1);
    }

    public boolean enabled() {
        return port >= 0;
    }
}
