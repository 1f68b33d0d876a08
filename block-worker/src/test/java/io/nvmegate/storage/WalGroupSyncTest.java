package io.nvmegate.storage;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.RocksDBException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static io.nvmegate.storage.RocksDbBlockStoreTest.blocks;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Group commit of WAL syncs ({@link WalGroupSync}) for FUA writes and Flush, on a real RocksDB. */
class WalGroupSyncTest {
    static final UUID NS = UUID.fromString("9d0e8a7b-1c2d-4e3f-8a9b-0c1d2e3f4a5b");
    static final int BS = 4096;

    @TempDir
    Path dir;

    /** Sequential FUA writes and Flushes cannot share: each must be followed by its own real WAL fsync. */
    @Test
    void everyFuaWriteAndFlushIsCoveredByAWalSyncThatStartedAfterIt() {
        try (RocksDbBlockStore store = new RocksDbBlockStore(dir.resolve("db"))) {
            for (int i = 0; i < 20; i++) {
                long fsyncs = store.walFileSyncs();
                store.write(NS, BS, i, 1, blocks(BS, 1, i), true);
                assertThat(store.durableSequence()).as("write %d", i).isGreaterThanOrEqualTo(store.latestSequence());
                assertThat(store.walFileSyncs()).as("RocksDB fsyncs after FUA write %d", i).isGreaterThan(fsyncs);

                store.write(NS, BS, 100 + i, 1, blocks(BS, 1, 100 + i), false);
                fsyncs = store.walFileSyncs();
                store.flush();
                assertThat(store.durableSequence()).as("flush %d", i).isGreaterThanOrEqualTo(store.latestSequence());
                assertThat(store.walFileSyncs()).as("RocksDB fsyncs after flush %d", i).isGreaterThan(fsyncs);
            }
            store.deallocate(NS, BS, new long[] {0, 1});
            long fsyncs = store.walFileSyncs();
            store.putReservationState(NS, new byte[] {1, 2, 3});
            assertThat(store.walFileSyncs()).as("reservation state is written synced").isGreaterThan(fsyncs);
        }
    }

    /** N threads of FUA writes and Flushes: fewer syncs than calls, and every block is there after a reopen. */
    @Test
    void concurrentFuaWritesShareSyncsAndAllSurviveReopen() throws Exception {
        int threads = 8;
        int perThread = 40;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try (RocksDbBlockStore store = new RocksDbBlockStore(dir.resolve("db"))) {
            CyclicBarrier start = new CyclicBarrier(threads);
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int tt = t;
                fs.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        int lba = tt * perThread + i;
                        store.write(NS, BS, lba, 1, blocks(BS, 1, lba), i % 4 != 3);
                        if (i % 4 == 3) store.flush();
                        assertThat(store.durableSequence()).isGreaterThan(0);
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) f.get(120, TimeUnit.SECONDS);
            assertThat(store.walSyncs()).isPositive().isLessThanOrEqualTo((long) threads * perThread);
            assertThat(store.walFileSyncs()).isGreaterThanOrEqualTo(store.walSyncs());
        } finally {
            pool.shutdownNow();
        }
        try (RocksDbBlockStore store = new RocksDbBlockStore(dir.resolve("db"))) {
            Buffer all = store.read(NS, BS, 0, threads * perThread);
            for (int lba = 0; lba < threads * perThread; lba++) {
                assertThat(all.getBytes(lba * BS, (lba + 1) * BS)).as("block %d", lba).isEqualTo(blocks(BS, 1, lba).getBytes());
            }
        }
    }

    /**
     * Callers arriving while a sync runs: those it covers return with it, the rest share the next one; a failed
     * sync fails its leader only, and the others sync again.
     */
    @Test
    void waitersShareTheNextSyncAndAFailedSyncIsRetried() throws Exception {
        AtomicLong latest = new AtomicLong(1);
        AtomicInteger syncCalls = new AtomicInteger();
        CountDownLatch firstSyncStarted = new CountDownLatch(1);
        CountDownLatch releaseFirstSync = new CountDownLatch(1);
        AtomicInteger failNext = new AtomicInteger();
        WalGroupSync g = new WalGroupSync(new WalGroupSync.Wal() {
            @Override
            public long latestSequence() { return latest.get(); }

            @Override
            public void sync() throws RocksDBException {
                if (syncCalls.incrementAndGet() == 1) {
                    firstSyncStarted.countDown();
                    try {
                        releaseFirstSync.await();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                }
                if (failNext.getAndSet(0) == 1) throw new RocksDBException("injected");
            }
        });
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            Future<?> leader = pool.submit(() -> { g.awaitDurable(1); return null; });
            assertThat(firstSyncStarted.await(10, TimeUnit.SECONDS)).isTrue();
            latest.set(6); // five more writes published after the leader read its sequence number
            List<Future<?>> waiters = new ArrayList<>();
            for (long seq = 2; seq <= 6; seq++) {
                long s = seq;
                waiters.add(pool.submit(() -> { g.awaitDurable(s); return null; }));
            }
            Thread.sleep(100);
            assertThat(waiters).noneMatch(Future::isDone); // none is covered by the running sync
            releaseFirstSync.countDown();
            leader.get(10, TimeUnit.SECONDS);
            for (Future<?> w : waiters) w.get(10, TimeUnit.SECONDS);
            assertThat(syncCalls.get()).isEqualTo(2);
            assertThat(g.durableSequence()).isEqualTo(6);
            g.awaitDurable(6); // already durable: no sync
            assertThat(syncCalls.get()).isEqualTo(2);

            latest.set(7);
            failNext.set(1);
            assertThatThrownBy(() -> g.awaitDurable(7)).isInstanceOf(RocksDBException.class);
            assertThat(g.durableSequence()).isEqualTo(6);
            g.awaitDurable(7); // the next caller syncs again
            assertThat(g.durableSequence()).isEqualTo(7);
            assertThat(g.syncs()).isEqualTo(3);
        } finally {
            pool.shutdownNow();
        }
    }
}
