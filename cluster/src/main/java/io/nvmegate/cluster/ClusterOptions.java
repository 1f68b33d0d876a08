package io.nvmegate.cluster;

import java.nio.file.Path;
import java.util.List;

/**
 * How this process joins the nvmegate cluster.
 *
 * @param name    Hazelcast cluster name; members with another name never join
 * @param host    interface address Hazelcast and the clustered event bus bind to (never a wildcard)
 * @param port    Hazelcast member port (0: first free port from 5701)
 * @param members TCP-IP members to join ("host:port"); empty: this member only
 * @param catalogStore directory of the durable catalog store ({@code <data>/catalog}, a small RocksDB behind the
 *                     catalog maps, see {@link io.nvmegate.catalog.CatalogMapStore}); null: catalog in memory only
 */
public record ClusterOptions(String name, String host, int port, List<String> members, Path catalogStore) {
    /** Without a catalog store (the catalog lives as long as the cluster). */
    public ClusterOptions(String name, String host, int port, List<String> members) {
        this(name, host, port, members, null);
    }

    /** A private single-member cluster on 127.0.0.1 (the embedded default; port chosen freely). */
    public static ClusterOptions embedded() {
        return new ClusterOptions("nvmegate", "127.0.0.1", 0, List.of());
    }
}
