package io.nvmegate.cluster;

import com.hazelcast.config.Config;
import io.vertx.core.VertxOptions;

/**
 * Thread pools of a node sized for the cores the JVM sees ({@link Runtime#availableProcessors()}, which follows
 * cgroup CPU limits and {@code taskset}), instead of the libraries' fixed defaults, which made a 2-core box run
 * ~110 threads. Each size has a floor, and a system property overrides it:
 *
 * <table>
 *   <caption>pools and their sizes</caption>
 *   <tr><th>pool</th><th>property</th><th>size (library default)</th></tr>
 *   <tr><td>Vert.x event loops</td><td>{@code nvmegate.eventLoops}</td><td>2 × cores (same as Vert.x; threads start
 *       only when a listener or verticle is assigned one)</td></tr>
 *   <tr><td>Vert.x worker pool ({@code executeBlocking}: catalog, Hazelcast calls)</td><td>{@code nvmegate.workerPoolSize}</td>
 *       <td>max(8, 4 × cores) (20; a fixed pool, each task starts a thread until all exist)</td></tr>
 *   <tr><td>Vert.x internal blocking pool</td><td>{@code nvmegate.internalBlockingPoolSize}</td><td>max(4, 2 × cores) (20)</td></tr>
 *   <tr><td>Hazelcast network I/O, per direction</td><td>{@code hazelcast.io.thread.count}</td><td>clamp(cores / 2, 1, 3) (3)</td></tr>
 *   <tr><td>Hazelcast event delivery (entry and membership listeners)</td><td>{@code hazelcast.event.thread.count}</td><td>clamp(cores, 2, 5) (5)</td></tr>
 *   <tr><td>Hazelcast invocation responses</td><td>{@code hazelcast.operation.response.thread.count}</td><td>clamp(cores / 2, 1, 2) (2)</td></tr>
 * </table>
 * Hazelcast's partition and generic operation threads already follow the cores (max(2, cores), max(2, cores / 2)).
 * A Hazelcast property given as a system property wins over the value set here (Hazelcast would otherwise prefer
 * the Config's).
 */
public final class ThreadSizing {
    private ThreadSizing() {}

    /** @return the cores the JVM sees */
    public static int cores() {
        return Runtime.getRuntime().availableProcessors();
    }

    /** @return Vert.x event loops: {@code -Dnvmegate.eventLoops}, else 2 × cores */
    public static int eventLoops() {
        return positive("nvmegate.eventLoops", 2 * cores());
    }

    /** @return Vert.x worker threads: {@code -Dnvmegate.workerPoolSize}, else max(8, 4 × cores) */
    public static int workerPool() {
        return positive("nvmegate.workerPoolSize", Math.max(8, 4 * cores()));
    }

    /** @return Vert.x internal blocking threads: {@code -Dnvmegate.internalBlockingPoolSize}, else max(4, 2 × cores) */
    public static int internalBlockingPool() {
        return positive("nvmegate.internalBlockingPoolSize", Math.max(4, 2 * cores()));
    }

    /** Applies the Vert.x pool sizes to {@code vo}. */
    public static VertxOptions applyTo(VertxOptions vo) {
        return vo.setEventLoopPoolSize(eventLoops()).setWorkerPoolSize(workerPool())
                .setInternalBlockingPoolSize(internalBlockingPool());
    }

    /** Sets Hazelcast's thread counts on {@code c} (each unless given as a system property). */
    public static Config applyTo(Config c) {
        int cores = cores();
        hazelcastDefault(c, "hazelcast.io.thread.count", clamp(cores / 2, 1, 3));
        hazelcastDefault(c, "hazelcast.event.thread.count", clamp(cores, 2, 5));
        hazelcastDefault(c, "hazelcast.operation.response.thread.count", clamp(cores / 2, 1, 2));
        return c;
    }

    private static void hazelcastDefault(Config c, String name, int value) {
        if (System.getProperty(name) == null) c.setProperty(name, Integer.toString(value));
    }

    static int clamp(int v, int min, int max) {
        return Math.max(min, Math.min(max, v));
    }

    private static int positive(String property, int fallback) {
        Integer v = Integer.getInteger(property);
        return v != null && v > 0 ? v : fallback;
    }
}
