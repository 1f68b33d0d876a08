package io.nvmegate.replication;

import io.nvmegate.blockio.BlockRequest;
import io.nvmegate.blockio.RequestId;
import io.vertx.core.buffer.Buffer;
import org.apache.ratis.protocol.RaftPeerId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static io.nvmegate.replication.RaftTestGroup.BS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A replica that lost its RocksDB database: rebuilt from the Raft log while the log still holds every entry; refused
 * (rather than served without its blocks) once its state machine has a snapshot the store lags, since snapshot
 * install into the store is not supported.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NamespaceStateMachineRecoveryTest {
    static final UUID CLIENT = UUID.randomUUID();

    @TempDir
    Path dir;
    RaftTestGroup g;

    @BeforeEach
    void start() throws Exception {
        g = new RaftTestGroup(dir, 3);
        g.startAll();
        g.leader();
    }

    @AfterEach
    void stop() throws Exception {
        g.close();
    }

    static Buffer fill(int v) {
        byte[] b = new byte[BS];
        java.util.Arrays.fill(b, (byte) v);
        return Buffer.buffer(b);
    }

    void write(long lba, int v, long call) throws Exception {
        assertThat(g.send(BlockRequest.write(g.ns, BS, lba, 1, false, fill(v)).withRequestId(new RequestId(CLIENT, call))).status()).isZero();
    }

    void wipeRocksDb(int i) throws Exception {
        try (Stream<Path> files = Files.walk(dir.resolve(RaftTestGroup.id(i)).resolve("rocksdb"))) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void aReplicaWithoutItsDatabaseIsRebuiltFromTheLog() throws Exception {
        for (int k = 0; k < 5; k++) write(k, k + 1, k);
        g.awaitConverged();
        int follower = (g.leader() + 1) % 3;
        g.stop(follower);
        wipeRocksDb(follower);
        write(2, 42, 99);
        g.start(follower);
        g.awaitConverged();
        for (int k = 0; k < 5; k++) {
            assertThat(g.stores[follower].read(g.ns, BS, k, 1).getByte(0)).as("LBA %s", k).isEqualTo((byte) (k == 2 ? 42 : k + 1));
        }
    }

    @Test
    void aStoreBehindTheLatestSnapshotIsRefused() throws Exception {
        write(0, 1, 1);
        g.awaitConverged();
        int follower = (g.leader() + 1) % 3;
        var reply = g.client().getSnapshotManagementApi(RaftPeerId.valueOf(RaftTestGroup.id(follower))).create(true, 5000);
        assertThat(reply.isSuccess()).as("snapshot: %s", reply.getException()).isTrue();
        g.stop(follower);
        wipeRocksDb(follower);
        assertThatThrownBy(() -> g.start(follower)).hasStackTraceContaining("installing a snapshot into the store is not supported");
    }
}
