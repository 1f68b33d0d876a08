package io.nvmegate.bench;

import io.nvmegate.catalog.CatalogConfig;
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

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * Native benchmark on this machine, two modes:
 * <ul>
 *   <li>default (pinned, {@link SeparateTargetBench}): the target in separate {@code launcher Main} JVM(s) pinned to
 *       {@code --target-cpus}, one process with all roles and a worker + gateway pair, driven by this JVM (pinned
 *       by {@code bench/native.sh} to the other CPUs); per-I/O CPU of the target and of the initiator apart;</li>
 *   <li>{@code --in-process}: nvmegate (all roles, private cluster on 127.0.0.1) in this JVM next to the load
 *       generator, with the limits measured in the same run: raw loopback TCP throughput and RocksDB's own
 *       single-block put/get rate.</li>
 * </ul>
 * Prints a table and writes it under bench/results/.
 */
@Command(name = "native-bench", mixinStandardHelpOptions = true,
        description = "nvmegate over loopback through the Java host library: target in pinned JVMs (default) or in this JVM (--in-process).")
public final class NativeBench implements Callable<Integer> {
    @Option(names = "--in-process", description = "The old mode: target and load generator in this JVM (default: target in separate pinned JVMs).")
    boolean inProcess;

    @Option(names = "--target-cpus", defaultValue = "0", description = "Pinned mode: taskset CPU list of the target JVMs; empty: not pinned (default ${DEFAULT-VALUE}).")
    String targetCpus;

    @Option(names = "--initiator-cpus", defaultValue = "", description = "Pinned mode: this JVM's CPUs (label only: bench/native.sh pins this JVM).")
    String initiatorCpus;

    @Option(names = "--target-classpath", description = "Pinned mode: classpath of the target JVMs, e.g. an older build's "
            + "launcher/target/nvmegate.jar for A/B runs (default: this jar).")
    String targetClasspath;

    @Option(names = "--target-java-opts", defaultValue = "-XX:+ExitOnOutOfMemoryError", description = "Pinned mode: JVM flags of "
            + "the target JVMs (default ${DEFAULT-VALUE}, as ./run.sh).")
    String targetJavaOpts;

    @Option(names = "--shapes", split = ",", defaultValue = "1,2", description = "Pinned mode: 1 = one target JVM with all roles, "
            + "2 = a block worker JVM and a gateway JVM (default ${DEFAULT-VALUE}).")
    List<String> shapes;

    @Option(names = "--span", defaultValue = "256", description = "Pinned mode: MiB of each namespace the jobs touch; rocksdb's is "
            + "written first (default ${DEFAULT-VALUE}).")
    int spanMib;

    @Option(names = "--duration", defaultValue = "10", description = "Measured seconds per job (default ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--warmup", defaultValue = "3", description = "Warm-up seconds per job (default ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--queues", defaultValue = "2", description = "I/O queues (TCP connections) (default ${DEFAULT-VALUE}).")
    int queues;

    @Option(names = "--out", defaultValue = "bench/results", description = "Folder for the result file.")
    Path out;

    @Option(names = "--jobs", defaultValue = ".*", description = "Regex: run only the jobs whose name matches (e.g. 'seqread.*|randread-4k-qd32').")
    String jobFilter;

    @Option(names = "--no-limits", description = "In-process mode: skip the loopback TCP and RocksDB reference measurements (e.g. while profiling).")
    boolean noLimits;

    @Option(names = "--backends", split = ",", description = "Backends to run: null-gateway (pinned mode only), null, rocksdb "
            + "(default: all of them; in-process: null,rocksdb).")
    List<String> backends;

    static final String NULL_NQN = "nqn.2026-11.io.nvmegate:bench-null";
    static final String ROCKS_NQN = "nqn.2026-11.io.nvmegate:bench-rocksdb";
    static final long SPAN = 1L << 30;

    public static void main(String[] args) {
        System.exit(new CommandLine(new NativeBench()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (!inProcess) {
            return new SeparateTargetBench(new SeparateTargetBench.Settings(shapes,
                    backends == null ? SeparateTargetBench.BACKENDS : backends, jobFilter, queues, Duration.ofSeconds(warmup),
                    Duration.ofSeconds(seconds), (long) spanMib << 20,
                    new TargetProcess.Launch(targetCpus, List.of(targetJavaOpts.trim().split("\\s+")), targetClasspath),
                    initiatorCpus, out)).run();
        }
        if (backends == null) backends = List.of("null", "rocksdb");
        Path data = Files.createTempDirectory("nvmegate-bench");
        int ioPort = FreePorts.free();
        CatalogConfig cfg = CatalogConfig.parse(new JsonObject()
                .put("subsystems", new JsonArray()
                        .add(subsystem(NULL_NQN, "null"))
                        .add(subsystem(ROCKS_NQN, "rocksdb")))
                .put("ports", new JsonArray().add(new JsonObject().put("id", 1).put("traddr", "127.0.0.1").put("trsvcid", ioPort))));
        NodeOptions o = new NodeOptions(Role.all, new ClusterOptions("bench-" + ioPort, "127.0.0.1", FreePorts.free(), List.of()),
                cfg, data, "worker-1", "gateway-1", "127.0.0.1", FreePorts.free(), TransportConfig.defaults());
        List<String> lines = new ArrayList<>();
        lines.add(String.format("%-18s %-9s %10s %9s %9s %9s %9s %10s", "job", "backend", "IOPS", "MiB/s", "p50 us", "p99 us", "p99.9 us", "CPU us/IO"));
        java.util.Map<String, Double> seqRead = new java.util.LinkedHashMap<>();
        try (NvmegateNode node = NvmegateNode.start(o, Duration.ofMinutes(1))) {
            for (String[] target : new String[][] {{NULL_NQN, "null"}, {ROCKS_NQN, "rocksdb"}}) {
                if (!backends.contains(target[1])) continue;
                try (NvmeController c = NvmeTcpHost.connect(ConnectOptions.builder("127.0.0.1", ioPort)
                        .subsystemNqn(target[0]).ioQueues(queues).build())) {
                    LoadGenerator gen = new LoadGenerator(c);
                    if (target[1].equals("rocksdb")) prefill(gen);
                    for (Workload w : jobs()) {
                        if (!w.name().matches(jobFilter)) continue;
                        Result r = gen.run(w);
                        String line = String.format("%-18s %-9s %10.0f %9.1f %9.0f %9.0f %9.0f %10.1f%s", w.name(), target[1], r.iops(),
                                r.mibPerSecond(), r.p50us(), r.p99us(), r.p999us(), r.cpuUsPerIo(), r.errors() > 0 ? "  errors=" + r.errors() : "");
                        System.out.println(line);
                        lines.add(line);
                        if (w.name().startsWith("seqread-128k")) seqRead.put(target[1], r.mibPerSecond());
                    }
                }
            }
        }
        if (noLimits) {
            lines.forEach(System.out::println);
            return 0;
        }
        double tcp = Baselines.loopbackTcpMiBs(128 * 1024, Duration.ofSeconds(5));
        lines.add("");
        lines.add(String.format("limit: raw loopback TCP, 1 connection, 128 KiB writes: %.0f MiB/s", tcp));
        seqRead.forEach((backend, mibs) -> lines.add(String.format("  seqread-128k-qd8 %s: %.1f %% of raw loopback", backend, 100 * mibs / tcp)));
        if (backends.contains("rocksdb")) {
            Baselines.RocksRates rocks = Baselines.rocksDb(data.resolve("rocks-baseline"), 4096, SPAN / 4096, Duration.ofSeconds(5));
            lines.add(String.format("limit: RocksDB block store, 4 KiB, 1 thread: %.0f puts/s, %.0f gets/s", rocks.putsPerSecond(), rocks.getsPerSecond()));
        }
        lines.add(Report.machine());
        lines.add(String.format("settings: %d I/O queues, %d s warm-up + %d s per job, host library closed loop", queues, warmup, seconds));
        Report.printAndSave(out, "native", lines);
        return 0;
    }

    private List<Workload> jobs() {
        return Workload.standard(SPAN, Duration.ofSeconds(warmup), Duration.ofSeconds(seconds));
    }

    /** Writes the first 256 MiB of the RocksDB namespace so reads find stored blocks. */
    private static void prefill(LoadGenerator gen) throws InterruptedException {
        gen.run(new Workload("prefill", 1, 4096, 512 * 1024, 8, 0, false, 256L << 20, Duration.ZERO, Duration.ofSeconds(4)));
    }

    private static JsonObject subsystem(String nqn, String backend) {
        return new JsonObject().put("nqn", nqn).put("namespaces", new JsonArray()
                .add(new JsonObject().put("nsid", 1).put("size", SPAN).put("blockSize", 4096).put("backend", backend)));
    }
}
