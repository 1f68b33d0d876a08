package io.nvmegate.launcher;

import io.nvmegate.catalog.CatalogConfig;
import io.nvmegate.cluster.ClusterOptions;
import io.nvmegate.launcher.observability.ObservabilityOptions;
import io.nvmegate.controller.TransportConfig;

import java.nio.file.Path;

/**
 * Everything one nvmegate process needs to start.
 *
 * @param role          which services run in this process
 * @param cluster       how to join the cluster
 * @param config        catalog seed (loaded with put-if-absent, so members started with the same file agree)
 * @param dataDir       where block workers keep RocksDB ({@code <dataDir>/<workerId>/rocksdb})
 * @param workerId      this process's block worker ID (namespaces name their worker)
 * @param gatewayId     this process's gateway ID (ports may name their gateway)
 * @param discoveryHost discovery listener address
 * @param discoveryPort discovery listener port (8009)
 * @param transport     NVMe/TCP limits
 * @param observability where {@code /metrics} and the health endpoints are served (meters are always recorded)
 */
public record NodeOptions(Role role, ClusterOptions cluster, CatalogConfig config, Path dataDir, String workerId,
                          String gatewayId, String discoveryHost, int discoveryPort, TransportConfig transport,
                          ObservabilityOptions observability) {
    /** Without an HTTP server for metrics and health. */
    public NodeOptions(Role role, ClusterOptions cluster, CatalogConfig config, Path dataDir, String workerId,
                       String gatewayId, String discoveryHost, int discoveryPort, TransportConfig transport) {
        this(role, cluster, config, dataDir, workerId, gatewayId, discoveryHost, discoveryPort, transport,
                ObservabilityOptions.disabled());
    }
}
