package io.nvmegate.embedded;

import io.nvmegate.testkit.FreePorts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * nvmegate as a child process, for tests that want the target isolated from the test JVM (its own heap, GC and
 * crashes) or that are not written in Java. Launches {@code java -jar nvmegate.jar all} (or the launcher's
 * {@code Main} on the current class path), configured with a generated {@code --config} JSON file, waits until it
 * logs {@code nvmegate ready}, and stops it with SIGTERM (clean shutdown: RocksDB flushed), then SIGKILL after
 * 30 s.
 *
 * <pre>{@code
 * try (NvmegateProcess p = NvmegateProcess.builder()
 *         .jar(Path.of("launcher/target/nvmegate.jar"))
 *         .namespace("nqn.2026-11.io.example:disk", 1, 64L << 20, 4096, Backend.MEMORY)
 *         .listener("127.0.0.1", 0)
 *         .managementApi(true)      // optional: the REST API on a free port, see apiPort()
 *         .build().startAndAwait()) {
 *     TargetInfo t = p.info();   // 127.0.0.1, the port picked, discovery port, NQNs
 * }
 * }</pre>
 *
 * <h2>HTTP ports</h2>
 * Every child binds its own ports on 127.0.0.1, never the standalone defaults (8080, 9420), so several children,
 * and a standalone nvmegate, run side by side: {@code /metrics} and {@code /health/*} on a free port
 * ({@link #metricsPort()}; {@link Builder#metrics(boolean) metrics(false)} turns the server off), and the
 * management API (REST, {@code /api/v1}, the same as {@code nvmegate ctl} uses) only if
 * {@link Builder#managementApi(boolean) asked for}, on a free port ({@link #apiPort()}). The child picks the free
 * ports itself (port 0) and reports them on its {@code nvmegate ready} log line, which this class reads.
 *
 * <h2>PID files and stale processes</h2>
 * Each child gets {@code -Dnvmegate.embedded.port=<port>} on its command line and a PID file
 * {@code <java.io.tmpdir>/nvmegate-embedded/<port>.pid} (port = its first NVMe/TCP listener port). Before a start,
 * a PID file for the same port is checked: if that PID is alive and its command line carries the same marker
 * (checked through {@link ProcessHandle}, so an unrelated process that reused the PID is never touched), the
 * stale nvmegate — left by an earlier run that crashed or was killed before stopping it — is killed; the file
 * is then removed. Children still running when this JVM exits normally are stopped by a shutdown hook.
 *
 * <h2>Limits</h2>
 * The transport options of the child are the standalone defaults (the launcher has no options for them yet).
 * The child always runs a discovery service: on the configured discovery listener, else on a free port of
 * 127.0.0.1 ({@link TargetInfo#discoveryPort()}). Its log (stdout and stderr) goes to
 * {@code <java.io.tmpdir>/nvmegate-embedded/<port>.log} unless {@link Builder#logFile} is set.
 */
public final class NvmegateProcess implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(NvmegateProcess.class);
    /** System property naming the child's port on its command line (the stale-process marker). */
    public static final String MARKER_PROPERTY = "nvmegate.embedded.port";
    private static final String MAIN = "io.nvmegate.launcher.Main";
    /** JVM flags Hazelcast needs on Java 17 when not run from the jar (whose manifest carries them). */
    static final List<String> HAZELCAST_JVM_FLAGS = List.of("--add-modules", "java.se",
            "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED", "--add-opens", "java.base/java.lang=ALL-UNNAMED",
            "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens", "java.management/sun.management=ALL-UNNAMED",
            "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED");
    private static final Set<NvmegateProcess> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(p -> p.stopNow(Duration.ofSeconds(10))),
                "nvmegate-process-reaper"));
    }

    private final TargetSpec spec;
    private final Path jar;
    private final List<String> jvmArgs;
    private final Path logFileOption;
    private final Duration startTimeout;
    private final boolean managementApi;
    private final boolean metrics;

    private Process process;
    private int apiPort = -1;
    private int metricsPort = -1;
    private List<Integer> ports;
    private int discoveryPort;
    private Path logFile;
    private Path configFile;
    private Path tempDataDir;

    private NvmegateProcess(Builder b) {
        this.spec = b.target.spec();
        this.jar = b.jar;
        this.jvmArgs = List.copyOf(b.jvmArgs);
        this.logFileOption = b.logFile;
        this.startTimeout = b.startTimeout;
        this.managementApi = b.managementApi;
        this.metrics = b.metrics;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** @return the directory holding PID files, logs and generated configurations */
    public static Path stateDir() {
        return Path.of(System.getProperty("java.io.tmpdir"), "nvmegate-embedded");
    }

    /** @return the PID file of the child whose first listener is on {@code port} */
    public static Path pidFile(int port) {
        return stateDir().resolve(port + ".pid");
    }

    /**
     * Stops a stale nvmegate child recorded for {@code port} (see the class comment) and removes its PID file.
     *
     * @return the PID killed, if one was
     */
    public static Optional<Long> cleanStale(int port) {
        Path f = pidFile(port);
        if (!Files.exists(f)) return Optional.empty();
        Optional<Long> killed = Optional.empty();
        try {
            long pid = Long.parseLong(Files.readString(f, StandardCharsets.US_ASCII).trim());
            Optional<ProcessHandle> h = ProcessHandle.of(pid);
            if (h.isPresent() && h.get().isAlive() && isOurs(h.get(), port)) {
                log.warn("stopping stale nvmegate process {} of port {} (PID file {})", pid, port, f);
                h.get().destroyForcibly();
                h.get().onExit().get(30, TimeUnit.SECONDS);
                killed = Optional.of(pid);
            } else {
                log.info("removing stale PID file {} (process {} is gone or is not nvmegate)", f, pid);
            }
        } catch (NumberFormatException | IOException e) {
            log.info("removing unreadable PID file {}: {}", f, e.toString());
        } catch (Exception e) {
            throw new IllegalStateException("could not stop the stale process of " + f + ": " + e, e);
        }
        try {
            Files.deleteIfExists(f);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return killed;
    }

    /** @return true if {@code h}'s command line carries this module's marker for {@code port} */
    static boolean isOurs(ProcessHandle h, int port) {
        String marker = "-D" + MARKER_PROPERTY + "=" + port;
        Optional<String[]> args = h.info().arguments();
        if (args.isPresent()) return List.of(args.get()).contains(marker);
        return h.info().commandLine().map(c -> c.contains(marker + " ")).orElse(false);
    }

    /**
     * Cleans a stale child of the same port, writes the configuration, launches the child and waits for
     * {@code nvmegate ready}.
     *
     * @return completes with this object when the child serves; fails with the log tail if the child exits or is
     *         not ready within the start timeout (the child is killed then). Completes on a common-pool thread.
     */
    public synchronized CompletionStage<NvmegateProcess> start() {
        if (process != null && process.isAlive()) return CompletableFuture.completedFuture(this);
        return CompletableFuture.supplyAsync(() -> {
            try {
                launch();
                awaitReady();
                return this;
            } catch (Exception e) {
                stopNow(Duration.ZERO);
                throw e instanceof RuntimeException re ? re : new IllegalStateException(e.getMessage(), e);
            }
        });
    }

    /** {@link #start()} and wait; rethrows its failure unchecked. @return this */
    public NvmegateProcess startAndAwait() {
        NvmegateTarget.await(start(), "start of the nvmegate process");
        return this;
    }

    private synchronized void launch() throws IOException {
        if (ports == null) ports = spec.resolvePorts();
        int port = ports.get(0);
        cleanStale(port);
        if (discoveryPort == 0) {
            discoveryPort = spec.discovery() != null && spec.discovery().port() != 0 ? spec.discovery().port()
                    : FreePorts.pick(spec.discovery() != null ? spec.discovery().host() : "127.0.0.1");
        }
        Files.createDirectories(stateDir());
        configFile = stateDir().resolve(port + ".json");
        Files.writeString(configFile, spec.configJson(ports).encodePrettily());
        Path data = spec.rocksDbDirectory();
        if (data == null) data = tempDataDir = Files.createTempDirectory(stateDir(), port + "-data-");
        logFile = logFileOption != null ? logFileOption : stateDir().resolve(port + ".log");
        Files.deleteIfExists(logFile);

        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-D" + MARKER_PROPERTY + "=" + port);
        cmd.addAll(List.of("-Dhazelcast.phone.home.enabled=false", "-Djava.net.preferIPv4Stack=true"));
        cmd.addAll(jvmArgs);
        if (jar != null) {
            cmd.addAll(List.of("-jar", jar.toString()));
        } else {
            cmd.addAll(HAZELCAST_JVM_FLAGS);
            cmd.addAll(List.of("-cp", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")), MAIN));
        }
        cmd.addAll(List.of("all", "--config", configFile.toString(), "--data", data.toString(),
                "--bind", spec.discovery() != null ? spec.discovery().host() : "127.0.0.1",
                "--discovery-port", Integer.toString(discoveryPort),
                "--cluster-host", "127.0.0.1", "--cluster-port", Integer.toString(FreePorts.pick("127.0.0.1")),
                "--cluster-name", "nvmegate-process-" + UUID.randomUUID(),
                // HTTP on ports of its own (0: the child picks a free one and logs it), never the defaults 8080/9420
                "--metrics-host", "127.0.0.1", "--metrics-port", metrics ? "0" : "-1",
                "--api-host", "127.0.0.1", "--api-port", managementApi ? "0" : "-1"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(nullDevice()));
        pb.environment().put("HZ_PHONE_HOME_ENABLED", "false");
        process = pb.start();
        LIVE.add(this);
        Files.writeString(pidFile(port), process.pid() + "\n", StandardCharsets.US_ASCII);
        log.info("nvmegate process {} starting on port {} (log {})", process.pid(), port, logFile);
    }

    private static java.io.File nullDevice() {
        return new java.io.File(System.getProperty("os.name").startsWith("Windows") ? "NUL" : "/dev/null");
    }

    private void awaitReady() throws IOException, InterruptedException {
        long end = System.nanoTime() + startTimeout.toNanos();
        Process p;
        synchronized (this) {
            p = process;
        }
        while (System.nanoTime() < end) {
            Optional<String> ready = Files.exists(logFile) ? readyLine(Files.readString(logFile)) : Optional.empty();
            if (ready.isPresent()) {
                int[] http = httpPorts(ready.get());
                synchronized (this) {
                    metricsPort = http[0];
                    apiPort = http[1];
                }
                if (metrics && metricsPort < 0 || managementApi && apiPort < 0) {
                    throw new IllegalStateException("nvmegate serves without its " + (metricsPort < 0 ? "metrics" : "management API")
                            + " (" + ready.get().trim() + "):\n" + tail());
                }
                return;
            }
            if (!p.isAlive()) throw new IllegalStateException("nvmegate exited with " + p.exitValue() + " before it was ready:\n" + tail());
            Thread.sleep(100);
        }
        throw new IllegalStateException("nvmegate not ready after " + startTimeout + ":\n" + tail());
    }

    private static final java.util.regex.Pattern HTTP_PORTS =
            java.util.regex.Pattern.compile("metrics port (-?\\d+), management API port (-?\\d+)");

    /** @return the child's {@code nvmegate ready} line, once logged */
    static Optional<String> readyLine(String log) {
        return log.lines().filter(l -> l.contains("nvmegate ready")).findFirst();
    }

    /** @return {metrics port, management API port} of a {@code nvmegate ready} line, -1 for "none" or not stated */
    static int[] httpPorts(String readyLine) {
        java.util.regex.Matcher m = HTTP_PORTS.matcher(readyLine);
        return m.find() ? new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))} : new int[] {-1, -1};
    }

    /** @return the last 40 lines of the child's log */
    public String tail() {
        try {
            List<String> lines = logFile != null && Files.exists(logFile) ? Files.readAllLines(logFile) : List.of();
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    /**
     * SIGTERM, then SIGKILL if the child has not exited after 30 s; removes the PID file, the generated
     * configuration and a temporary data directory.
     *
     * @return completes on a common-pool thread with the child gone
     */
    public CompletionStage<Void> stop() {
        return CompletableFuture.runAsync(() -> stopNow(Duration.ofSeconds(30)));
    }

    private synchronized void stopNow(Duration grace) {
        Process p = process;
        if (p == null) return;
        try {
            if (p.isAlive()) {
                p.destroy();
                if (grace.isZero() || !p.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                    p.destroyForcibly();
                    p.waitFor(30, TimeUnit.SECONDS);
                }
            }
            log.info("nvmegate process {} stopped (exit {})", p.pid(), p.isAlive() ? "?" : p.exitValue());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            LIVE.remove(this);
            process = null;
            apiPort = -1;
            metricsPort = -1;
            deleteQuietly(pidFile(ports.get(0)));
            deleteQuietly(configFile);
            if (tempDataDir != null) deleteTree(tempDataDir);
            tempDataDir = null;
        }
    }

    /** Stops the child and waits (see {@link #stop()}). */
    @Override
    public void close() {
        stopNow(Duration.ofSeconds(30));
    }

    /** @return the child's PID while it runs */
    public synchronized long pid() {
        if (process == null) throw new IllegalStateException("not started");
        return process.pid();
    }

    /** @return the child process while it runs, else empty */
    public synchronized Optional<ProcessHandle> handle() {
        return process == null ? Optional.empty() : Optional.of(process.toHandle());
    }

    /** @return true while the child runs */
    public synchronized boolean isRunning() { return process != null && process.isAlive(); }

    /** @return the NVMe/TCP ports, in listener order (known after the first start) */
    public synchronized List<Integer> ports() {
        if (ports == null) throw new IllegalStateException("not started");
        return List.copyOf(ports);
    }

    /** @return the first listener's port */
    public int port() { return ports().get(0); }

    /** @return the child's discovery port */
    public synchronized int discoveryPort() { return discoveryPort; }

    /**
     * @return the port of the child's management API on 127.0.0.1 ({@code http://127.0.0.1:<port>/api/v1}), or -1
     *         if not asked for ({@link Builder#managementApi}) or the child does not run
     */
    public synchronized int apiPort() { return apiPort; }

    /**
     * @return the port of the child's {@code /metrics}, {@code /health/live} and {@code /health/ready} on
     *         127.0.0.1, or -1 if turned off ({@link Builder#metrics}) or the child does not run
     */
    public synchronized int metricsPort() { return metricsPort; }

    /** @return the child's log file (stdout and stderr) */
    public synchronized Path logFile() { return logFile; }

    /** @return where to connect */
    public TargetInfo info() {
        return new TargetInfo(spec.connectHost(), ports(), discoveryPort(), spec.subsystems(), spec.namespaces());
    }

    private static void deleteQuietly(Path p) {
        if (p == null) return;
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // best effort
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(NvmegateProcess::deleteQuietly);
        } catch (IOException ignored) {
            // best effort
        }
    }

    @Override
    public String toString() {
        return "NvmegateProcess[" + (jar != null ? jar : MAIN) + " " + (ports == null ? "" : ports) + (isRunning() ? " running" : "") + "]";
    }

    /** Builds an {@link NvmegateProcess} (not started); same target definition as {@link NvmegateTarget.Builder}. */
    public static final class Builder {
        private final NvmegateTarget.Builder target = NvmegateTarget.builder();
        private Path jar;
        private final List<String> jvmArgs = new ArrayList<>(List.of("-Xmx512m"));
        private Path logFile;
        private Duration startTimeout = Duration.ofMinutes(2);
        private boolean managementApi;
        private boolean metrics = true;

        private Builder() {}

        /**
         * Serves the management API (REST, {@code /api/v1}, no token: loopback only) on a free port of 127.0.0.1,
         * reported by {@link NvmegateProcess#apiPort()}. Default: off.
         */
        public Builder managementApi(boolean v) {
            managementApi = v;
            return this;
        }

        /**
         * Serves {@code /metrics} and {@code /health/*} on a free port of 127.0.0.1, reported by
         * {@link NvmegateProcess#metricsPort()}. Default: on.
         */
        public Builder metrics(boolean v) {
            metrics = v;
            return this;
        }

        /** Runs {@code java -jar jar} (default: the launcher's {@code Main} on this JVM's class path). */
        public Builder jar(Path v) {
            jar = Objects.requireNonNull(v, "jar").toAbsolutePath();
            return this;
        }

        /** Replaces the child's JVM options (default {@code -Xmx512m}). */
        public Builder jvmArgs(String... v) {
            jvmArgs.clear();
            jvmArgs.addAll(List.of(v));
            return this;
        }

        public Builder logFile(Path v) {
            logFile = v;
            return this;
        }

        public Builder startTimeout(Duration v) {
            startTimeout = Objects.requireNonNull(v);
            return this;
        }

        public Builder subsystem(String nqn) {
            target.subsystem(nqn);
            return this;
        }

        public Builder subsystem(SubsystemConfig v) {
            target.subsystem(v);
            return this;
        }

        public Builder namespace(String nqn, int nsid, long sizeBytes, int blockSize, Backend backend) {
            target.namespace(nqn, nsid, sizeBytes, blockSize, backend);
            return this;
        }

        public Builder namespace(NamespaceConfig v) {
            target.namespace(v);
            return this;
        }

        public Builder listener(String host, int port) {
            target.listener(host, port);
            return this;
        }

        public Builder listener(String host, int port, String advertisedAddress) {
            target.listener(host, port, advertisedAddress);
            return this;
        }

        public Builder discovery(String host, int port) {
            target.discovery(host, port);
            return this;
        }

        public NvmegateProcess build() {
            return new NvmegateProcess(this);
        }
    }
}
