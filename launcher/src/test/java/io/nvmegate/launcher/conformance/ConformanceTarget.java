package io.nvmegate.launcher.conformance;

import io.nvmegate.catalog.Catalog;
import io.nvmegate.catalog.CatalogConfig;
import io.nvmegate.catalog.NamespaceSpec;
import io.nvmegate.client.ConnectOptions;
import io.nvmegate.client.NvmeController;
import io.nvmegate.client.NvmeStatusException;
import io.nvmegate.client.NvmeTcpHost;
import io.nvmegate.cluster.ClusterOptions;
import io.nvmegate.launcher.NodeOptions;
import io.nvmegate.launcher.NvmegateNode;
import io.nvmegate.launcher.Role;
import io.nvmegate.controller.TransportConfig;
import io.nvmegate.testkit.FreePorts;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The target every conformance test talks to: one real nvmegate node (gateway, RocksDB block worker and discovery
 * on a private single-member cluster, all on 127.0.0.1 with free ports), started once per test JVM by the first
 * class that uses this extension and stopped when the JVM's tests are done.
 *
 * <p>Catalog: {@link #NQN} with NSID 1 (64 MiB, 4096-byte blocks, ANA group 1), NSID 2 (16 MiB, 512-byte blocks,
 * group 1), NSID 3 (8 MiB, 4096, group 2), NSID 4 (disabled); {@link #RESTRICTED_NQN} (only {@link #ALLOWED_HOST}
 * may connect); {@link #SCRATCH_NQN} (namespaces the AEN tests add and change).
 */
public final class ConformanceTarget implements BeforeAllCallback {
    public static final String NQN = "nqn.2026-11.io.nvmegate:conformance";
    public static final String RESTRICTED_NQN = "nqn.2026-11.io.nvmegate:conformance-restricted";
    public static final String SCRATCH_NQN = "nqn.2026-11.io.nvmegate:conformance-scratch";
    public static final String ALLOWED_HOST = "nqn.2014-08.org.nvmexpress:uuid:00000000-0000-0000-0000-00000000c0de";
    public static final String SERIAL = "CONF-0001";
    public static final String FIRMWARE = "1.2.3";
    public static final TransportConfig TRANSPORT = TransportConfig.defaults();

    private static Running running;

    private record Running(NvmegateNode node, int port, int discoveryPort, Path data) implements ExtensionContext.Store.CloseableResource {
        @Override
        public void close() throws IOException {
            node.close();
            try (Stream<Path> s = Files.walk(data)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        synchronized (ConformanceTarget.class) {
            if (running != null) return;
            int port = FreePorts.free(), dport = FreePorts.free();
            Path data = Files.createTempDirectory("nvmegate-conformance");
            NodeOptions o = new NodeOptions(Role.all,
                    new ClusterOptions("conformance-" + UUID.randomUUID(), "127.0.0.1", FreePorts.free(), List.of()),
                    config(port), data, "worker-1", "gateway-1", "127.0.0.1", dport, TRANSPORT);
            running = new Running(NvmegateNode.start(o, Duration.ofMinutes(1)), port, dport, data);
            context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL).put(ConformanceTarget.class, running);
        }
    }

    static CatalogConfig config(int port) {
        JsonArray ns = new JsonArray()
                .add(new JsonObject().put("nsid", 1).put("size", "64M").put("blockSize", 4096))
                .add(new JsonObject().put("nsid", 2).put("size", "16M").put("blockSize", 512).put("anaGroup", 1)) // default would be 2
                .add(new JsonObject().put("nsid", 3).put("size", "8M").put("blockSize", 4096).put("anaGroup", 2))
                .add(new JsonObject().put("nsid", 4).put("size", "1M").put("enabled", false));
        return CatalogConfig.parse(new JsonObject()
                .put("subsystems", new JsonArray()
                        .add(new JsonObject().put("nqn", NQN).put("serial", SERIAL).put("firmware", FIRMWARE).put("namespaces", ns))
                        .add(new JsonObject().put("nqn", RESTRICTED_NQN).put("allowAnyHost", false)
                                .put("hosts", new JsonArray().add(ALLOWED_HOST))
                                .put("namespaces", new JsonArray().add(new JsonObject().put("nsid", 1).put("size", "1M"))))
                        .add(new JsonObject().put("nqn", SCRATCH_NQN)
                                .put("namespaces", new JsonArray().add(new JsonObject().put("nsid", 1).put("size", "1M")))))
                .put("ports", new JsonArray().add(new JsonObject().put("id", 1).put("traddr", "127.0.0.1").put("trsvcid", port))));
    }

    public static NvmegateNode node() { return running.node(); }
    public static int port() { return running.port(); }
    public static int discoveryPort() { return running.discoveryPort(); }

    /** Options for {@link #NQN} on the I/O port: 2 I/O queues, no digests. */
    public static ConnectOptions.Builder options() {
        return ConnectOptions.builder("127.0.0.1", port()).subsystemNqn(NQN).ioQueues(2);
    }

    public static NvmeController connect() {
        return NvmeTcpHost.connect(options().build());
    }

    public static NvmeController connect(UnaryOperator<ConnectOptions.Builder> tweak) {
        return NvmeTcpHost.connect(tweak.apply(options()).build());
    }

    /** Puts (adds or replaces) a namespace in the catalog, as an operator would. */
    public static void putNamespace(NamespaceSpec ns) {
        node().cluster().hazelcast().<String, String>getMap(Catalog.NAMESPACES).put(ns.key(), ns.toJson().encode());
    }

    /** Asserts that {@code call} fails with exactly status field {@code status} (SCT, SC, DNR). */
    public static NvmeStatusException assertStatus(Runnable call, int status) {
        NvmeStatusException[] e = new NvmeStatusException[1];
        assertThatThrownBy(call::run).satisfies(t -> {
            Throwable c = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
            org.assertj.core.api.Assertions.assertThat(c).isInstanceOf(NvmeStatusException.class);
            e[0] = (NvmeStatusException) c;
            org.assertj.core.api.Assertions.assertThat(io.nvmegate.protocol.Status.describe(e[0].status() & 0x7FFF))
                    .isEqualTo(io.nvmegate.protocol.Status.describe(status));
        });
        return e[0];
    }
}
