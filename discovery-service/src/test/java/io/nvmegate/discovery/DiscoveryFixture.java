package io.nvmegate.discovery;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.nvmegate.catalog.CatalogConfig;
import io.nvmegate.catalog.CatalogView;
import io.nvmegate.cluster.Cluster;
import io.nvmegate.cluster.ClusterOptions;
import io.nvmegate.testkit.FreePorts;
import io.nvmegate.controller.TransportConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A {@link DiscoveryService} on 127.0.0.1 (free port) over a catalog in a lone Hazelcast member, on a plain
 * (non-clustered) Vert.x. Catalog: port 1 (127.0.0.1:4420) exports every subsystem, port 2 (127.0.0.1:4421)
 * only {@link #NQN_B}; {@link #NQN_A} and {@link #NQN_B} allow any host, {@link #RESTRICTED_NQN} only
 * {@link #ALLOWED_HOST}. The ports need not listen: the discovery service only reports them. Use as a class-level
 * extension ({@code @RegisterExtension static final DiscoveryFixture target = new DiscoveryFixture()}) or, for a
 * service with other options, {@code try (DiscoveryFixture f = new DiscoveryFixture(options).start())}.
 */
final class DiscoveryFixture implements BeforeAllCallback, AfterAllCallback, AutoCloseable {
    static final String NQN_A = "nqn.2026-11.io.nvmegate:disc-a";
    static final String NQN_B = "nqn.2026-11.io.nvmegate:disc-b";
    static final String RESTRICTED_NQN = "nqn.2026-11.io.nvmegate:disc-restricted";
    static final String ALLOWED_HOST = "nqn.2014-08.org.nvmexpress:uuid:00000000-0000-0000-0000-0000000000d1";
    static final int PORT_1 = 4420, PORT_2 = 4421;

    private final DiscoveryService.Options options;
    Vertx vertx;
    HazelcastInstance hz;
    CatalogView catalog;
    DiscoveryService service;

    /** Host 127.0.0.1, a free port, the well-known discovery NQN. */
    DiscoveryFixture() {
        this(new DiscoveryService.Options("127.0.0.1", 0, TransportConfig.defaults()));
    }

    DiscoveryFixture(DiscoveryService.Options options) {
        this.options = options;
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

    /** Starts the catalog and the service. @return this */
    DiscoveryFixture start() throws Exception {
        vertx = Vertx.vertx();
        hz = Hazelcast.newHazelcastInstance(Cluster.hazelcastConfig(
                new ClusterOptions("discovery-test-" + UUID.randomUUID(), "127.0.0.1", FreePorts.free(), List.of())));
        catalog = new CatalogView(vertx, hz);
        catalog.catalog().load(config());
        await(catalog.start());
        service = new DiscoveryService(vertx, catalog, options);
        await(service.start());
        return this;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        close();
    }

    /** A NUL-padded ASCII field of {@code len} bytes at {@code off} (the text before the first NUL). */
    static String ascii(ByteBuffer b, int off, int len) {
        byte[] a = new byte[len];
        b.get(off, a);
        int end = 0;
        while (end < len && a[end] != 0) end++;
        return new String(a, 0, end, StandardCharsets.US_ASCII);
    }

    int port() { return service.port(); }

    @Override
    public void close() throws Exception {
        try {
            if (service != null) await(service.stop());
            if (vertx != null) await(vertx.close());
        } finally {
            if (hz != null) hz.shutdown();
        }
    }
}
