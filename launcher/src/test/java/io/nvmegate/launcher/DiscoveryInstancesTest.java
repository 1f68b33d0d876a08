package io.nvmegate.launcher;

import io.nvmegate.client.ConnectOptions;
import io.nvmegate.client.DiscoveryLog;
import io.nvmegate.client.NvmeController;
import io.nvmegate.client.NvmeTcpHost;
import io.nvmegate.protocol.Opcodes;
import io.nvmegate.testkit.FreePorts;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two discovery service instances in separate JVMs (one {@code all} node with the management API, one {@code
 * discovery} node), both published at the same discovery address: the same host gets byte-identical discovery log
 * pages from both, before and after a change made through the management API (the GENCTR is the replicated catalog
 * generation, the entry order is deterministic).
 */
class DiscoveryInstancesTest {
    static final String NQN = "nqn.2026-11.io.example:two-instances";
    static final String HOST = "nqn.2014-08.org.nvmexpress:uuid:12121212-0000-4000-8000-000000000012";

    @TempDir
    Path dir;

    @Test
    void twoInstancesInSeparateJvmsReturnByteIdenticalLogs() throws Exception {
        int ioPort1 = FreePorts.free(), ioPort2 = FreePorts.free(), apiPort = FreePorts.free();
        int disc1 = FreePorts.free(), disc2 = FreePorts.free(), cluster1 = FreePorts.free(), cluster2 = FreePorts.free();
        Path config = dir.resolve("nvmegate.json");
        Files.writeString(config, new JsonObject()
                .put("subsystems", new JsonArray()
                        .add(new JsonObject().put("nqn", NQN).put("allowAnyHost", false).put("hosts", new JsonArray().add(HOST)))
                        .add(new JsonObject().put("nqn", NQN + "-b")))
                .put("ports", new JsonArray()
                        .add(new JsonObject().put("id", 1).put("traddr", "127.0.0.1").put("trsvcid", ioPort1))
                        .add(new JsonObject().put("id", 2).put("traddr", "127.0.0.1").put("trsvcid", ioPort2)
                                .put("advertisedAddress", "192.0.2.30")))
                .encodePrettily());
        List<String> common = List.of("--config", config.toString(), "--cluster-name", "disc-" + disc1, "--cluster-host", "127.0.0.1",
                "--bind", "127.0.0.1", "--metrics-port", "-1", "--discovery-advertise", "192.0.2.50:8009",
                "--discovery-nqn", "nqn.2026-11.io.example:discovery-cluster");
        List<RoleProcess> roles = new ArrayList<>();
        try {
            roles.add(RoleProcess.start("all", dir, args("all", common, "--cluster-port", cluster1, "--discovery-port", disc1,
                    "--api-port", apiPort, "--data", dir.resolve("data"))));
            roles.get(0).awaitReady(Duration.ofSeconds(90));
            roles.add(RoleProcess.start("discovery", dir, args("discovery", common, "--cluster-port", cluster2,
                    "--members", "127.0.0.1:" + cluster1, "--discovery-port", disc2, "--api-port", "-1", "--data", dir.resolve("data2"))));
            roles.get(1).awaitReady(Duration.ofSeconds(90));

            byte[] a = rawLog(disc1), b = rawLog(disc2);
            assertThat(a.length).isEqualTo(1024 + 5 * 1024); // the current entry, NQN and NQN-b on ports 1 and 2
            assertThat(b).as("byte-identical from both JVMs").isEqualTo(a);
            // One unique discovery NQN on both instances: a host (Linux groups controllers by SUBNQN) must never be
            // handed the same CNTLID by both (nvme_validate_cntlid); each instance claims its own range.
            try (NvmeController c1 = discoveryController(disc1); NvmeController c2 = discoveryController(disc2)) {
                assertThat(List.of(c1.cntlid(), c2.cntlid())).allSatisfy(id -> assertThat(id).isBetween(0x8000, 0xFFEF));
                assertThat(c1.cntlid()).as("CNTLIDs of the two instances").isNotEqualTo(c2.cntlid());
            }
            DiscoveryLog parsed = DiscoveryLog.parse(a);
            assertThat(parsed.entries().get(0).traddr() + ":" + parsed.entries().get(0).trsvcid()).isEqualTo("192.0.2.50:8009");

            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + apiPort + "/api/v1/subsystems"))
                    .POST(HttpRequest.BodyPublishers.ofString(JsonObject.of("nqn", NQN + "-c").encode())).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(201);
            long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            byte[] a2, b2;
            do {
                Thread.sleep(100);
                a2 = rawLog(disc1);
                b2 = rawLog(disc2);
            } while ((a2.length == a.length || !java.util.Arrays.equals(a2, b2)) && System.nanoTime() < end);
            assertThat(a2.length).as("the new subsystem on both ports").isEqualTo(1024 + 7 * 1024);
            assertThat(b2).as("byte-identical after the change").isEqualTo(a2);
            assertThat(DiscoveryLog.parse(a2).genctr()).isGreaterThan(parsed.genctr());
        } catch (AssertionError | RuntimeException e) {
            StringBuilder logs = new StringBuilder();
            for (RoleProcess p : roles) logs.append("---- ").append(p.name).append('\n').append(p.tail()).append('\n');
            throw new AssertionError(e.getMessage() + "\n" + logs, e);
        } finally {
            for (RoleProcess p : roles) p.close();
        }
    }

    /** The whole page as a host reads it (libnvme's algorithm), re-assembled into its bytes. */
    private static byte[] rawLog(int port) {
        try (NvmeController c = NvmeTcpHost.connect(ConnectOptions.builder("127.0.0.1", port).discoverySubsystem()
                .hostNqn(HOST).ioQueues(0).build())) {
            DiscoveryLog log = c.discoveryLog();
            return c.getLogPage(Opcodes.LOG_DISCOVERY, 0, false, 0, 1024 + 1024 * log.entries().size(), 0);
        }
    }

    private static NvmeController discoveryController(int port) {
        return NvmeTcpHost.connect(ConnectOptions.builder("127.0.0.1", port).discoverySubsystem().hostNqn(HOST).ioQueues(0).build());
    }

    private static List<String> args(String role, List<String> common, Object... more) {
        List<String> a = new ArrayList<>(List.of(role));
        a.addAll(common);
        for (Object o : more) a.add(o.toString());
        return a;
    }
}
