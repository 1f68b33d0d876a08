package io.nvmegate.discovery;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.nvmegate.catalog.CatalogConfig;
import io.nvmegate.catalog.CatalogView;
import io.nvmegate.cluster.Cluster;
import io.nvmegate.cluster.ClusterOptions;
import io.nvmegate.testkit.FreePorts;
import io.nvmegate.transport.TransportConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A {@link DiscoveryService} on 127.0.0.1 (free port) over a catalog in a lone Hazelcast member, on a plain
 * (non-clustered) Vert.x. Catalog: port 1 (127.0.0.1:4420) exports every subsystem, port 2 (127.0.0.1:4421)
 * only {@link #NQN_B}; {@link #NQN_A} and {@link #NQN_B} allow any host, {@link #RESTRICTED_NQN} only
 * {@link #ALLOWED_HOST}. The ports need not listen: the discovery service only reports them.
 */
final class DiscoveryFixture implements AutoCloseable {
    static final String NQN_A = "nqn.2026-11.io.nvmegate:disc-a";
    static final String NQN_B = "nqn.2026-11.io.nvmegate:disc-b";
    static final String RESTRICTED_NQN = "nqn.2026-11.io.nvmegate:disc-restricted";
    static final String ALLOWED_HOST = "nqn.2014-08.org.nvmexpress:uuid:00000000-0000-0000-0000-0000000000d1";
    static final int PORT_1 = 4420, PORT_2 = 4421;

    final Vertx vertx;
    final HazelcastInstance hz;
    final CatalogView catalog;
    final DiscoveryService service;

    private DiscoveryFixture(Vertx vertx, HazelcastInstance hz, CatalogView catalog, DiscoveryService service) {
        this.vertx = vertx;
        this.hz = hz;
        this.catalog = catalog;
        this.service = service;
    }

    static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }

    static CatalogConfig config() {
        JsonObject ns = new JsonObject().put("nsid", 1).put("size", "1M");
        return CatalogConfig.parse(new JsonObject()
                .put("subsystems", new JsonArray()
                        .add(new JsonObject().put("nqn", NQN_A).put("namespaces", new JsonArray().add(ns.copy())))
                        .add(new JsonObject().put("nqn", NQN_B).put("namespaces", new JsonArray().add(ns.copy())))
                        .add(new JsonObject().put("nqn", RESTRICTED_NQN).put("allowAnyHost", false)
                                .put("hosts", new JsonArray().add(ALLOWED_HOST)).put("namespaces", new JsonArray().add(ns.copy()))))
                .put("ports", new JsonArray()
                        .add(new JsonObject().put("id", 1).put("traddr", "127.0.0.1").put("trsvcid", PORT_1))
                        .add(new JsonObject().put("id", 2).put("traddr", "127.0.0.1").put("trsvcid", PORT_2)
                                .put("subsystems", new JsonArray().add(NQN_B)))));
    }

    /** Starts the service with {@code options} (host 127.0.0.1, port 0 for a free one). */
    static DiscoveryFixture start(DiscoveryService.Options options) throws Exception {
        Vertx vertx = Vertx.vertx();
        HazelcastInstance hz = Hazelcast.newHazelcastInstance(Cluster.hazelcastConfig(
                new ClusterOptions("discovery-test-" + UUID.randomUUID(), "127.0.0.1", FreePorts.free(), List.of())));
        CatalogView catalog = new CatalogView(vertx, hz);
        catalog.catalog().load(config());
        await(catalog.start());
        DiscoveryService service = new DiscoveryService(vertx, catalog, options);
        await(service.start());
        return new DiscoveryFixture(vertx, hz, catalog, service);
    }

    static DiscoveryFixture start() throws Exception {
        return start(new DiscoveryService.Options("127.0.0.1", 0, TransportConfig.defaults()));
    }

    int port() { return service.port(); }

    @Override
    public void close() throws Exception {
        try {
            await(service.stop());
            await(vertx.close());
        } finally {
            hz.shutdown();
        }
    }
}
