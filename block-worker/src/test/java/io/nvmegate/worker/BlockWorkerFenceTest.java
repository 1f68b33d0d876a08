package io.nvmegate.worker;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nvmegate.blockio.BlockCodecs;
import io.nvmegate.blockio.BlockReply;
import io.nvmegate.blockio.BlockRequest;
import io.nvmegate.blockio.RequestId;
import io.nvmegate.catalog.NamespaceSpec;
import io.nvmegate.cluster.Cluster;
import io.nvmegate.cluster.ClusterOptions;
import io.nvmegate.metrics.NodeMetrics;
import io.nvmegate.protocol.Status;
import io.nvmegate.worker.fence.GatewayFence;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The block worker's gateway fence on the replication factor 1 path ({@code io.nvmegate.ana} package doc,
 * "Fencing"), with real Hazelcast members in this JVM (127.0.0.1, phone-home and multicast off: {@link Cluster}):
 * a worker member, a gateway member sending block requests over the clustered event bus as {@code BlockClient}
 * does, and a second gateway member that leaves the cluster. A request whose lease ran out, or whose session is a
 * member that left, is answered Asymmetric Access Inaccessible without DNR and writes nothing; a valid one passes.
 */
class BlockWorkerFenceTest {
    static final String NQN = "nqn.2026-12.io.nvmegate:fence";
    static final int BS = 4096;
    static final NamespaceSpec NS = new NamespaceSpec(NQN, 1, NamespaceSpec.defaultUuid(NQN, 1), 1L << 24, BS, "rocksdb",
            "worker-1", true);

    @TempDir
    Path dir;
    final String name = "fence-" + UUID.randomUUID();
    final List<Cluster.Node> nodes = new ArrayList<>();
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Cluster.Node workerNode, gateway;
    BlockWorker worker;

    static <T> T await(Future<T> f) throws Exception {
        try {
            return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception ex) throw ex;
            throw e;
        }
    }

    Cluster.Node member() throws Exception {
        List<String> members = nodes.isEmpty() ? List.of()
                : List.of("127.0.0.1:" + nodes.get(0).hazelcast().getCluster().getLocalMember().getAddress().getPort());
        Cluster.Node n = await(Cluster.start(new ClusterOptions(name, "127.0.0.1", 0, members)));
        BlockCodecs.register(n.vertx().eventBus());
        nodes.add(n);
        return n;
    }

    @BeforeEach
    void start() throws Exception {
        workerNode = member();
        new NodeMetrics(registry).attach(workerNode.vertx());
        worker = new BlockWorker("worker-1", dir, () -> List.of(NS), null, workerNode.hazelcast());
        await(workerNode.vertx().deployVerticle(worker));
        gateway = member();
    }

    @AfterEach
    void stop() throws Exception {
        for (int i = nodes.size() - 1; i >= 0; i--) await(nodes.get(i).close());
    }

    static Buffer pattern(long seed) {
        byte[] b = new byte[BS];
        new SplittableRandom(seed).nextBytes(b);
        return Buffer.buffer(b);
    }

    /** Sends {@code r} from the gateway member, as BlockClient does (the worker may take a moment to be known). */
    BlockReply send(BlockRequest r) throws Exception {
        long end = System.currentTimeMillis() + 10_000;
        while (true) {
            try {
                return await(gateway.vertx().eventBus().<BlockReply>request(NS.address(), r,
                        new DeliveryOptions().setSendTimeout(5_000))).body();
            } catch (io.vertx.core.eventbus.ReplyException e) {
                if (System.currentTimeMillis() > end) throw e;
                Thread.sleep(100);
            }
        }
    }

    long clusterTime() {
        return gateway.hazelcast().getCluster().getClusterTime();
    }

    UUID session(Cluster.Node n) {
        return n.hazelcast().getCluster().getLocalMember().getUuid();
    }

    BlockRequest write(long slba, long seed, UUID session, long leaseUntil) {
        return BlockRequest.write(NS.uuid(), BS, slba, 1, false, pattern(seed))
                .withRequestId(new RequestId(session, seed)).withLease(leaseUntil);
    }

    byte[] read(long slba) throws Exception {
        BlockReply r = send(BlockRequest.read(NS.uuid(), BS, slba, 1).withRequestId(new RequestId(session(gateway), 999))
                .withLease(clusterTime() + 3_000));
        assertThat(r.status()).isZero();
        return r.data().getBytes();
    }

    double fenced(String reason) {
        return registry.get("nvmegate.fenced.requests").tag("worker", "worker-1").tag("reason", reason).counter().count();
    }

    @Test
    void aValidLeaseOfAMemberPasses() throws Exception {
        assertThat(send(write(1, 1, session(gateway), clusterTime() + 3_000)).status()).isZero();
        assertThat(read(1)).isEqualTo(pattern(1).getBytes());
        // a sender outside a cluster (no lease, no request ID) is not fenced
        assertThat(send(BlockRequest.write(NS.uuid(), BS, 2, 1, false, pattern(2))).status()).isZero();
        assertThat(read(2)).isEqualTo(pattern(2).getBytes());
        assertThat(fenced("lease") + fenced("member")).isZero();
    }

    /** A write delayed past its gateway's lease (a paused gateway, a slow network) never lands. */
    @Test
    void anExpiredLeaseIsRefused() throws Exception {
        assertThat(send(write(5, 1, session(gateway), clusterTime() + 3_000)).status()).isZero();
        BlockReply late = send(write(5, 2, session(gateway), clusterTime() - 1_000)); // ran out a second ago (members' cluster times differ by a few ms)
        assertThat(late.status()).isEqualTo(Status.ANA_INACCESSIBLE);
        assertThat(Status.isDnr(late.status())).as("path-related: the host retries on another path").isFalse();
        assertThat(read(5)).as("the late write did not land").isEqualTo(pattern(1).getBytes());
        assertThat(fenced("lease")).isEqualTo(1.0);
        // a lease that ends exactly now has run out too
        assertThat(send(BlockRequest.read(NS.uuid(), BS, 5, 1).withLease(clusterTime())).status()).isEqualTo(Status.ANA_INACCESSIBLE);
    }

    /** A gateway member that left the cluster (cut off, or gone) is fenced by its session, whatever its lease says. */
    @Test
    void aRemovedMembersSessionIsRefused() throws Exception {
        Cluster.Node gone = member();
        UUID session = session(gone);
        assertThat(send(write(7, 1, session, clusterTime() + 3_000)).status()).as("a member's request passes").isZero();
        nodes.remove(gone);
        await(gone.close()); // leaves the cluster
        GatewayFence fence = worker.fence();
        long end = System.currentTimeMillis() + 20_000;
        while (!fence.fenced(session) && System.currentTimeMillis() < end) Thread.sleep(20);
        assertThat(fence.fenced(session)).as("the worker saw the member leave").isTrue();

        // its late write, with a lease still valid (a gateway in a minority partition renews in its own half)
        BlockReply late = send(write(7, 2, session, clusterTime() + 3_000));
        assertThat(late.status()).isEqualTo(Status.ANA_INACCESSIBLE);
        assertThat(Status.isDnr(late.status())).isFalse();
        assertThat(read(7)).as("the removed member's write did not land").isEqualTo(pattern(1).getBytes());
        assertThat(fenced("member")).isEqualTo(1.0);
        // the remaining gateway is not affected
        assertThat(send(write(7, 3, session(gateway), clusterTime() + 3_000)).status()).isZero();
        assertThat(read(7)).isEqualTo(pattern(3).getBytes());
    }
}
