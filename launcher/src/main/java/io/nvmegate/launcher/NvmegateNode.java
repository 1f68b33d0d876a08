package io.nvmegate.launcher;

import io.nvmegate.catalog.CatalogView;
import io.nvmegate.cluster.Cluster;
import io.nvmegate.discovery.DiscoveryService;
import io.nvmegate.gateway.Gateway;
import io.nvmegate.launcher.observability.NodeObservability;
import io.nvmegate.cluster.ClusterMetrics;
import io.nvmegate.metrics.NodeMetrics;
import io.nvmegate.worker.BlockWorker;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * One nvmegate process: joins the cluster, seeds the catalog, and starts the roles of {@link NodeOptions#role()}
 * (block worker first, so the gateway's first I/O finds it). {@link #close()} stops the listeners, destroys
 * controllers, flushes and closes RocksDB, and leaves the cluster.
 */
public final class NvmegateNode implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(NvmegateNode.class);

    private final NodeOptions options;
    private Cluster.Node node;
    private CatalogView catalog;
    private String workerDeployment;
    private Gateway gateway;
    private DiscoveryService discovery;
    private NodeObservability observability;
    private io.nvmegate.control.ApiOptions apiOptions = io.nvmegate.control.ApiOptions.disabled();
    private io.nvmegate.control.ApiServer api;
    /** Unique discovery NQN and advertised address of the discovery service (null: well-known NQN, as reached). */
    private DiscoveryIdentity discoveryIdentity = DiscoveryIdentity.DEFAULT;

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

    private NvmegateNode(NodeOptions options) {
        this.options = options;
    }

    /** Starts a node and waits for it; throws if any role fails to start. */
    public static NvmegateNode start(NodeOptions options, Duration timeout) throws Exception {
        return start(options, io.nvmegate.control.ApiOptions.disabled(), timeout);
    }

    /** As {@link #start(NodeOptions, Duration)}, with the management API on nodes that run a gateway. */
    public static NvmegateNode start(NodeOptions options, io.nvmegate.control.ApiOptions api, Duration timeout) throws Exception {
        return start(options, api, DiscoveryIdentity.DEFAULT, timeout);
    }

    /** As {@link #start(NodeOptions, io.nvmegate.control.ApiOptions, Duration)}, with the discovery service's identity. */
    public static NvmegateNode start(NodeOptions options, io.nvmegate.control.ApiOptions api, DiscoveryIdentity discovery,
                                     Duration timeout) throws Exception {
        NvmegateNode n = new NvmegateNode(options);
        n.apiOptions = api;
        n.discoveryIdentity = discovery;
        n.observability = NodeObservability.start(options.observability()); // health answers during the join
        try {
            n.startAsync().toCompletionStage().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            n.close();
            throw e;
        }
        return n;
    }

    private Future<Void> startAsync() {
        NodeMetrics metrics = observability.metrics();
        return Cluster.start(options.cluster(), observability.vertxMetricsFactory(), observability.vertxMetricsOptions()).compose(started -> {
            node = started;
            metrics.attach(node.vertx());
            ClusterMetrics.register(metrics.registry(), node.hazelcast());
            observability.health().joined(node.hazelcast());
            catalog = new CatalogView(node.vertx(), node.hazelcast());
            return node.vertx().executeBlocking(() -> {
                catalog.catalog().seed(options.config()); // a seed: ignored once the (persisted) catalog exists
                return null;
            }, false);
        }).compose(v -> catalog.start()).compose(s -> {
            if (!options.role().runsWorker()) return Future.succeededFuture();
            BlockWorker w = new BlockWorker(options.workerId(), options.dataDir(), () -> catalog.current().namespaces());
            catalog.onChange(snap -> w.refresh());
            return node.vertx().deployVerticle(w).map(id -> workerDeployment = id).mapEmpty();
        }).compose(v -> {
            if (!options.role().runsGateway()) return Future.succeededFuture();
            metrics.role(NodeMetrics.GATEWAY); // its gauges exist (0) before the first connection
            // CNTLIDs unique across the gateways of the cluster (Reservation Reports and the host rely on it)
            return node.vertx().executeBlocking(() -> io.nvmegate.cluster.CntlidRanges.claim(node.hazelcast(), options.gatewayId()), false)
                    .compose(range -> {
                        gateway = new Gateway(node.vertx(), catalog, new Gateway.Options(options.gatewayId(), options.transport(), range[0], range[1]));
                        return gateway.start();
                    });
        }).compose(v -> {
            if (!options.role().runsDiscovery()) return Future.succeededFuture();
            metrics.discoveryListensOn(options.discoveryPort());
            metrics.role(NodeMetrics.DISCOVERY);
            // CNTLIDs unique across discovery-service instances (they may share a unique discovery NQN)
            return node.vertx().executeBlocking(() -> io.nvmegate.cluster.CntlidRanges.claimDiscovery(node.hazelcast()), false)
                    .compose(range -> {
                        discovery = new DiscoveryService(node.vertx(), catalog,
                                new DiscoveryService.Options(options.discoveryHost(), options.discoveryPort(), options.transport(),
                                        discoveryIdentity.nqn(), discoveryIdentity.advertisedAddress(), discoveryIdentity.advertisedPort()),
                                range[0], range[1]);
                        return discovery.start().onSuccess(d -> metrics.discoveryListensOn(discovery.port()));
                    });
        }).compose(v -> {
            if (!options.role().runsGateway() || !apiOptions.enabled()) return Future.succeededFuture();
            api = new io.nvmegate.control.ApiServer(node.vertx(), new io.nvmegate.control.CatalogService(catalog.catalog()), apiOptions);
            return api.start().<Void>mapEmpty().recover(e -> { // a busy API port must not stop the storage target
                if (e instanceof IllegalArgumentException) return Future.failedFuture(e);
                log.error("management API not started: cannot listen on {}:{}: {}", apiOptions.host(), apiOptions.port(), e.toString());
                api = null;
                return Future.succeededFuture();
            });
        }).onSuccess(v -> observability.health().ready()).onSuccess(v -> log.info("nvmegate ready: role {}, cluster member {}, data {}", options.role(),
                node.hazelcast().getCluster().getLocalMember().getAddress(), options.dataDir().toAbsolutePath()));
    }

    public CatalogView catalog() { return catalog; }

    public Gateway gateway() { return gateway; }

    /** The management API server, or null (not a gateway node, or disabled). */
    public io.nvmegate.control.ApiServer api() { return api; }

    public DiscoveryService discovery() { return discovery; }

    public Cluster.Node cluster() { return node; }

    /** Meters, health and their HTTP server. */
    public NodeObservability observability() { return observability; }

    @Override
    public synchronized void close() {
        if (observability != null) observability.health().stopping();
        if (node == null) {
            closeObservability();
            return;
        }
        try {
            Future<Void> f = Future.succeededFuture();
            if (api != null) f = f.compose(v -> api.stop());
            if (discovery != null) f = f.compose(v -> discovery.stop());
            if (gateway != null) f = f.compose(v -> gateway.stop());
            if (workerDeployment != null) f = f.compose(v -> node.vertx().undeploy(workerDeployment));
            f.eventually(() -> node.close()).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            log.info("nvmegate stopped");
        } catch (Exception e) {
            log.warn("unclean shutdown: {}", e.toString());
        } finally {
            node = null;
            closeObservability();
        }
    }

    private void closeObservability() {
        if (observability != null) observability.close();
        observability = null;
    }
}
