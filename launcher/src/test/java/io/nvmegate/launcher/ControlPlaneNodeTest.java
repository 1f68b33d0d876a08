package io.nvmegate.launcher;

import io.nvmegate.catalog.CatalogConfig;
import io.nvmegate.catalog.PortSpec;
import io.nvmegate.client.ConnectOptions;
import io.nvmegate.client.NvmeController;
import io.nvmegate.client.NvmeTcpHost;
import io.nvmegate.cluster.ClusterOptions;
import io.nvmegate.control.ApiOptions;
import io.nvmegate.controller.TransportConfig;
import io.nvmegate.testkit.FreePorts;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The management API on a launcher node: resources created over REST survive a restart of the node with no
 * configuration at all (the RocksDB catalog store), are served by the gateway after the restart, and the real
 * {@code nvmegate ctl} command (the launcher's Main in a child JVM) reads and changes them.
 */
class ControlPlaneNodeTest {
    private static final String NQN = "nqn.2026-11.io.example:rest-made";
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path data;

    private NvmegateNode start(CatalogConfig cfg) throws Exception {
        NodeOptions o = new NodeOptions(Role.all,
                new ClusterOptions("cp-" + UUID.randomUUID(), "127.0.0.1", FreePorts.free(), List.of(), data.resolve("catalog")),
                cfg, data, "worker-1", "gateway-1", "127.0.0.1", FreePorts.free(), TransportConfig.defaults());
        return NvmegateNode.start(o, ApiOptions.loopback(0), Duration.ofMinutes(1));
    }

    private HttpResponse<String> call(NvmegateNode n, String method, String path, JsonObject body) throws Exception {
        HttpRequest r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + n.api().port() + "/api/v1" + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body.encode())).build();
        return http.send(r, HttpResponse.BodyHandlers.ofString());
    }

    record Ctl(int code, String out) {}

    private static Ctl ctl(NvmegateNode n, String... args) throws Exception {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", cp, Main.class.getName(), "ctl"));
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("--api", "http://127.0.0.1:" + n.api().port()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Ctl(p.exitValue(), out);
    }

    @Test
    void restCreatedCatalogSurvivesRestartAndCtlManagesIt() throws Exception {
        int ioPort = FreePorts.free();
        String enc = NQN.replace(":", "%3A");
        try (NvmegateNode node = start(CatalogConfig.defaults(FreePorts.free()))) {
            assertThat(node.api()).isNotNull();
            assertThat(call(node, "POST", "/subsystems", JsonObject.of("nqn", NQN, "serial", "REST-1")).statusCode()).isEqualTo(201);
            assertThat(call(node, "POST", "/subsystems/" + enc + "/namespaces", JsonObject.of("nsid", 5, "size", "16M", "backend", "memory")).statusCode()).isEqualTo(201);
            assertThat(call(node, "POST", "/ports", JsonObject.of("id", 40, "traddr", "127.0.0.1", "trsvcid", ioPort)).statusCode()).isEqualTo(201);
            assertThat(call(node, "POST", "/ports/40/subsystems", JsonObject.of("nqn", NQN)).statusCode()).isEqualTo(201);
            // the default port of the seed is removed: only port 40 remains
            assertThat(call(node, "DELETE", "/ports/1", null).statusCode()).isEqualTo(204);

            Ctl list = ctl(node, "subsys", "list");
            assertThat(list.code()).as(list.out()).isZero();
            assertThat(list.out()).contains("NQN").contains(NQN).contains("REST-1").contains(CatalogConfig.DEFAULT_NQN);
            Ctl bad = ctl(node, "ns", "create", "--nqn", NQN, "--nsid", "5", "--size", "1M");
            assertThat(bad.code()).as(bad.out()).isEqualTo(1);
            assertThat(bad.out()).contains("error 409").contains("field: nsid");
            // in-process through the launcher's own command line: a usage error is exit code 2
            java.io.StringWriter err = new java.io.StringWriter();
            int usage = new picocli.CommandLine(new Main()).setErr(new java.io.PrintWriter(err))
                    .execute("ctl", "ns", "create", "--size", "1M", "--api", "http://127.0.0.1:" + node.api().port());
            assertThat(usage).isEqualTo(2);
            assertThat(err.toString()).contains("--nqn");
            int del = new picocli.CommandLine(new Main()).setOut(new java.io.PrintWriter(new java.io.StringWriter()))
                    .execute("ctl", "subsys", "delete", CatalogConfig.DEFAULT_NQN, "--force", "--api", "http://127.0.0.1:" + node.api().port());
            assertThat(del).isZero();
        }
        // restart with no configuration at all: everything comes from the catalog store
        try (NvmegateNode node = start(new CatalogConfig(List.of(), List.of(), List.of()))) {
            JsonObject saved = new JsonObject(call(node, "GET", "/config", null).body());
            assertThat(saved.getJsonArray("subsystems")).hasSize(1);
            assertThat(saved.getJsonArray("subsystems").getJsonObject(0).getString("nqn")).isEqualTo(NQN);
            assertThat(saved.getJsonArray("ports")).hasSize(1);
            Ctl json = ctl(node, "ns", "get", "--nqn", NQN, "--nsid", "5", "--json");
            assertThat(json.code()).as(json.out()).isZero();
            assertThat(new JsonObject(json.out()).getLong("size")).isEqualTo(16L << 20);
            // the gateway serves the REST-made subsystem on the REST-made port
            try (NvmeController c = NvmeTcpHost.connect(ConnectOptions.builder("127.0.0.1", ioPort).subsystemNqn(NQN).build())) {
                assertThat(c.activeNamespaces(0)).containsExactly(5);
                assertThat(c.controllerData().sn()).isEqualTo("REST-1");
            }
        }
    }

    /**
     * Subsystem IEEE OUI and maxNamespaces, and a port's in-capsule data size and queue size, set through the API,
     * reach the host: Identify Controller IEEE/NN/MNAN/IOCCSZ/MAXCMD and CAP.MQES; an NSID above maxNamespaces and
     * a too small in-capsule size are refused naming the field.
     */
    @Test
    void subsystemAndPortLimitsReachTheHost() throws Exception {
        int ioPort = FreePorts.free();
        String enc = NQN.replace(":", "%3A");
        try (NvmegateNode node = start(new CatalogConfig(List.of(), List.of(), List.of()))) {
            assertThat(call(node, "POST", "/subsystems", JsonObject.of("nqn", NQN, "ieeeOui", "0050c2", "maxNamespaces", 4)).statusCode()).isEqualTo(201);
            HttpResponse<String> tooHigh = call(node, "POST", "/subsystems/" + enc + "/namespaces", JsonObject.of("nsid", 5, "size", "16M", "backend", "memory"));
            assertThat(tooHigh.statusCode()).isEqualTo(400);
            assertThat(new JsonObject(tooHigh.body()).getString("field")).isEqualTo("nsid");
            assertThat(call(node, "POST", "/subsystems/" + enc + "/namespaces", JsonObject.of("nsid", 4, "size", "16M", "backend", "memory")).statusCode()).isEqualTo(201);
            HttpResponse<String> lower = call(node, "PATCH", "/subsystems/" + enc, JsonObject.of("maxNamespaces", 2));
            assertThat(lower.statusCode()).isEqualTo(409);
            assertThat(new JsonObject(lower.body()).getString("field")).isEqualTo("maxNamespaces");
            HttpResponse<String> smallIcd = call(node, "POST", "/ports", JsonObject.of("id", 41, "traddr", "127.0.0.1", "trsvcid", ioPort, "inCapsuleDataSize", 512));
            assertThat(smallIcd.statusCode()).isEqualTo(400);
            assertThat(smallIcd.body()).contains("inCapsuleDataSize");
            assertThat(call(node, "POST", "/ports", JsonObject.of("id", 41, "traddr", "127.0.0.1", "trsvcid", ioPort,
                    "inCapsuleDataSize", 16384, "maxQueueSize", 64)).statusCode()).isEqualTo(201);
            io.nvmegate.client.NvmeController c = null;
            for (int i = 0; i < 50 && c == null; i++) { // the listener opens on the catalog change, within moments
                try {
                    c = NvmeTcpHost.connect(ConnectOptions.builder("127.0.0.1", ioPort).subsystemNqn(NQN).build());
                } catch (RuntimeException notYet) {
                    Thread.sleep(100);
                }
            }
            assertThat(c).as("connected to the API-made port").isNotNull();
            try (NvmeController ctrl = c) {
                var id = ctrl.identifyController();
                assertThat(id.nn()).isEqualTo(4);
                assertThat(id.ioccsz() * 16 - 64).isEqualTo(16384);
                assertThat(id.maxcmd()).isEqualTo(64);
                assertThat(ctrl.cap() & 0xFFFF).as("CAP.MQES").isEqualTo(63);
                assertThat(ByteBufferUtil.ieee(id.raw())).isEqualTo(0x0050c2);
            }
        }
    }

    /** Identify Controller IEEE (bytes 73..75, little-endian). */
    static final class ByteBufferUtil {
        static int ieee(byte[] raw) {
            return (raw[73] & 0xFF) | (raw[74] & 0xFF) << 8 | (raw[75] & 0xFF) << 16;
        }
    }

    /**
     * Live reconfiguration seen by a connected host: a namespace added through the API completes an outstanding
     * Asynchronous Event Request with Namespace Attribute Changed (DW0 0x00040002), is listed in the Changed
     * Namespace List (log 04h) and in Identify CNS 02h; a resize shows in Identify Namespace.
     */
    @Test
    void namespaceAddedThroughTheApiReachesConnectedHosts() throws Exception {
        int ioPort = FreePorts.free();
        String enc = NQN.replace(":", "%3A");
        CatalogConfig seed = new CatalogConfig(List.of(), List.of(), List.of(new PortSpec(1, "ipv4", "127.0.0.1", ioPort, null, null, List.of())));
        try (NvmegateNode node = start(seed)) {
            assertThat(call(node, "POST", "/subsystems", JsonObject.of("nqn", NQN)).statusCode()).isEqualTo(201);
            assertThat(call(node, "POST", "/subsystems/" + enc + "/namespaces", JsonObject.of("size", "8M", "backend", "memory")).statusCode()).isEqualTo(201);
            awaitListening(ioPort);
            Thread.sleep(300); // the gateway's catalog snapshot follows map events within ~50 ms
            try (NvmeController c = NvmeTcpHost.connect(ConnectOptions.builder("127.0.0.1", ioPort).subsystemNqn(NQN).build())) {
                assertThat(c.activeNamespaces(0)).containsExactly(1);
                c.setFeatures(0x0B, 1 << 8, false); // Asynchronous Event Configuration: Namespace Attribute notices
                var aen = c.asyncEventRequest();
                assertThat(call(node, "POST", "/subsystems/" + enc + "/namespaces", JsonObject.of("nsid", 2, "size", "4M", "backend", "memory")).statusCode()).isEqualTo(201);
                assertThat(aen.get(10, TimeUnit.SECONDS)).isEqualTo(0x00040002);
                byte[] log = c.getLogPage(0x04, 0, false, 0, 4096, 0xFFFFFFFF);
                assertThat(java.nio.ByteBuffer.wrap(log).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt(0)).isEqualTo(2);
                assertThat(c.activeNamespaces(0)).containsExactly(1, 2);

                var aen2 = c.asyncEventRequest();
                assertThat(call(node, "PATCH", "/subsystems/" + enc + "/namespaces/2", JsonObject.of("size", "16M")).statusCode()).isEqualTo(200);
                assertThat(aen2.get(10, TimeUnit.SECONDS)).isEqualTo(0x00040002);
                assertThat(c.identifyNamespace(2).nsze()).isEqualTo((16L << 20) / 4096);
            }
        }
    }

    private static void awaitListening(int port) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
                return;
            } catch (java.io.IOException e) {
                if (System.nanoTime() > end) throw e;
                Thread.sleep(50);
            }
        }
    }

    /**
     * Live effects on a running node: a port created through the API starts listening and is published by the
     * discovery service, a referral appears in the discovery log, a host whose access is removed loses its
     * controller (and cannot connect again), global enabled=false closes the listeners and empties the discovery
     * log, and a deleted port stops listening.
     */
    @Test
    void liveReconfiguration() throws Exception {
        int ioPort = FreePorts.free();
        String host = "nqn.2026-11.io.example:live-host";
        String enc = NQN.replace(":", "%3A");
        try (NvmegateNode node = start(new CatalogConfig(List.of(), List.of(), List.of()))) {
            ConnectOptions disc = ConnectOptions.builder("127.0.0.1", node.discovery().port()).discoverySubsystem().hostNqn(host).build();
            assertThat(call(node, "POST", "/hosts", JsonObject.of("nqn", host)).statusCode()).isEqualTo(201);
            assertThat(call(node, "POST", "/subsystems", JsonObject.of("nqn", NQN, "allowAnyHost", false)).statusCode()).isEqualTo(201);
            assertThat(call(node, "POST", "/subsystems/" + enc + "/hosts", JsonObject.of("host", host)).statusCode()).isEqualTo(201);
            assertThat(call(node, "POST", "/subsystems/" + enc + "/namespaces", JsonObject.of("size", "8M", "backend", "memory")).statusCode()).isEqualTo(201);
            assertThat(call(node, "POST", "/ports", JsonObject.of("id", 3, "traddr", "127.0.0.1", "trsvcid", ioPort,
                    "subsystems", new io.vertx.core.json.JsonArray().add(NQN))).statusCode()).isEqualTo(201);
            awaitListening(ioPort);
            await(() -> NvmeTcpHost.discover(disc).entries().stream()
                    .anyMatch(e -> e.subnqn().equals(NQN) && e.trsvcid().equals(Integer.toString(ioPort))));
            assertThat(call(node, "POST", "/referrals", JsonObject.of("traddr", "192.0.2.9", "trsvcid", 8009)).statusCode()).isEqualTo(201);
            await(() -> NvmeTcpHost.discover(disc).entries().stream().anyMatch(e -> e.subtype() == 1 && e.traddr().equals("192.0.2.9")));

            ConnectOptions io = ConnectOptions.builder("127.0.0.1", ioPort).subsystemNqn(NQN).hostNqn(host).build();
            try (NvmeController c = NvmeTcpHost.connect(io)) {
                assertThat(c.activeNamespaces(0)).containsExactly(1);
                assertThat(call(node, "DELETE", "/subsystems/" + enc + "/hosts/" + host.replace(":", "%3A"), null).statusCode()).isEqualTo(204);
                await(() -> {
                    try {
                        c.keepAlive();
                        return false;
                    } catch (RuntimeException gone) {
                        return true; // the controller was destroyed and its connection closed
                    }
                });
            }
            assertThat(connects(io)).as("a host without access cannot connect").isFalse();
            assertThat(NvmeTcpHost.discover(disc).entries()).noneMatch(e -> NQN.equals(e.subnqn()));

            assertThat(call(node, "PUT", "/global", JsonObject.of("enabled", false)).statusCode()).isEqualTo(200);
            await(() -> !listening(ioPort));
            await(() -> NvmeTcpHost.discover(disc).subsystemEntries().isEmpty());
            assertThat(call(node, "PUT", "/global", JsonObject.of("enabled", true)).statusCode()).isEqualTo(200);
            awaitListening(ioPort);
            assertThat(call(node, "DELETE", "/ports/3?force=true", null).statusCode()).isEqualTo(204);
            await(() -> !listening(ioPort));
        }
    }

    /**
     * Port links enforced on connected hosts (issue 13, defect 6): unlinking a subsystem from port A destroys the
     * controllers connected to it through A (their connections close) and a new Connect through A is refused, while
     * the same subsystem's controller through port B stays; deleting port B closes the connections made through it.
     */
    @Test
    void unlinkedSubsystemAndDeletedPortTearDownTheirControllers() throws Exception {
        int portA = FreePorts.free(), portB = FreePorts.free();
        String other = "nqn.2026-11.io.example:other";
        String enc = NQN.replace(":", "%3A");
        try (NvmegateNode node = start(new CatalogConfig(List.of(), List.of(), List.of()))) {
            for (String nqn : List.of(NQN, other)) {
                assertThat(call(node, "POST", "/subsystems", JsonObject.of("nqn", nqn)).statusCode()).isEqualTo(201);
                assertThat(call(node, "POST", "/subsystems/" + nqn.replace(":", "%3A") + "/namespaces", JsonObject.of("size", "8M", "backend", "memory")).statusCode()).isEqualTo(201);
            }
            io.vertx.core.json.JsonArray both = new io.vertx.core.json.JsonArray().add(NQN).add(other);
            assertThat(call(node, "POST", "/ports", JsonObject.of("id", 5, "traddr", "127.0.0.1", "trsvcid", portA, "subsystems", both)).statusCode()).isEqualTo(201);
            assertThat(call(node, "POST", "/ports", JsonObject.of("id", 6, "traddr", "127.0.0.1", "trsvcid", portB, "subsystems", both.copy())).statusCode()).isEqualTo(201);
            awaitListening(portA);
            awaitListening(portB);
            ConnectOptions viaA = ConnectOptions.builder("127.0.0.1", portA).subsystemNqn(NQN).ioQueues(1).build();
            ConnectOptions viaB = ConnectOptions.builder("127.0.0.1", portB).subsystemNqn(NQN).ioQueues(1).build();
            await(() -> connects(viaA) && connects(viaB)); // the gateway's snapshot has both ports
            try (NvmeController a = NvmeTcpHost.connect(viaA); NvmeController b = NvmeTcpHost.connect(viaB);
                 NvmeController otherViaA = NvmeTcpHost.connect(ConnectOptions.builder("127.0.0.1", portA).subsystemNqn(other).build())) {
                assertThat(a.activeNamespaces(0)).containsExactly(1);
                assertThat(call(node, "DELETE", "/ports/5/subsystems/" + enc, null).statusCode()).isEqualTo(204);
                await(() -> gone(a));
                assertThat(connects(viaA)).as("Connect to an unlinked subsystem through port A").isFalse();
                b.keepAlive(); // the same subsystem through port B, and another subsystem through A, stay
                otherViaA.keepAlive();
                assertThat(b.read(1, 0, 1, 4096)).hasSize(4096);

                assertThat(call(node, "DELETE", "/ports/6?force=true", null).statusCode()).isEqualTo(204);
                await(() -> gone(b));
                assertThat(connects(viaB)).as("Connect through a deleted port").isFalse();
                otherViaA.keepAlive();
            }
        }
    }

    /** @return true once a command on {@code c} fails: its controller was destroyed and the connection closed */
    private static boolean gone(NvmeController c) {
        try {
            c.keepAlive();
            return false;
        } catch (RuntimeException e) {
            return true;
        }
    }

    private static boolean connects(ConnectOptions o) {
        try (NvmeController c = NvmeTcpHost.connect(o)) {
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static boolean listening(int port) {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private static void await(java.util.concurrent.Callable<Boolean> condition) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.call()) {
            assertThat(System.nanoTime()).as("condition not met within 10 s").isLessThan(end);
            Thread.sleep(50);
        }
    }
}
