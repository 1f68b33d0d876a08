package io.nvmegate.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One nvmegate role (or compose service) in its own JVM: the launcher's {@code Main} on the test class path, with
 * Hazelcast's JVM flags, phone-home off, logging to {@code DIR/NAME.log}.
 */
public final class RoleProcess implements AutoCloseable {
    static final List<String> HAZELCAST_JVM_FLAGS = List.of("--add-modules", "java.se",
            "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED", "--add-opens", "java.base/java.lang=ALL-UNNAMED",
            "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens", "java.management/sun.management=ALL-UNNAMED",
            "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED");

    public final String name;
    public final Path log;
    public final Process process;

    private RoleProcess(String name, Path log, Process process) {
        this.name = name;
        this.log = log;
        this.process = process;
    }

    public static RoleProcess start(String name, Path dir, List<String> args) throws IOException {
        return start(name, dir, args, List.of("-Xmx512m"), null);
    }

    /**
     * @param jvmFlags heap and JIT flags for this JVM (e.g. {@code -Xmx256m})
     * @param env      when not null, the environment: the inherited one without {@code NVMEGATE_*} variables, plus these
     */
    public static RoleProcess start(String name, Path dir, List<String> args, List<String> jvmFlags, Map<String, String> env) throws IOException {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(HAZELCAST_JVM_FLAGS);
        cmd.addAll(jvmFlags);
        cmd.addAll(List.of("-Dhazelcast.phone.home.enabled=false", "-Djava.net.preferIPv4Stack=true", "-cp", cp, Main.class.getName()));
        cmd.addAll(args);
        Path log = dir.resolve(name + ".log");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Map<String, String> e = pb.environment();
        if (env != null) {
            e.keySet().removeIf(k -> k.startsWith("NVMEGATE_"));
            e.putAll(env);
        }
        e.put("HZ_PHONE_HOME_ENABLED", "false");
        return new RoleProcess(name, log, pb.start());
    }

    /** Waits for the "nvmegate ready" line; fails with the log tail if the process dies or times out. */
    public RoleProcess awaitReady(Duration timeout) throws Exception {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            if (Files.exists(log) && Files.readString(log).contains("nvmegate ready")) return this;
            if (!process.isAlive()) throw new IllegalStateException(name + " exited " + process.exitValue() + ":\n" + tail());
            Thread.sleep(200);
        }
        throw new IllegalStateException(name + " not ready after " + timeout + ":\n" + tail());
    }

    /** The last 40 lines of the log (or the error reading it). */
    public String tail() {
        try {
            List<String> lines = Files.exists(log) ? Files.readAllLines(log) : List.of();
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** SIGKILL (kill -9): no shutdown hook runs. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM (as `docker stop`), without waiting. */
    public void terminate() {
        process.destroy();
    }

    /** SIGTERM, as Ctrl-C or `docker stop`: the shutdown hook stops the roles cleanly. */
    @Override
    public void close() throws InterruptedException {
        if (!process.isAlive()) return;
        process.destroy();
        if (!process.waitFor(40, TimeUnit.SECONDS)) kill();
    }
}
