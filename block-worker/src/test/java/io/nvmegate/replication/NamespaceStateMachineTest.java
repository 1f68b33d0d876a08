package io.nvmegate.replication;

import io.nvmegate.blockio.BlockOp;
import io.nvmegate.blockio.BlockReply;
import io.nvmegate.blockio.BlockRequest;
import io.nvmegate.blockio.RequestId;
import io.nvmegate.protocol.Status;
import io.nvmegate.storage.ReplicaStateKeys;
import io.vertx.core.buffer.Buffer;
import org.apache.ratis.protocol.RaftPeerId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static io.nvmegate.replication.RaftTestGroup.BS;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The state machine of a replicated namespace in a real 3-peer Raft group (Apache Ratis over gRPC on 127.0.0.1,
 * real RocksDB stores): commit on every replica, request-ID dedupe, atomic Compare and Write, reservations as
 * replicated state, and a restart that replays only the entries after the stored applied index.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NamespaceStateMachineTest {
    static final UUID H1 = UUID.fromString("00000000-0000-0000-0000-0000000000a1");
    static final UUID H2 = UUID.fromString("00000000-0000-0000-0000-0000000000b2");
    static final UUID CLIENT = UUID.fromString("00000000-0000-0000-0000-00000000c11e");

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

    static Buffer blocks(int nlb, int seed) {
        byte[] b = new byte[nlb * BS];
        new SplittableRandom(seed).nextBytes(b);
        return Buffer.buffer(b);
    }

    BlockRequest write(long slba, Buffer data) {
        return BlockRequest.write(g.ns, BS, slba, data.length() / BS, false, data);
    }

    static BlockRequest withId(BlockRequest r, long call) {
        return r.withRequestId(new RequestId(CLIENT, call));
    }

    /** Every running replica's store holds {@code expected} at {@code slba}. */
    void assertEveryReplica(long slba, Buffer expected) throws Exception {
        g.awaitConverged();
        for (int i = 0; i < 3; i++) {
            if (g.stores[i] == null) continue;
            Buffer stored = g.stores[i].read(g.ns, BS, slba, expected.length() / BS);
            assertThat(Arrays.equals(stored.getBytes(), expected.getBytes()))
                    .as("replica %s holds the expected %s bytes at LBA %s", RaftTestGroup.id(i), expected.length(), slba).isTrue();
        }
    }

    static Buffer le(long... values) {
        ByteBuffer b = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) b.putLong(v);
        return Buffer.buffer(b.array());
    }

    BlockRequest register(UUID host, long key) {
        return BlockRequest.reservation(BlockOp.RESERVATION_REGISTER, g.ns, 0, 0, le(0, key), host, 1);
    }

    /** Acquire of a Write Exclusive reservation (RTYPE 1). */
    BlockRequest acquireWriteExclusive(UUID host, long key) {
        return BlockRequest.reservation(BlockOp.RESERVATION_ACQUIRE, g.ns, 1 << 8, 0, le(key, 0), host, 1);
    }

    @Test
    void writesAreCommittedOnEveryReplicaAndReadLinearizably() throws Exception {
        Buffer a = blocks(1, 1);
        Buffer b = blocks(8, 2);
        assertThat(g.send(withId(write(0, a), 1)).status()).isZero();
        assertThat(g.send(withId(write(100, b), 2)).status()).isZero();
        assertThat(g.send(withId(BlockRequest.writeZeroes(g.ns, BS, 102, 2), 3)).status()).isZero();
        assertThat(g.send(withId(BlockRequest.flush(g.ns), 4)).status()).as("FLUSH: committed no-op").isZero();

        Buffer expected = b.copy();
        expected.setBytes(2 * BS, new byte[2 * BS]);
        assertEveryReplica(0, a);
        assertEveryReplica(100, expected);

        BlockReply read = g.read(BlockRequest.read(g.ns, BS, 100, 8));
        assertThat(read.status()).isZero();
        assertThat(read.data().getBytes()).isEqualTo(expected.getBytes());
        assertThat(g.read(BlockRequest.compare(g.ns, BS, 0, 1, a)).status()).isZero();
        assertThat(g.read(BlockRequest.compare(g.ns, BS, 0, 1, b.slice(0, BS))).status()).isEqualTo(Status.COMPARE_FAILURE);
        assertThat(g.read(BlockRequest.read(g.ns, BS, g.spec.blocks(), 1)).status())
                .as("read beyond NSZE").isEqualTo(Status.dnr(Status.LBA_OUT_OF_RANGE));
        assertThat(g.send(withId(write(g.spec.blocks(), a), 5)).status())
                .as("write beyond NSZE: checked at apply").isEqualTo(Status.dnr(Status.LBA_OUT_OF_RANGE));
    }

    @Test
    void aRepeatedRequestIdIsAppliedOnceAndAnsweredWithTheFirstReply() throws Exception {
        Buffer first = blocks(1, 10);
        Buffer overwrite = blocks(1, 11);
        assertThat(g.send(withId(write(5, first), 100)).status()).isZero();
        assertThat(g.send(withId(write(5, overwrite), 101)).status()).isZero();
        // the gateway retries request 100 (e.g. to a new leader): a new Raft call, the same request ID
        assertThat(g.send(withId(write(5, first), 100)).status()).isZero();
        assertEveryReplica(5, overwrite);

        // a failed compare is remembered as failed: the retry after a matching write is not applied either
        Buffer cmp = Buffer.buffer().appendBuffer(first).appendBuffer(blocks(1, 12));
        BlockRequest caw = withId(BlockRequest.compareAndWrite(g.ns, BS, 5, 1, false, cmp), 102);
        assertThat(g.send(caw).status()).isEqualTo(Status.COMPARE_FAILURE);
        assertThat(g.send(withId(write(5, first), 103)).status()).isZero();
        assertThat(g.send(caw).status()).as("first reply").isEqualTo(Status.COMPARE_FAILURE);
        assertEveryReplica(5, first);
    }

    @Test
    void compareAndWriteIsAtomicAndTheSameOnEveryReplica() throws Exception {
        // a counter in block 7, incremented by 4 threads with Compare and Write (read, compare, swap)
        assertThat(g.send(withId(write(7, counter(0)), 1)).status()).isZero();
        AtomicInteger successes = new AtomicInteger();
        AtomicInteger calls = new AtomicInteger(1000);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                fs.add(pool.submit(() -> {
                    for (int k = 0; k < 8; k++) {
                        BlockReply r = g.read(BlockRequest.read(g.ns, BS, 7, 1));
                        long v = r.data().getLong(0);
                        Buffer cw = Buffer.buffer().appendBuffer(counter(v)).appendBuffer(counter(v + 1));
                        BlockReply w = g.send(withId(BlockRequest.compareAndWrite(g.ns, BS, 7, 1, false, cw), calls.incrementAndGet()));
                        if (w.status() == 0) successes.incrementAndGet();
                        else assertThat(w.status()).isEqualTo(Status.COMPARE_FAILURE);
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) f.get(50, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        assertThat(successes.get()).isGreaterThan(0);
        assertEveryReplica(7, counter(successes.get()));
    }

    static Buffer counter(long v) {
        Buffer b = Buffer.buffer(new byte[BS]);
        b.setLong(0, v);
        return b;
    }

    @Test
    void reservationsAreReplicatedAndSurviveTheLeadersClose() throws Exception {
        assertThat(g.send(withId(register(H1, 0xA1), 1)).status()).isZero();
        assertThat(g.send(withId(register(H2, 0xB2), 2)).status()).isZero();
        assertThat(g.send(withId(acquireWriteExclusive(H1, 0xA1), 3)).status()).isZero();
        g.awaitConverged();
        int leader = g.leader();
        g.stop(leader);
        int next = g.leader();
        assertThat(next).isNotEqualTo(leader);

        assertThat(g.send(withId(write(0, blocks(1, 1)).withHost(H2, 2), 4)).status())
                .as("H2 is not the holder of a Write Exclusive reservation").isEqualTo(Status.dnr(Status.RESERVATION_CONFLICT));
        assertThat(g.read(BlockRequest.read(g.ns, BS, 0, 1).withHost(H2, 2)).status()).as("reads allowed").isZero();
        assertThat(g.send(withId(write(0, blocks(1, 1)).withHost(H1, 1), 5)).status()).isZero();
        for (int i = 0; i < 3; i++) {
            if (i == leader) continue;
            assertThat(g.machines[i].reservations().holder()).isEqualTo(H1);
            assertThat(g.machines[i].reservations().registrants()).containsOnlyKeys(H1, H2);
        }
        // the old leader comes back with the state it had stored, and catches up
        g.start(leader);
        assertThat(g.machines[leader].reservations().holder()).as("restored from RocksDB").isEqualTo(H1);
        assertThat(g.send(withId(BlockRequest.reservation(BlockOp.RESERVATION_RELEASE, g.ns, 1 << 8, 0, le(0xA1), H1, 1), 6)).status())
                .isZero();
        g.awaitConverged();
        assertThat(g.machines[leader].reservations().type()).as("caught up: released").isNull();
    }

    @Test
    void aRestartReplaysOnlyTheEntriesAfterTheStoredAppliedIndex() throws Exception {
        // no request IDs: only the applied index keeps a replay from registering again (generation +1 per register)
        assertThat(g.send(register(H1, 0xA1)).status()).isZero();
        assertThat(g.send(register(H1, 0xA1)).status()).as("the same key again succeeds, generation 2").isZero();
        g.awaitConverged();
        int leader = g.leader();
        int follower = (leader + 1) % 3;
        long applied = g.machines[follower].getLastAppliedTermIndex().getIndex();
        byte[] stored = g.stores[follower].getState(ReplicaStateKeys.appliedIndex(g.ns));
        assertThat(ByteBuffer.wrap(stored).getLong(8)).as("stored applied index").isEqualTo(applied);
        g.stop(follower);
        assertThat(g.send(register(H1, 0xA1)).status()).isZero(); // generation 3, while the follower is down
        g.start(follower);
        assertThat(g.machines[follower].getLastAppliedTermIndex().getIndex()).as("restored before replay").isGreaterThanOrEqualTo(applied);
        g.awaitConverged();
        for (int i = 0; i < 3; i++) {
            assertThat(g.machines[i].reservations().generation()).as("replica %s", RaftTestGroup.id(i)).isEqualTo(3);
        }
    }

    @Test
    void aSnapshotRecordsTheAppliedIndexAndARestartAfterItKeepsTheState() throws Exception {
        assertThat(g.send(withId(register(H1, 0xA1), 1)).status()).isZero();
        Buffer a = blocks(2, 3);
        assertThat(g.send(withId(write(9, a), 2)).status()).isZero();
        g.awaitConverged();
        int leader = g.leader();
        var reply = g.client().getSnapshotManagementApi(RaftPeerId.valueOf(RaftTestGroup.id(leader))).create(true, 5000);
        assertThat(reply.isSuccess()).as("snapshot: %s", reply.getException()).isTrue();
        long index = g.machines[leader].getLatestSnapshot().getIndex();
        assertThat(index).isEqualTo(g.machines[leader].getLastAppliedTermIndex().getIndex());
        g.stop(leader);
        g.start(leader);
        g.awaitConverged();
        assertThat(g.machines[leader].reservations().generation()).isEqualTo(1);
        assertThat(g.send(withId(write(9, a), 2)).status()).as("dedupe restored: first reply").isZero();
        assertEveryReplica(9, a);
    }
}
