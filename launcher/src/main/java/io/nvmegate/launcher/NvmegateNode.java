package io.nvmegate.launcher;

import io.nvmegate.catalog.CatalogView;
import io.nvmegate.cluster.Cluster;
import io.nvmegate.discovery.service.DiscoveryService;
import io.nvmegate.gateway.Gateway;
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

    private NvmegateNode(NodeOptions options) {
        this.options = options;
    }

    /** Starts a node and waits for it; throws if any role fails to start. */
    public static NvmegateNode start(NodeOptions options, Duration timeout) throws Exception {
        NvmegateNode n = new NvmegateNode(options);
        try {
            n.startAsync().toCompletionStage().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            n.close();
            throw e;
        }
        return n;
    }

    private Future<Void> startAsync() {
        return Cluster.start(options.cluster()).compose(started -> {
            node = started;
            catalog = new CatalogView(node.vertx(), node.hazelcast());
            return node.vertx().executeBlocking(() -> {
                catalog.catalog().load(options.config());
                return null;
            }, false);
        }).compose(v -> catalog.start()).compose(s -> {
            if (!options.role().runsWorker()) return Future.succeededFuture();
            BlockWorker w = new BlockWorker(options.workerId(), options.dataDir(), () -> catalog.current().namespaces());
            catalog.onChange(snap -> w.refresh());
            return node.vertx().deployVerticle(w).map(id -> workerDeployment = id).mapEmpty();
        }).compose(v -> {
            if (!options.role().runsGateway()) return Future.succeededFuture();
            gateway = new Gateway(node.vertx(), catalog, new Gateway.Options(options.gatewayId(), options.transport(), 1, 0x7FFF));
            return gateway.start();
        }).compose(v -> {
            if (!options.role().runsDiscovery()) return Future.succeededFuture();
            discovery = new DiscoveryService(node.vertx(), catalog,
                    new DiscoveryService.Options(options.discoveryHost(), options.discoveryPort(), options.transport()));
            return discovery.start();
        }).onSuccess(v -> log.info("nvmegate ready: role {}, cluster member {}, data {}", options.role(),
                node.hazelcast().getCluster().getLocalMember().getAddress(), options.dataDir().toAbsolutePath()));
    }

    public CatalogView catalog() { return catalog; }

    public Gateway gateway() { return gateway; }

    public DiscoveryService discovery() { return discovery; }

    public Cluster.Node cluster() { return node; }

    @Override
    public synchronized void close() {
        if (node == null) return;
        try {
            Future<Void> f = Future.succeededFuture();
            if (discovery != null) f = f.compose(v -> discovery.stop());
            if (gateway != null) f = f.compose(v -> gateway.stop());
            if (workerDeployment != null) f = f.compose(v -> node.vertx().undeploy(workerDeployment));
            f.eventually(() -> node.close()).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            log.info("nvmegate stopped");
        } catch (Exception e) {
            log.warn("unclean shutdown: {}", e.toString());
        } finally {
            node = null;
        }
    }
}
