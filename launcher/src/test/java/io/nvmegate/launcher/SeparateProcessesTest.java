package io.nvmegate.launcher;

import io.nvmegate.client.ConnectOptions;
import io.nvmegate.client.DiscoveryLog;
import io.nvmegate.client.NvmeController;
import io.nvmegate.client.NvmeTcpHost;
import io.nvmegate.testkit.FreePorts;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The three roles as separate JVMs on 127.0.0.1 forming one Hazelcast cluster: the gateway reaches the block
 * worker over the clustered event bus, the discovery service reads the catalog from Hazelcast. The worker is then
 * killed with SIGKILL after a Flush, all roles restart, and every flushed block is still there.
 */
class SeparateProcessesTest {
    static final String NQN = "nqn.2026-11.io.nvmegate:it-processes";

    @TempDir
    Path dir;

    @Test
    void threeRolesInThreeJvms() throws Exception {
        int ioPort = FreePorts.free(), discPort = FreePorts.free();
        int workerCluster = FreePorts.free(), gatewayCluster = FreePorts.free(), discCluster = FreePorts.free();
        Path config = dir.resolve("nvmegate.json");
        Files.writeString(config, new JsonObject()
                .put("subsystems", new JsonArray().add(new JsonObject().put("nqn", NQN)
                        .put("namespaces", new JsonArray().add(new JsonObject().put("nsid", 1).put("size", "128M").put("blockSize", 4096)))))
                .put("ports", new JsonArray().add(new JsonObject().put("id", 1).put("traddr", "127.0.0.1").put("trsvcid", ioPort)))
                .encodePrettily());
        String cluster = "it-" + ioPort;
        String seed = "127.0.0.1:" + workerCluster;
        List<String> common = List.of("--config", config.toString(), "--cluster-name", cluster, "--cluster-host", "127.0.0.1");
        BlockModel model = new BlockModel(1, 4096, (128L << 20) / 4096);

        List<RoleProcess> roles = startAll(1, common, seed, workerCluster, gatewayCluster, discCluster, discPort);
        try {
            DiscoveryLog log = NvmeTcpHost.discover("127.0.0.1", discPort);
            assertThat(log.subsystemEntries()).singleElement().satisfies(e -> {
                assertThat(e.subnqn()).isEqualTo(NQN);
                assertThat(e.trsvcid()).isEqualTo(Integer.toString(ioPort));
            });
            try (NvmeController c = NvmeTcpHost.connect(ConnectOptions.builder("127.0.0.1", ioPort).subsystemNqn(NQN).ioQueues(2).build())) {
                model.writeRandom(c, new SplittableRandom(42), 1000, 16, 512 * 1024);
                c.flush(1);
                model.verify(c, 512 * 1024);
            }
            roles.get(0).kill(); // the worker dies without a shutdown hook: only what was flushed must survive
        } finally {
            for (RoleProcess r : roles) r.close();
        }
        roles = startAll(2, common, seed, workerCluster, gatewayCluster, discCluster, discPort);
        try (NvmeController c = NvmeTcpHost.connect(ConnectOptions.builder("127.0.0.1", ioPort).subsystemNqn(NQN).ioQueues(1).build())) {
            model.verify(c, 512 * 1024);
        } catch (RuntimeException e) {
            StringBuilder logs = new StringBuilder();
            for (RoleProcess r : roles) logs.append("---- ").append(r.name).append('\n').append(r.tail()).append('\n');
            throw new AssertionError("after restart: " + e + "\n" + logs, e);
        } finally {
            for (RoleProcess r : roles) r.close();
        }
        assertThat(roles.get(0).tail()).contains("nvmegate stopped");
    }

    private List<RoleProcess> startAll(int run, List<String> common, String seed, int workerCluster, int gatewayCluster,
                                       int discCluster, int discPort) throws Exception {
        List<RoleProcess> roles = new ArrayList<>();
        try {
            roles.add(RoleProcess.start("worker-" + run, dir, args("worker", common, "--cluster-port", workerCluster, "--data", dir.resolve("data"))));
            roles.get(0).awaitReady(Duration.ofSeconds(90));
            roles.add(RoleProcess.start("gateway-" + run, dir, args("gateway", common, "--cluster-port", gatewayCluster, "--members", seed)));
            roles.add(RoleProcess.start("discovery-" + run, dir, args("discovery", common, "--cluster-port", discCluster, "--members", seed,
                    "--bind", "127.0.0.1", "--discovery-port", discPort)));
            for (RoleProcess r : roles) r.awaitReady(Duration.ofSeconds(90));
            return roles;
        } catch (Exception e) {
            for (RoleProcess r : roles) r.kill();
            throw e;
        }
    }

    private static List<String> args(String role, List<String> common, Object... more) {
        List<String> a = new ArrayList<>(List.of(role));
        a.addAll(common);
        for (Object o : more) a.add(o.toString());
        return a;
    }
}
