package io.nvmegate.cluster;

import io.nvmegate.catalog.SecretSeal;

import java.nio.file.Path;
import java.util.List;

/**
 * How this process joins the nvmegate cluster.
 *
 * @param name    Hazelcast cluster name; members with another name never join
 * @param host    interface address Hazelcast and the clustered event bus bind to (never a wildcard). Hazelcast's
 *                member protocol is neither encrypted nor authenticated: this address must be on a network only
 *                nvmegate members reach (README, "Security", "Cluster network")
 * @param port    Hazelcast member port (0: first free port from 5701)
 * @param members TCP-IP members to join ("host:port"); empty: this member only
 * @param catalogStore directory of the durable catalog store ({@code <data>/catalog}, a small RocksDB behind the
 *                     catalog maps, see {@link io.nvmegate.catalog.CatalogMapStore}); null: catalog in memory only
 * @param tls     TLS with mutual authentication on the clustered event bus; null: plain TCP
 * @param seal    seals host secrets before they enter Hazelcast ({@link SecretSeal}); {@link SecretSeal#NONE}: none
 */
public record ClusterOptions(String name, String host, int port, List<String> members, Path catalogStore,
                             ClusterTls tls, SecretSeal seal) {
    public ClusterOptions {
        if (seal == null) seal = SecretSeal.NONE;
    }

    /** Without event bus TLS and without sealing. */
    public ClusterOptions(String name, String host, int port, List<String> members, Path catalogStore) {
        this(name, host, port, members, catalogStore, null, SecretSeal.NONE);
    }

    /** Without a catalog store (the catalog lives as long as the cluster). */
    public ClusterOptions(String name, String host, int port, List<String> members) {
        this(name, host, port, members, null);
    }

    /** @return these options with event bus TLS {@code t} (null: none) */
    public ClusterOptions withTls(ClusterTls t) {
        return new ClusterOptions(name, host, port, members, catalogStore, t, seal);
    }

    /** @return these options with secret sealing {@code s} (null: none) */
    public ClusterOptions withSeal(SecretSeal s) {
        return new ClusterOptions(name, host, port, members, catalogStore, tls, s);
    }

    /** A private single-member cluster on 127.0.0.1 (the embedded default; port chosen freely). */
    public static ClusterOptions embedded() {
        return new ClusterOptions("nvmegate", "127.0.0.1", 0, List.of());
    }
}
