package io.nvmegate.launcher;

import io.nvmegate.testkit.FreePorts;
import io.nvmegate.client.ConnectOptions;
import io.nvmegate.client.NvmeController;
import io.nvmegate.client.NvmeTcpHost;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Start order after a full stop (issue 13, defect 7), with real processes: a gateway-only member started before
 * any block worker must not seed its {@code --config} over the persisted catalog; it joins, waits for the catalog
 * serving nothing ({@code /health/ready} 503, state {@code AWAITING_CATALOG}, its NVMe/TCP port closed), and
 * serves once the worker brings the catalog back, including what was changed through the management API.
 */
class StartOrderTest {
    static final String NQN = "nqn.2026-11.io.nvmegate:it-start-order";
    static final String LIVE_NQN = "nqn.2026-11.io.nvmegate:it-start-order-made-live";
    static final int BLOCK = 4096;

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void gatewayStartedBeforeTheWorkerWaitsForTheCatalogThenServes() throws Exception {
        int ioPort = FreePorts.free(), apiPort = FreePorts.free(), healthPort = FreePorts.free();
        int workerCluster = FreePorts.free(), gatewayCluster = FreePorts.free();
        Path config = dir.resolve("nvmegate.json");
        Files.writeString(config, new JsonObject()
                .put("subsystems", new JsonArray().add(new JsonObject().put("nqn", NQN)
                        .put("namespaces", new JsonArray().add(new JsonObject().put("nsid", 1).put("size", "16M").put("blockSize", BLOCK)))))
                .put("ports", new JsonArray().add(new JsonObject().put("id", 1).put("traddr", "127.0.0.1").put("trsvcid", ioPort)))
                .encodePrettily());
        List<String> common = List.of("--config", config.toString(), "--cluster-name", "order-" + ioPort,
                "--cluster-host", "127.0.0.1", "--bind", "127.0.0.1");
        List<Object> gatewayArgs = List.of("--cluster-port", gatewayCluster, "--members", "127.0.0.1:" + workerCluster,
                "--api-port", apiPort, "--metrics-port", healthPort, "--data", dir.resolve("gateway-data"));
        byte[] pattern = new byte[8 * BLOCK];
        Arrays.fill(pattern, (byte) 0x7D);

        // run 1, the usual order: the worker seeds the catalog from --config; a subsystem is added through the API
        RoleProcess worker = RoleProcess.start("worker-1", dir, args("worker", common, "--cluster-port", workerCluster,
                "--data", dir.resolve("data"), "--metrics-port", -1));
        RoleProcess gateway = null;
        try {
            worker.awaitReady(Duration.ofSeconds(90));
            gateway = RoleProcess.start("gateway-1", dir, args("gateway", common, gatewayArgs.toArray())).awaitReady(Duration.ofSeconds(90));
            String enc = LIVE_NQN.replace(":", "%3A");
            assertThat(api(apiPort, "POST", "/subsystems", JsonObject.of("nqn", LIVE_NQN)).statusCode()).isEqualTo(201);
            assertThat(api(apiPort, "POST", "/subsystems/" + enc + "/namespaces", JsonObject.of("nsid", 1, "size", "16M",
                    "blockSize", BLOCK)).statusCode()).isEqualTo(201);
            // the catalog change reaches the gateway's view and the worker asynchronously: retry as a host would
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (true) {
                try (NvmeController c = connect(ioPort, LIVE_NQN)) {
                    c.write(1, 24, pattern, BLOCK, false);
                    c.flush(1);
                    break;
                } catch (RuntimeException e) {
                    if (System.nanoTime() > deadline) throw e;
                    Thread.sleep(200);
                }
            }
        } finally {
            if (gateway != null) gateway.close();
            worker.close();
        }

        // run 2, after the full stop: the gateway first
        gateway = RoleProcess.start("gateway-2", dir, args("gateway", common, gatewayArgs.toArray()));
        worker = null;
        try {
            JsonObject waiting = awaitAwaitingCatalog(gateway, healthPort);
            assertThat(waiting.getBoolean("clusterMember")).isTrue();
            assertThat(listening(ioPort)).as("nothing served without the catalog").isFalse();
            assertThat(gateway.tail()).contains("waiting for the catalog").doesNotContain("nvmegate ready");

            worker = RoleProcess.start("worker-2", dir, args("worker", common, "--cluster-port", workerCluster,
                    "--members", "127.0.0.1:" + gatewayCluster, "--data", dir.resolve("data"), "--metrics-port", -1));
            worker.awaitReady(Duration.ofSeconds(90));
            gateway.awaitReady(Duration.ofSeconds(60));
            HttpResponse<String> ready = get(healthPort, "/health/ready");
            assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
            assertThat(new JsonObject(ready.body()).getString("state")).isEqualTo("READY");
            // the catalog is the persisted one (the subsystem made through the API), and its data is there
            try (NvmeController c = connect(ioPort, LIVE_NQN)) {
                assertThat(c.read(1, 24, 8, BLOCK)).isEqualTo(pattern);
            }
            try (NvmeController c = connect(ioPort, NQN)) {
                c.write(1, 0, pattern, BLOCK, false);
                assertThat(c.read(1, 0, 8, BLOCK)).isEqualTo(pattern);
            }
        } catch (AssertionError | RuntimeException e) {
            throw new AssertionError(e.getMessage() + "\n---- gateway\n" + gateway.tail()
                    + (worker == null ? "" : "\n---- worker\n" + worker.tail()), e);
        } finally {
            gateway.close();
            if (worker != null) worker.close();
        }
    }

    /** Polls {@code /health/ready} until the gateway reports AWAITING_CATALOG; fails if it reports ready first. */
    private JsonObject awaitAwaitingCatalog(RoleProcess gateway, int healthPort) throws Exception {
        long end = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        String last = "no answer";
        while (System.nanoTime() < end) {
            if (!gateway.process.isAlive()) fail("gateway exited " + gateway.process.exitValue() + ":\n" + gateway.tail());
            try {
                HttpResponse<String> r = get(healthPort, "/health/ready");
                last = r.statusCode() + " " + r.body();
                JsonObject body = new JsonObject(r.body());
                if (r.statusCode() == 200) fail("the gateway became ready without any block worker (it seeded its --config): " + last);
                if ("AWAITING_CATALOG".equals(body.getString("state"))) {
                    assertThat(r.statusCode()).isEqualTo(503);
                    assertThat(body.getString("status")).isEqualTo("DOWN");
                    return body;
                }
            } catch (IOException notYet) {
                last = notYet.toString();
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the gateway never reported AWAITING_CATALOG; last: " + last + "\n" + gateway.tail());
    }

    private static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static NvmeController connect(int port, String nqn) {
        return NvmeTcpHost.connect(ConnectOptions.builder("127.0.0.1", port).subsystemNqn(nqn).build());
    }

    private HttpResponse<String> get(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> api(int port, String method, String path, JsonObject body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1" + path))
                .method(method, HttpRequest.BodyPublishers.ofString(body.encode())).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static List<String> args(String role, List<String> common, Object... more) {
        List<String> a = new ArrayList<>(List.of(role));
        a.addAll(common);
        for (Object o : more) a.add(o.toString());
        return a;
    }
}
