package io.nvmegate.replication.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One nvmegate member in its own JVM ({@code io.nvmegate.launcher.Main} on the test class path) that can be
 * killed with SIGKILL, paused with SIGSTOP, resumed with SIGCONT and started again with the same command line
 * (same worker ID, ports and data directory). Every start appends to the same log, {@code DIR/NAME.log}.
 *
 * <p>JVM flags are small-machine ones: {@code -Xmx768m} (256 MiB ran out while a restarted replica replayed its log under load), C1 only ({@code -XX:TieredStopAtLevel=1}: a faster start,
 * which is what a restart after a kill needs) and the serial collector.
 */
public final class NodeProcess implements AutoCloseable {
    /** Hazelcast on Java 17 (as the launcher tests' RoleProcess). */
    static final List<String> HAZELCAST_JVM_FLAGS = List.of("--add-modules", "java.se",
            "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED", "--add-opens", "java.base/java.lang=ALL-UNNAMED",
            "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens", "java.management/sun.management=ALL-UNNAMED",
            "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED");
    static final List<String> SMALL_JVM = List.of("-Xmx768m", "-XX:+ExitOnOutOfMemoryError", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xss512k");

    public final String name;
    public final Path log;
    private final List<String> command;
    private final Map<String, String> env;
    private volatile Process process;
    /** Log size when the current incarnation started: its "nvmegate ready" line comes after it. */
    private long logOffset;
    private int starts;

    /**
     * @param cpus     when not null, {@code taskset -c CPUS} runs the JVM on these cores only
     * @param jvmFlags heap and JIT flags
     * @param args     launcher arguments (role first)
     * @param env      added to the inherited environment
     */
    public NodeProcess(String name, Path dir, String cpus, List<String> jvmFlags, List<String> args, Map<String, String> env) {
        this.name = name;
        this.log = dir.resolve(name + ".log");
        this.env = Map.copyOf(env);
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> cmd = new ArrayList<>();
        if (cpus != null) cmd.addAll(List.of("taskset", "-c", cpus));
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(HAZELCAST_JVM_FLAGS);
        cmd.addAll(jvmFlags);
        cmd.addAll(List.of("-Dhazelcast.phone.home.enabled=false", "-Djava.net.preferIPv4Stack=true", "-cp", cp,
                "io.nvmegate.launcher.Main"));
        cmd.addAll(args);
        this.command = List.copyOf(cmd);
    }

    /** Starts the JVM (again). */
    public synchronized NodeProcess start() throws IOException {
        if (process != null && process.isAlive()) throw new IllegalStateException(name + " is running");
        starts++;
        Files.writeString(log, "---- " + name + " start " + starts + "\n", StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        logOffset = Files.size(log);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().putAll(env);
        pb.environment().put("HZ_PHONE_HOME_ENABLED", "false");
        process = pb.start();
        return this;
    }

    /** Waits for this incarnation's "nvmegate ready" line; fails with the log tail if it exits or times out. */
    public NodeProcess awaitReady(Duration timeout) throws Exception {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            if (currentLog().contains("nvmegate ready")) return this;
            Process p = process;
            if (!p.isAlive()) throw new IllegalStateException(name + " exited " + p.exitValue() + ":\n" + tail());
            Thread.sleep(100);
        }
        throw new IllegalStateException(name + " not ready after " + timeout + ":\n" + tail());
    }

    private String currentLog() throws IOException {
        if (!Files.exists(log)) return "";
        byte[] all = Files.readAllBytes(log);
        int from = (int) Math.min(logOffset, all.length);
        return new String(all, from, all.length - from, StandardCharsets.UTF_8);
    }

    public boolean alive() {
        Process p = process;
        return p != null && p.isAlive();
    }

    public long pid() { return process.pid(); }

    /** SIGKILL (kill -9): no shutdown hook, no flush; waits until the process is gone. */
    public void kill() throws InterruptedException {
        Process p = process;
        if (p == null) return;
        p.destroyForcibly();
        if (!p.waitFor(30, TimeUnit.SECONDS)) throw new IllegalStateException(name + " survived SIGKILL");
    }

    /** SIGSTOP: the process stops where it is (sockets stay open, nothing runs) until {@link #resume()}. */
    public void pause() throws Exception {
        signal("STOP");
    }

    /** SIGCONT. */
    public void resume() throws Exception {
        signal("CONT");
    }

    private void signal(String sig) throws Exception {
        Process k = new ProcessBuilder("kill", "-" + sig, Long.toString(process.pid())).inheritIO().start();
        if (!k.waitFor(10, TimeUnit.SECONDS) || k.exitValue() != 0) throw new IllegalStateException("kill -" + sig + " " + name + " failed");
    }

    /** CPU time of the current incarnation, ns (0 if unknown). */
    public long cpuNanos() {
        Process p = process;
        return p == null ? 0 : p.toHandle().info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
    }

    /** The last 60 lines of the log. */
    public String tail() {
        try {
            List<String> lines = Files.exists(log) ? Files.readAllLines(log) : List.of();
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** SIGCONT (in case it is paused), then SIGTERM; SIGKILL after 30 s. */
    @Override
    public void close() throws Exception {
        Process p = process;
        if (p == null || !p.isAlive()) return;
        try {
            resume();
        } catch (Exception ignored) {
            // it may have exited meanwhile
        }
        p.destroy();
        if (!p.waitFor(30, TimeUnit.SECONDS)) kill();
    }
}
