package io.nvmegate.worker;

import io.nvmegate.worker.reservation.NamespaceReservations;
import io.nvmegate.catalog.NamespaceSpec;
import io.nvmegate.metrics.NodeMetrics;
import io.nvmegate.storage.RocksDbMetrics;
import io.nvmegate.metrics.StorageMetrics;
import io.nvmegate.protocol.Status;
import io.nvmegate.blockio.BlockCodecs;
import io.nvmegate.blockio.BlockOp;
import io.nvmegate.blockio.BlockReply;
import io.nvmegate.blockio.BlockRequest;
import io.nvmegate.storage.BlockStore;
import io.nvmegate.storage.MemoryBlockStore;
import io.nvmegate.storage.NullBlockStore;
import io.nvmegate.storage.RocksDbBlockStore;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * A block worker: serves the block I/O of the namespaces it owns ({@link NamespaceSpec#worker()} equal to its
 * ID) on the event bus. Deploy one instance per worker ID.
 *
 * <p>For each owned namespace it registers a consumer on {@link NamespaceSpec#address()}
 * ({@code "nvmegate.block.<uuid>"}). A message body is a {@link BlockRequest}; the reply a {@link BlockReply}:
 * <ul>
 *   <li>status 0 on success; READ replies carry {@code nlb * blockSize} bytes, others no data;</li>
 *   <li>{@code Status.INTERNAL_ERROR}: the storage failed (logged at WARN with namespace and op), or the body
 *       is not a {@code BlockRequest};</li>
 *   <li>{@code Status.NAMESPACE_NOT_READY}: the request names another namespace than the address it was sent
 *       to;</li>
 *   <li>{@code Status.dnr(Status.LBA_OUT_OF_RANGE)}: a range beyond the namespace capacity
 *       ({@link NamespaceSpec#blocks()});</li>
 *   <li>{@code Status.COMPARE_FAILURE}: COMPARE or COMPARE_AND_WRITE found other data (nothing written; see
 *       {@link CompareOps} for the atomicity of COMPARE_AND_WRITE);</li>
 *   <li>{@code Status.dnr(Status.INVALID_FIELD)}: malformed request (block size different from the namespace's,
 *       {@code nlb < 1}, data length not {@code nlb * blockSize}, missing data/ranges).</li>
 * </ul>
 * A namespace not served by any worker gets no reply: the sender's request fails with a
 * {@link io.vertx.core.eventbus.ReplyException} of type {@code NO_HANDLERS}.
 *
 * <p>Storage: namespaces with backend {@code rocksdb} share one RocksDB database at
 * {@code <dataDir>/<workerId>/rocksdb} (see {@link #databaseDir}), opened when the first such namespace is
 * registered and closed (memtables flushed) by {@link #stop()}; backend {@code null} keeps nothing and reads
 * zeroes; backend {@code memory} keeps blocks on the Java heap until {@link #stop()} ({@link MemoryBlockStore}).
 * Store calls run on a shared worker executor named {@code "nvmegate-block-<workerId>"} (unordered, pool
 * size {@code max(4, 2 x cores)}), never on the event loop, and the storage thread sends the reply; requests of
 * one namespace may complete in any order. The {@code null} store never blocks, so its requests are answered
 * on the event loop without a thread hand-off.
 *
 * <p>Reservations ({@link NamespaceReservations}): requests carrying a host are checked against the namespace's
 * reservation ({@code Status.dnr(Status.RESERVATION_CONFLICT)} when denied); the {@code RESERVATION_*} operations
 * run the reservation commands, whose state lives here and, with PTPL, in RocksDB next to the blocks.
 *
 * <p>{@link NamespaceSpec#enabled()} is not consulted: a disabled namespace stays served (its data reachable);
 * the gateway answers Invalid Namespace for it. Removing a namespace from the list unregisters it but keeps its
 * stored blocks.
 */
public final class BlockWorker extends VerticleBase {
    private static final Logger log = LoggerFactory.getLogger(BlockWorker.class);
    private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    public static final String BACKEND_ROCKSDB = "rocksdb";
    public static final String BACKEND_NULL = "null";
    public static final String BACKEND_MEMORY = "memory";

    private final String workerId;
    private final Path dataDir;
    private final Supplier<List<NamespaceSpec>> namespaces;
    private final int poolSize;
    /** Served namespaces by UUID; mutated on the verticle's context only, read from anywhere. */
    private final Map<UUID, Served> served = new ConcurrentHashMap<>();
    private final BlockStore nullStore = new NullBlockStore();
    /** Backend {@code memory}: RAM, shared by this worker's memory namespaces, released by {@link #stop()}. */
    private final MemoryBlockStore memoryStore = new MemoryBlockStore();
    /** Compare / Verify / fused Compare and Write, and the per-namespace locks that make the latter atomic. */
    private final CompareOps compareOps = new CompareOps();

    private WorkerExecutor executor;
    private volatile RocksDbBlockStore rocks;
    /** Reservation state of the served namespaces (access check, reservation commands, PTPL). */
    private NamespaceReservations reservations;
    private StorageMetrics storageMetrics = NodeMetrics.NOOP.storage();
    /** Serialises start/refresh/stop: each runs after the previous one completed. */
    private Future<?> tail = Future.succeededFuture();
    private boolean stopped;

    private static final class Served {
        volatile NamespaceSpec spec;
        final MessageConsumer<Object> consumer;

        Served(NamespaceSpec spec, MessageConsumer<Object> consumer) {
            this.spec = spec;
            this.consumer = consumer;
        }
    }

    /**
     * @param workerId   this worker's ID (matched against {@link NamespaceSpec#worker()}); also a directory name,
     *                   so letters, digits, '.', '_' and '-' only, not starting with '.', '_' or '-'
     * @param dataDir    data root; this worker's RocksDB lives in {@code <dataDir>/<workerId>/rocksdb}
     * @param namespaces the catalog's namespaces (all workers'); called on a worker thread at start and on every
     *                   {@link #refresh()}, so it may block
     * @throws IllegalArgumentException if {@code workerId} is not a safe directory name
     */
    public BlockWorker(String workerId, Path dataDir, Supplier<List<NamespaceSpec>> namespaces) {
        this.workerId = Objects.requireNonNull(workerId, "workerId");
        if (!SAFE_ID.matcher(workerId).matches()) {
            throw new IllegalArgumentException("worker ID must match " + SAFE_ID + ", got '" + workerId + "'");
        }
        this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
        this.namespaces = Objects.requireNonNull(namespaces, "namespaces");
        this.poolSize = Math.max(4, 2 * Runtime.getRuntime().availableProcessors());
    }

    /** @return the RocksDB directory of worker {@code workerId} under {@code dataDir}. */
    public static Path databaseDir(Path dataDir, String workerId) {
        return dataDir.resolve(workerId).resolve("rocksdb");
    }

    /** @return this worker's ID */
    public String workerId() { return workerId; }

    /** @return a snapshot of the namespaces currently served, by UUID (safe from any thread) */
    public Map<UUID, NamespaceSpec> servedNamespaces() {
        Map<UUID, NamespaceSpec> m = new LinkedHashMap<>();
        served.forEach((u, s) -> m.put(u, s.spec));
        return m;
    }

    /**
     * Registers the codecs, creates the executor and registers a consumer for every namespace this worker owns
     * (opening RocksDB if one of them uses it). Fails if the namespace list cannot be read or RocksDB cannot be
     * opened.
     */
    @Override
    public Future<?> start() {
        BlockCodecs.register(vertx.eventBus());
        executor = vertx.createSharedWorkerExecutor("nvmegate-block-" + workerId, poolSize);
        reservations = new NamespaceReservations(workerId, vertx);
        storageMetrics = NodeMetrics.of(vertx).storage();
        RocksDbMetrics.register(NodeMetrics.of(vertx).registry(), workerId, () -> rocks);
        log.info("block worker {} starting (data {}, {} storage threads)", workerId, databaseDir(dataDir, workerId), poolSize);
        return serialised(this::doRefresh).recover(e -> {
            log.warn("block worker {} failed to start: {}", workerId, e.toString());
            return serialised(this::doStop).transform(ignored -> Future.failedFuture(e));
        });
    }

    /**
     * Re-reads the namespace list: registers consumers for namespaces this worker newly owns, unregisters those
     * removed (or moved to another worker), and adopts changed specs (e.g. a new size) of the others. Stored data
     * of removed namespaces is kept. Callable from any thread; runs after a start/refresh in progress.
     *
     * @return completes when the consumers are (un)registered; fails if the worker is not deployed or stopped,
     *         the list cannot be read, or RocksDB cannot be opened (consumers already registered stay)
     */
    public Future<Void> refresh() {
        if (context == null) return Future.failedFuture(new IllegalStateException("block worker " + workerId + " is not deployed"));
        Promise<Void> done = Promise.promise();
        context.runOnContext(v -> serialised(() -> stopped
                ? Future.failedFuture(new IllegalStateException("block worker " + workerId + " is stopped"))
                : doRefresh()).onComplete(done));
        return done.future();
    }

    /** Unregisters every consumer, then flushes and closes RocksDB and closes the executor. */
    @Override
    public Future<?> stop() {
        return serialised(this::doStop);
    }

    /** Runs {@code step} on the verticle's context after the previous step has completed. */
    private Future<Void> serialised(Supplier<Future<Void>> step) {
        Future<Void> f = tail.transform(ignored -> step.get());
        tail = f;
        return f;
    }

    private Future<Void> doRefresh() {
        return executor.executeBlocking(namespaces::get, false).compose(all -> {
            Map<UUID, NamespaceSpec> mine = new LinkedHashMap<>();
            for (NamespaceSpec ns : all == null ? List.<NamespaceSpec>of() : all) {
                if (ns == null || !workerId.equals(ns.worker())) continue;
                if (NamespaceSpec.NULL_GATEWAY.equals(ns.backend())) continue; // answered by the gateway itself
                if (!BACKEND_ROCKSDB.equals(ns.backend()) && !BACKEND_NULL.equals(ns.backend()) && !BACKEND_MEMORY.equals(ns.backend())) {
                    log.warn("block worker {}: namespace {} (nsid {}, subsystem {}) has unknown backend '{}', not served",
                            workerId, ns.uuid(), ns.nsid(), ns.subsystemNqn(), ns.backend());
                    continue;
                }
                NamespaceSpec prev = mine.putIfAbsent(ns.uuid(), ns);
                if (prev != null) {
                    log.warn("block worker {}: UUID {} used by {} and {}; serving the first", workerId, ns.uuid(), prev.key(), ns.key());
                }
            }
            boolean needRocks = mine.values().stream().anyMatch(ns -> BACKEND_ROCKSDB.equals(ns.backend()));
            Future<Void> opened = needRocks && rocks == null ? openRocks() : Future.succeededFuture();
            return opened.compose(v -> executor.executeBlocking(() -> {
                for (NamespaceSpec ns : mine.values()) {
                    if (!served.containsKey(ns.uuid())) reservations.load(ns, rocks); // PTPL state from RocksDB
                }
                return null;
            }, false)).compose(v -> apply(mine));
        });
    }

    private Future<Void> openRocks() {
        Path dir = databaseDir(dataDir, workerId);
        return executor.executeBlocking(() -> new RocksDbBlockStore(dir), false).map(store -> {
            rocks = store;
            log.info("block worker {}: RocksDB opened at {}", workerId, store.path());
            return null;
        });
    }

    private Future<Void> apply(Map<UUID, NamespaceSpec> mine) {
        List<Future<?>> pending = new ArrayList<>();
        for (Map.Entry<UUID, Served> e : served.entrySet()) {
            if (!mine.containsKey(e.getKey())) {
                Served s = served.remove(e.getKey());
                reservations.unload(e.getKey());
                log.info("block worker {}: no longer serves namespace {} (nsid {}, subsystem {})", workerId,
                        s.spec.uuid(), s.spec.nsid(), s.spec.subsystemNqn());
                pending.add(s.consumer.unregister());
            }
        }
        for (NamespaceSpec ns : mine.values()) {
            Served s = served.get(ns.uuid());
            if (s == null) {
                MessageConsumer<Object> c = vertx.eventBus().consumer(ns.address());
                Served reg = new Served(ns, c);
                served.put(ns.uuid(), reg);
                c.handler(msg -> handle(reg, msg)); // registers
                pending.add(c.completion());
                log.info("block worker {} serves namespace {} (nsid {}, subsystem {}, backend {}, {} x {} bytes)", workerId,
                        ns.uuid(), ns.nsid(), ns.subsystemNqn(), ns.backend(), ns.blocks(), ns.blockSize());
            } else if (!s.spec.equals(ns)) {
                log.info("block worker {}: namespace {} (nsid {}, subsystem {}) changed: {} -> {}", workerId, ns.uuid(),
                        ns.nsid(), ns.subsystemNqn(), s.spec.toJson().encode(), ns.toJson().encode());
                s.spec = ns;
            }
        }
        return Future.all(pending).mapEmpty();
    }

    private Future<Void> doStop() {
        if (stopped) return Future.succeededFuture();
        stopped = true;
        List<Future<?>> pending = new ArrayList<>();
        served.values().forEach(s -> pending.add(s.consumer.unregister()));
        served.clear();
        WorkerExecutor ex = executor;
        return Future.all(pending).<Void>mapEmpty().transform(unreg -> {
            RocksDbBlockStore store = rocks;
            rocks = null;
            Future<Void> closed = store == null ? Future.succeededFuture() : ex.executeBlocking(() -> {
                store.close(); // waits for store calls in progress
                return null;
            }, false);
            return closed.onSuccess(v -> log.info("block worker {} stopped{}", workerId, store == null ? "" : ", RocksDB closed"))
                    .onFailure(e -> log.warn("block worker {}: closing RocksDB failed: {}", workerId, e.toString()))
                    .eventually(() -> {
                        memoryStore.close(); // memory namespaces' blocks released
                        return ex.close();
                    });
        });
    }

    private BlockStore storeFor(NamespaceSpec ns) {
        if (BACKEND_NULL.equals(ns.backend())) return nullStore;
        if (BACKEND_MEMORY.equals(ns.backend())) return memoryStore;
        RocksDbBlockStore r = rocks;
        if (r == null) throw new IllegalStateException("RocksDB is not open");
        return r;
    }

    private void handle(Served s, Message<Object> msg) {
        NamespaceSpec ns = s.spec;
        if (!(msg.body() instanceof BlockRequest r) || r.op() == null) {
            log.warn("block worker {}: namespace {}: unexpected message body {}", workerId, ns.uuid(),
                    msg.body() == null ? "null" : msg.body() instanceof BlockRequest ? "BlockRequest without op"
                            : msg.body().getClass().getName());
            msg.reply(new BlockReply(Status.INTERNAL_ERROR, null));
            return;
        }
        if (NamespaceReservations.handles(r.op())) {
            if (!ns.uuid().equals(r.namespace())) {
                msg.reply(new BlockReply(Status.NAMESPACE_NOT_READY, null));
                return;
            }
            reservations.execute(ns, r, executor, () -> rocks).onComplete(ar -> msg.reply(ar.succeeded() ? ar.result()
                    : new BlockReply(Status.INTERNAL_ERROR, null)));
            return;
        }
        int invalid = validate(ns, r);
        if (invalid == Status.SUCCESS) invalid = reservations.check(ns, r); // Reservation Conflict
        if (invalid != Status.SUCCESS) {
            if (invalid != Status.dnr(Status.RESERVATION_CONFLICT)) log.warn("block worker {}: namespace {} {} rejected ({}): request namespace {} slba {} nlb {} blockSize {}{}",
                    workerId, ns.uuid(), r.op(), Status.describe(invalid), r.namespace(), r.slba(), r.nlb(), r.blockSize(),
                    r.op() == BlockOp.DEALLOCATE ? " ranges " + (r.ranges() == null ? "null" : Arrays.toString(r.ranges()))
                            : r.op() == BlockOp.WRITE ? " data " + (r.data() == null ? "null" : r.data().length() + " bytes") : "");
            msg.reply(new BlockReply(invalid, null));
            return;
        }
        BlockStore store;
        try {
            store = storeFor(ns);
        } catch (RuntimeException e) {
            log.warn("block worker {}: namespace {} {} failed: {}", workerId, ns.uuid(), r.op(), e.toString());
            msg.reply(new BlockReply(Status.INTERNAL_ERROR, null));
            return;
        }
        if (store == nullStore) { // never blocks: answered on this event loop, no hand-off to a storage thread
            msg.reply(run(ns, store, r));
            return;
        }
        // The storage thread replies itself: the reply goes straight to the sender's context instead of hopping
        // through this verticle's event loop first (one thread hand-off less per command).
        java.util.concurrent.atomic.AtomicBoolean ran = new java.util.concurrent.atomic.AtomicBoolean();
        executor.executeBlocking(() -> {
            ran.set(true);
            msg.reply(run(ns, store, r));
            return null;
        }, false).onFailure(e -> { // e.g. the executor is closing
            if (ran.get()) return;
            log.warn("block worker {}: namespace {} {} not run: {}", workerId, ns.uuid(), r.op(), e.toString());
            msg.reply(new BlockReply(Status.INTERNAL_ERROR, null));
        });
    }

    /** Runs {@code r} on {@code store} (timed); a storage failure becomes Internal Error (logged). */
    private BlockReply run(NamespaceSpec ns, BlockStore store, BlockRequest r) {
        try {
            return storageMetrics.time(r.op(), ns.backend(), () -> execute(store, r));
        } catch (Exception e) {
            log.warn("block worker {}: namespace {} {} slba {} nlb {} failed: {}", workerId, ns.uuid(), r.op(),
                    r.slba(), r.nlb(), e.toString());
            return new BlockReply(Status.INTERNAL_ERROR, null);
        }
    }

    /** @return {@code Status.SUCCESS} or the status to reply without touching the store */
    private static int validate(NamespaceSpec ns, BlockRequest r) {
        if (!ns.uuid().equals(r.namespace())) return Status.NAMESPACE_NOT_READY;
        switch (r.op()) {
            case FLUSH:
                return Status.SUCCESS;
            case READ:
            case WRITE:
            case WRITE_ZEROES:
            case COMPARE:
            case VERIFY:
            case COMPARE_AND_WRITE:
                if (r.blockSize() != ns.blockSize() || r.nlb() < 1 || r.slba() < 0) return Status.dnr(Status.INVALID_FIELD);
                if ((r.op() == BlockOp.WRITE || r.op() == BlockOp.COMPARE)
                        && (r.data() == null || r.data().length() != (long) r.nlb() * r.blockSize())) {
                    return Status.dnr(Status.INVALID_FIELD);
                }
                if (r.op() == BlockOp.COMPARE_AND_WRITE
                        && (r.data() == null || r.data().length() != 2L * r.nlb() * r.blockSize())) {
                    return Status.dnr(Status.INVALID_FIELD);
                }
                if (r.slba() > ns.blocks() - r.nlb()) return Status.dnr(Status.LBA_OUT_OF_RANGE);
                return Status.SUCCESS;
            case DEALLOCATE:
                long[] ranges = r.ranges();
                if (r.blockSize() != ns.blockSize() || ranges == null || ranges.length % 2 != 0) return Status.dnr(Status.INVALID_FIELD);
                for (int i = 0; i < ranges.length; i += 2) {
                    if (ranges[i] < 0 || ranges[i + 1] < 0) return Status.dnr(Status.INVALID_FIELD);
                    if (ranges[i + 1] > 0 && ranges[i] > ns.blocks() - ranges[i + 1]) return Status.dnr(Status.LBA_OUT_OF_RANGE);
                }
                return Status.SUCCESS;
            default:
                return Status.dnr(Status.INVALID_FIELD);
        }
    }

    private BlockReply execute(BlockStore store, BlockRequest r) {
        switch (r.op()) {
            case READ:
                return new BlockReply(Status.SUCCESS, store.read(r.namespace(), r.blockSize(), r.slba(), r.nlb()));
            case WRITE:
                return compareOps.write(r.namespace(), () -> {
                    store.write(r.namespace(), r.blockSize(), r.slba(), r.nlb(), r.data(), r.fua());
                    return BlockReply.OK;
                });
            case FLUSH:
                store.flush();
                return BlockReply.OK;
            case WRITE_ZEROES:
                return compareOps.write(r.namespace(), () -> {
                    store.writeZeroes(r.namespace(), r.blockSize(), r.slba(), r.nlb());
                    return BlockReply.OK;
                });
            case DEALLOCATE:
                return compareOps.write(r.namespace(), () -> {
                    store.deallocate(r.namespace(), r.blockSize(), r.ranges());
                    return BlockReply.OK;
                });
            case COMPARE:
                return CompareOps.compare(store, r);
            case VERIFY:
                return CompareOps.verify(store, r);
            case COMPARE_AND_WRITE:
                return compareOps.compareAndWrite(store, r);
            default:
                throw new IllegalArgumentException("unknown op " + r.op());
        }
    }
}
