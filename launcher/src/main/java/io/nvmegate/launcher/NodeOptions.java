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
 * @param discoveryPort discovery listener port (8009; 0: a free port; negative: no discovery service, even in
 *                      role {@code all})
 * @param transport     NVMe/TCP limits
 * @param observability where {@code /metrics} and the health endpoints are served (meters are always recorded)
 * @param raftPort      TCP port of the block worker's Apache Ratis server (replicated namespaces; advertised on the
 *                      cluster host, {@link ClusterOptions#host()}); 0: a free port; negative: no Raft server (the
 *                      worker serves replication factor 1 namespaces only)
 */
public record NodeOptions(Role role, ClusterOptions cluster, CatalogConfig config, Path dataDir, String workerId,
                          String gatewayId, String discoveryHost, int discoveryPort, TransportConfig transport,
                          ObservabilityOptions observability, int raftPort) {
    /** Without a Raft server (replication factor 1 namespaces only). */
    public NodeOptions(Role role, ClusterOptions cluster, CatalogConfig config, Path dataDir, String workerId,
                       String gatewayId, String discoveryHost, int discoveryPort, TransportConfig transport,
                       ObservabilityOptions observability) {
        this(role, cluster, config, dataDir, workerId, gatewayId, discoveryHost, discoveryPort, transport, observability, -1);
    }

    /** @return this options with Raft port {@code port} (see {@link #raftPort}) */
    /** These options with transport limits {@code t}. */
    public NodeOptions withTransport(TransportConfig t) {
        return new NodeOptions(role, cluster, config, dataDir, workerId, gatewayId, discoveryHost, discoveryPort, t,
                observability, raftPort);
    }

    public NodeOptions withRaftPort(int port) {
        return new NodeOptions(role, cluster, config, dataDir, workerId, gatewayId, discoveryHost, discoveryPort, transport,
                observability, port);
    }

    /** @return whether this process runs a block worker with a Raft server (replicated namespaces) */
    public boolean runsReplication() {
        return role.runsWorker() && raftPort >= 0;
    }

    /** Without an HTTP server for metrics and health. */
    public NodeOptions(Role role, ClusterOptions cluster, CatalogConfig config, Path dataDir, String workerId,
                       String gatewayId, String discoveryHost, int discoveryPort, TransportConfig transport) {
        this(role, cluster, config, dataDir, workerId, gatewayId, discoveryHost, discoveryPort, transport,
                ObservabilityOptions.disabled());
    }

    /** @return whether this process runs a discovery service (its role has one and the port is not negative) */
    public boolean runsDiscovery() {
        return role.runsDiscovery() && discoveryPort >= 0;
    }

    /**
     * Whether this member puts the catalog into the cluster when no member has
     * ({@link io.nvmegate.catalog.CatalogAvailability#provide}): a member that runs a block worker (it holds the
     * durable catalog, {@code <data>/catalog}, or with {@code --catalog-store none} is where the configuration
     * lives) or that joins no other member (a cluster of its own). Any other member (gateway or discovery only,
     * with {@code --members}) waits for a provider, serving nothing and reporting not ready, so members may start
     * in any order.
     */
    public boolean providesCatalog() {
        return role.runsWorker() || cluster.members().isEmpty();
    }
}
