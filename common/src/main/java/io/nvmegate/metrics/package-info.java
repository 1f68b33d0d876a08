/**
 * nvmegate's meters (Micrometer, exported in the Prometheus format by the launcher at {@code /metrics}); every
 * meter is listed in docs/metrics.md. One {@link io.nvmegate.metrics.NodeMetrics} per node, reached through the
 * node's Vert.x instance; label values come from bounded sets.
 */
package io.nvmegate.metrics;
