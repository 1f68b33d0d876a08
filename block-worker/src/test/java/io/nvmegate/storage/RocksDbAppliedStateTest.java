package io.nvmegate.storage;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The replicated state next to the blocks ({@link AppliedStateStore}, {@link ReplicaStateKeys}): state written in
 * the SAME WriteBatch as the block change (one WAL record), the RF 1 calls unchanged, the state keys out of reach
 * of block reads and range deletes.
 */
class RocksDbAppliedStateTest {
    static final UUID NS = UUID.fromString("6f1c1a52-7d3e-4b7a-9a59-0c6f3c0e1a03");
    static final int BS = 512;

    @TempDir
    Path dir;
    RocksDbBlockStore store;

    @BeforeEach
    void open() {
        store = new RocksDbBlockStore(dir.resolve("rocksdb"));
    }

    @AfterEach
    void close() {
        store.close();
    }

    static Buffer blocks(int nlb, int fill) {
        byte[] b = new byte[nlb * BS];
        java.util.Arrays.fill(b, (byte) fill);
        return Buffer.buffer(b);
    }

    static StateWrites applied(long term, long index) {
        return new StateWrites().put(ReplicaStateKeys.appliedIndex(NS), ReplicaStateKeys.appliedIndexValue(term, index))
                .put(ReplicaStateKeys.dedupe(NS, (int) (index % ReplicaStateKeys.DEDUPE_SLOTS)), new byte[] {1, 2, 3});
    }

    long index() {
        byte[] v = store.getState(ReplicaStateKeys.appliedIndex(NS));
        return v == null ? -1 : ByteBuffer.wrap(v).getLong(8);
    }

    @Test
    void theAppliedIndexIsInTheSameWriteBatchAsTheBlocks() {
        long seq = store.latestSequence() + 1;
        store.write(NS, BS, 10, 4, blocks(4, 7), false, applied(1, 5));
        assertThat(store.walBatchSizes(seq)).as("one WAL record: 4 blocks + applied index + dedupe slot").containsExactly(6);
        assertThat(index()).isEqualTo(5);
        assertThat(store.read(NS, BS, 10, 4).getBytes()).isEqualTo(blocks(4, 7).getBytes());

        seq = store.latestSequence() + 1;
        store.writeZeroes(NS, BS, 10, 2, applied(1, 6));
        store.deallocate(NS, BS, new long[] {12, 1, 100, 50}, applied(2, 7));
        assertThat(store.walBatchSizes(seq)).as("writeZeroes: 2 point deletes + 2; deallocate: 1 point delete + 1 range + 2")
                .containsExactly(4, 4);
        assertThat(index()).isEqualTo(7);
        assertThat(ByteBuffer.wrap(store.getState(ReplicaStateKeys.appliedIndex(NS))).getLong(0)).as("term").isEqualTo(2);
    }

    @Test
    void theRf1CallsWriteOnlyTheBlocks() {
        long seq = store.latestSequence() + 1;
        store.write(NS, BS, 0, 3, blocks(3, 1), false);
        store.writeZeroes(NS, BS, 0, 1);
        assertThat(store.walBatchSizes(seq)).containsExactly(3, 1);
        assertThat(index()).isEqualTo(-1);
    }

    @Test
    void stateKeysSortAfterEveryBlockAndSurviveRangeDeletesAndReopen() {
        store.writeState(applied(3, 9).put(ReplicaStateKeys.reservation(NS), new byte[] {9}), true);
        store.write(NS, BS, Long.MAX_VALUE - 1, 1, blocks(1, 5), false);
        store.deallocate(NS, BS, new long[] {0, Long.MAX_VALUE - 1});
        store.writeZeroes(NS, BS, Long.MAX_VALUE - 1, 1);
        assertThat(store.storedBlocks(NS)).isZero();
        store.close();
        store = new RocksDbBlockStore(dir.resolve("rocksdb"));
        assertThat(index()).isEqualTo(9);
        assertThat(store.getState(ReplicaStateKeys.reservation(NS))).containsExactly(9);

        List<Integer> slots = new ArrayList<>();
        store.writeState(new StateWrites().put(ReplicaStateKeys.dedupe(NS, 0), new byte[1])
                .put(ReplicaStateKeys.dedupe(NS, ReplicaStateKeys.DEDUPE_SLOTS - 1), new byte[1]), false);
        store.scanState(ReplicaStateKeys.dedupe(NS, 0), ReplicaStateKeys.dedupeEnd(NS), (k, v) -> slots.add(ReplicaStateKeys.dedupeSlot(k)));
        assertThat(slots).containsExactly(0, 9, ReplicaStateKeys.DEDUPE_SLOTS - 1);

        store.writeState(new StateWrites().delete(ReplicaStateKeys.reservation(NS)), false);
        assertThat(store.getState(ReplicaStateKeys.reservation(NS))).isNull();
    }

    @Test
    void keyLayouts() {
        byte[] k = ReplicaStateKeys.appliedIndex(NS);
        assertThat(k).hasSize(28);
        assertThat(ByteBuffer.wrap(k).getLong(0)).isEqualTo(NS.getMostSignificantBits());
        assertThat(ByteBuffer.wrap(k).getLong(16)).isEqualTo(-1L);
        assertThat(new String(k, 24, 4, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("aidx");
        assertThat(ReplicaStateKeys.dedupe(NS, 0x123)).hasSize(30).endsWith((byte) 0x01, (byte) 0x23);
        assertThat(java.util.Arrays.compareUnsigned(RocksDbBlockStore.key(NS, Long.MAX_VALUE - 1), k)).isNegative();
        assertThatThrownBy(() -> ReplicaStateKeys.dedupe(NS, ReplicaStateKeys.DEDUPE_SLOTS)).isInstanceOf(IllegalArgumentException.class);
        assertThat(ReplicaStateKeys.appliedIndexValue(2, 3)).hasSize(16);
    }

    @Test
    void closedStoreRefusesStateCalls() {
        store.close();
        assertThatThrownBy(() -> store.getState(ReplicaStateKeys.appliedIndex(NS))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> store.scanState(new byte[] {0}, new byte[] {1}, (k, v) -> {})).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> store.writeState(applied(1, 1), false)).isInstanceOf(IllegalStateException.class);
    }
}
