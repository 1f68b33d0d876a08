package io.nvmegate.replication;

import io.nvmegate.blockio.BlockHandler;
import io.nvmegate.blockio.BlockReply;
import io.nvmegate.blockio.BlockRequest;
import io.nvmegate.blockio.LocalBlockHandlers;
import io.nvmegate.catalog.NamespaceSpec;
import io.nvmegate.protocol.Status;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The replica addresses of a worker with replication are registered in its node's {@link LocalBlockHandlers} (the
 * same-process short-circuit of issue 17): a gateway of the leader's node calls the leader directly (the request
 * goes through the Raft log as off the bus), a follower's handler answers the redirect, and a replica the worker
 * stops serving leaves its node's handlers. Three workers, each on its own Vert.x and Hazelcast member
 * ({@link ReplicaCluster}, real Ratis over gRPC on 127.0.0.1); each node sees only its own worker's handlers.
 */
class ReplicaLocalHandlersTest {
    static final String NQN = "nqn.2026-12.io.nvmegate:repl-local";
    static final int BS = 4096;
    static final List<String> REPLICAS = List.of("worker-1", "worker-2", "worker-3");
    static final NamespaceSpec NS = new NamespaceSpec(NQN, 1, NamespaceSpec.defaultUuid(NQN, 1), 1L << 24, BS, "rocksdb",
            "worker-1", true, 1, 3, REPLICAS);

    @TempDir
    Path dir;
    ReplicaCluster c;

    @BeforeEach
    void start() throws Exception {
        c = new ReplicaCluster(dir);
        c.catalog.set(List.of(NS));
        for (String w : REPLICAS) c.startWorker(w);
    }

    @AfterEach
    void stop() throws Exception {
        c.close();
    }

    Vertx vertx(String worker) {
        return c.workers.get(worker).node().vertx();
    }

    static BlockReply call(BlockHandler h, BlockRequest r) throws Exception {
        CompletableFuture<BlockReply> reply = new CompletableFuture<>();
        h.handle(r, reply::complete);
        return reply.get(30, TimeUnit.SECONDS);
    }

    @Test
    void theLeadersNodeCallsItDirectly() throws Exception {
        String leader = c.awaitLeader(NS.uuid());
        for (String w : REPLICAS) {
            for (String other : REPLICAS) {
                assertThat(LocalBlockHandlers.of(vertx(w)).get(NS.address(other)))
                        .as("node of %s, replica address of %s", w, other).matches(h -> (h != null) == w.equals(other));
            }
        }
        byte[] data = new byte[2 * BS];
        new SplittableRandom(5).nextBytes(data);
        BlockHandler direct = LocalBlockHandlers.of(vertx(leader)).get(NS.address(leader));
        assertThat(call(direct, BlockRequest.write(NS.uuid(), BS, 40, 2, true, Buffer.buffer(data))).status()).isZero();
        assertThat(call(direct, BlockRequest.read(NS.uuid(), BS, 40, 2)).data().getBytes()).isEqualTo(data);

        String follower = REPLICAS.stream().filter(w -> !w.equals(leader)).findFirst().orElseThrow();
        BlockReply redirect = call(LocalBlockHandlers.of(vertx(follower)).get(NS.address(follower)), BlockRequest.read(NS.uuid(), BS, 40, 2));
        assertThat(redirect.status()).isEqualTo(Status.NAMESPACE_NOT_READY);
        assertThat(redirect.leader()).isEqualTo(leader);

        c.setCatalog(List.of()); // the namespace is deleted: no worker serves its replicas any more
        for (String w : REPLICAS) assertThat(LocalBlockHandlers.of(vertx(w)).get(NS.address(w))).as(w).isNull();
    }
}
