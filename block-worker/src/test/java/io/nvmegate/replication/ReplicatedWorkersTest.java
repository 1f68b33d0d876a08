package io.nvmegate.replication;

import io.nvmegate.blockio.BlockReply;
import io.nvmegate.blockio.BlockRequest;
import io.nvmegate.blockio.RequestId;
import io.nvmegate.catalog.NamespaceSpec;
import io.nvmegate.catalog.ReplicationStatus;
import io.nvmegate.protocol.Status;
import io.vertx.core.buffer.Buffer;
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
 * Three block workers with replication (the namespace state machine over RocksDB; separate Vert.x instances and Hazelcast members in this JVM, real Apache
 * Ratis over gRPC on 127.0.0.1) serving one namespace with replication factor 3; requests sent on the event bus
 * as a gateway sends them.
 */
class ReplicatedWorkersTest {
    static final String NQN = "nqn.2026-12.io.nvmegate:repl";
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

    static Buffer pattern(long seed, int blocks) {
        byte[] b = new byte[blocks * BS];
        new SplittableRandom(seed).nextBytes(b);
        return Buffer.buffer(b);
    }

    /** Acknowledged writes are readable through the new leader after the leader worker stops. */
    @Test
    void writesSurviveTheLeadersStop() throws Exception {
        String leader = c.awaitLeader(NS.uuid());
        for (int i = 0; i < 8; i++) {
            BlockReply r = c.send(NS, "worker-1", BlockRequest.write(NS.uuid(), BS, i * 2L, 2, false, pattern(i, 2)));
            assertThat(r.status()).isZero();
        }
        // an MDTS-sized write (512 KiB, the gateway's default transfer limit) is one log entry the followers take
        assertThat(c.send(NS, "worker-1", BlockRequest.write(NS.uuid(), BS, 1000, 128, true, pattern(1000, 128))).status()).isZero();
        c.stopWorker(leader);
        String first = REPLICAS.stream().filter(w -> !w.equals(leader)).findFirst().orElseThrow();
        assertThat(c.send(NS, first, BlockRequest.read(NS.uuid(), BS, 1000, 128)).data().getBytes()).isEqualTo(pattern(1000, 128).getBytes());
        for (int i = 0; i < 8; i++) {
            BlockReply r = c.send(NS, leader.equals("worker-1") ? "worker-1" : first, BlockRequest.read(NS.uuid(), BS, i * 2L, 2));
            assertThat(r.status()).isZero();
            assertThat(r.data().getBytes()).as("blocks %d..%d", i * 2, i * 2 + 1).isEqualTo(pattern(i, 2).getBytes());
        }
        String newLeader = c.awaitLeader(NS.uuid());
        assertThat(newLeader).isNotEqualTo(leader);
        assertThat(c.send(NS, first, BlockRequest.write(NS.uuid(), BS, 100, 1, true, pattern(100, 1))).status()).isZero();
        assertThat(c.send(NS, first, BlockRequest.read(NS.uuid(), BS, 100, 1)).data().getBytes()).isEqualTo(pattern(100, 1).getBytes());
    }

    /** A follower answers Namespace Not Ready with the leader's worker ID; the leader serves. */
    @Test
    void followerRedirectsToTheLeader() throws Exception {
        String leader = c.awaitLeader(NS.uuid());
        for (String w : REPLICAS) {
            BlockReply r = c.sendTo(NS, w, BlockRequest.write(NS.uuid(), BS, 3, 1, false, pattern(3, 1)));
            if (w.equals(leader)) {
                assertThat(r.status()).isZero();
            } else {
                assertThat(r.status()).isEqualTo(Status.NAMESPACE_NOT_READY);
                assertThat(r.leader()).isEqualTo(leader);
                assertThat(r.redirect()).isTrue();
            }
        }
        // bad input is refused at entry, on leader and follower alike, and never reaches the log
        BlockReply bad = c.sendTo(NS, leader, BlockRequest.write(NS.uuid(), BS, NS.blocks(), 1, false, pattern(1, 1)));
        assertThat(bad.status()).isEqualTo(Status.dnr(Status.LBA_OUT_OF_RANGE));
    }

    /** The same request ID sent twice (the second time with other data) is applied once; both are answered Success. */
    @Test
    void sameRequestIdAppliedOnce() throws Exception {
        String leader = c.awaitLeader(NS.uuid());
        RequestId id = new RequestId(UUID.randomUUID(), 42);
        BlockRequest first = BlockRequest.write(NS.uuid(), BS, 9, 1, false, pattern(1, 1)).withRequestId(id);
        BlockRequest again = BlockRequest.write(NS.uuid(), BS, 9, 1, false, pattern(2, 1)).withRequestId(id);
        assertThat(c.sendTo(NS, leader, first).status()).isZero();
        assertThat(c.sendTo(NS, leader, again).status()).isZero();
        assertThat(c.send(NS, leader, BlockRequest.read(NS.uuid(), BS, 9, 1)).data().getBytes())
                .as("the repeat's data was not applied").isEqualTo(pattern(1, 1).getBytes());
        // a later write of the block, then the first request ID once more (a gateway retry arriving late): still
        // applied once, the later write stays
        assertThat(c.sendTo(NS, leader, BlockRequest.write(NS.uuid(), BS, 9, 1, false, pattern(3, 1))).status()).isZero();
        assertThat(c.sendTo(NS, leader, again).status()).isZero();
        assertThat(c.send(NS, leader, BlockRequest.read(NS.uuid(), BS, 9, 1)).data().getBytes()).isEqualTo(pattern(3, 1).getBytes());
    }

    /** The new leader publishes itself in nvmegate.replication within 5 s of the old leader's stop. */
    @Test
    void leaderChangePublishedWithinFiveSeconds() throws Exception {
        String leader = c.awaitLeader(NS.uuid());
        long end = System.currentTimeMillis() + 5000;
        ReplicationStatus s = null;
        while (System.currentTimeMillis() < end && (s == null || !leader.equals(s.leader()))) {
            Thread.sleep(50);
            s = c.status(NS.uuid());
        }
        assertThat(s).isNotNull();
        assertThat(s.leader()).isEqualTo(leader);
        assertThat(s.replicas()).extracting(ReplicationStatus.Replica::worker).containsExactlyInAnyOrderElementsOf(REPLICAS);
        long term = s.term();
        long stopped = System.currentTimeMillis();
        c.stopWorker(leader);
        ReplicationStatus after = null;
        while (System.currentTimeMillis() - stopped < 5000) {
            after = c.status(NS.uuid());
            if (after != null && !leader.equals(after.leader())) break;
            Thread.sleep(50);
        }
        long took = System.currentTimeMillis() - stopped;
        assertThat(after).isNotNull();
        assertThat(after.leader()).as("leader published %d ms after the stop", took).isNotEqualTo(leader);
        assertThat(after.term()).isGreaterThan(term);
        assertThat(after.replicas()).filteredOn(r -> r.worker().equals(leader)).singleElement()
                .satisfies(r -> assertThat(r.role()).isEqualTo("follower"));
    }
}
