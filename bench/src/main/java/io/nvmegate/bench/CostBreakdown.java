package io.nvmegate.bench;

import io.nvmegate.catalog.CatalogConfig;
import io.nvmegate.catalog.NamespaceSpec;
import io.nvmegate.client.ConnectOptions;
import io.nvmegate.client.NvmeController;
import io.nvmegate.client.NvmeTcpHost;
import io.nvmegate.cluster.ClusterOptions;
import io.nvmegate.launcher.NodeOptions;
import io.nvmegate.launcher.NvmegateNode;
import io.nvmegate.launcher.Role;
import io.nvmegate.controller.TransportConfig;
import io.nvmegate.testkit.FreePorts;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Benchmark 3, the cost breakdown: the same jobs through four paths of the same gateway, each next to raw
 * loopback TCP measured just before it (the machine is shared, so every row gets its own reference):
 * <ol>
 *   <li>{@code null-gateway}: answered by the gateway itself (backend {@value NamespaceSpec#NULL_GATEWAY}):
 *       transport + controller + host library only;</li>
 *   <li>{@code null-local-bus}: backend {@code null} on the block worker of the same JVM (local event bus,
 *       worker thread pool);</li>
 *   <li>{@code null-cluster-bus}: backend {@code null} on a block worker in a second JVM on 127.0.0.1, reached over
 *       the clustered event bus (CPU per I/O adds that JVM's CPU time);</li>
 *   <li>{@code rocksdb-local}: backend {@code rocksdb} on the local block worker (first 256 MiB prefilled).</li>
 * </ol>
 */
@Command(name = "cost-breakdown", mixinStandardHelpOptions = true,
        description = "Where the time goes: gateway-only null, local event bus, clustered event bus, RocksDB.")
public final class CostBreakdown implements Callable<Integer> {
    @Option(names = "--duration", defaultValue = "5", description = "Measured seconds per job (default ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--warmup", defaultValue = "2", description = "Warm-up seconds per job (default ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--queues", defaultValue = "2", description = "I/O queues (TCP connections) (default ${DEFAULT-VALUE}).")
    int queues;

    @Option(names = "--jobs", defaultValue = ".*", description = "Regex: run only the jobs whose name matches.")
    String jobFilter;

    @Option(names = "--paths", split = ",", defaultValue = "null-gateway,null-local-bus,null-cluster-bus,rocksdb-local",
            description = "Paths to run (default ${DEFAULT-VALUE}).")
    List<String> paths;

    @Option(names = "--out", defaultValue = "bench/results", description = "Folder for the result file.")
    Path out;

    static final long SPAN = 1L << 30;
    static final String REMOTE_WORKER = "worker-remote";

    private record Path4(String name, String nqn, String backend, String worker) {}

    private static final List<Path4> PATHS = List.of(
            new Path4("null-gateway", "nqn.2026-11.io.nvmegate:cost-null-gateway", NamespaceSpec.NULL_GATEWAY, "worker-1"),
            new Path4("null-local-bus", "nqn.2026-11.io.nvmegate:cost-null-local", "null", "worker-1"),
            new Path4("null-cluster-bus", "nqn.2026-11.io.nvmegate:cost-null-cluster", "null", REMOTE_WORKER),
            new Path4("rocksdb-local", "nqn.2026-11.io.nvmegate:cost-rocksdb", "rocksdb", "worker-1"));

    public static void main(String[] args) {
        System.exit(new CommandLine(new CostBreakdown()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Path data = Files.createTempDirectory("nvmegate-cost");
        int ioPort = FreePorts.free();
        int clusterPort = FreePorts.free();
        String clusterName = "cost-" + ioPort;
        JsonArray subs = new JsonArray();
        for (Path4 p : PATHS) {
            subs.add(new JsonObject().put("nqn", p.nqn()).put("namespaces", new JsonArray().add(new JsonObject().put("nsid", 1)
                    .put("size", SPAN).put("blockSize", 4096).put("backend", p.backend()).put("worker", p.worker()))));
        }
        JsonObject config = new JsonObject().put("subsystems", subs)
                .put("ports", new JsonArray().add(new JsonObject().put("id", 1).put("traddr", "127.0.0.1").put("trsvcid", ioPort)));
        Path configFile = data.resolve("config.json");
        Files.writeString(configFile, config.encodePrettily());
        NodeOptions o = new NodeOptions(Role.all, new ClusterOptions(clusterName, "127.0.0.1", clusterPort, List.of()),
                CatalogConfig.parse(config), data, "worker-1", "gateway-1", "127.0.0.1", FreePorts.free(), TransportConfig.defaults());

        List<String> lines = new ArrayList<>();
        lines.add(String.format("%-17s %-17s %9s %8s %7s %7s %9s %10s %8s", "path", "job", "IOPS", "MiB/s", "p50 us", "p99 us",
                "CPU us/IO", "loopback", "% of lb"));
        TargetProcess remote = null;
        try (NvmegateNode node = NvmegateNode.start(o, Duration.ofMinutes(1))) {
            if (paths.contains("null-cluster-bus")) {
                remote = startRemoteWorker(data, clusterName, clusterPort, configFile);
                try (NvmeController c = NvmeTcpHost.connect(ConnectOptions.builder("127.0.0.1", ioPort)
                        .subsystemNqn(PATHS.get(2).nqn()).ioQueues(1).build())) {
                    awaitServed(c); // before any measurement: the second JVM's start-up must not share the cores with a row
                }
            }
            for (Path4 p : PATHS) {
                if (!paths.contains(p.name())) continue;
                TargetProcess proc = p.worker().equals(REMOTE_WORKER) ? remote : null;
                LongSupplier cpu = proc == null ? LoadGenerator::cpuNanos : () -> LoadGenerator.cpuNanos() + proc.cpuNanos();
                double loopback = Baselines.loopbackTcpMiBs(128 * 1024, Duration.ofSeconds(2));
                try (NvmeController c = NvmeTcpHost.connect(ConnectOptions.builder("127.0.0.1", ioPort)
                        .subsystemNqn(p.nqn()).ioQueues(queues).build())) {
                    LoadGenerator gen = new LoadGenerator(c, cpu);
                    if (p.backend().equals("rocksdb")) {
                        gen.run(new Workload("prefill", 1, 4096, 512 * 1024, 8, 0, false, 256L << 20, Duration.ZERO, Duration.ofSeconds(4)));
                    }
                    for (Workload w : jobs()) {
                        if (!w.name().matches(jobFilter)) continue;
                        Result r = gen.run(w);
                        String line = String.format("%-17s %-17s %9.0f %8.1f %7.0f %7.0f %9.1f %10.0f %7.1f%%%s", p.name(), w.name(), r.iops(),
                                r.mibPerSecond(), r.p50us(), r.p99us(), r.cpuUsPerIo(), loopback, 100 * r.mibPerSecond() / loopback,
                                r.errors() > 0 ? "  errors=" + r.errors() : "");
                        System.out.println(line);
                        lines.add(line);
                    }
                }
            }
        } finally {
            if (remote != null) remote.close();
        }
        lines.add("");
        lines.add("loopback: raw loopback TCP (1 connection, 128 KiB writes, 2 s) measured just before the row's jobs, MiB/s;");
        lines.add("% of lb: the row's MiB/s as a share of it. CPU us/IO: process CPU time per command (initiator, gateway and");
        lines.add("local worker share one JVM; null-cluster-bus adds the worker JVM).");
        lines.add(Report.machine() + String.format("; %d I/O queues, %d s warm-up + %d s per job", queues, warmup, seconds));
        Report.printAndSave(out, "cost-breakdown", lines);
        return 0;
    }

    private List<Workload> jobs() {
        return Workload.standard(SPAN, Duration.ofSeconds(warmup), Duration.ofSeconds(seconds));
    }

    /** A block worker ({@code launcher Main worker}) in a second JVM that joins this process's cluster. */
    private static TargetProcess startRemoteWorker(Path data, String clusterName, int clusterPort, Path configFile) throws IOException {
        return TargetProcess.start(new TargetProcess.Launch("", List.of("-Xmx1g"), null), data, "remote-worker", List.of("worker",
                "--config", configFile.toString(), "--data", data.resolve("remote").toString(),
                "--cluster-name", clusterName, "--cluster-host", "127.0.0.1", "--cluster-port", String.valueOf(FreePorts.free()),
                "--members", "127.0.0.1:" + clusterPort, "--worker-id", REMOTE_WORKER, "--metrics-port", "-1",
                "--api-port", "-1", "--catalog-store", "none"), Map.of());
    }

    /** Waits until the remote worker answers (it registers its consumer once it has joined the cluster). */
    private static void awaitServed(NvmeController c) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < end) {
            try {
                c.readAsync(1, 0, 1, 4096).get(30, TimeUnit.SECONDS);
                return;
            } catch (Exception notYet) {
                Thread.sleep(500);
            }
        }
        throw new IllegalStateException("the remote block worker did not answer within 120 s");
    }

}
