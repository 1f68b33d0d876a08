package io.nvmegate.replication;

import io.nvmegate.blockio.BlockReply;
import io.nvmegate.blockio.BlockRequest;
import io.nvmegate.blockio.RequestId;
import io.nvmegate.catalog.NamespaceSpec;
import io.nvmegate.cluster.Cluster;
import io.nvmegate.protocol.Status;
import io.nvmegate.worker.fence.GatewayFence;
import io.vertx.core.buffer.Buffer;
import org.apache.ratis.server.RaftServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gateway fence of a replicated namespace (replication factor 3, real Apache Ratis and Hazelcast members in
 * this JVM, {@link ReplicaCluster}): the leader's {@link ReplicaHandler} refuses a request whose gateway lease ran
 * out, or whose session is a member that left the cluster, with Asymmetric Access Inaccessible (no DNR) before it
 * enters the Raft log; a valid request is committed.
 */
class ReplicatedFenceTest {
    static final String NQN = "nqn.2026-12.io.nvmegate:repl-fence";
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
        c.startClient();
    }

    @AfterEach
    void stop() throws Exception {
        c.close();
    }

    static Buffer pattern(long seed) {
        byte[] b = new byte[BS];
        new SplittableRandom(seed).nextBytes(b);
        return Buffer.buffer(b);
    }

    long clusterTime() {
        return c.client.hazelcast().getCluster().getClusterTime();
    }

    static UUID session(Cluster.Node n) {
        return n.hazelcast().getCluster().getLocalMember().getUuid();
    }

    static BlockRequest write(long slba, long seed, UUID session, long call, long leaseUntil) {
        return BlockRequest.write(NS.uuid(), BS, slba, 1, false, pattern(seed)).withRequestId(new RequestId(session, call))
                .withLease(leaseUntil);
    }

    long nextLogIndex(String worker) {
        RaftServer.Division d = c.division(worker, NS.uuid()).orElseThrow();
        return d.getRaftLog().getNextIndex();
    }

    byte[] read(String leader, long slba) throws Exception {
        BlockReply r = c.send(NS, leader, BlockRequest.read(NS.uuid(), BS, slba, 1));
        assertThat(r.status()).isZero();
        return r.data().getBytes();
    }

    @Test
    void fencedRequestsNeverEnterTheRaftLog() throws Exception {
        String leader = c.awaitLeader(NS.uuid());
        UUID gw = session(c.client);
        assertThat(c.sendTo(NS, leader, write(3, 1, gw, 1, clusterTime() + 3_000)).status()).as("valid lease, live member").isZero();
        assertThat(read(leader, 3)).isEqualTo(pattern(1).getBytes());

        // a write that arrives after its gateway's lease ran out
        long before = nextLogIndex(leader);
        BlockReply late = c.sendTo(NS, leader, write(3, 2, gw, 2, clusterTime() - 1_000)); // ran out a second ago (members' cluster times differ by a few ms)
        assertThat(late.status()).isEqualTo(Status.ANA_INACCESSIBLE);
        assertThat(Status.isDnr(late.status())).isFalse();
        assertThat(late.leader()).isNull();
        assertThat(nextLogIndex(leader)).as("nothing appended to the Raft log").isEqualTo(before);
        assertThat(read(leader, 3)).isEqualTo(pattern(1).getBytes());

        // a write of a gateway member that left the cluster, its lease still valid
        Cluster.Node gone = c.member();
        UUID goneSession = session(gone);
        assertThat(c.sendTo(NS, leader, write(4, 3, goneSession, 1, clusterTime() + 3_000)).status()).isZero();
        c.leave(gone);
        GatewayFence fence = c.workers.get(leader).worker().fence();
        long end = System.currentTimeMillis() + 20_000;
        while (!fence.fenced(goneSession) && System.currentTimeMillis() < end) Thread.sleep(20);
        assertThat(fence.fenced(goneSession)).isTrue();
        before = nextLogIndex(leader);
        BlockReply removed = c.sendTo(NS, leader, write(4, 4, goneSession, 2, clusterTime() + 3_000));
        assertThat(removed.status()).isEqualTo(Status.ANA_INACCESSIBLE);
        assertThat(Status.isDnr(removed.status())).isFalse();
        assertThat(nextLogIndex(leader)).as("nothing appended to the Raft log").isEqualTo(before);
        assertThat(read(leader, 4)).isEqualTo(pattern(3).getBytes());

        // the live gateway still writes
        assertThat(c.sendTo(NS, leader, write(4, 5, gw, 3, clusterTime() + 3_000)).status()).isZero();
        assertThat(read(leader, 4)).isEqualTo(pattern(5).getBytes());
    }
}
