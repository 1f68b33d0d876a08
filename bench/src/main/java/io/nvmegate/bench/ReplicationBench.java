package io.nvmegate.bench;

import io.nvmegate.client.ConnectOptions;
import io.nvmegate.client.NvmeController;
import io.nvmegate.client.NvmeTcpHost;
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

/**
 * Issue 14's replication benchmark: the same jobs on a namespace of replication factor 1 (direct path, one block
 * worker) and one of replication factor 3 (a Raft group over three block workers), served by the same cluster in
 * the same run, each RF 3 row right after its RF 1 row, and their ratio. The target (three block workers and a
 * gateway, each a {@code launcher Main} JVM on 127.0.0.1) runs on {@code --target-cpus} (taskset), this JVM (the
 * load generator, the project's host library) on the others ({@code bench/replication.sh} pins it).
 *
 * <p>Jobs: 4 KiB random write QD32, 128 KiB sequential write QD8, 4 KiB random read QD32 (over a prefilled span).
 * CPU us/IO is the target's: the CPU time of the four target JVMs per command (the load generator excluded).
 */
@Command(name = "replication", mixinStandardHelpOptions = true,
        description = "RF 1 vs RF 3: 4k randwrite QD32, 128k seqwrite QD8, 4k randread QD32, ratios RF3/RF1.")
public final class ReplicationBench implements Callable<Integer> {
    @Option(names = "--duration", defaultValue = "10", description = "Measured seconds per row (default ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--warmup", defaultValue = "3", description = "Warm-up seconds per row (default ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--queues", defaultValue = "2", description = "I/O queues (TCP connections) (default ${DEFAULT-VALUE}).")
    int queues;

    @Option(names = "--span", defaultValue = "256", description = "MiB of each namespace the jobs touch; prefilled before the reads (default ${DEFAULT-VALUE}).")
    int spanMib;

    @Option(names = "--target-cpus", defaultValue = "", description = "taskset CPU list of the target JVMs (empty: not pinned).")
    String targetCpus;

    @Option(names = "--loadgen-cpus", defaultValue = "", description = "The load generator's CPUs (label only: the script pins this JVM).")
    String loadgenCpus;

    @Option(names = "--jobs", defaultValue = ".*", description = "Regex: run only the jobs whose name matches.")
    String jobFilter;

    @Option(names = "--java-opts", defaultValue = "-Xmx768m -XX:+ExitOnOutOfMemoryError", split = " ", description = "JVM flags of the target JVMs (default ${DEFAULT-VALUE}).")
    List<String> targetJvm;

    @Option(names = "--rf3", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Run the RF 3 rows (--no-rf3: RF 1 only, e.g. without replication).")
    boolean rf3Rows;

    @Option(names = "--out", defaultValue = "bench/results", description = "Folder for the result file.")
    Path out;

    static final String RF1_NQN = "nqn.2026-12.io.nvmegate:bench-rf1";
    static final String RF3_NQN = "nqn.2026-12.io.nvmegate:bench-rf3";
    static final List<String> WORKERS = List.of("worker-1", "worker-2", "worker-3");

    public static void main(String[] args) {
        System.exit(new CommandLine(new ReplicationBench()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Path data = Files.createTempDirectory("nvmegate-repl-bench");
        long span = (long) spanMib << 20;
        int ioPort = FreePorts.free();
        String clusterName = "repl-bench-" + ioPort;
        JsonObject config = new JsonObject()
                .put("subsystems", new JsonArray()
                        .add(subsystem(RF1_NQN, 1, span))
                        .add(subsystem(RF3_NQN, 3, span)))
                .put("ports", new JsonArray().add(new JsonObject().put("id", 1).put("traddr", "127.0.0.1").put("trsvcid", ioPort)));
        Path configFile = data.resolve("config.json");
        Files.writeString(configFile, config.encodePrettily());
        List<Integer> clusterPorts = new ArrayList<>();
        for (int i = 0; i <= WORKERS.size(); i++) clusterPorts.add(FreePorts.free());
        List<String> seeds = clusterPorts.stream().map(p -> "127.0.0.1:" + p).toList();

        List<TargetProcess> target = new ArrayList<>();
        List<String> lines = new ArrayList<>();
        lines.add(String.format("%-18s %-3s %9s %8s %8s %8s %10s %10s", "job", "RF", "IOPS", "MiB/s", "p50 us", "p99 us",
                "target CPU", "RF3/RF1"));
        lines.add(String.format("%-18s %-3s %9s %8s %8s %8s %10s %10s", "", "", "", "", "", "", "us/IO", "IOPS"));
        try {
            for (int i = 0; i < WORKERS.size(); i++) {
                List<String> others = new ArrayList<>(seeds);
                others.remove(i);
                target.add(start(data, WORKERS.get(i), List.of("worker", "--config", configFile.toString(), "--cluster-name", clusterName,
                        "--cluster-host", "127.0.0.1", "--cluster-port", clusterPorts.get(i).toString(), "--members", String.join(",", others),
                        "--worker-id", WORKERS.get(i), "--data", data.resolve(WORKERS.get(i)).toString(),
                        "--metrics-port", "-1", "--api-port", "-1"), FreePorts.free()));
                if (i == 0) Thread.sleep(3000); // worker-1 forms the cluster, the others join it
            }
            target.add(start(data, "gateway", List.of("gateway", "--config", configFile.toString(), "--cluster-name", clusterName,
                    "--cluster-host", "127.0.0.1", "--cluster-port", clusterPorts.get(WORKERS.size()).toString(),
                    "--members", String.join(",", seeds.subList(0, WORKERS.size())), "--gateway-id", "gateway-1",
                    "--discovery-port", "-1", "--metrics-port", "-1", "--api-port", "-1"), 0));
            TargetProcess.awaitListening(ioPort, target, 180);
            try (NvmeController rf1 = connect(ioPort, RF1_NQN); NvmeController rf3 = rf3Rows ? connect(ioPort, RF3_NQN) : null) {
                TargetProcess.awaitServed(rf1, target);
                if (rf3 != null) TargetProcess.awaitServed(rf3, target);
                java.util.function.LongSupplier cpu = () -> TargetProcess.cpuNanos(target);
                LoadGenerator g1 = new LoadGenerator(rf1, cpu), g3 = rf3 == null ? null : new LoadGenerator(rf3, cpu);
                Duration w = Duration.ofSeconds(warmup), d = Duration.ofSeconds(seconds);
                List<Workload> jobs = List.of(
                        new Workload("randwrite-4k-qd32", 1, 4096, 4096, 32, 0, true, span, w, d),
                        new Workload("seqwrite-128k-qd8", 1, 4096, 128 * 1024, 8, 0, false, span, w, d),
                        new Workload("randread-4k-qd32", 1, 4096, 4096, 32, 100, true, span, w, d));
                for (Workload job : jobs) {
                    if (!job.name().matches(jobFilter)) continue;
                    if (job.readPct() == 100) { // reads of written blocks: prefill the span of both namespaces
                        Workload fill = new Workload("prefill", 1, 4096, 128 * 1024, 8, 0, false, span, Duration.ZERO,
                                Duration.ofSeconds(Math.max(5, spanMib / 16)));
                        g1.run(fill);
                        if (g3 != null) g3.run(fill);
                    }
                    Result r1 = g1.run(job);
                    lines.add(row(job.name(), 1, r1, ""));
                    System.out.println(lines.get(lines.size() - 1));
                    if (g3 == null) continue;
                    Result r3 = g3.run(job);
                    lines.add(row(job.name(), 3, r3, String.format("%.2f", r1.iops() == 0 ? 0 : r3.iops() / r1.iops())));
                    System.out.println(lines.get(lines.size() - 1));
                }
            }
        } finally {
            TargetProcess.stopAll(target);
        }
        lines.add("");
        lines.add("RF 1: direct path to worker-1; RF 3: Raft group over worker-1..3 (log fsynced on a majority before the reply).");
        lines.add("Each RF 3 row runs right after its RF 1 row on the same cluster; RF3/RF1 = ratio of IOPS. target CPU us/IO:");
        lines.add("CPU time of the gateway and the three worker JVMs per command (the load generator not counted).");
        lines.add(Report.machine() + String.format("; target on CPUs %s, load generator on CPUs %s; %d I/O queues, %d s warm-up + %d s per row, span %d MiB",
                targetCpus.isBlank() ? "(not pinned)" : targetCpus, loadgenCpus.isBlank() ? "(not pinned)" : loadgenCpus, queues, warmup, seconds, spanMib));
        Report.printAndSave(out, "replication", lines);
        return 0;
    }

    private static JsonObject subsystem(String nqn, int rf, long span) {
        JsonObject ns = new JsonObject().put("nsid", 1).put("size", Math.max(span, 1L << 30)).put("blockSize", 4096)
                .put("backend", "rocksdb").put("replicationFactor", rf)
                .put("replicas", new JsonArray(rf == 1 ? List.of(WORKERS.get(0)) : WORKERS));
        return new JsonObject().put("nqn", nqn).put("allowAnyHost", true).put("namespaces", new JsonArray().add(ns));
    }

    private String row(String job, int rf, Result r, String ratio) {
        return String.format("%-18s %-3d %9.0f %8.1f %8.0f %8.0f %10.1f %10s%s", job, rf, r.iops(), r.mibPerSecond(), r.p50us(),
                r.p99us(), r.cpuUsPerIo(), ratio, r.errors() > 0 ? "  errors=" + r.errors() : "");
    }

    private NvmeController connect(int port, String nqn) {
        return NvmeTcpHost.connect(ConnectOptions.builder("127.0.0.1", port).subsystemNqn(nqn).ioQueues(queues).build());
    }

    /** A target JVM ({@code launcher Main}), pinned with taskset when {@code --target-cpus} is set; Raft port by environment. */
    private TargetProcess start(Path data, String name, List<String> args, int raftPort) throws IOException {
        return TargetProcess.start(new TargetProcess.Launch(targetCpus, targetJvm, null), data, name, args,
                raftPort > 0 ? Map.of("NVMEGATE_RAFT_PORT", Integer.toString(raftPort)) : Map.of());
    }

}
