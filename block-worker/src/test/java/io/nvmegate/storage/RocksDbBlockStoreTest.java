package io.nvmegate.storage;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
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

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RocksDbBlockStoreTest {
    static final UUID NS1 = UUID.fromString("6f1c1a52-7d3e-4b7a-9a59-0c6f3c0e1a01");
    static final UUID NS2 = UUID.fromString("6f1c1a52-7d3e-4b7a-9a59-0c6f3c0e1a02");

    @TempDir
    Path dir;
    RocksDbBlockStore store;

    @BeforeEach
    void open() {
        store = new RocksDbBlockStore(dir.resolve("w1/rocksdb"));
    }

    @AfterEach
    void close() {
        store.close();
    }

    /** nlb blocks of bs bytes; block i filled with pattern derived from (seed, i). */
    static Buffer blocks(int bs, int nlb, int seed) {
        byte[] b = new byte[bs * nlb];
        new SplittableRandom(seed).nextBytes(b);
        return Buffer.buffer(b);
    }

    static byte[] zeroes(int n) { return new byte[n]; }

    static byte[] bytes(Buffer b) { return b.getBytes(); }

    static byte[] slice(Buffer b, int bs, int fromBlock, int toBlock) { return b.getBytes(fromBlock * bs, toBlock * bs); }

    @ParameterizedTest
    @ValueSource(ints = {512, 4096})
    void writeReadRoundTrip(int bs) {
        Buffer data = blocks(bs, 8, 1);
        store.write(NS1, bs, 100, 8, data, false);
        Buffer r = store.read(NS1, bs, 100, 8);
        assertThat(r.length()).isEqualTo(8 * bs);
        assertThat(bytes(r)).isEqualTo(bytes(data));
        // single-block reads (point get path) see the same blocks
        for (int i = 0; i < 8; i++) {
            assertThat(bytes(store.read(NS1, bs, 100 + i, 1))).isEqualTo(slice(data, bs, i, i + 1));
        }
        assertThat(store.storedBlocks(NS1)).isEqualTo(8);
    }

    @ParameterizedTest
    @ValueSource(ints = {512, 4096})
    void unwrittenBlocksReadAsZeroes(int bs) {
        assertThat(bytes(store.read(NS1, bs, 0, 1))).isEqualTo(zeroes(bs));
        assertThat(bytes(store.read(NS1, bs, 12345, 32))).isEqualTo(zeroes(32 * bs));
        assertThat(bytes(store.read(NS1, bs, Long.MAX_VALUE - 1, 1))).isEqualTo(zeroes(bs));
    }

    @Test
    void partialOverlapOverwritesOnlyTheOverlap() {
        int bs = 4096;
        Buffer a = blocks(bs, 4, 1);
        Buffer b = blocks(bs, 4, 2);
        store.write(NS1, bs, 0, 4, a, false);
        store.write(NS1, bs, 2, 4, b, false);
        Buffer r = store.read(NS1, bs, 0, 8);
        assertThat(slice(r, bs, 0, 2)).isEqualTo(slice(a, bs, 0, 2));
        assertThat(slice(r, bs, 2, 6)).isEqualTo(bytes(b));
        assertThat(slice(r, bs, 6, 8)).isEqualTo(zeroes(2 * bs));
    }

    @ParameterizedTest
    @ValueSource(ints = {3, 8, 9, 20}) // point deletes (<= 8) and a range tombstone (> 8)
    void writeZeroesZeroesOnlyTheRangeAndDeletesTheBlocks(int n) {
        int bs = 512;
        Buffer data = blocks(bs, 40, 3);
        store.write(NS1, bs, 0, 40, data, false);
        store.writeZeroes(NS1, bs, 5, n);
        Buffer r = store.read(NS1, bs, 0, 40);
        assertThat(slice(r, bs, 0, 5)).isEqualTo(slice(data, bs, 0, 5));
        assertThat(slice(r, bs, 5, 5 + n)).isEqualTo(zeroes(n * bs));
        assertThat(slice(r, bs, 5 + n, 40)).isEqualTo(slice(data, bs, 5 + n, 40));
        assertThat(store.storedBlocks(NS1)).as("zeroed blocks are deleted, not stored").isEqualTo(40 - n);
    }

    @Test
    void deallocateZeroesEveryRangeAndNothingElse() {
        int bs = 4096;
        Buffer data = blocks(bs, 64, 4);
        store.write(NS1, bs, 0, 64, data, false);
        store.deallocate(NS1, bs, new long[] {0, 1, 10, 0, 20, 30, 63, 1, 100, 50});
        Buffer r = store.read(NS1, bs, 0, 64);
        for (int i = 0; i < 64; i++) {
            boolean gone = i == 0 || (i >= 20 && i < 50) || i == 63;
            assertThat(slice(r, bs, i, i + 1)).as("block %d", i).isEqualTo(gone ? zeroes(bs) : slice(data, bs, i, i + 1));
        }
        assertThat(store.storedBlocks(NS1)).isEqualTo(64 - 32);
        store.deallocate(NS1, bs, new long[0]); // no ranges: nothing to do
    }

    @Test
    void multiBlockReadMixesWrittenAndUnwrittenBlocks() {
        int bs = 512;
        Buffer b1 = blocks(bs, 1, 11);
        Buffer b3 = blocks(bs, 2, 13);
        Buffer b9 = blocks(bs, 1, 19);
        store.write(NS1, bs, 1, 1, b1, false);
        store.write(NS1, bs, 3, 2, b3, true);
        store.write(NS1, bs, 9, 1, b9, false);
        store.write(NS1, bs, 10, 1, blocks(bs, 1, 20), false); // just past the read range
        Buffer r = store.read(NS1, bs, 0, 10);
        assertThat(slice(r, bs, 0, 1)).isEqualTo(zeroes(bs));
        assertThat(slice(r, bs, 1, 2)).isEqualTo(bytes(b1));
        assertThat(slice(r, bs, 2, 3)).isEqualTo(zeroes(bs));
        assertThat(slice(r, bs, 3, 5)).isEqualTo(bytes(b3));
        assertThat(slice(r, bs, 5, 9)).isEqualTo(zeroes(4 * bs));
        assertThat(slice(r, bs, 9, 10)).isEqualTo(bytes(b9));
    }

    @Test
    void dataPersistsAcrossCloseAndReopen() throws Exception {
        int bs = 4096;
        Buffer data = blocks(bs, 16, 5);
        store.write(NS1, bs, 7, 16, data, false);
        store.writeZeroes(NS1, bs, 10, 2);
        store.close();
        store.close(); // idempotent
        store = new RocksDbBlockStore(dir.resolve("w1/rocksdb"));
        Buffer r = store.read(NS1, bs, 7, 16);
        assertThat(slice(r, bs, 0, 3)).isEqualTo(slice(data, bs, 0, 3));
        assertThat(slice(r, bs, 3, 5)).isEqualTo(zeroes(2 * bs));
        assertThat(slice(r, bs, 5, 16)).isEqualTo(slice(data, bs, 5, 16));
        try (var files = Files.list(dir.resolve("w1/rocksdb"))) {
            assertThat(files.map(p -> p.getFileName().toString()).toList())
                    .as("memtable flushed to an SST file on close").anyMatch(n -> n.endsWith(".sst"));
        }
    }

    @Test
    void namespacesDoNotInterfereEvenWithAdjacentUuids() {
        int bs = 512;
        UUID a = new UUID(0, 0);
        UUID b = new UUID(0, 1);
        UUID c = new UUID(-1, -1);
        long max = Long.MAX_VALUE - 1; // highest usable LBA
        Buffer da = blocks(bs, 2, 21);
        Buffer db = blocks(bs, 2, 22);
        Buffer dc = blocks(bs, 2, 23);
        for (UUID ns : List.of(a, b, c)) {
            Buffer d = ns == a ? da : ns == b ? db : dc;
            store.write(ns, bs, 0, 1, d.slice(0, bs), false);
            store.write(ns, bs, max, 1, d.slice(bs, 2 * bs), false);
        }
        store.write(NS1, bs, 0, 2, da, false);
        store.write(NS2, bs, 0, 2, db, false);
        assertThat(bytes(store.read(NS1, bs, 0, 2))).isEqualTo(bytes(da));
        assertThat(bytes(store.read(NS2, bs, 0, 2))).isEqualTo(bytes(db));

        // wipe all of b: a and c keep their first and last blocks
        store.deallocate(b, bs, new long[] {0, Long.MAX_VALUE});
        assertThat(store.storedBlocks(b)).isZero();
        assertThat(bytes(store.read(b, bs, 0, 1))).isEqualTo(zeroes(bs));
        assertThat(bytes(store.read(b, bs, max, 1))).isEqualTo(zeroes(bs));
        assertThat(bytes(store.read(a, bs, 0, 1))).isEqualTo(slice(da, bs, 0, 1));
        assertThat(bytes(store.read(a, bs, max, 1))).isEqualTo(slice(da, bs, 1, 2));
        assertThat(bytes(store.read(c, bs, 0, 1))).isEqualTo(slice(dc, bs, 0, 1));
        assertThat(bytes(store.read(c, bs, max, 1))).isEqualTo(slice(dc, bs, 1, 2));
        store.writeZeroes(NS1, bs, 0, 2);
        assertThat(bytes(store.read(NS2, bs, 0, 2))).isEqualTo(bytes(db));
        assertThat(store.storedBlocks(a)).isEqualTo(2);
        assertThat(store.storedBlocks(c)).isEqualTo(2);
    }

    @Test
    void keyLayoutIsUuidMsbLsbThenLbaBigEndian() {
        UUID ns = new UUID(0x0102030405060708L, 0x090A0B0C0D0E0F10L);
        assertThat(RocksDbBlockStore.key(ns, 0x1112131415161718L)).containsExactly(
                1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18);
    }

    @Test
    void acceptsDirectCompositeAndSlicedBuffers() {
        int bs = 4096;
        Buffer data = blocks(bs, 4, 31);
        ByteBuf direct = Unpooled.directBuffer(4 * bs).writeBytes(data.getBytes());
        try {
            store.write(NS1, bs, 0, 4, BufferInternal.buffer(direct), false);
        } finally {
            direct.release();
        }
        assertThat(bytes(store.read(NS1, bs, 0, 4))).isEqualTo(bytes(data));

        Buffer other = blocks(bs, 4, 32);
        ByteBuf composite = Unpooled.wrappedBuffer(Unpooled.directBuffer(bs).writeBytes(other.getBytes(0, bs)),
                Unpooled.wrappedBuffer(other.getBytes(bs, 4 * bs)));
        try {
            store.write(NS1, bs, 10, 4, BufferInternal.buffer(composite), true);
        } finally {
            composite.release();
        }
        assertThat(bytes(store.read(NS1, bs, 10, 4))).isEqualTo(bytes(other));

        Buffer big = blocks(bs, 6, 33);
        store.write(NS1, bs, 20, 4, big.slice(bs, 5 * bs), false);
        assertThat(bytes(store.read(NS1, bs, 20, 4))).isEqualTo(slice(big, bs, 1, 5));
    }

    @Test
    void storedBlockOfAnotherSizeIsAStorageError() {
        store.write(NS1, 4096, 0, 1, blocks(4096, 1, 1), false);
        assertThatThrownBy(() -> store.read(NS1, 512, 0, 1)).isInstanceOf(StorageException.class).hasMessageContaining("4096");
        assertThatThrownBy(() -> store.read(NS1, 512, 0, 2)).isInstanceOf(StorageException.class);
    }

    @Test
    void rejectsMalformedCalls() {
        Buffer one = blocks(512, 1, 1);
        assertThatThrownBy(() -> store.write(NS1, 512, 0, 2, one, false)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.write(NS1, 512, 0, 1, null, false)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> store.read(NS1, 512, 0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.read(NS1, 1000, 0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.read(NS1, 512, -1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.read(NS1, 512, Long.MAX_VALUE, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.writeZeroes(NS1, 512, 0, -1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.deallocate(NS1, 512, new long[] {1})).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.deallocate(NS1, 512, new long[] {1, -2})).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void callsAfterCloseFailCleanly() {
        store.close();
        assertThatThrownBy(() -> store.read(NS1, 512, 0, 1)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> store.read(NS1, 512, 0, 4)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> store.write(NS1, 512, 0, 1, blocks(512, 1, 1), false)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> store.writeZeroes(NS1, 512, 0, 1)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> store.deallocate(NS1, 512, new long[] {0, 1})).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> store.flush()).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void secondOpenOfTheSameDirectoryFails() {
        assertThatThrownBy(() -> new RocksDbBlockStore(dir.resolve("w1/rocksdb"))).isInstanceOf(StorageException.class)
                .hasMessageContaining("cannot open");
    }

    @Test
    void concurrentWritersAndReadersThenCloseWhileBusy() throws Exception {
        int bs = 4096;
        int threads = 8;
        int perThread = 200;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int tt = t;
                fs.add(pool.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        long lba = (long) tt * perThread + i;
                        store.write(NS1, bs, lba, 1, blocks(bs, 1, (int) lba), i % 50 == 0);
                        if (i % 10 == 0) store.read(NS1, bs, tt * perThread, 8);
                        if (i % 64 == 0) store.flush();
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) f.get(60, TimeUnit.SECONDS);
            Buffer all = store.read(NS1, bs, 0, threads * perThread);
            for (int lba = 0; lba < threads * perThread; lba++) {
                assertThat(slice(all, bs, lba, lba + 1)).as("block %d", lba).isEqualTo(bytes(blocks(bs, 1, lba)));
            }

            // close while calls are running: each call completes or fails with IllegalStateException, no crash
            List<Future<?>> busy = new ArrayList<>();
            java.util.concurrent.CountDownLatch everyoneWrote = new java.util.concurrent.CountDownLatch(threads);
            for (int t = 0; t < threads; t++) {
                int tt = t;
                busy.add(pool.submit(() -> {
                    try {
                        for (int i = 0; ; i++) {
                            store.write(NS2, bs, tt, 1, blocks(bs, 1, i), false);
                            if (i == 0) everyoneWrote.countDown();
                            store.read(NS2, bs, 0, threads);
                        }
                    } catch (IllegalStateException closed) {
                        return null;
                    }
                }));
            }
            // every thread has written its block at least once (a loaded machine may not have scheduled them all yet)
            assertThat(everyoneWrote.await(60, TimeUnit.SECONDS)).isTrue();
            Thread.sleep(20);
            store.close();
            for (Future<?> f : busy) f.get(60, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        store = new RocksDbBlockStore(dir.resolve("w1/rocksdb"));
        assertThat(store.storedBlocks(NS1)).isEqualTo(threads * perThread);
        assertThat(store.storedBlocks(NS2)).isEqualTo(threads);
    }

    @Test
    void nullStoreKeepsNothing() {
        NullBlockStore n = new NullBlockStore();
        n.write(NS1, 512, 0, 2, blocks(512, 2, 1), true);
        assertThat(bytes(n.read(NS1, 512, 0, 2))).isEqualTo(zeroes(1024));
        n.writeZeroes(NS1, 512, 0, 2);
        n.deallocate(NS1, 512, new long[] {0, 2});
        n.flush();
        n.close();
        assertThat(n.read(NS1, 4096, 7, 3).length()).isEqualTo(3 * 4096);
        assertThatThrownBy(() -> n.write(NS1, 512, 0, 1, blocks(512, 2, 1), false)).isInstanceOf(IllegalArgumentException.class);
        assertThat(Arrays.equals(bytes(n.read(NS1, 4096, 0, 1)), zeroes(4096))).isTrue();
    }
}
