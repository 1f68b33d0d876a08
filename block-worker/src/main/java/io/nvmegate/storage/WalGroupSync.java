package io.nvmegate.storage;

import org.rocksdb.RocksDBException;

/**
 * Group commit of WAL syncs for FUA writes and Flush (NVMe Base 2.0 sections 6.8 Flush and 6.15 Write, FUA bit):
 * concurrent callers share one {@code fsync} of the RocksDB WAL instead of queueing one each.
 *
 * <p>Contract: {@link #awaitDurable(long)} returns only after a WAL sync that <em>started after</em> every write
 * with sequence number {@code <= seq} had reached the WAL file has completed. RocksDB assigns each write batch its
 * sequence numbers and publishes them ({@code GetLatestSequenceNumber}) only after the batch is in the WAL file
 * (written with {@code write(2)}; the WAL is not manually flushed); so the leader reads the latest published
 * sequence number {@code s} <em>before</em> it syncs, and a completed sync makes every write {@code <= s}
 * durable ({@code durable = s}).
 *
 * <p>Batching: one caller at a time is the leader and syncs; callers arriving meanwhile wait. When the sync ends,
 * waiters whose sequence number it covered return without a sync of their own (they were published before the
 * leader read {@code s}); the others elect the next leader, whose sync covers all of them. So under a load of N
 * concurrent FUA writers, each sync serves up to N writes, and non-FUA writes are never blocked by the sync
 * (RocksDB's own {@code sync=true} write makes the whole write group, non-synced writers included, wait for the
 * {@code fsync}).
 *
 * <p>Failure: a failed sync makes nothing durable; its leader throws, each waiter then tries a sync of its own (so
 * every caller either saw a successful sync covering it or throws {@link RocksDBException}).
 */
final class WalGroupSync {
    /** The database side: the latest published sequence number and a WAL sync (write + fsync). */
    interface Wal {
        long latestSequence();

        void sync() throws RocksDBException;
    }

    private final Wal wal;
    /** Every write with a sequence number {@code <= durable} is in a synced WAL; guarded by this. */
    private long durable = -1;
    /** A leader is syncing; guarded by this. */
    private boolean syncing;
    /** Completed syncs (test/metrics aid); guarded by this. */
    private long syncs;

    WalGroupSync(Wal wal) {
        this.wal = wal;
    }

    /**
     * Blocks until every write with sequence number {@code <= seq} is in a synced WAL.
     *
     * @param seq the latest sequence number read after the caller's own write completed (or, for Flush, when the
     *            Flush arrived)
     * @throws RocksDBException if the sync this caller led failed
     * @throws StorageException if interrupted while waiting (interrupt status kept; not known durable)
     */
    void awaitDurable(long seq) throws RocksDBException {
        synchronized (this) {
            while (durable < seq && syncing) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new StorageException("interrupted while waiting for the WAL sync: the write is not known durable");
                }
            }
            if (durable >= seq) return;
            syncing = true;
        }
        long upTo = wal.latestSequence(); // >= seq: read before the sync starts
        boolean ok = false;
        try {
            wal.sync();
            ok = true;
        } finally {
            synchronized (this) {
                syncing = false;
                if (ok) {
                    durable = Math.max(durable, upTo);
                    syncs++;
                }
                notifyAll();
            }
        }
    }

    /** @return the highest sequence number known durable (-1 before the first sync) */
    synchronized long durableSequence() { return durable; }

    /** @return the number of completed WAL syncs */
    synchronized long syncs() { return syncs; }

}
