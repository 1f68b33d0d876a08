package io.nvmegate.bench;

import io.nvmegate.catalog.CatalogConfig;
import io.nvmegate.catalog.HostSpec;
import io.nvmegate.client.ConnectOptions;
import io.nvmegate.client.NvmeController;
import io.nvmegate.client.NvmeTcpHost;
import io.nvmegate.cluster.ClusterOptions;
import io.nvmegate.controller.TransportConfig;
import io.nvmegate.launcher.NodeOptions;
import io.nvmegate.launcher.NvmegateNode;
import io.nvmegate.launcher.Role;
import io.nvmegate.protocol.auth.DhchapSecret;
import io.nvmegate.testkit.FreePorts;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * Connect latency with DH-HMAC-CHAP (issue 16): the time from opening the first TCP connection to a usable
 * controller (ICReq/ICResp, Connect, the DH-HMAC-CHAP transaction on every queue, Property Get/Set to enable the
 * controller, Identify) through the Java host library, for each case next to the same connect without
 * authentication measured in the same run. Every connect opens the admin queue and {@code --io-queues} I/O queues,
 * and each queue authenticates on its own, so one connect runs 1 + N transactions.
 *
 * <p>The host and the target share this JVM (both sides' DH work is in the CPU column): the figures are the cost of
 * a connect, not of the target alone.
 */
@Command(name = "connect-latency", mixinStandardHelpOptions = true,
        description = "Connect latency with DH-HMAC-CHAP (NULL, ffdhe2048, ffdhe8192; uni- and bidirectional) next to no authentication.")
public final class ConnectLatencyBench implements Callable<Integer> {
    @Option(names = "--connects", defaultValue = "40", description = "Measured connects per case (default ${DEFAULT-VALUE}; ffdhe8192 runs a quarter).")
    int connects;

    @Option(names = "--warmup", defaultValue = "5", description = "Unmeasured connects per case first (default ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--io-queues", defaultValue = "1", description = "I/O queues per connect (default ${DEFAULT-VALUE}).")
    int ioQueues;

    @Option(names = "--out", defaultValue = "bench/results", description = "Folder for the result file.")
    Path out;

    static final String NQN = "nqn.2026-11.io.nvmegate:bench-connect";

    /** One measured case: a host NQN with its target-side settings and whether the host authenticates the controller. */
    record Case(String name, String hash, String dhGroup, boolean bidirectional) {
        String hostNqn() { return "nqn.2026-11.io.nvmegate:host-" + name; }
    }

    static final List<Case> CASES = List.of(
            new Case("no-auth", null, null, false),
            new Case("null-sha256", "sha256", "null", false),
            new Case("null-sha512-bidir", "sha512", "null", true),
            new Case("ffdhe2048-sha256", "sha256", "ffdhe2048", false),
            new Case("ffdhe2048-sha256-bidir", "sha256", "ffdhe2048", true),
            new Case("ffdhe8192-sha512", "sha512", "ffdhe8192", false));

    public static void main(String[] args) {
        System.exit(new CommandLine(new ConnectLatencyBench()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Path data = Files.createTempDirectory("nvmegate-bench-connect");
        int ioPort = FreePorts.free();
        CatalogConfig cfg = CatalogConfig.parse(new JsonObject()
                .put("subsystems", new JsonArray().add(new JsonObject().put("nqn", NQN).put("namespaces", new JsonArray()
                        .add(new JsonObject().put("nsid", 1).put("size", 1L << 30).put("blockSize", 4096).put("backend", "null")))))
                .put("ports", new JsonArray().add(new JsonObject().put("id", 1).put("traddr", "127.0.0.1").put("trsvcid", ioPort))));
        NodeOptions o = new NodeOptions(Role.all, new ClusterOptions("bench-connect-" + ioPort, "127.0.0.1", FreePorts.free(), List.of()),
                cfg, data, "worker-1", "gateway-1", "127.0.0.1", FreePorts.free(), TransportConfig.defaults());
        SecureRandom random = new SecureRandom();
        List<String> lines = new ArrayList<>();
        lines.add(String.format("%-24s %8s %9s %9s %9s %9s %12s", "case", "connects", "mean ms", "p50 ms", "p99 ms", "max ms", "CPU ms/conn"));
        try (NvmegateNode node = NvmegateNode.start(o, Duration.ofMinutes(1))) {
            for (Case c : CASES) {
                ConnectOptions.Builder b = ConnectOptions.builder("127.0.0.1", ioPort).subsystemNqn(NQN)
                        .hostNqn(c.hostNqn()).ioQueues(ioQueues);
                if (c.hash() != null) {
                    String key = DhchapSecret.generate(1, 32, random).format();
                    String ctrlKey = c.bidirectional() ? DhchapSecret.generate(1, 32, random).format() : null;
                    node.catalog().catalog().putHost(new HostSpec(c.hostNqn(), key, ctrlKey, c.hash(), c.dhGroup()));
                    b.dhchapSecret(key);
                    if (ctrlKey != null) b.dhchapCtrlSecret(ctrlKey);
                    awaitHost(node, c.hostNqn());
                }
                ConnectOptions options = b.build();
                int n = c.dhGroup() != null && c.dhGroup().equals("ffdhe8192") ? Math.max(4, connects / 4) : connects;
                for (int i = 0; i < warmup; i++) connectOnce(options);
                long[] nanos = new long[n];
                long cpu0 = cpuNanos();
                for (int i = 0; i < n; i++) nanos[i] = connectOnce(options);
                double cpuMs = (cpuNanos() - cpu0) / 1e6 / n;
                Arrays.sort(nanos);
                String line = String.format("%-24s %8d %9.2f %9.2f %9.2f %9.2f %12.2f", c.name(), n,
                        Arrays.stream(nanos).average().orElse(0) / 1e6, nanos[n / 2] / 1e6,
                        nanos[Math.min(n - 1, (int) Math.ceil(n * 0.99) - 1)] / 1e6, nanos[n - 1] / 1e6, cpuMs);
                System.out.println(line);
                lines.add(line);
            }
        }
        lines.add("");
        lines.add(Report.machine());
        lines.add(String.format("settings: admin queue + %d I/O queue(s) per connect (each queue authenticates), %d warm-up connects per case,"
                + " host library and target in one JVM (CPU column counts both)", ioQueues, warmup));
        Report.printAndSave(out, "connect-latency", lines);
        return 0;
    }

    /** @return nanoseconds from the first TCP connection to a usable controller (closed afterwards, not timed) */
    private static long connectOnce(ConnectOptions options) throws Exception {
        long t0 = System.nanoTime();
        NvmeController c = NvmeTcpHost.connect(options);
        long t = System.nanoTime() - t0;
        c.close();
        return t;
    }

    private static void awaitHost(NvmegateNode node, String hostNqn) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (node.catalog().hosts().stream().noneMatch(h -> h.nqn().equals(hostNqn))) {
            if (System.nanoTime() > deadline) throw new IllegalStateException("the gateway's catalog view never saw host " + hostNqn);
            Thread.sleep(20);
        }
    }

    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }
}
