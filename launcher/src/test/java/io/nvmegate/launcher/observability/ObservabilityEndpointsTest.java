package io.nvmegate.launcher.observability;

import io.nvmegate.catalog.CatalogConfig;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * One node with every role in this JVM, its HTTP endpoints on a free port: exact command, byte, error, discovery
 * and gauge values after a known workload, and health through start and shutdown.
 */
class ObservabilityEndpointsTest {
    static final String NQN = "nqn.2026-11.io.nvmegate:it-metrics";

    @TempDir
    Path data;

    @Test
    void metricsAndHealthOfOneNode() throws Exception {
        // the launcher pom gives processes started by tests a free metrics port (merged with the parent's env)
        assertThat(System.getenv("NVMEGATE_METRICS_PORT")).isEqualTo("0");
        assertThat(System.getenv("HZ_PHONE_HOME_ENABLED")).isEqualTo("false");
        int ioPort = FreePorts.free(), discPort = FreePorts.free(), httpPort = FreePorts.free();
        CatalogConfig cfg = CatalogConfig.parse(new JsonObject()
                .put("subsystems", new JsonArray().add(new JsonObject().put("nqn", NQN)
                        .put("namespaces", new JsonArray().add(new JsonObject().put("nsid", 1).put("size", "64M").put("blockSize", 4096)))))
                .put("ports", new JsonArray().add(new JsonObject().put("id", 1).put("traddr", "127.0.0.1").put("trsvcid", ioPort))));
        NodeOptions o = new NodeOptions(Role.all, new ClusterOptions("it-" + UUID.randomUUID(), "127.0.0.1", FreePorts.free(), List.of()),
                cfg, data, "worker-1", "gateway-1", "127.0.0.1", discPort, TransportConfig.defaults(),
                new ObservabilityOptions("127.0.0.1", httpPort));
        String base = "http://127.0.0.1:" + httpPort;
        CompletableFuture<NvmegateNode> starting = CompletableFuture.supplyAsync(() -> {
            try {
                return NvmegateNode.start(o, Duration.ofMinutes(1));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        boolean saw503 = false;
        while (!starting.isDone()) {
            Http.Response r = Http.get(base + "/health/ready");
            if (r.status() == 503) {
                saw503 = true;
                assertThat(new JsonObject(r.body()).getString("state")).isEqualTo("STARTING");
                assertThat(Http.get(base + "/health/live").status()).isEqualTo(200);
            }
            Thread.sleep(20);
        }
        NvmegateNode node = starting.get();
        try {
            assertThat(saw503).as("503 while joining the cluster").isTrue();
            Http.Response ready = Http.get(base + "/health/ready");
            assertThat(ready.status()).isEqualTo(200);
            assertThat(new JsonObject(ready.body())).isEqualTo(new JsonObject().put("status", "UP").put("state", "READY").put("clusterMember", true));
            assertThat(Http.get(base + "/nope").status()).isEqualTo(404);
            assertThat(Http.send("POST", base + "/metrics").status()).isEqualTo(405);
            assertThat(Http.get(base + "/metrics").body()).contains("nvmegate_connections{role=\"gateway\"} 0.0", "nvmegate_controllers{role=\"discovery\"} 0.0");

            NvmeTcpHost.discover("127.0.0.1", discPort);
            byte[] block = new byte[8192];
            block[0] = 42;
            try (NvmeController c = NvmeTcpHost.connect(ConnectOptions.builder("127.0.0.1", ioPort).subsystemNqn(NQN).ioQueues(2).build())) {
                for (int i = 0; i < 5; i++) c.write(1, i * 2L, block, 4096, false);
                for (int i = 0; i < 3; i++) assertThat(c.read(1, i * 2L, 2, 4096)).isEqualTo(block);
                assertThatThrownBy(() -> c.read(1, (64L << 20) / 4096, 1, 4096)).isInstanceOf(NvmeStatusException.class);
                assertThatThrownBy(() -> c.read(7, 0, 1, 4096)).isInstanceOf(NvmeStatusException.class);
                String m = Http.get(base + "/metrics").body();
                assertThat(PrometheusText.sum(m, "nvmegate_controllers", Map.of("role", "gateway"))).isEqualTo(1);
                assertThat(PrometheusText.sum(m, "nvmegate_queues", Map.of("role", "gateway"))).isEqualTo(3);
                assertThat(PrometheusText.sum(m, "nvmegate_connections", Map.of("role", "gateway"))).isEqualTo(3);
                assertThat(PrometheusText.sum(m, "nvmegate_commands_in_flight", Map.of("role", "gateway"))).isZero();
            }
            String m = Http.get(base + "/metrics").body();
            Map<String, String> io = Map.of("role", "gateway", "subsystem", NQN, "nsid", "1");
            assertThat(PrometheusText.sum(m, "nvmegate_commands_total", with(io, "opcode", "write", "status", "success"))).isEqualTo(5);
            assertThat(PrometheusText.sum(m, "nvmegate_commands_total", with(io, "opcode", "read", "status", "success"))).isEqualTo(3);
            assertThat(PrometheusText.sum(m, "nvmegate_commands_total", with(io, "opcode", "read", "status", "lba_out_of_range"))).isEqualTo(1);
            assertThat(PrometheusText.sum(m, "nvmegate_commands_total", Map.of("nsid", "7", "opcode", "read", "status", "invalid_namespace"))).isEqualTo(1);
            assertThat(PrometheusText.sum(m, "nvmegate_bytes_written_total", io)).isEqualTo(5 * 8192);
            assertThat(PrometheusText.sum(m, "nvmegate_bytes_read_total", io)).isEqualTo(3 * 8192);
            assertThat(PrometheusText.sum(m, "nvmegate_command_duration_seconds_count", Map.of("role", "gateway", "opcode", "write"))).isEqualTo(5);
            assertThat(PrometheusText.sum(m, "nvmegate_commands_total", Map.of("role", "gateway", "opcode", "fabrics_connect", "subsystem", NQN, "status", "success"))).isEqualTo(3);
            assertThat(PrometheusText.sum(m, "nvmegate_commands_total", Map.of("role", "discovery", "opcode", "fabrics_connect", "status", "success"))).isEqualTo(1);
            assertThat(PrometheusText.sum(m, "nvmegate_discovery_log_reads_total", Map.of("role", "discovery"))).isPositive(); // one discover: header and entries, 1 or 2 reads
            assertThat(PrometheusText.sum(m, "nvmegate_eventbus_round_trip_seconds_count", Map.of("op", "write", "outcome", "success"))).isEqualTo(5);
            assertThat(PrometheusText.sum(m, "nvmegate_storage_duration_seconds_count", Map.of("op", "read", "backend", "rocksdb", "outcome", "success"))).isEqualTo(3);
            assertThat(PrometheusText.sum(m, "nvmegate_rocksdb_estimated_keys", Map.of("worker", "worker-1"))).as("10 blocks written").isPositive();
            assertThat(PrometheusText.sum(m, "nvmegate_cluster_members", Map.of())).isEqualTo(1);
            assertThat(m).contains("jvm_memory_used_bytes", "process_uptime_seconds", "vertx_net_server_") // jvm_gc_pause_* exists only after a GC
                    .doesNotContain("process_cpu_time_ns_total", "system_cpu_count")
                    .as("Vert.x's per-message event-bus meters are off (nvmegate_eventbus_round_trip_seconds measures the hop)")
                    .doesNotContain("vertx_eventbus_");
            awaitZero(base, "nvmegate_connections", Map.of("role", "gateway")); // the host closed its connections
            awaitZero(base, "nvmegate_controllers", Map.of("role", "gateway"));
        } finally {
            node.close();
        }
        assertThat(Http.get(base + "/health/live").status()).as("server closed with the node").isEqualTo(-1);
    }

    /** A taken metrics port costs the metrics, not the node: it starts without the HTTP server. */
    @Test
    void takenPortMeansNoServerButNoFailure() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"));
             NodeObservability o = NodeObservability.start(new ObservabilityOptions("127.0.0.1", taken.getLocalPort()))) {
            assertThat(o.port()).isEqualTo(-1);
            o.metrics().keepAliveExpired("nqn.2026-11.io.nvmegate:x");
            assertThat(o.registry().scrape()).contains("nvmegate_keepalive_expiries_total{subsystem=\"nqn.2026-11.io.nvmegate:x\"} 1");
        }
    }

    private static Map<String, String> with(Map<String, String> base, String k1, String v1, String k2, String v2) {
        java.util.HashMap<String, String> m = new java.util.HashMap<>(base);
        m.put(k1, v1);
        m.put(k2, v2);
        return m;
    }

    private static void awaitZero(String base, String metric, Map<String, String> labels) throws InterruptedException {
        double v = -1;
        for (int i = 0; i < 100; i++) {
            v = PrometheusText.sum(Http.get(base + "/metrics").body(), metric, labels);
            if (v == 0) return;
            Thread.sleep(50);
        }
        throw new AssertionError(metric + " " + labels + " still " + v);
    }
}
