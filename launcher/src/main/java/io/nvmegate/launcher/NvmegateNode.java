package io.nvmegate.launcher;

import com.hazelcast.core.HazelcastInstance;
import io.nvmegate.catalog.CatalogAvailability;
import io.nvmegate.catalog.CatalogView;
import io.nvmegate.cluster.Cluster;
import io.nvmegate.cluster.ClusterMetrics;
import io.nvmegate.cluster.CntlidRanges;
import io.nvmegate.control.ApiOptions;
import io.nvmegate.control.Limits;
import io.nvmegate.control.ApiServer;
import io.nvmegate.control.CatalogService;
import io.nvmegate.discovery.DiscoveryService;
import io.nvmegate.gateway.Gateway;
import io.nvmegate.launcher.observability.NodeObservability;
import io.nvmegate.metrics.NodeMetrics;
import io.nvmegate.replication.ReplicationOptions;
import io.nvmegate.worker.BlockWorker;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * One nvmegate member: the single bootstrap of the launcher ({@link Main}) and of the embedded target
 * ({@code io.nvmegate.embedded.NvmegateTarget}). {@link #begin} starts, in this order:
 * <ol>
 *   <li>observability: meters, and health answering "not ready" from now on ({@link NodeObservability});</li>
 *   <li>the cluster member ({@link Cluster#start}; on worker members the durable catalog store and its full
 *       local copy);</li>
 *   <li>the catalog: a member that {@link NodeOptions#providesCatalog() provides} it puts it into the cluster
 *       unless another member has ({@link CatalogAvailability#provide}: its local copy, else the configuration as
 *       a seed); any other member waits until one has, serving nothing, its health in state
 *       {@code AWAITING_CATALOG} (so gateways, discovery services and workers may start in any order);</li>
 *   <li>the local catalog view ({@link CatalogView});</li>
 *   <li>the roles of {@link NodeOptions#role()}: block worker first (so the gateway's first I/O finds it;
 *       refreshed on every catalog change; with {@link NodeOptions#raftPort()} its Raft server for replicated
 *       namespaces, on the cluster host), gateway with its cluster-wide CNTLID range
 *       ({@link CntlidRanges#claim}), discovery service with its range ({@link CntlidRanges#claimDiscovery}), and
 *       the management API on gateway members;</li>
 *   <li>ready: health READY and the log line {@code nvmegate ready: ...} (with the metrics and API ports).</li>
 * </ol>
 * A failed step releases what the earlier ones started. {@link #stop()} (and {@link #close()}) stops the
 * listeners, destroys the controllers, flushes and closes RocksDB, leaves the cluster and closes Vert.x (every
 * thread of the node ends); it may be called at any time, also while the node starts or waits for the catalog.
 */
public final class NvmegateNode implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(NvmegateNode.class);

    private final NodeOptions options;
    private final ApiOptions apiOptions;
    private Limits limits = Limits.defaults();
    /** Unique discovery NQN and advertised address of the discovery service (null: well-known NQN, as reached). */
    private final DiscoveryIdentity discoveryIdentity;
    private final NodeObservability observability;
    /** Failed by {@link #stop()}: ends a wait for the catalog. */
    private final Promise<Void> stopRequested = Promise.promise();
    /** Serving, or joined and waiting for the catalog. */
    private final CompletableFuture<NvmegateNode> started = new CompletableFuture<>();
    private final CompletableFuture<NvmegateNode> serving = new CompletableFuture<>();
    /** The start sequence ended (served, or failed and released what it had started). */
    private final CompletableFuture<Void> startEnded = new CompletableFuture<>();
    private volatile boolean stopping;
    /** Guarded by {@code this}. */
    private CompletableFuture<Void> released;

    private volatile Cluster.Node node;
    private volatile CatalogView catalog;
    private volatile String workerDeployment;
    /** Places replicated namespaces and drains decommissioned workers (on worker members). */
    private volatile io.nvmegate.catalog.PlacementService placement;
    private volatile Gateway gateway;
    private volatile io.nvmegate.gateway.lease.LeaseRenewer lease;
    private volatile io.nvmegate.ana.AnaCoordinator ana;
    private volatile DiscoveryService discovery;
    private volatile ApiServer api;

    /**
     * How the discovery service presents itself.
     *
     * @param nqn               unique discovery NQN, or null for the well-known one
     * @param advertisedAddress TRADDR of its SUBTYPE 3 entry, or null
     * @param advertisedPort    TRSVCID of its SUBTYPE 3 entry, or 0 for the port bound
     */
    public record DiscoveryIdentity(String nqn, String advertisedAddress, int advertisedPort) {
        public static final DiscoveryIdentity DEFAULT = new DiscoveryIdentity(null, null, 0);
    }

    private NvmegateNode(NodeOptions options, ApiOptions api, DiscoveryIdentity discovery) {
        this.options = options;
        this.apiOptions = api;
        this.discoveryIdentity = discovery;
        this.observability = NodeObservability.start(options.observability()); // health answers during the join
    }

    /**
     * Starts a node without waiting: returns at once; {@link #started()} and {@link #serving()} tell how far it
     * got. A failed start releases everything it had started (both futures then fail).
     *
     * @param api       the management API (served on members that run a gateway, if enabled)
     * @param discovery how the discovery service presents itself
     */
    public static NvmegateNode begin(NodeOptions options, ApiOptions api, DiscoveryIdentity discovery) {
        return begin(options, api, discovery, null);
    }

    /**
     * As {@link #begin(NodeOptions, ApiOptions, DiscoveryIdentity)} with {@code limits} (null: the options' transport
     * limits, the default catalog limits): the catalog limits for the management API ({@code GET /api/v1/limits},
     * 409 past one), the controllers per subsystem and connections per listener for every NVMe/TCP listener.
     */
    public static NvmegateNode begin(NodeOptions options, ApiOptions api, DiscoveryIdentity discovery, Limits limits) {
        NodeOptions o = limits == null ? options : options.withTransport(
                options.transport().withConnectionLimits(limits.maxControllersPerSubsystem(), limits.maxConnections()));
        NvmegateNode n = new NvmegateNode(o, api, discovery);
        n.limits = limits != null ? limits : new Limits(Limits.defaults().maxSubsystems(), Limits.defaults().maxNamespaces(),
                Limits.defaults().maxHosts(), Limits.defaults().maxHostsPerSubsystem(),
                o.transport().maxControllersPerSubsystem(), o.transport().maxConnections());
        n.run();
        return n;
    }

    /** Starts a node and waits until it serves; throws (after releasing it) if a step fails or times out. */
    public static NvmegateNode start(NodeOptions options, Duration timeout) throws Exception {
        return start(options, ApiOptions.disabled(), timeout);
    }

    /** As {@link #start(NodeOptions, Duration)}, with the management API on nodes that run a gateway. */
    public static NvmegateNode start(NodeOptions options, ApiOptions api, Duration timeout) throws Exception {
        return start(options, api, DiscoveryIdentity.DEFAULT, timeout);
    }

    /**
     * As {@link #start(NodeOptions, ApiOptions, Duration)}, with the discovery service's identity.
     *
     * @throws ExecutionException the failure of a start step (its cause)
     * @throws TimeoutException   if the node does not serve within {@code timeout} (e.g. no member provides the
     *                            catalog)
     */
    public static NvmegateNode start(NodeOptions options, ApiOptions api, DiscoveryIdentity discovery, Duration timeout)
            throws Exception {
        return start(options, api, discovery, null, timeout);
    }

    /** As {@link #start(NodeOptions, ApiOptions, DiscoveryIdentity, Duration)} with {@code limits} ({@link #begin(NodeOptions, ApiOptions, DiscoveryIdentity, Limits)}). */
    public static NvmegateNode start(NodeOptions options, ApiOptions api, DiscoveryIdentity discovery, Limits limits, Duration timeout)
            throws Exception {
        NvmegateNode n = begin(options, api, discovery, limits);
        try {
            n.serving.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            n.close();
            throw e;
        }
        return n;
    }

    /** @return completes when the node serves, or when it has joined and waits for the catalog; fails as {@link #serving()} */
    public CompletionStage<NvmegateNode> started() { return started; }

    /**
     * @return completes when every role serves (health READY); fails if a start step failed or the node was
     *         stopped before, after what it had started is released
     */
    public CompletionStage<NvmegateNode> serving() { return serving; }

    private void run() {
        step(this::join).compose(v -> step(this::provideOrAwaitCatalog)).compose(v -> step(this::startCatalogView))
                .compose(v -> step(this::startWorker)).compose(v -> step(this::startGateway))
                .compose(v -> step(this::startDiscovery)).compose(v -> step(this::startApi))
                .onComplete(ar -> {
                    if (ar.succeeded()) {
                        // the line first, then health: whoever sees /health/ready 200 finds the line in the log
                        log.info("nvmegate ready: role {}, cluster member {}, data {}, metrics port {}, management API port {}",
                                options.role(), node.hazelcast().getCluster().getLocalMember().getAddress(),
                                options.dataDir().toAbsolutePath(), observability.port(), api == null ? -1 : api.port());
                        observability.health().ready();
                        started.complete(this);
                        serving.complete(this);
                        startEnded.complete(null);
                        return;
                    }
                    Throwable cause = ar.cause();
                    if (!stopping) log.error("nvmegate failed to start: {}", cause.toString());
                    release().whenComplete((x, e) -> {
                        started.completeExceptionally(cause);
                        serving.completeExceptionally(cause);
                        startEnded.complete(null);
                    });
                });
    }

    /** Runs {@code next} unless a stop was requested meanwhile. */
    private Future<Void> step(Supplier<Future<Void>> next) {
        if (stopping) return Future.failedFuture(new IllegalStateException("nvmegate node stopped while starting"));
        try {
            return next.get();
        } catch (RuntimeException e) {
            return Future.failedFuture(e);
        }
    }

    private Future<Void> join() {
        NodeMetrics metrics = observability.metrics();
        return Cluster.start(options.cluster(), observability.vertxMetricsFactory(), observability.vertxMetricsOptions())
                .map(joined -> {
                    node = joined;
                    metrics.attach(joined.vertx());
                    ClusterMetrics.register(metrics.registry(), joined.hazelcast());
                    observability.health().joined(joined.hazelcast());
                    return null;
                });
    }

    private Future<Void> provideOrAwaitCatalog() {
        Vertx vertx = node.vertx();
        HazelcastInstance hz = node.hazelcast();
        if (options.providesCatalog()) {
            return vertx.executeBlocking(() -> CatalogAvailability.provide(hz, options.config(), options.cluster().catalogStore()), false)
                    .mapEmpty();
        }
        return vertx.executeBlocking(() -> CatalogAvailability.isAvailable(hz), false).compose(available -> {
            if (available) return Future.succeededFuture();
            observability.health().awaitingCatalog();
            log.warn("waiting for the catalog: no member of cluster {} has provided it yet (a block worker does, role "
                    + "worker or all); role {} serves nothing until then", options.cluster().name(), options.role());
            started.complete(this);
            return CatalogAvailability.await(vertx, hz, stopRequested.future())
                    .onSuccess(v -> log.info("catalog available: starting role {}", options.role()));
        });
    }

    private Future<Void> startCatalogView() {
        CatalogView view = new CatalogView(node.vertx(), node.hazelcast());
        catalog = view;
        return view.start().mapEmpty();
    }

    private Future<Void> startWorker() {
        if (!options.role().runsWorker()) return Future.succeededFuture();
        CatalogView view = catalog;
        BlockWorker w = new BlockWorker(options.workerId(), options.dataDir(), () -> view.current().namespaces(),
                options.runsReplication() ? new BlockWorker.Replication(
                        new ReplicationOptions(options.cluster().host(), options.raftPort()), node.hazelcast()) : null,
                node.hazelcast()); // the gateway fence follows this member's cluster time and membership
        view.onChange(snap -> w.refresh());
        return node.vertx().deployVerticle(w).compose(id -> {
            workerDeployment = id;
            return node.vertx().executeBlocking(() -> {
                placement = new io.nvmegate.catalog.PlacementService(node.hazelcast()).start();
                return null;
            }, false);
        });
    }

    private Future<Void> startGateway() {
        if (!options.role().runsGateway()) return Future.succeededFuture();
        NodeMetrics metrics = observability.metrics();
        metrics.role(NodeMetrics.GATEWAY); // its gauges exist (0) before the first connection
        // CNTLIDs unique across the gateways of the cluster (Reservation Reports and the host rely on it)
        // the lease (issue 15: the gateway forwards only while it holds it) and the ANA balancer/hand-off; the
        // listeners open once the first lease is stored (bounded: a slow cluster then starts them inaccessible)
        lease = new io.nvmegate.gateway.lease.LeaseRenewer(node.vertx(), node.hazelcast(), options.gatewayId(), metrics.registry()).start();
        return node.vertx().executeBlocking(() -> {
                    int[] range = CntlidRanges.claim(node.hazelcast(), options.gatewayId());
                    ana = io.nvmegate.ana.AnaCoordinator.start(node.hazelcast(), options.gatewayId(), catalog, metrics.registry());
                    try {
                        lease.firstLease().toCompletableFuture().get(10, java.util.concurrent.TimeUnit.SECONDS);
                    } catch (java.util.concurrent.TimeoutException e) {
                        log.warn("gateway {}: no lease after 10 s; serving inaccessible until one is stored", options.gatewayId());
                    }
                    return range;
                }, false)
                .compose(range -> {
                    gateway = new Gateway(node.vertx(), catalog,
                            new Gateway.Options(options.gatewayId(), options.transport(), range[0], range[1]), node.hazelcast(),
                            lease, ana.owners());
                    return gateway.start();
                });
    }

    private Future<Void> startDiscovery() {
        if (!options.runsDiscovery()) return Future.succeededFuture();
        NodeMetrics metrics = observability.metrics();
        metrics.discoveryListensOn(options.discoveryPort());
        metrics.role(NodeMetrics.DISCOVERY);
        // CNTLIDs unique across discovery-service instances (they may share a unique discovery NQN)
        return node.vertx().executeBlocking(() -> CntlidRanges.claimDiscovery(node.hazelcast()), false)
                .compose(range -> {
                    discovery = new DiscoveryService(node.vertx(), catalog,
                            new DiscoveryService.Options(options.discoveryHost(), options.discoveryPort(), options.transport(),
                                    discoveryIdentity.nqn(), discoveryIdentity.advertisedAddress(), discoveryIdentity.advertisedPort()),
                            range[0], range[1]);
                    return discovery.start().onSuccess(d -> metrics.discoveryListensOn(discovery.port()));
                });
    }

    private Future<Void> startApi() {
        if (!options.role().runsGateway() || !apiOptions.enabled()) return Future.succeededFuture();
        ApiServer server = new ApiServer(node.vertx(), new CatalogService(catalog.catalog(), limits), apiOptions);
        api = server;
        return server.start().<Void>mapEmpty().recover(e -> { // a busy API port must not stop the storage target
            if (e instanceof IllegalArgumentException) return Future.failedFuture(e);
            log.error("management API not started: cannot listen on {}:{}: {}", apiOptions.host(), apiOptions.port(), e.toString());
            api = null;
            return Future.succeededFuture();
        });
    }

    public CatalogView catalog() { return catalog; }

    public Gateway gateway() { return gateway; }

    /** The management API server, or null (not a gateway node, disabled, or not started yet). */
    public ApiServer api() { return api; }

    public DiscoveryService discovery() { return discovery; }

    public Cluster.Node cluster() { return node; }

    public NodeOptions options() { return options; }

    /** Meters, health and their HTTP server. */
    public NodeObservability observability() { return observability; }

    /**
     * Stops the node (see the class comment); a start in progress ends first (a wait for the catalog at once).
     *
     * @return completes when everything is released; never fails (problems are logged). Idempotent.
     */
    public CompletionStage<Void> stop() {
        stopping = true;
        observability.health().stopping();
        stopRequested.tryFail("nvmegate node stopped");
        return startEnded.thenCompose(v -> release());
    }

    /** Stops what was started, in reverse start order, once; never fails. */
    private synchronized CompletableFuture<Void> release() {
        if (released != null) return released;
        CompletableFuture<Void> done = new CompletableFuture<>();
        released = done;
        Cluster.Node n = node;
        if (n == null) {
            observability.close();
            done.complete(null);
            return done;
        }
        Future<Void> f = Future.succeededFuture();
        ApiServer a = api;
        DiscoveryService d = discovery;
        Gateway g = gateway;
        String w = workerDeployment;
        io.nvmegate.catalog.PlacementService p = placement;
        if (p != null) f = f.compose(v -> n.vertx().<Void>executeBlocking(() -> {
            p.close();
            return null;
        }, false)).recover(NvmegateNode::logged);
        if (a != null) f = f.compose(v -> a.stop()).recover(NvmegateNode::logged);
        if (d != null) f = f.compose(v -> d.stop()).recover(NvmegateNode::logged);
        if (g != null) f = f.compose(v -> g.stop()).recover(NvmegateNode::logged);
        io.nvmegate.ana.AnaCoordinator c = ana;
        io.nvmegate.gateway.lease.LeaseRenewer l = lease;
        if (c != null || l != null) f = f.compose(v -> n.vertx().<Void>executeBlocking(() -> {
            if (c != null) c.stop();
            if (l != null) l.stop(); // its lease runs out within 3 s; the balancer then gives its groups away
            return null;
        }, false)).recover(NvmegateNode::logged);
        if (w != null) f = f.compose(v -> n.vertx().undeploy(w)).recover(NvmegateNode::logged);
        f.eventually(n::close).recover(NvmegateNode::logged).onComplete(ar -> {
            node = null;
            observability.close();
            log.info("nvmegate stopped");
            done.complete(null);
        });
        return done;
    }

    private static Future<Void> logged(Throwable e) {
        log.warn("unclean shutdown: {}", e.toString());
        return Future.succeededFuture();
    }

    /** {@link #stop()} and wait (at most 60 s). */
    @Override
    public void close() {
        try {
            stop().toCompletableFuture().get(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            log.warn("unclean shutdown: {}", e.toString());
        }
    }
}
