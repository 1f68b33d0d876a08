package io.nvmegate.replication.it;

import io.nvmegate.client.ConnectOptions;
import io.nvmegate.client.NvmeController;
import io.nvmegate.client.NvmeTcpHost;
import io.nvmegate.testkit.FreePorts;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Issue 15's multipath cluster, every role in its own JVM on 127.0.0.1 ({@link NodeProcess}: kill -9, SIGSTOP,
 * SIGCONT, restart with the same command line): one block worker ({@code worker-1}, RocksDB, replication factor 1)
 * and two gateways, {@code gateway-a} and {@code gateway-b}, each listening on its own NVMe/TCP port (catalog port
 * 1 and 2, {@code PortSpec.gateway} set) and serving its own management API. The catalog holds subsystem
 * {@link #NQN} with {@link #NAMESPACES} namespaces, NSID n in ANA group (ANAGRPID) n, so that the balancer has one
 * group to give each gateway.
 *
 * <p>The worker alone forms the cluster; the gateways join it through the worker's cluster port (also after a
 * restart). A host reaches the subsystem through either port: {@link #connect}.
 */
public final class GatewayCluster implements AutoCloseable {
    public static final String NQN = "nqn.2026-12.io.nvmegate:failover-it";
    public static final int BLOCK_SIZE = 4096;
    /** NSIDs 1..NAMESPACES; NSID n is in ANA group n. */
    public static final int NAMESPACES = 2;
    public static final List<String> GATEWAYS = List.of("gateway-a", "gateway-b");
    public static final String WORKER = "worker-1";
    /** In-capsule data of both ports: a 4 KiB write is one CapsuleCmd PDU (its data sits in the gateway's socket). */
    public static final int IN_CAPSULE = 16384;

    public final Path dir;
    public final Path logDir;
    public final NodeProcess worker;
    private final Map<String, NodeProcess> gateways = new LinkedHashMap<>();
    private final Map<String, Integer> ioPorts = new LinkedHashMap<>();
    private final Map<String, Integer> apiPorts = new LinkedHashMap<>();
    private final int workerClusterPort;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private GatewayCluster(Path dir, long namespaceBytes) throws Exception {
        this.dir = dir;
        this.workerClusterPort = FreePorts.free();
        for (String g : GATEWAYS) {
            ioPorts.put(g, FreePorts.free());
            apiPorts.put(g, FreePorts.free());
        }
        String clusterName = "failover-it-" + workerClusterPort;
        JsonArray namespaces = new JsonArray();
        for (int nsid = 1; nsid <= NAMESPACES; nsid++) {
            namespaces.add(new JsonObject().put("nsid", nsid).put("size", namespaceBytes).put("blockSize", BLOCK_SIZE)
                    .put("backend", "rocksdb").put("worker", WORKER).put("anaGroup", nsid)
                    .put("uuid", UUID.nameUUIDFromBytes((clusterName + "/" + nsid).getBytes()).toString()));
        }
        JsonArray ports = new JsonArray();
        for (int i = 0; i < GATEWAYS.size(); i++) {
            String g = GATEWAYS.get(i);
            ports.add(new JsonObject().put("id", i + 1).put("traddr", "127.0.0.1").put("trsvcid", ioPorts.get(g))
                    .put("gateway", g).put("inCapsuleDataSize", IN_CAPSULE));
        }
        JsonObject cfg = new JsonObject()
                .put("subsystems", new JsonArray().add(new JsonObject().put("nqn", NQN).put("allowAnyHost", true).put("namespaces", namespaces)))
                .put("ports", ports);
        Path cfgFile = dir.resolve("nvmegate.json");
        Files.writeString(cfgFile, cfg.encodePrettily());
        this.logDir = Files.createDirectories(Path.of("target", "it-logs", clusterName).toAbsolutePath());
        List<String> common = List.of("--config", cfgFile.toString(), "--cluster-name", clusterName, "--cluster-host", "127.0.0.1",
                "--metrics-port", "-1");
        List<String> workerArgs = new ArrayList<>(List.of("worker"));
        workerArgs.addAll(common);
        workerArgs.addAll(List.of("--cluster-port", Integer.toString(workerClusterPort), "--worker-id", WORKER,
                "--data", dir.resolve(WORKER).toString(), "--api-port", "-1", "--raft-port", "-1"));
        this.worker = new NodeProcess(WORKER, logDir, null, NodeProcess.SMALL_JVM, workerArgs, Map.of());
        List<String> gatewayJvm = List.of("-Xmx384m", "-XX:+ExitOnOutOfMemoryError", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xss512k");
        for (String g : GATEWAYS) {
            List<String> args = new ArrayList<>(List.of("gateway"));
            args.addAll(common);
            args.addAll(List.of("--cluster-port", Integer.toString(FreePorts.free()), "--members", "127.0.0.1:" + workerClusterPort,
                    "--gateway-id", g, "--bind", "127.0.0.1", "--discovery-port", "-1", "--data", dir.resolve(g).toString(),
                    "--api-host", "127.0.0.1", "--api-port", Integer.toString(apiPorts.get(g))));
            gateways.put(g, new NodeProcess(g, logDir, null, gatewayJvm, args, Map.of()));
        }
    }

    /**
     * Starts the worker, then both gateways (in parallel), waits until each is ready and until NSID 1 answers a
     * read through each gateway.
     */
    public static GatewayCluster start(Path dir, long namespaceBytes) throws Exception {
        GatewayCluster c = new GatewayCluster(dir, namespaceBytes);
        long t0 = System.nanoTime();
        try {
            c.worker.start();
            awaitPort(c.workerClusterPort, Duration.ofSeconds(60));
            for (NodeProcess g : c.gateways.values()) g.start();
            c.worker.awaitReady(Duration.ofSeconds(120));
            for (NodeProcess g : c.gateways.values()) g.awaitReady(Duration.ofSeconds(120));
            for (String g : GATEWAYS) c.awaitServing(g, Duration.ofSeconds(90));
            System.out.printf("cluster up in %.1f s: %s on %d, %s on %d (logs in %s)%n", (System.nanoTime() - t0) / 1e9,
                    GATEWAYS.get(0), c.ioPort(GATEWAYS.get(0)), GATEWAYS.get(1), c.ioPort(GATEWAYS.get(1)), c.logDir);
            return c;
        } catch (Exception | Error e) {
            AssertionError failure = new AssertionError("cluster did not start: " + e + "\n" + c.logs(), e);
            c.close();
            throw failure;
        }
    }

    static void awaitPort(int port, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return;
            } catch (java.io.IOException notYet) {
                Thread.sleep(200);
            }
        }
        throw new IllegalStateException("127.0.0.1:" + port + " not listening after " + timeout);
    }

    /** Waits until a read of LBA 0 of NSID 1 through {@code gateway} succeeds. */
    public void awaitServing(String gateway, Duration timeout) throws Exception {
        long end = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        while (System.nanoTime() < end) {
            try (NvmeController c = connect(gateway, 1, UUID.randomUUID(), 0)) {
                c.readAsync(1, 0, 1, BLOCK_SIZE).get(10, TimeUnit.SECONDS);
                return;
            } catch (Exception e) {
                last = e;
                Thread.sleep(300);
            }
        }
        throw new IllegalStateException(gateway + " does not serve NSID 1 after " + timeout + ": " + last);
    }

    /**
     * A host controller through {@code gateway}'s port: {@code ioQueues} I/O queues (0: admin only), host ID
     * {@code hostId} (one host uses one ID on every path, as the Linux host), KATO {@code katoMs} (0: none),
     * command timeout 15 s, connect timeout 5 s.
     */
    public NvmeController connect(String gateway, int ioQueues, UUID hostId, int katoMs) {
        return NvmeTcpHost.connect(ConnectOptions.builder("127.0.0.1", ioPort(gateway)).subsystemNqn(NQN).hostId(hostId)
                .ioQueues(ioQueues).keepAliveTimeoutMs(katoMs).commandTimeoutMs(15_000).connectTimeoutMs(5_000).build());
    }

    public int ioPort(String gateway) { return ioPorts.get(gateway); }

    public NodeProcess gateway(String id) { return gateways.get(id); }

    /** Starts gateway {@code id} again (same ID, ports and arguments) and waits until it is ready. */
    public void restart(String id) throws Exception {
        gateways.get(id).start().awaitReady(Duration.ofSeconds(120));
    }

    /** A response of the management API: status and body. */
    public record ApiResponse(int status, String body) {
        public boolean ok() { return status / 100 == 2; }

        @Override public String toString() { return status + " " + body; }
    }

    /**
     * A call of the management API of {@code gateway}, e.g. {@code api("gateway-a", "POST",
     * "/api/v1/gateways/gateway-b/drain", null)}; {@code status} -1 with the exception as body when it does not
     * answer.
     */
    public ApiResponse api(String gateway, String method, String path, String jsonBody) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apiPorts.get(gateway) + path))
                    .timeout(Duration.ofSeconds(10)).header("content-type", "application/json");
            b.method(method, jsonBody == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(jsonBody));
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new ApiResponse(r.statusCode(), r.body());
        } catch (Exception e) {
            return new ApiResponse(-1, e.toString());
        }
    }

    /** The last lines of every process's log. */
    public String logs() {
        StringBuilder b = new StringBuilder();
        List<NodeProcess> all = new ArrayList<>(List.of(worker));
        all.addAll(gateways.values());
        for (NodeProcess p : all) b.append("---- ").append(p.name).append(" (").append(p.log).append(")\n").append(p.tail()).append('\n');
        return b.toString();
    }

    @Override
    public void close() {
        for (NodeProcess p : gateways.values()) closeQuietly(p);
        closeQuietly(worker);
    }

    private static void closeQuietly(NodeProcess p) {
        try {
            p.close();
        } catch (Exception e) {
            System.err.println("closing " + p.name + ": " + e);
        }
    }
}
