package io.nvmegate.storage;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.CompressionType;
import org.rocksdb.FlushOptions;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.Statistics;
import org.rocksdb.TickerType;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A {@link BlockStore} keeping all namespaces of one block worker in ONE RocksDB database (default column
 * family), one key-value pair per logical block that holds data.
 *
 * <h2>Key layout (24 bytes, big-endian, compared bytewise)</h2>
 * <pre>
 * offset  size  field
 *  0      8     namespace UUID most significant bits  (UUID#getMostSignificantBits, big-endian)
 *  8      8     namespace UUID least significant bits (UUID#getLeastSignificantBits, big-endian)
 * 16      8     LBA (0 .. Long.MAX_VALUE, big-endian)
 * </pre>
 * So a namespace's blocks are contiguous and in LBA order: blocks {@code [slba, slba+nlb)} are exactly the keys
 * in {@code [key(ns, slba), key(ns, slba+nlb))}, and no carry into the UUID bytes can happen because LBAs are
 * kept below 2^63.
 *
 * <h2>Reservation state</h2>
 * One key per namespace, {@code UUID (16) | FFFFFFFFFFFFFFFFh (8) | "resv"} (28 bytes): it sorts after every
 * block key of its namespace (LBAs stay below 2^63), so no block read, range delete or scan ever touches it. The
 * value is the reservation engine's encoding (opaque here, see {@link ReservationStateStore}); written synced
 * (WAL fsynced before the call returns).
 *
 * <h2>Replicated namespaces</h2>
 * The state-machine keys of {@link ReplicaStateKeys} (applied index, dedupe slots, reservation state) use the same
 * {@code UUID | FFFFFFFFFFFFFFFFh | tag} prefix and are written in the same {@link WriteBatch} as the block change
 * of the Raft log entry ({@link AppliedStateStore}); the RF 1 calls ({@link BlockStore}) add nothing to their
 * batches.
 *
 * <h2>Value</h2>
 * One logical block, exactly {@code blockSize} bytes. A block without a key reads as zeroes (never written,
 * zeroed or deallocated). Reading a stored value of another size (namespace re-created with a different block
 * size over old data) fails with {@link StorageException}.
 *
 * <h2>Operations</h2>
 * <ul>
 *   <li>read of 1 block: one point {@code get} straight into the result array; of several blocks: one iterator
 *       with {@code iterate_upper_bound = key(ns, slba+nlb)}, seeked to {@code key(ns, slba)}, copying each
 *       present value into its slot of a zero-filled result (absent blocks stay zero). One copy per block
 *       (native → result array); the result is wrapped, not copied, into a {@link Buffer}. Measured against one
 *       batched {@code multiGetByteBuffers} of the 32 keys of a 128 KiB read: the iterator costs 78-86 µs of CPU,
 *       MultiGet 128-143 µs, so multi-block reads keep the iterator.</li>
 *   <li>write: one {@link WriteBatch} with one put per block (atomic), always written without {@code sync};
 *       a FUA write then waits for a WAL sync shared with concurrent FUA writes and Flushes ({@link WalGroupSync}:
 *       it completes only once its batch is in a WAL synced by an {@code fsync} that started after the batch was
 *       written). Concurrent writes from the storage threads are group-committed by RocksDB itself (one leader
 *       writes the WAL for the whole group); pipelined writes measured no better (4 writer threads, 4 KiB). A
 *       RocksDB {@code sync=true} write would make every writer of its group, non-FUA ones included, wait for
 *       the {@code fsync}; the shared sync does not block writers at all. Values are
 *       passed to RocksDB as direct {@link ByteBuffer}s: a direct view of the request data when it is a direct
 *       Netty buffer (no copy), else one copy into a per-thread direct scratch buffer.</li>
 *   <li>writeZeroes / deallocate: one WriteBatch; each range becomes a {@code deleteRange} tombstone, except
 *       ranges of at most {@value #POINT_DELETE_MAX} blocks, which become point deletes (many small range
 *       tombstones in a memtable slow reads down).</li>
 *   <li>flush: waits for a WAL sync ({@code flushWal(true)}) covering every write completed before the Flush,
 *       shared with concurrent FUA writes and Flushes ({@link WalGroupSync}; 16 threads of write + Flush: 1688 /
 *       2203 &rarr; 9366 / 6720 ops/s, 259 / 221 &rarr; 71 / 59 &micro;s CPU per op; FUA writes alone measured
 *       equal, RocksDB already grouped them). close: WAL synced, memtables flushed to SST files, database
 *       closed.</li>
 * </ul>
 *
 * <h2>Options</h2>
 * create-if-missing; WAL on (writes without sync survive a process crash because each write reaches the WAL
 * file through {@code write(2)}; FUA/flush add {@code fsync}); block-based tables with a 64 MiB LRU block cache
 * that also holds index blocks (memory stays bounded; L0 index pinned), 16 KiB table blocks (a 4 KiB value plus
 * key per ~4 KiB block would give one index entry per logical block; measured CPU per read of 1 / 32 blocks,
 * random 4 KiB data: 4 KiB tables 6.6-7.2 / 149-164 µs, 16 KiB 8.0-8.6 / 88-106 µs, 64 KiB 16-17 / 73 µs);
 * no bloom filter (multi-block reads use an
 * iterator which cannot use it, and it would cost ~1.25 bytes of RAM per stored block); LZ4 compression from
 * level 2 on (where the data ends up): cheap to (de)compress, large wins on the zero-filled and metadata blocks
 * file systems write, and RocksDB stores a table block uncompressed when LZ4 saves less than 1/8, so random data
 * costs only the attempt; L0 and L1 uncompressed, so memtable flushes (the step writers wait for) do not pay it;
 * background jobs = max(2, cores), bytes_per_sync 1 MiB to smooth write-back; RocksDB's own LOG file capped at
 * 5 x 16 MiB; no adaptive yield in the write thread: RocksDB's writers waiting for their group's leader spin and
 * {@code sched_yield} for up to 100 &micro;s before they block, which on a 2-core machine takes the CPU from the
 * leader and the event loops (4 storage threads, random 4 KiB writes, {@code StoreLoad write4k 4}, 5 runs
 * interleaved: 14696 / 25744 / 28074 / 14088 / 32831 writes/s without it, 9767 / 13563 / 15889 / 16483 / 14541
 * with it, CPU per write within the noise, 27-43 &micro;s both; 16 threads: equal). Concurrent memtable inserts
 * stay on (off measured 7534-11269 writes/s against 9767-15889).
 *
 * <h2>Write stalls</h2>
 * A write waits when RocksDB has more unflushed memtables, L0 files or compaction debt than it allows; under a
 * long burst (a guest copying 1 GiB in 1 MiB writes stalled every writer for more than 120 s) the aim is short,
 * bounded waits at the disk's rate rather than a full stop:
 * <ul>
 *   <li>{@value #MAX_WRITE_BUFFERS} memtables of 64 MiB instead of 2: with 2, the active memtable filling while
 *       the other one flushes <em>stops</em> all writes until the flush ends; with 4, RocksDB slows writes down at
 *       3 unflushed memtables and stops only at 4. Memtable memory is 64 MiB normally, at most 256 MiB while
 *       flushes lag.</li>
 *   <li>delayed write rate 64 MiB/s instead of RocksDB's 16 MiB/s (which it lowers further while the debt grows,
 *       so a writer of 1 MiB could wait seconds once slowed down).</li>
 *   <li>L0 triggers left at RocksDB's defaults (compaction at 4 files, slowdown at 20, stop at 36): a flushed
 *       memtable is 64 MiB, so a stop needs &gt; 2 GiB in L0.</li>
 * </ul>
 * Measured ({@code StoreLoad burst1m 4 1024}: 4 threads writing 1 GiB in 1 MiB writes to a new namespace, 4 runs
 * each, interleaved, shared 2-core machine): before 37 / 147 / 112 / 97 MiB/s, longest write 1679 / 490 / 693 /
 * 845 ms, writes over 100 ms 150 / 53 / 54 / 71; after 182 / 147 / 71 / 136 MiB/s, 176 / 247 / 804 / 245 ms,
 * 20 / 19 / 87 / 38. Random 4 KiB writes (10 s windows) did not change beyond the noise.
 *
 * <p>Thread safety: all methods may be called concurrently; {@link #close()} waits for calls in progress.
 */
public final class RocksDbBlockStore implements AppliedStateStore, ReservationStateStore, RocksDbMetrics.Source {
    /** Key length in bytes. */
    public static final int KEY_LEN = 24;
    /** Ranges of at most this many blocks are deleted with point deletes instead of a range tombstone. */
    static final int POINT_DELETE_MAX = 8;

    static final long BLOCK_CACHE_BYTES = 64L << 20;
    static final long WRITE_BUFFER_BYTES = 64L << 20;
    static final long TABLE_BLOCK_BYTES = 16L << 10;
    /** Memtables (active + immutable) before writes stop; RocksDB slows writes down at one fewer. */
    static final int MAX_WRITE_BUFFERS = 4;
    /** Write rate while RocksDB slows writes down (its default is 16 MiB/s, lowered further while debt grows). */
    static final long DELAYED_WRITE_RATE = 64L << 20;
    /** L0 and L1 uncompressed (memtable flushes and the first compaction skip LZ4), LZ4 from L2 on. */
    static final List<CompressionType> COMPRESSION_PER_LEVEL = List.of(CompressionType.NO_COMPRESSION,
            CompressionType.NO_COMPRESSION, CompressionType.LZ4_COMPRESSION, CompressionType.LZ4_COMPRESSION,
            CompressionType.LZ4_COMPRESSION, CompressionType.LZ4_COMPRESSION, CompressionType.LZ4_COMPRESSION);

    static {
        RocksDB.loadLibrary();
    }

    private static final ThreadLocal<ByteBuffer> KEY_SCRATCH = ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(KEY_LEN));
    private static final ThreadLocal<ByteBuffer> VALUE_SCRATCH = new ThreadLocal<>();

    private final Path path;
    private final LRUCache cache;
    /** Tickers for metrics (block cache hits/misses); see {@link RocksDbMetrics}. */
    private final Statistics statistics;
    private final Options options;
    private final WriteOptions asyncWrite;
    private final ReadOptions pointRead;
    private final RocksDB db;
    /** FUA writes, synced state writes and Flush share WAL syncs (group commit). */
    private final WalGroupSync walSync;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private boolean closed; // guarded by lock

    /**
     * Opens (creating it if missing) the database in {@code dir}; blocking (replays the WAL after a crash).
     *
     * @param dir database directory, e.g. {@code <data>/<workerId>/rocksdb}; parents are created
     * @throws StorageException if RocksDB cannot open it (e.g. locked by another process, corrupt)
     * @throws UncheckedIOException if the directory cannot be created
     */
    public RocksDbBlockStore(Path dir) {
        this.path = dir.toAbsolutePath();
        try {
            Files.createDirectories(path);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create RocksDB directory " + path, e);
        }
        LRUCache c = null;
        Statistics st = null;
        Options o = null;
        WriteOptions aw = null;
        ReadOptions pr = null;
        try {
            c = new LRUCache(BLOCK_CACHE_BYTES);
            st = new Statistics();
            BlockBasedTableConfig table = new BlockBasedTableConfig()
                    .setBlockCache(c)
                    .setBlockSize(TABLE_BLOCK_BYTES)
                    .setCacheIndexAndFilterBlocks(true)
                    .setPinL0FilterAndIndexBlocksInCache(true);
            o = new Options()
                    .setCreateIfMissing(true)
                    .setTableFormatConfig(table)
                    .setCompressionType(CompressionType.LZ4_COMPRESSION)
                    .setCompressionPerLevel(COMPRESSION_PER_LEVEL)
                    .setBottommostCompressionType(CompressionType.LZ4_COMPRESSION)
                    .setWriteBufferSize(WRITE_BUFFER_BYTES)
                    .setMaxWriteBufferNumber(MAX_WRITE_BUFFERS)
                    .setDelayedWriteRate(DELAYED_WRITE_RATE)
                    .setMaxBackgroundJobs(Math.max(2, Runtime.getRuntime().availableProcessors()))
                    .setBytesPerSync(1L << 20)
                    .setMaxLogFileSize(16L << 20)
                    .setKeepLogFileNum(5)
                    .setStatistics(st);
            o.setEnableWriteThreadAdaptiveYield(false);
            aw = new WriteOptions().setSync(false);
            pr = new ReadOptions();
            this.db = RocksDB.open(o, path.toString());
        } catch (RocksDBException | RuntimeException e) {
            closeQuietly(pr, aw, o, c, st);
            throw e instanceof RocksDBException re ? new StorageException("cannot open RocksDB at " + path + ": " + re.getMessage(), re)
                    : (RuntimeException) e;
        }
        this.cache = c;
        this.statistics = st;
        this.options = o;
        this.asyncWrite = aw;
        this.pointRead = pr;
        RocksDB d = db;
        this.walSync = new WalGroupSync(new WalGroupSync.Wal() {
            @Override
            public long latestSequence() { return d.getLatestSequenceNumber(); }

            @Override
            public void sync() throws RocksDBException { d.flushWal(true); }
        });
    }

    /**
     * Writes {@code batch} to the WAL and the memtable; if {@code sync}, returns only once it is in a synced WAL
     * (a WAL sync shared with concurrent callers: {@link WalGroupSync}).
     */
    private void commit(WriteBatch batch, boolean sync) throws RocksDBException {
        db.write(asyncWrite, batch);
        if (sync) walSync.awaitDurable(db.getLatestSequenceNumber());
    }

    /** @return the database directory (absolute) */
    public Path path() { return path; }

    /** @return the 24-byte key of block {@code lba} of namespace {@code ns} (layout in the class comment). */
    public static byte[] key(UUID ns, long lba) {
        ByteBuffer b = ByteBuffer.allocate(KEY_LEN);
        b.putLong(ns.getMostSignificantBits()).putLong(ns.getLeastSignificantBits()).putLong(lba);
        return b.array();
    }

    private static ByteBuffer directKey(UUID ns, long lba) {
        ByteBuffer k = KEY_SCRATCH.get();
        k.clear();
        k.putLong(0, ns.getMostSignificantBits()).putLong(8, ns.getLeastSignificantBits()).putLong(16, lba);
        return k;
    }

    private static ByteBuffer valueScratch(int size) {
        ByteBuffer v = VALUE_SCRATCH.get();
        if (v == null || v.capacity() < size) {
            v = ByteBuffer.allocateDirect(Math.max(size, 4096));
            VALUE_SCRATCH.set(v);
        }
        v.clear().limit(size);
        return v;
    }

    @Override
    public Buffer read(UUID ns, int blockSize, long slba, int nlb) {
        int len = Blocks.byteLength(ns, blockSize, slba, nlb);
        byte[] out = new byte[len];
        lock.readLock().lock();
        try {
            ensureOpen();
            if (nlb == 1) {
                int n = db.get(pointRead, key(ns, slba), 0, KEY_LEN, out, 0, blockSize);
                if (n != RocksDB.NOT_FOUND) checkValueSize(ns, slba, n, blockSize);
            } else {
                readRange(ns, blockSize, slba, nlb, out);
            }
        } catch (RocksDBException e) {
            throw failure("read", ns, e);
        } finally {
            lock.readLock().unlock();
        }
        return BufferInternal.buffer(Unpooled.wrappedBuffer(out));
    }

    private void readRange(UUID ns, int blockSize, long slba, int nlb, byte[] out) throws RocksDBException {
        try (Slice upper = new Slice(key(ns, slba + nlb));
             ReadOptions ro = new ReadOptions().setIterateUpperBound(upper);
             RocksIterator it = db.newIterator(ro)) {
            byte[] k = new byte[KEY_LEN];
            for (it.seek(key(ns, slba)); it.isValid(); it.next()) {
                int kl = it.key(k);
                long idx = ByteBuffer.wrap(k).getLong(16) - slba;
                if (kl != KEY_LEN || idx < 0 || idx >= nlb) {
                    throw new StorageException("unexpected key of " + kl + " bytes in namespace " + ns + " range " + slba + "+" + nlb);
                }
                int n = it.value(out, (int) idx * blockSize, blockSize);
                checkValueSize(ns, slba + idx, n, blockSize);
            }
            it.status();
        }
    }

    private static void checkValueSize(UUID ns, long lba, int n, int blockSize) {
        if (n != blockSize) {
            throw new StorageException("namespace " + ns + " LBA " + lba + ": stored block has " + n + " bytes, expected " + blockSize);
        }
    }

    @Override
    public void write(UUID ns, int blockSize, long slba, int nlb, Buffer data, boolean sync) {
        write(ns, blockSize, slba, nlb, data, sync, null);
    }

    @Override
    public void write(UUID ns, int blockSize, long slba, int nlb, Buffer data, boolean sync, StateWrites state) {
        int len = Blocks.byteLength(ns, blockSize, slba, nlb);
        Blocks.checkData(data, len);
        lock.readLock().lock();
        try (WriteBatch batch = new WriteBatch()) {
            ensureOpen();
            ByteBuf src = data instanceof BufferInternal bi ? bi.getByteBuf() : null;
            boolean directViews = src != null && src.isDirect() && src.nioBufferCount() == 1;
            for (int i = 0; i < nlb; i++) {
                int off = i * blockSize;
                ByteBuffer value;
                if (directViews) {
                    value = src.nioBuffer(off, blockSize);
                } else {
                    value = valueScratch(blockSize);
                    if (src != null) {
                        src.getBytes(off, value);
                    } else {
                        value.put(data.getBytes(off, off + blockSize));
                    }
                    value.flip();
                }
                batch.put(directKey(ns, slba + i), value);
            }
            if (state != null) addState(batch, state);
            commit(batch, sync);
        } catch (RocksDBException e) {
            throw failure("write", ns, e);
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public void writeZeroes(UUID ns, int blockSize, long slba, int nlb) {
        writeZeroes(ns, blockSize, slba, nlb, null);
    }

    @Override
    public void writeZeroes(UUID ns, int blockSize, long slba, int nlb, StateWrites state) {
        Blocks.byteLength(ns, blockSize, slba, nlb);
        delete("writeZeroes", ns, new long[] {slba, nlb}, state);
    }

    @Override
    public void deallocate(UUID ns, int blockSize, long[] ranges) {
        deallocate(ns, blockSize, ranges, null);
    }

    @Override
    public void deallocate(UUID ns, int blockSize, long[] ranges, StateWrites state) {
        Blocks.checkRanges(ns, blockSize, ranges);
        delete("deallocate", ns, ranges, state);
    }

    private static void addState(WriteBatch batch, StateWrites state) throws RocksDBException {
        for (int i = 0; i < state.size(); i++) {
            byte[] v = state.values().get(i);
            if (v == null) batch.delete(state.keys().get(i));
            else batch.put(state.keys().get(i), v);
        }
    }

    @Override
    public void writeState(StateWrites state, boolean sync) {
        lock.readLock().lock();
        try (WriteBatch batch = new WriteBatch()) {
            ensureOpen();
            addState(batch, state);
            if (batch.count() > 0) commit(batch, sync);
        } catch (RocksDBException e) {
            throw failure("write state", null, e);
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public byte[] getState(byte[] key) {
        lock.readLock().lock();
        try {
            ensureOpen();
            return db.get(key);
        } catch (RocksDBException e) {
            throw failure("read state", null, e);
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public void scanState(byte[] from, byte[] to, java.util.function.BiConsumer<byte[], byte[]> each) {
        lock.readLock().lock();
        try {
            ensureOpen();
            try (Slice upper = new Slice(to);
                 ReadOptions ro = new ReadOptions().setIterateUpperBound(upper).setFillCache(false);
                 RocksIterator it = db.newIterator(ro)) {
                for (it.seek(from); it.isValid(); it.next()) each.accept(it.key(), it.value());
                it.status();
            }
        } catch (RocksDBException e) {
            throw failure("scan state", null, e);
        } finally {
            lock.readLock().unlock();
        }
    }

    private void delete(String op, UUID ns, long[] ranges, StateWrites state) {
        lock.readLock().lock();
        try (WriteBatch batch = new WriteBatch()) {
            ensureOpen();
            for (int i = 0; i < ranges.length; i += 2) {
                long slba = ranges[i];
                long nlb = ranges[i + 1];
                if (nlb == 0) continue;
                if (nlb <= POINT_DELETE_MAX) {
                    for (long lba = slba; lba < slba + nlb; lba++) batch.delete(key(ns, lba));
                } else {
                    batch.deleteRange(key(ns, slba), key(ns, slba + nlb));
                }
            }
            if (state != null) addState(batch, state);
            if (batch.count() > 0) db.write(asyncWrite, batch);
        } catch (RocksDBException e) {
            throw failure(op, ns, e);
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public void flush() {
        lock.readLock().lock();
        try {
            ensureOpen();
            walSync.awaitDurable(db.getLatestSequenceNumber());
        } catch (RocksDBException e) {
            throw failure("flush", null, e);
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * Waits for calls in progress, syncs the WAL, flushes memtables to SST files and closes the database and its
     * native options. Idempotent.
     *
     * @throws StorageException if the final sync/flush fails (the database is closed anyway)
     */
    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            if (closed) return;
            closed = true;
            RocksDBException failure = null;
            try (FlushOptions fo = new FlushOptions().setWaitForFlush(true)) {
                db.flushWal(true);
                db.flush(fo);
            } catch (RocksDBException e) {
                failure = e;
            }
            try {
                db.closeE();
            } catch (RocksDBException e) {
                if (failure == null) failure = e;
            } finally {
                closeQuietly(pointRead, asyncWrite, options, cache, statistics);
            }
            if (failure != null) throw failure("close", null, failure);
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** @return the 28-byte key of namespace {@code ns}'s reservation state (layout in the class comment) */
    public static byte[] reservationKey(UUID ns) {
        ByteBuffer b = ByteBuffer.allocate(KEY_LEN + 4);
        b.putLong(ns.getMostSignificantBits()).putLong(ns.getLeastSignificantBits()).putLong(-1L).put(new byte[] {'r', 'e', 's', 'v'});
        return b.array();
    }

    /** @return the stored reservation state of {@code ns}, or null if none is stored */
    @Override
    public byte[] reservationState(UUID ns) {
        lock.readLock().lock();
        try {
            ensureOpen();
            return db.get(reservationKey(ns));
        } catch (RocksDBException e) {
            throw failure("read reservation state", ns, e);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Stores (WAL fsynced) the reservation state of {@code ns}; {@code state} null deletes it. */
    @Override
    public void putReservationState(UUID ns, byte[] state) {
        lock.readLock().lock();
        try {
            ensureOpen();
            try (WriteBatch batch = new WriteBatch()) {
                if (state == null) batch.delete(reservationKey(ns));
                else batch.put(reservationKey(ns), state);
                commit(batch, true);
            }
        } catch (RocksDBException e) {
            throw failure("write reservation state", ns, e);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** @return RocksDB integer property {@code name}, or -1 if closed or unknown (metrics; any thread) */
    @Override
    public long longProperty(String name) {
        lock.readLock().lock();
        try {
            return closed ? -1 : db.getLongProperty(name);
        } catch (RocksDBException e) {
            return -1;
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public long blockCacheHits() { return ticker(TickerType.BLOCK_CACHE_HIT); }

    @Override
    public long blockCacheMisses() { return ticker(TickerType.BLOCK_CACHE_MISS); }

    private long ticker(TickerType t) {
        lock.readLock().lock();
        try {
            return closed ? -1 : statistics.getTickerCount(t);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** @return the number of blocks of {@code ns} that hold a stored value (test/diagnostic aid; scans). */
    long storedBlocks(UUID ns) {
        lock.readLock().lock();
        try {
            ensureOpen();
            try (Slice upper = new Slice(key(ns, Long.MAX_VALUE));
                 ReadOptions ro = new ReadOptions().setIterateUpperBound(upper).setFillCache(false);
                 RocksIterator it = db.newIterator(ro)) {
                long n = 0;
                for (it.seek(key(ns, 0)); it.isValid(); it.next()) n++;
                it.status();
                return n;
            }
        } catch (RocksDBException e) {
            throw failure("scan", ns, e);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** @return the number of WAL syncs done for FUA writes, synced state writes and Flush (test aid) */
    long walSyncs() { return walSync.syncs(); }

    /** @return RocksDB's count of WAL file syncs (ticker WAL_FILE_SYNCED; test aid: the fsyncs really done) */
    long walFileSyncs() { return ticker(TickerType.WAL_FILE_SYNCED); }

    /** @return the highest sequence number known to be in a synced WAL (test aid) */
    long durableSequence() { return walSync.durableSequence(); }

    /** @return the sequence number of the last write (test aid: each put or delete of a batch takes one) */
    long latestSequence() {
        lock.readLock().lock();
        try {
            ensureOpen();
            return db.getLatestSequenceNumber();
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * @return the number of operations of each {@link WriteBatch} in the WAL from sequence number {@code since}
     *         on, in order (test aid: shows which changes one write committed together)
     */
    java.util.List<Integer> walBatchSizes(long since) {
        lock.readLock().lock();
        try {
            ensureOpen();
            java.util.List<Integer> sizes = new java.util.ArrayList<>();
            try (org.rocksdb.TransactionLogIterator it = db.getUpdatesSince(since)) {
                for (; it.isValid(); it.next()) {
                    org.rocksdb.TransactionLogIterator.BatchResult b = it.getBatch();
                    try (WriteBatch wb = b.writeBatch()) {
                        if (b.sequenceNumber() >= since) sizes.add(wb.count());
                    }
                }
                it.status();
            }
            return sizes;
        } catch (RocksDBException e) {
            throw failure("WAL scan", null, e);
        } finally {
            lock.readLock().unlock();
        }
    }

    private void ensureOpen() {
        if (closed) throw new IllegalStateException("block store " + path + " is closed");
    }

    private StorageException failure(String op, UUID ns, RocksDBException e) {
        return new StorageException("RocksDB " + op + (ns == null ? "" : " namespace " + ns) + " at " + path + " failed: "
                + e.getMessage(), e);
    }

    private static void closeQuietly(AutoCloseable... resources) {
        for (AutoCloseable r : resources) {
            if (r == null) continue;
            try {
                r.close();
            } catch (Exception ignored) {
                // native handles: close() does not throw
            }
        }
    }
}
