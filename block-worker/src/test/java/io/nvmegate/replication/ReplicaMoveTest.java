package io.nvmegate.replication;

import io.nvmegate.blockio.BlockReply;
import io.nvmegate.blockio.BlockRequest;
import io.nvmegate.catalog.NamespaceSpec;
import io.nvmegate.catalog.ReplicationStatus;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.server.RaftServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import static io.nvmegate.replication.ReplicatedWorkersTest.BS;
import static io.nvmegate.replication.ReplicatedWorkersTest.pattern;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Membership change: one replica of an RF 3 namespace moves to a fourth worker (the catalog's replicas change) while
 * writes go on; the leader changes the Raft configuration, the new worker catches up from the log, the old one drops
 * its group and its Raft storage, and every acknowledged write is readable, also after the leader stops (the new
 * replica then being part of every majority).
 */
class ReplicaMoveTest {
    static final String NQN = "nqn.2026-12.io.nvmegate:move";
    static final List<String> REPLICAS = List.of("worker-1", "worker-2", "worker-3");
    static final NamespaceSpec NS = new NamespaceSpec(NQN, 1, NamespaceSpec.defaultUuid(NQN, 1), 1L << 24, BS, "rocksdb",
            "worker-1", true, 1, 3, REPLICAS);

    @TempDir
    Path dir;
    ReplicaCluster c;

    @AfterEach
    void stop() throws Exception {
        if (c != null) c.close();
    }

    @Test
    void moveAReplicaToAFourthWorker() throws Exception {
        c = new ReplicaCluster(dir);
        c.catalog.set(List.of(NS));
        for (String w : REPLICAS) c.startWorker(w);
        c.startWorker("worker-4");
        c.startClient();
        assertThat(c.workers.get("worker-4").worker().replicaNamespaces()).isEmpty();

        String leader = c.awaitLeader(NS.uuid());
        int written = 0;
        for (; written < 10; written++) {
            assertThat(c.send(NS, leader, BlockRequest.write(NS.uuid(), BS, written, 1, false, pattern(written, 1))).status()).isZero();
        }
        String out = REPLICAS.stream().filter(w -> !w.equals(leader)).findFirst().orElseThrow();
        List<String> moved = new ArrayList<>(REPLICAS);
        moved.set(moved.indexOf(out), "worker-4");
        NamespaceSpec after = NS.withReplicas(moved);
        c.setCatalog(List.of(after));

        long end = System.currentTimeMillis() + 30_000;
        boolean done = false;
        while (!done && System.currentTimeMillis() < end) {
            // I/O goes on during the move
            assertThat(c.send(after, leader, BlockRequest.write(after.uuid(), BS, written, 1, false, pattern(written, 1))).status()).isZero();
            written++;
            Optional<RaftServer.Division> d = c.division(c.awaitLeader(NS.uuid()), NS.uuid());
            done = d.isPresent() && d.get().getRaftConf().getPreviousPeers().isEmpty()
                    && ids(d.get().getRaftConf().getCurrentPeers()).equals(Set.copyOf(moved))
                    && !c.workers.get(out).worker().replicationServer().groups().contains(NS.uuid());
            Thread.sleep(200);
        }
        assertThat(done).as("configuration moved to %s and %s dropped its group within 30 s", moved, out).isTrue();
        assertThat(c.workers.get(out).worker().replicaNamespaces()).isEmpty();
        Path oldGroupDir = ReplicationServer.storageDir(dir.resolve("data"), out).resolve(NS.uuid().toString());
        long end1 = System.currentTimeMillis() + 5000; // Ratis deletes it once the division has closed
        while (Files.exists(oldGroupDir) && System.currentTimeMillis() < end1) Thread.sleep(50);
        assertThat(Files.exists(oldGroupDir)).as("the old replica's Raft storage is deleted").isFalse();
        assertThat(c.workers.get("worker-4").worker().replicaNamespaces()).containsKey(NS.uuid());
        long end2 = System.currentTimeMillis() + 10_000;
        ReplicationStatus s = c.status(NS.uuid());
        while ((s == null || !ids2(s).equals(Set.copyOf(moved))) && System.currentTimeMillis() < end2) {
            Thread.sleep(100);
            s = c.status(NS.uuid());
        }
        assertThat(ids2(s)).as("published replicas").isEqualTo(Set.copyOf(moved));

        // the new replica is needed for a majority once the leader is gone: everything acknowledged is there
        String currentLeader = c.awaitLeader(NS.uuid());
        c.stopWorker(currentLeader);
        String first = moved.stream().filter(w -> !w.equals(currentLeader)).findFirst().orElseThrow();
        for (int i = 0; i < written; i++) {
            BlockReply r = c.send(after, first, BlockRequest.read(after.uuid(), BS, i, 1));
            assertThat(r.status()).isZero();
            assertThat(r.data().getBytes()).as("block %d", i).isEqualTo(pattern(i, 1).getBytes());
        }
    }

    private static Set<String> ids(java.util.Collection<RaftPeer> peers) {
        return peers.stream().map(p -> p.getId().toString()).collect(Collectors.toSet());
    }

    private static Set<String> ids2(ReplicationStatus s) {
        return s == null ? Set.of() : s.replicas().stream().map(ReplicationStatus.Replica::worker).collect(Collectors.toSet());
    }
}
