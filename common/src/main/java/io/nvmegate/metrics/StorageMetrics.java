package io.nvmegate.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * {@code nvmegate_storage_duration_seconds{op,backend,outcome}}: time a block worker's store call takes on its
 * storage thread (queueing for the thread excluded). outcome {@code success} or {@code error} (it threw).
 */
public final class StorageMetrics {
    private record Key(Enum<?> op, String backend, boolean ok) {}

    private final MeterRegistry registry;
    private final Map<Key, Timer> timers = new ConcurrentHashMap<>();

    StorageMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Runs {@code call} (one store operation {@code op} on {@code backend}) and records its duration. */
    public <T> T time(Enum<?> op, String backend, Callable<T> call) throws Exception {
        long start = System.nanoTime();
        boolean ok = false;
        try {
            T result = call.call();
            ok = true;
            return result;
        } finally {
            long nanos = System.nanoTime() - start;
            timers.computeIfAbsent(new Key(op, backend == null ? "" : backend, ok), k -> Timer.builder("nvmegate.storage.duration")
                    .description("Block store call duration on a block worker's storage thread, by block op, backend and outcome")
                    .tags("op", EventBusMetrics.label(k.op), "backend", k.backend, "outcome", k.ok ? "success" : "error")
                    .serviceLevelObjectives(Buckets.LATENCY)
                    .register(registry)).record(nanos, TimeUnit.NANOSECONDS);
        }
    }
}
