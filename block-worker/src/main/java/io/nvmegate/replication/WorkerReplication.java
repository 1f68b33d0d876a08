package io.nvmegate.replication;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.micrometer.core.instrument.MeterRegistry;
import io.nvmegate.catalog.NamespaceSpec;
import io.nvmegate.catalog.ReplicationStatus;
import io.nvmegate.catalog.WorkerDirectory;
import io.nvmegate.worker.fence.GatewayFence;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.statemachine.StateMachine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * A block worker's part in replicated namespaces, put together: its {@link ReplicationServer}, the membership
 * reconcile ({@link ReplicaGroups}), the replica endpoints ({@link ReplicaEndpoints}, {@link ReplicaHandler}), the
 * status publisher ({@link StatusPublisher}, every {@value StatusPublisher#TICK_MS} ms) and a reconcile pass every
 * {@value #RECONCILE_MS} ms (the worker's refresh), so a configuration change proceeds without a catalog event.
 *
 * <p>The worker registers its Raft address ({@code host:port}) in {@link WorkerDirectory} on its first pass (so
 * the catalog can place replicas on it); the Raft server itself starts (binding the port) once the worker holds a
 * replica, or its Raft storage holds groups: a worker with only replication factor 1 namespaces binds nothing.
 * With port 0 (tests) the server starts at once and the bound port is registered.
 *
 * <p>The state machine of a group is made from the catalog's namespace; a group Ratis reloads from storage whose
 * namespace the catalog no longer lists gets a {@link ParkedStateMachine} until the reconcile removes it.
 */
public final class WorkerReplication {
    private static final Logger log = LoggerFactory.getLogger(WorkerReplication.class);
    static final long RECONCILE_MS = 2000;

    private final Vertx vertx;
    private final String workerId;
    private final HazelcastInstance hz;
    private final ReplicationServer server;
    private final ReplicaGroups groups;
    private final ReplicaEndpoints endpoints;
    private final StatusPublisher publisher;
    private final IMap<String, String> statuses;
    private final Supplier<Future<Void>> refresh;
    private final Path dataDir;
    private final ReplicationOptions options;
    private boolean registered;
    private volatile Map<UUID, NamespaceSpec> catalog = Map.of();
    private long tickTimer = -1;
    private long reconcileTimer = -1;

    /**
     * @param options       Raft host/port, the Hazelcast member, Ratis parameters
     * @param machines      the state machine of a replicated namespace
     * @param validator     the worker's entry validation of a request
     * @param registry      where the metrics go
     * @param refresh       the worker's refresh (runs {@link #reconcile} and {@link #serve} on its context)
     */
    public WorkerReplication(Vertx vertx, String workerId, Path dataDir, ReplicationOptions options, HazelcastInstance hz,
                             Parameters ratis, Function<NamespaceSpec, StateMachine> machines, RequestValidator validator,
                             MeterRegistry registry, Supplier<Future<Void>> refresh) {
        this(vertx, workerId, dataDir, options, hz, ratis, machines, validator, null, registry, refresh);
    }

    /**
     * As {@link #WorkerReplication(Vertx, String, Path, ReplicationOptions, HazelcastInstance, Parameters, Function,
     * RequestValidator, MeterRegistry, Supplier)}, the replicas refusing fenced gateways' requests before they enter
     * the Raft log.
     *
     * @param fence the worker's gateway fence, or null (nothing fenced)
     */
    public WorkerReplication(Vertx vertx, String workerId, Path dataDir, ReplicationOptions options, HazelcastInstance hz,
                             Parameters ratis, Function<NamespaceSpec, StateMachine> machines, RequestValidator validator,
                             GatewayFence fence, MeterRegistry registry, Supplier<Future<Void>> refresh) {
        this.vertx = vertx;
        this.workerId = workerId;
        this.hz = hz;
        this.refresh = refresh;
        this.dataDir = dataDir;
        this.options = options;
        this.statuses = hz.getMap(ReplicationStatus.MAP);
        this.server = new ReplicationServer(workerId, dataDir, options, uuid -> {
            NamespaceSpec ns = catalog.get(uuid);
            return ns == null ? new ParkedStateMachine(uuid) : machines.apply(ns);
        }, ratis);
        WorkerDirectory directory = new WorkerDirectory(hz);
        this.groups = new ReplicaGroups(server, directory, this::published, ns -> statuses.removeAsync(ns.toString()));
        ReplicationMetrics metrics = new ReplicationMetrics(registry, workerId);
        this.endpoints = new ReplicaEndpoints(vertx.eventBus(), io.nvmegate.blockio.LocalBlockHandlers.of(vertx), workerId,
                new ReplicaHandler(server, validator, fence, metrics));
        this.publisher = new StatusPublisher(server, (ns, s) -> statuses.setAsync(ns.toString(), s.toJson().encode()),
                metrics, uuid -> catalog.get(uuid));
    }

    /** @return the catalog's namespace {@code uuid} as of the last reconcile, or null */
    public NamespaceSpec spec(UUID uuid) { return catalog.get(uuid); }

    /** @return the Raft server */
    public ReplicationServer server() { return server; }

    /** @return the replicated namespaces whose replica address is consumed, by UUID */
    public Map<UUID, NamespaceSpec> serving() { return endpoints.serving(); }

    /**
     * @return whether the worker needs its RocksDB store open for replication: a placed RocksDB namespace lists it
     *         as a replica, or its Raft storage holds groups (reloaded on start; their state machines use it)
     */
    public boolean needsRocksDb(List<NamespaceSpec> all) {
        boolean listed = all != null && all.stream().anyMatch(ns -> ns != null && ns.replicated()
                && ns.replicas().contains(workerId) && "rocksdb".equals(ns.backend()));
        return listed || (!server.running() && hasStoredGroups());
    }

    /**
     * Blocking (a storage thread): registers the worker's Raft address, starts the Raft server when needed (see the
     * class comment), then reconciles the groups with the catalog's namespaces {@code all}.
     *
     * @return the replicated namespaces to serve a replica of
     * @throws IOException if the Raft server cannot start
     */
    public Map<UUID, NamespaceSpec> reconcile(List<NamespaceSpec> all) throws IOException {
        Map<UUID, NamespaceSpec> m = new LinkedHashMap<>();
        for (NamespaceSpec ns : all == null ? List.<NamespaceSpec>of() : all) if (ns != null) m.putIfAbsent(ns.uuid(), ns);
        catalog = Map.copyOf(m);
        if (!server.running()) {
            if (!registered && options.port() != 0) register(options.host() + ":" + options.port());
            if (options.port() != 0 && !wantsReplica(all) && !hasStoredGroups()) return Map.of(); // RF 1 only: no Raft server yet
            server.start();
            register(server.raftAddress());
        }
        return groups.reconcile(all);
    }

    private void register(String address) {
        new WorkerDirectory(hz).register(workerId, address);
        registered = true;
        log.info("block worker {} registered Raft address {} in {}", workerId, address, WorkerDirectory.MAP);
    }

    /** @return whether a placed replicated namespace of {@code all} lists this worker */
    private boolean wantsReplica(List<NamespaceSpec> all) {
        return all != null && all.stream().anyMatch(ns -> ns != null && ns.replicated() && ns.placed()
                && ns.replicas().contains(workerId));
    }

    /** @return whether the Raft storage holds group directories (reloaded when the server starts) */
    private boolean hasStoredGroups() {
        try (Stream<Path> s = Files.list(ReplicationServer.storageDir(dataDir, workerId))) {
            return s.anyMatch(Files::isDirectory);
        } catch (IOException e) {
            return false;
        }
    }

    /** On the worker's context: consumes the replica addresses of {@code serving}; starts the timers once. */
    public Future<Void> serve(Map<UUID, NamespaceSpec> serving) {
        if (tickTimer < 0) {
            tickTimer = vertx.setPeriodic(StatusPublisher.TICK_MS, id -> publisher.tick(System.currentTimeMillis()));
            reconcileTimer = vertx.setPeriodic(RECONCILE_MS, id -> refresh.get()
                    .onFailure(e -> log.warn("block worker {}: periodic reconcile failed (retried in {} ms): {}", workerId,
                            RECONCILE_MS, e.toString())));
        }
        return endpoints.apply(serving == null ? Map.of() : serving);
    }

    /** On the worker's context: stops the timers and the replica consumers. */
    public Future<Void> stopServing() {
        if (tickTimer >= 0) vertx.cancelTimer(tickTimer);
        if (reconcileTimer >= 0) vertx.cancelTimer(reconcileTimer);
        tickTimer = reconcileTimer = -1;
        return endpoints.close();
    }

    /** Blocking: closes the Raft server (every group's state machine). */
    public void close() throws IOException {
        server.close();
    }

    private Optional<ReplicationStatus> published(UUID ns) {
        String v = statuses.get(ns.toString());
        return v == null ? Optional.empty() : Optional.of(ReplicationStatus.fromJson(new JsonObject(v)));
    }
}
