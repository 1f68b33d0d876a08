package io.nvmegate.bench;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One target JVM of a benchmark: {@code io.nvmegate.launcher.Main ROLE OPTIONS} (the CLI of {@code ./run.sh}),
 * optionally pinned with {@code taskset -c CPUS}, on a chosen classpath (this jar's by default, or an older build's
 * for A/B runs), its output in {@code <log dir>/<name>.log}. Hazelcast phone-home off; inherited
 * {@code NVMEGATE_*} variables removed so the command line alone configures the node.
 */
final class TargetProcess implements AutoCloseable {
    /** Flags every target JVM gets (as the bench jar's manifest and the scripts give them). */
    static final List<String> JVM_FLAGS = List.of("-Dhazelcast.phone.home.enabled=false", "--add-modules", "java.se",
            "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens=java.management/sun.management=ALL-UNNAMED",
            "--add-opens=jdk.management/com.sun.management.internal=ALL-UNNAMED",
            "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED");

    final String name;
    final Process process;
    final File log;

    private TargetProcess(String name, Process process, File log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /** How to launch target JVMs: CPU list for taskset (blank: not pinned), JVM flags, classpath (blank: this JVM's). */
    record Launch(String cpus, List<String> jvmOptions, String classpath) {
        Launch {
            cpus = cpus == null ? "" : cpus.trim();
            jvmOptions = jvmOptions == null ? List.of() : jvmOptions.stream().filter(s -> !s.isBlank()).toList();
            classpath = classpath == null || classpath.isBlank() ? System.getProperty("java.class.path") : classpath;
        }

        /** {@code [taskset -c CPUS] <this JVM's java> OPTIONS FLAGS -cp CLASSPATH mainClass} */
        List<String> command(String mainClass) {
            List<String> cmd = new ArrayList<>();
            if (!cpus.isBlank()) cmd.addAll(List.of("taskset", "-c", cpus));
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            cmd.addAll(jvmOptions);
            cmd.addAll(JVM_FLAGS);
            cmd.addAll(List.of("-cp", classpath, mainClass));
            return cmd;
        }
    }

    /**
     * Starts {@code launcher Main} with {@code args} (role first).
     *
     * @param env extra environment variables (e.g. NVMEGATE_RAFT_PORT), may be empty
     */
    static TargetProcess start(Launch launch, Path logDir, String name, List<String> args, Map<String, String> env) throws IOException {
        List<String> cmd = launch.command("io.nvmegate.launcher.Main");
        cmd.addAll(args);
        File log = logDir.resolve(name + ".log").toFile();
        System.out.println("starting " + name + (launch.cpus().isBlank() ? "" : " on CPU(s) " + launch.cpus()) + " (log " + log + ")");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log);
        pb.environment().keySet().removeIf(k -> k.startsWith("NVMEGATE_"));
        pb.environment().put("HZ_PHONE_HOME_ENABLED", "false");
        pb.environment().putAll(env);
        return new TargetProcess(name, pb.start(), log);
    }

    long pid() {
        return process.pid();
    }

    /** utime + stime of this JVM so far, ns ({@code /proc/<pid>/stat}); 0 once it has exited. */
    long cpuNanos() {
        return Math.max(0, ProcCpu.nanos(process.pid()));
    }

    /** Sum of {@link #cpuNanos()} over {@code targets}. */
    static long cpuNanos(List<TargetProcess> targets) {
        long sum = 0;
        for (TargetProcess t : targets) sum += t.cpuNanos();
        return sum;
    }

    /**
     * Waits (at most 180 s) until a read of LBA 0 through {@code c} succeeds: the cluster formed, the catalog reached
     * the gateway and a worker (or a replicated namespace's leader) serves the namespace.
     *
     * @throws IllegalStateException if one of {@code targets} exited or nothing was served in time
     */
    static void awaitServed(io.nvmegate.client.NvmeController c, List<TargetProcess> targets) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (System.nanoTime() < end) {
            checkAlive(targets);
            try {
                c.readAsync(1, 0, 1, 4096).get(20, TimeUnit.SECONDS);
                return;
            } catch (Exception notYet) {
                Thread.sleep(500);
            }
        }
        throw new IllegalStateException(c.options() + ": not served within 180 s");
    }

    /** Throws if one of {@code targets} has exited (naming its log). */
    static void checkAlive(List<TargetProcess> targets) {
        for (TargetProcess t : targets) {
            if (!t.process.isAlive()) {
                throw new IllegalStateException(t.name + " exited with " + t.process.exitValue() + " (log " + t.log + ")");
            }
        }
    }

    /** Waits until something listens on 127.0.0.1:{@code port} (the gateway: cluster formed, catalog arrived). */
    static void awaitListening(int port, List<TargetProcess> targets, long timeoutSeconds) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (System.nanoTime() < end) {
            checkAlive(targets);
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return;
            } catch (IOException notYet) {
                Thread.sleep(300);
            }
        }
        throw new IllegalStateException("nothing listens on " + port + " after " + timeoutSeconds + " s");
    }

    /** SIGTERM (clean shutdown), then SIGKILL after 30 s. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) process.destroyForcibly();
    }

    /** Stops all of {@code targets} (SIGTERM to all first, then waits). */
    static void stopAll(List<TargetProcess> targets) throws InterruptedException {
        for (TargetProcess t : targets) t.process.destroy();
        for (TargetProcess t : targets) if (!t.process.waitFor(30, TimeUnit.SECONDS)) t.process.destroyForcibly();
    }
}
