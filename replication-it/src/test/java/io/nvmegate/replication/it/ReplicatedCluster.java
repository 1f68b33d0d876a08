package io.nvmegate.replication.it;

import io.nvmegate.catalog.CatalogConfig;
import io.nvmegate.catalog.NamespaceSpec;
import io.nvmegate.catalog.ReplicationStatus;
import io.nvmegate.client.ConnectOptions;
import io.nvmegate.client.NvmeController;
import io.nvmegate.client.NvmeTcpHost;
import io.nvmegate.cluster.ClusterOptions;
import io.nvmegate.controller.TransportConfig;
import io.nvmegate.launcher.NodeOptions;
import io.nvmegate.launcher.NvmegateNode;
import io.nvmegate.launcher.Role;
import io.nvmegate.testkit.FreePorts;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Three block workers in separate JVMs ({@code worker-1..3}, each its own cluster port, Raft port and data
 * directory on 127.0.0.1) and a gateway in the test JVM (a cluster member: the test reads the replication map and
 * reaches the workers' event-bus addresses through it). The catalog, seeded by each worker's configuration file,
 * holds one subsystem {@link #NQN} with one RocksDB namespace (NSID 1) of replication factor {@code rf}: replicas
 * worker-1..3 for RF 3, worker-1 for RF 1.
 *
 * <p>System property {@code nvmegate.it.rf} (default 3) picks the replication factor of the tests built on this
 * class: RF 1 runs the same harness (processes, kills, history checker) on the unreplicated direct path.
 */
public final class ReplicatedCluster implements AutoCloseable {
    public static final String NQN = "nqn.2026-12.io.nvmegate:replication-it";
    public static final int NSID = 1;
    public static final int BLOCK_SIZE = 4096;
    public static final List<String> WORKERS = List.of("worker-1", "worker-2", "worker-3");

    public final Path dir;
    /** Where the worker logs go: {@code target/it-logs/<cluster name>}. */
    public final Path logDir;
    public final int rf;
    public final NamespaceSpec namespace;
    public final int ioPort;
    public final List<NodeProcess> workers = new ArrayList<>();
    private final String clusterName;
    private final List<String> seeds = new ArrayList<>();
    private final int gatewayClusterPort;
    private final CatalogConfig config;
    private NvmegateNode gateway;
    /** A Hazelcast member in the test JVM started before every worker (so the cluster's master), or null. */
    private com.hazelcast.core.HazelcastInstance witness;
    private final int witnessPort;

    /** @return the replication factor the tests run with: system property {@code nvmegate.it.rf}, default 3 */
    public static int configuredRf() {
        return Integer.getInteger("nvmegate.it.rf", 3);
    }

    private ReplicatedCluster(Path dir, int rf, long sizeBytes, boolean witness) throws Exception {
        this.dir = dir;
        this.witnessPort = witness ? FreePorts.free() : -1;
        this.rf = rf;
        this.ioPort = FreePorts.free();
        this.clusterName = "repl-it-" + ioPort;
        this.gatewayClusterPort = FreePorts.free();
        int[] clusterPorts = new int[WORKERS.size()];
        for (int i = 0; i < clusterPorts.length; i++) {
            clusterPorts[i] = FreePorts.free();
            seeds.add("127.0.0.1:" + clusterPorts[i]);
        }
        seeds.add("127.0.0.1:" + gatewayClusterPort);
        if (witness) seeds.add("127.0.0.1:" + witnessPort);
        JsonObject ns = new JsonObject().put("nsid", NSID).put("size", sizeBytes).put("blockSize", BLOCK_SIZE)
                .put("backend", "rocksdb").put("uuid", UUID.nameUUIDFromBytes(("repl-it-" + ioPort).getBytes()).toString())
                .put("replicationFactor", rf).put("replicas", new JsonArray(rf == 1 ? List.of(WORKERS.get(0)) : WORKERS.subList(0, rf)));
        JsonObject cfg = new JsonObject()
                .put("subsystems", new JsonArray().add(new JsonObject().put("nqn", NQN).put("allowAnyHost", true)
                        .put("namespaces", new JsonArray().add(ns))))
                .put("ports", new JsonArray().add(new JsonObject().put("id", 1).put("traddr", "127.0.0.1").put("trsvcid", ioPort)));
        Path cfgFile = dir.resolve("nvmegate.json");
        Files.writeString(cfgFile, cfg.encodePrettily());
        this.config = CatalogConfig.parse(cfg);
        this.namespace = config.namespaces().get(0);
        // the workers' logs outlive the test's temporary directory: target/it-logs/<cluster name>/
        this.logDir = Files.createDirectories(Path.of("target", "it-logs", clusterName).toAbsolutePath());
        List<String> jvm = NodeProcess.SMALL_JVM;
        for (int i = 0; i < WORKERS.size(); i++) {
            String id = WORKERS.get(i);
            List<String> others = new ArrayList<>(seeds);
            others.remove("127.0.0.1:" + clusterPorts[i]);
            List<String> args = List.of("worker", "--config", cfgFile.toString(), "--cluster-name", clusterName,
                    "--cluster-host", "127.0.0.1", "--cluster-port", Integer.toString(clusterPorts[i]),
                    "--members", String.join(",", others), "--worker-id", id, "--data", dir.resolve(id).toString(),
                    "--metrics-port", "-1", "--api-port", "-1");
            // the Raft port goes by environment: a launcher without replication ignores it (RF 1 runs anywhere)
            workers.add(new NodeProcess(id, logDir, null, jvm, args,
                    Map.of("NVMEGATE_RAFT_PORT", Integer.toString(FreePorts.free()))));
        }
    }

    /**
     * Starts the workers (worker-1 first, so that one member forms the cluster and the others join it), waits
     * until each is ready, then the gateway, and waits until the namespace answers a read through it.
     */
    public static ReplicatedCluster start(Path dir, int rf, long sizeBytes) throws Exception {
        return start(dir, rf, sizeBytes, false);
    }

    /**
     * As {@link #start(Path, int, long)}; {@code witness}: first a plain Hazelcast member in the test JVM (the
     * project's configuration, {@code Cluster#hazelcastConfig}), listed by every worker, so that it is the
     * cluster's master and a paused worker never is. A SIGSTOPped Hazelcast master stalled the cluster's maps (lease
     * renewals, Raft leader status) for over 60 s on a 2-core CI machine: no new leader could be published, the
     * gateway's lease lapsed. A test about the Raft fence of a paused leader keeps that out of its way.
     */
    public static ReplicatedCluster start(Path dir, int rf, long sizeBytes, boolean witness) throws Exception {
        ReplicatedCluster c = new ReplicatedCluster(dir, rf, sizeBytes, witness);
        try {
            if (witness) {
                c.witness = com.hazelcast.core.Hazelcast.newHazelcastInstance(io.nvmegate.cluster.Cluster.hazelcastConfig(
                        new ClusterOptions(c.clusterName, "127.0.0.1", c.witnessPort, List.of())));
            }
            c.workers.get(0).start();
            awaitPort(c.seeds.get(0), Duration.ofSeconds(60));
            Thread.sleep(1500);
            for (int i = 1; i < c.workers.size(); i++) c.workers.get(i).start();
            for (NodeProcess w : c.workers) w.awaitReady(Duration.ofSeconds(120));
            c.gateway = NvmegateNode.start(new NodeOptions(Role.gateway,
                    new ClusterOptions(c.clusterName, "127.0.0.1", c.gatewayClusterPort, c.seeds.subList(0, c.workers.size())),
                    c.config, dir.resolve("gateway"), "worker-1", "gateway-1", "127.0.0.1", -1, TransportConfig.defaults()),
                    Duration.ofMinutes(2));
            c.awaitServing(Duration.ofSeconds(90));
            return c;
        } catch (Exception | Error e) {
            AssertionError failure = new AssertionError("cluster did not start: " + e + "\n" + c.logs(), e);
            c.close();
            throw failure;
        }
    }

    private static void awaitPort(String hostPort, Duration timeout) throws InterruptedException {
        String[] hp = hostPort.split(":");
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(hp[0], Integer.parseInt(hp[1])), 500);
                return;
            } catch (java.io.IOException notYet) {
                Thread.sleep(200);
            }
        }
        throw new IllegalStateException(hostPort + " not listening after " + timeout);
    }

    /** Waits until a read of LBA 0 through the gateway succeeds (the group has a leader, the gateway routes to it). */
    public void awaitServing(Duration timeout) throws Exception {
        long end = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        try (NvmeController c = connect(1)) {
            while (System.nanoTime() < end) {
                try {
                    c.readAsync(NSID, 0, 1, BLOCK_SIZE).get(20, java.util.concurrent.TimeUnit.SECONDS);
                    return;
                } catch (Exception e) {
                    last = e;
                    Thread.sleep(500);
                }
            }
        }
        throw new IllegalStateException("namespace not served after " + timeout + ": " + last);
    }

    /** A host connection to the gateway (the project's host library), {@code queues} I/O queues. */
    public NvmeController connect(int queues) {
        return NvmeTcpHost.connect(ConnectOptions.builder("127.0.0.1", ioPort).subsystemNqn(NQN).ioQueues(queues).build());
    }

    public NvmegateNode gateway() { return gateway; }

    public NodeProcess worker(String id) {
        return workers.get(WORKERS.indexOf(id));
    }

    /**
     * The group's state as its leader last published it ({@link ReplicationStatus#MAP}), or null (RF 1, or
     * nothing published yet).
     */
    public ReplicationStatus status() {
        Object v = gateway.cluster().hazelcast().getMap(ReplicationStatus.MAP).get(namespace.uuid().toString());
        if (v == null) return null;
        JsonObject j = v instanceof JsonObject o ? o : new JsonObject(v.toString());
        return ReplicationStatus.fromJson(j);
    }

    /**
     * @param freshMs how recent the publication must be
     * @return the leader's worker ID: for RF 1 the namespace's worker; else the published leader if the status is
     *         at most {@code freshMs} old and that worker's process is alive, else null
     */
    public String leader(long freshMs) {
        if (rf == 1) return namespace.worker();
        ReplicationStatus s = status();
        if (s == null || s.leader() == null || System.currentTimeMillis() - s.updatedMs() > freshMs) return null;
        int i = WORKERS.indexOf(s.leader());
        return i >= 0 && workers.get(i).alive() ? s.leader() : null;
    }

    /**
     * Waits until a leader other than {@code not} publishes (RF above 1), at most {@code timeout}.
     *
     * @return its worker ID, or null on timeout
     */
    public String awaitLeader(String not, long publishedAfterMs, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            ReplicationStatus s = status();
            if (s != null && s.leader() != null && !s.leader().equals(not) && s.updatedMs() >= publishedAfterMs) return s.leader();
            Thread.sleep(50);
        }
        return null;
    }

    /**
     * Waits (at most {@code timeout}) until the published status lists every replica as a healthy follower or the
     * leader with a lag of at most {@code maxLag} entries, i.e. a restarted worker has caught up.
     *
     * @return whether it did
     */
    public boolean awaitCaughtUp(long maxLag, Duration timeout) throws InterruptedException {
        if (rf == 1) return true;
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            ReplicationStatus s = status();
            if (s != null && System.currentTimeMillis() - s.updatedMs() < 3000 && s.replicas().size() == rf
                    && s.replicas().stream().allMatch(r -> r.lagEntries() <= maxLag && !"unreachable".equals(r.state()))) {
                return true;
            }
            Thread.sleep(100);
        }
        return false;
    }

    /**
     * Waits (at most {@code timeout}) until Hazelcast reports the cluster safe (every partition's backups in place,
     * no migration running): a member killed before that may take the last copy of a partition with it (catalog,
     * ANA owners), a double failure beyond what the cluster promises. A restarted worker's partitions migrate back
     * to it for seconds after it joined.
     *
     * @return whether it became safe
     */
    public boolean awaitClusterSafe(Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        var partitions = gateway.cluster().hazelcast().getPartitionService();
        while (System.nanoTime() < end) {
            if (partitions.isClusterSafe()) return true;
            Thread.sleep(100);
        }
        return partitions.isClusterSafe();
    }

    /** The last lines of every worker's log. */
    public String logs() {
        StringBuilder b = new StringBuilder();
        for (NodeProcess w : workers) b.append("---- ").append(w.name).append(" (").append(w.log).append(")\n").append(w.tail()).append('\n');
        return b.toString();
    }

    @Override
    public void close() {
        if (gateway != null) gateway.close();
        if (witness != null) witness.getLifecycleService().terminate();
        for (NodeProcess w : workers) {
            try {
                w.close();
            } catch (Exception e) {
                System.err.println("closing " + w.name + ": " + e);
            }
        }
    }
}
