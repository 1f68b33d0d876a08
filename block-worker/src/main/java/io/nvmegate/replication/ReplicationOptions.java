package io.nvmegate.replication;

import java.util.Objects;

/**
 * Where a block worker's Apache Ratis server listens and what it advertises to its peers.
 *
 * @param host the host the gRPC server binds to and advertises in {@link io.nvmegate.catalog.WorkerDirectory}
 *             ({@code host:port}); the launcher uses the cluster host ({@code --cluster-host})
 * @param port TCP port of the gRPC server ({@code --raft-port}, default {@value #DEFAULT_PORT}); 0 picks a free
 *             port (tests), advertised as bound
 */
public record ReplicationOptions(String host, int port) {
    /** Default Raft port ({@code --raft-port}, {@code NVMEGATE_RAFT_PORT}). */
    public static final int DEFAULT_PORT = 9870;

    public ReplicationOptions {
        Objects.requireNonNull(host, "host");
        if (port < 0 || port > 65535) throw new IllegalArgumentException("raft port must be 0..65535, got " + port);
    }
}
