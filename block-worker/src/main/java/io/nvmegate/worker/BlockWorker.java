package io.nvmegate.worker;

import com.hazelcast.core.HazelcastInstance;
import io.nvmegate.blockio.BlockCodecs;
import io.nvmegate.blockio.BlockHandler;
import io.nvmegate.blockio.EventBusEndpoint;
import io.nvmegate.blockio.LocalBlockHandlers;
import io.nvmegate.blockio.ReservationEvents;
import io.nvmegate.catalog.NamespaceSpec;
import io.nvmegate.metrics.NodeMetrics;
import io.nvmegate.replication.NamespaceStateMachine;
import io.nvmegate.replication.ReplicationOptions;
import io.nvmegate.replication.WorkerReplication;
import io.nvmegate.storage.RocksDbMetrics;
import io.nvmegate.storage.StorageBackend;
import io.nvmegate.worker.fence.GatewayFence;
import io.nvmegate.worker.reservation.NamespaceReservations;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.eventbus.MessageConsumer;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.statemachine.StateMachine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * A block worker: serves the block I/O of the namespaces it owns ({@link NamespaceSpec#worker()} equal to its
 * ID) on the event bus, under the contract of {@link io.nvmegate.blockio} (addresses, ops, statuses). Deploy one
 * instance per worker ID.
 *
 * <p>For each owned namespace it registers a consumer on {@link NamespaceSpec#address()}
 * ({@code "nvmegate.block.<uuid>"}) and binds the namespace to the store of its backend
 * ({@link ServedNamespace}). Each message goes through one lifecycle ({@link BlockRequestHandler}): decode,
 * validate once ({@link RequestCheck}), route to the reservations or the store, reply exactly once
 * ({@link BlockCall}). A namespace not served by any worker gets no reply: the sender's request fails with a
 * {@link io.vertx.core.eventbus.ReplyException} of type {@code NO_HANDLERS}. The same handler is registered in
 * {@link LocalBlockHandlers#of} this Vert.x instance under the namespace's address, so that a gateway of the same
 * node calls it directly (issue 17, same-process short-circuit), and unregistered with the consumer (namespace
 * removed or moved, worker stopped).
 *
 * <p>Storage ({@link WorkerStores}): namespaces with backend {@code rocksdb} share one RocksDB database at
 * {@code <dataDir>/<workerId>/rocksdb} (see {@link #databaseDir}), opened when the first such namespace is
 * registered and closed (memtables flushed) by {@link #stop()}; backend {@code null} keeps nothing and reads
 * zeroes; backend {@code memory} keeps blocks on the Java heap until {@link #stop()}; other backends are logged and
 * not served. Store calls run on a shared worker executor named {@code "nvmegate-block-<workerId>"} (unordered,
 * pool size {@code max(4, 2 x cores)}), never on the event loop.
 *
 * <p>Reservations ({@link NamespaceReservations}): requests carrying a host are checked against the namespace's
 * reservation; the {@code RESERVATION_*} operations run the reservation commands, whose state lives here and,
 * with PTPL, in RocksDB next to the blocks. Notices are published on
 * {@link io.nvmegate.blockio.ReservationEvents#ADDRESS}.
 *
 * <p>Replicated namespaces ({@link NamespaceSpec#replicated()}, replication factor above 1) are never served on
 * {@link NamespaceSpec#address()}: with {@link Replication} options the worker runs an Apache Ratis server
 * ({@link WorkerReplication}) and serves, on {@link NamespaceSpec#address(String)}, each placed replicated
 * namespace that lists it in {@link NamespaceSpec#replicas()}, through that namespace's Raft group; without
 * them it logs such namespaces and serves none.
 *
 * <p>Fencing ({@code io.nvmegate.ana} package doc): a worker in a cluster (a Hazelcast member given to the
 * constructor, or that of its {@link Replication}) refuses, through its {@link GatewayFence}, every request whose
 * gateway lease ran out or whose gateway session left the cluster, with Asymmetric Access Inaccessible (no DNR),
 * on the RF 1 path and before a replicated namespace's request enters the Raft log. Without Hazelcast nothing is
 * fenced.
 *
 * <p>{@link NamespaceSpec#enabled()} is not consulted: a disabled namespace stays served (its data reachable);
 * the gateway answers Invalid Namespace for it. Removing a namespace from the list unregisters it but keeps its
 * stored blocks.
 */
public final class BlockWorker extends VerticleBase {
    private static final Logger log = LoggerFactory.getLogger(BlockWorker.class);
    private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    private final String workerId;
    private final Path dataDir;
    private final Supplier<List<NamespaceSpec>> namespaces;
    private final int poolSize;
    private final WorkerStores stores;
    /** Replication options, or null: replicated namespaces are not served. */
    private final Replication replicationOptions;
    private WorkerReplication replication;
    /** The cluster member the fence follows, or null (not clustered: nothing fenced). */
    private final HazelcastInstance cluster;
    private volatile GatewayFence fence;
    private final java.util.Set<UUID> warnedReplicated = ConcurrentHashMap.newKeySet();
    /** Served namespaces by UUID; mutated on the verticle's context only, read from anywhere. */
    private final Map<UUID, Registration> served = new ConcurrentHashMap<>();

    private WorkerExecutor executor;
    /** Reservation state of the served namespaces (access check, reservation commands, PTPL). */
    private NamespaceReservations reservations;
    private BlockRequestHandler handler;
    /** The handlers of this Vert.x instance's workers that its gateways call directly. */
    private LocalBlockHandlers locals;
    /** Serialises start/refresh/stop: each runs after the previous one completed. */
    private Future<?> tail = Future.succeededFuture();
    private boolean stopped;

    /**
     * A namespace's consumer, its current binding (replaced when the catalog changes the namespace) and the handler
     * both the consumer and same-process gateways ({@link LocalBlockHandlers}) call, kept to unregister exactly it.
     */
    private static final class Registration {
        volatile ServedNamespace current;
        final String address;
        final MessageConsumer<Object> consumer;
        BlockHandler local;

        Registration(ServedNamespace current, String address, MessageConsumer<Object> consumer) {
            this.current = current;
            this.address = address;
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
        this(workerId, dataDir, namespaces, null);
    }

    /**
     * How a worker takes part in replicated namespaces.
     *
     * @param options       where its Raft server listens (host advertised in the worker directory)
     * @param hazelcast     the cluster member: worker directory ({@code nvmegate.workers}) and replication status
     *                      ({@code nvmegate.replication}) maps
     * @param ratis         Ratis parameters (e.g. gRPC TLS), or null
     * @param stateMachines the state machine of a replicated namespace, or null for the namespace state machine
     *                      over this worker's store (tests give their own)
     */
    public record Replication(ReplicationOptions options, HazelcastInstance hazelcast, Parameters ratis,
                              Function<NamespaceSpec, StateMachine> stateMachines) {
        public Replication {
            Objects.requireNonNull(options, "options");
            Objects.requireNonNull(hazelcast, "hazelcast");
        }

        public Replication(ReplicationOptions options, HazelcastInstance hazelcast) {
            this(options, hazelcast, null, null);
        }
    }

    /**
     * A worker that also serves the replicas of replicated namespaces ({@code replication} non-null): see
     * {@link #BlockWorker(String, Path, Supplier)} for the other parameters.
     */
    public BlockWorker(String workerId, Path dataDir, Supplier<List<NamespaceSpec>> namespaces, Replication replication) {
        this(workerId, dataDir, namespaces, replication, null);
    }

    /**
     * A worker in a cluster: see {@link #BlockWorker(String, Path, Supplier, Replication)} for the other parameters.
     *
     * @param cluster the worker's Hazelcast member, whose cluster time and membership its {@link GatewayFence}
     *                follows; null: that of {@code replication}, if any, else nothing is fenced
     */
    public BlockWorker(String workerId, Path dataDir, Supplier<List<NamespaceSpec>> namespaces, Replication replication,
                       HazelcastInstance cluster) {
        this.cluster = cluster != null ? cluster : replication != null ? replication.hazelcast() : null;
        this.replicationOptions = replication;
        this.workerId = Objects.requireNonNull(workerId, "workerId");
        if (!SAFE_ID.matcher(workerId).matches()) {
            throw new IllegalArgumentException("worker ID must match " + SAFE_ID + ", got '" + workerId + "'");
        }
        this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
        this.namespaces = Objects.requireNonNull(namespaces, "namespaces");
        this.poolSize = Math.max(1, Integer.getInteger("nvmegate.storageThreads", Math.max(4, 2 * Runtime.getRuntime().availableProcessors()))); // README "JVM flags"
        this.stores = new WorkerStores(databaseDir(dataDir, workerId));
    }

    /** @return the RocksDB directory of worker {@code workerId} under {@code dataDir}. */
    public static Path databaseDir(Path dataDir, String workerId) {
        return dataDir.resolve(workerId).resolve("rocksdb");
    }

    /** @return this worker's ID */
    public String workerId() { return workerId; }

    /** @return this worker's gateway fence, or null (not clustered, or before start) */
    public GatewayFence fence() { return fence; }

    /** @return the replicated namespaces whose replica this worker serves, by UUID (safe from any thread) */
    public Map<UUID, NamespaceSpec> replicaNamespaces() {
        WorkerReplication r = replication;
        return r == null ? Map.of() : r.serving();
    }

    /** @return this worker's Raft server, or null without replication or before start */
    public io.nvmegate.replication.ReplicationServer replicationServer() {
        WorkerReplication r = replication;
        return r == null ? null : r.server();
    }

    /** @return a snapshot of the namespaces currently served, by UUID (safe from any thread) */
    public Map<UUID, NamespaceSpec> servedNamespaces() {
        Map<UUID, NamespaceSpec> m = new LinkedHashMap<>();
        served.forEach((u, s) -> m.put(u, s.current.spec()));
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
        reservations = new NamespaceReservations(workerId,
                (ns, n) -> ReservationEvents.publish(vertx.eventBus(), ns.subsystemNqn(), ns.nsid(), n));
        NodeMetrics metrics = NodeMetrics.of(vertx);
        fence = cluster == null ? null : new GatewayFence(workerId, cluster, metrics.registry()).start();
        handler = new BlockRequestHandler(workerId, reservations, executor, metrics.storage(), fence, context);
        locals = LocalBlockHandlers.of(vertx);
        RocksDbMetrics.register(metrics.registry(), workerId, stores::rocksDb);
        if (replicationOptions != null) {
            Function<NamespaceSpec, StateMachine> machines = replicationOptions.stateMachines() != null
                    ? replicationOptions.stateMachines() : this::namespaceStateMachine;
            replication = new WorkerReplication(vertx, workerId, dataDir, replicationOptions.options(),
                    replicationOptions.hazelcast(), replicationOptions.ratis(), machines, RequestCheck::check, fence,
                    metrics.registry(), this::refresh);
        }
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
            Map<UUID, NamespaceSpec> mine = owned(all);
            boolean needRocks = mine.values().stream().anyMatch(ns -> StorageBackend.of(ns.backend()) == StorageBackend.ROCKSDB)
                    || (replication != null && replication.needsRocksDb(all));
            return executor.executeBlocking(() -> {
                if (needRocks && !stores.rocksDbOpen()) {
                    log.info("block worker {}: RocksDB opened at {}", workerId, stores.openRocksDb().path());
                }
                for (NamespaceSpec ns : mine.values()) { // PTPL state from RocksDB
                    if (!served.containsKey(ns.uuid())) {
                        reservations.load(ns, stores.reservationPersistence(StorageBackend.of(ns.backend())));
                    }
                }
                return replication == null ? null : replication.reconcile(all); // blocking: Raft server, groups
            }, false).compose(replicas -> apply(mine)
                    .compose(v -> replication == null ? Future.succeededFuture() : replication.serve(replicas)));
        });
    }

    /**
     * The state machine of replicated namespace {@code ns} over this worker's store of its backend (RocksDB is
     * open: {@link #doRefresh} opens it before the Raft server starts or adds a group).
     */
    private StateMachine namespaceStateMachine(NamespaceSpec ns) {
        WorkerReplication r = replication;
        return new NamespaceStateMachine(ns.uuid(), () -> {
            NamespaceSpec now = r.spec(ns.uuid());
            return now != null ? now : ns;
        }, stores.store(StorageBackend.of(ns.backend())), this::publishNotice);
    }

    private void publishNotice(NamespaceSpec ns, io.nvmegate.blockio.ReservationNotice n) {
        ReservationEvents.publish(vertx.eventBus(), ns.subsystemNqn(), ns.nsid(), n);
    }

    /** @return the namespaces of {@code all} this worker serves: its own, with a backend it has a store for */
    private Map<UUID, NamespaceSpec> owned(List<NamespaceSpec> all) {
        Map<UUID, NamespaceSpec> mine = new LinkedHashMap<>();
        for (NamespaceSpec ns : all == null ? List.<NamespaceSpec>of() : all) {
            if (ns == null || !workerId.equals(ns.worker())) continue;
            if (ns.replicated()) { // served through its Raft group (WorkerReplication), never on the RF 1 address
                if (replicationOptions == null && warnedReplicated.add(ns.uuid())) {
                    log.warn("block worker {}: namespace {} (nsid {}, subsystem {}) is replicated (RF {}) but this worker "
                            + "runs without a Raft server (no raft port); not served", workerId, ns.uuid(), ns.nsid(),
                            ns.subsystemNqn(), ns.replicationFactor());
                }
                continue;
            }
            if (NamespaceSpec.NULL_GATEWAY.equals(ns.backend())) continue; // answered by the gateway itself
            if (StorageBackend.of(ns.backend()) == null) {
                log.warn("block worker {}: namespace {} (nsid {}, subsystem {}) has unknown backend '{}', not served",
                        workerId, ns.uuid(), ns.nsid(), ns.subsystemNqn(), ns.backend());
                continue;
            }
            NamespaceSpec prev = mine.putIfAbsent(ns.uuid(), ns);
            if (prev != null) {
                log.warn("block worker {}: UUID {} used by {} and {}; serving the first", workerId, ns.uuid(), prev.key(), ns.key());
            }
        }
        return mine;
    }

    /** @return {@code ns} bound to the store of its backend (open: {@link #doRefresh} opened RocksDB if needed) */
    private ServedNamespace bind(NamespaceSpec ns) {
        StorageBackend backend = StorageBackend.of(ns.backend());
        return new ServedNamespace(ns, backend, stores.store(backend));
    }

    private Future<Void> apply(Map<UUID, NamespaceSpec> mine) {
        List<Future<?>> pending = new ArrayList<>();
        for (Map.Entry<UUID, Registration> e : served.entrySet()) {
            if (!mine.containsKey(e.getKey())) {
                Registration s = served.remove(e.getKey());
                reservations.unload(e.getKey());
                NamespaceSpec ns = s.current.spec();
                log.info("block worker {}: no longer serves namespace {} (nsid {}, subsystem {})", workerId, ns.uuid(), ns.nsid(), ns.subsystemNqn());
                unregister(s, pending);
            }
        }
        for (NamespaceSpec ns : mine.values()) {
            Registration s = served.get(ns.uuid());
            if (s == null) {
                MessageConsumer<Object> c = vertx.eventBus().consumer(ns.address());
                Registration reg = new Registration(bind(ns), ns.address(), c);
                served.put(ns.uuid(), reg);
                BlockHandler h = (r, responder) -> handler.handle(reg.current, r, responder);
                reg.local = h;
                c.handler(msg -> EventBusEndpoint.deliver(msg, h)); // registers
                locals.register(reg.address, h); // a gateway of this node calls it directly
                pending.add(c.completion());
                log.info("block worker {} serves namespace {} (nsid {}, subsystem {}, backend {}, {} x {} bytes)", workerId,
                        ns.uuid(), ns.nsid(), ns.subsystemNqn(), ns.backend(), ns.blocks(), ns.blockSize());
            } else if (!s.current.spec().equals(ns)) {
                log.info("block worker {}: namespace {} (nsid {}, subsystem {}) changed: {} -> {}", workerId, ns.uuid(),
                        ns.nsid(), ns.subsystemNqn(), s.current.spec().toJson().encode(), ns.toJson().encode());
                s.current = bind(ns);
            }
        }
        return Future.all(pending).mapEmpty();
    }

    /**
     * Stops serving {@code s}: its same-process handler first (a gateway of this node then sends on the event bus,
     * where the consumer answers until it is gone, then NO_HANDLERS), then its consumer.
     */
    private void unregister(Registration s, List<Future<?>> pending) {
        locals.unregister(s.address, s.local);
        pending.add(s.consumer.unregister());
    }

    private Future<Void> doStop() {
        if (stopped) return Future.succeededFuture();
        stopped = true;
        if (fence != null) fence.stop();
        List<Future<?>> pending = new ArrayList<>();
        served.values().forEach(s -> unregister(s, pending));
        served.clear();
        WorkerReplication r = replication;
        if (r != null) pending.add(r.stopServing());
        WorkerExecutor ex = executor;
        return Future.all(pending).<Void>mapEmpty()
                .transform(unreg -> r == null ? Future.<Void>succeededFuture() : ex.executeBlocking(() -> {
                    r.close(); // Raft server and state machines before the stores they write to
                    return null;
                }, false).<Void>mapEmpty().onFailure(e -> log.warn("block worker {}: closing the Raft server failed: {}",
                        workerId, e.toString())).recover(e -> Future.succeededFuture()))
                .transform(raftClosed -> ex.executeBlocking(stores::close, false)
                .onSuccess(hadRocks -> log.info("block worker {} stopped{}", workerId, hadRocks ? ", RocksDB closed" : ""))
                .onFailure(e -> log.warn("block worker {}: closing RocksDB failed: {}", workerId, e.toString()))
                .<Void>mapEmpty()
                .eventually(ex::close));
    }
}
