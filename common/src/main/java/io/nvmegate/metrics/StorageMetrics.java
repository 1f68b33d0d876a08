package io.nvmegate.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * {@code nvmegate_storage_duration_seconds{op,backend,outcome}}: time a block worker's store call takes on its
 * storage thread (queueing for the thread excluded). outcome {@code success} or {@code error} (it threw).
 * {@link #record} is allocation-free: the timers of each backend (a handful: {@code rocksdb}, {@code memory},
 * {@code null}) are found by op ordinal and outcome ({@link OpOutcomeTimers}).
 */
public final class StorageMetrics {
    /** The timers of one backend label; an immutable array, replaced (copy on write) when a backend is added. */
    private record Backend(String name, OpOutcomeTimers timers) {}

    private final MeterRegistry registry;
    private volatile Backend[] backends = new Backend[0];

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
            record(op, backend, ok, start);
        }
    }

    /**
     * Records one store operation {@code op} on {@code backend} that began at {@code startNanos}
     * ({@link System#nanoTime()}) and ended now, with outcome success if {@code ok}. The form for callers that
     * time the call themselves (no lambda per call).
     */
    public void record(Enum<?> op, String backend, boolean ok, long startNanos) {
        long nanos = System.nanoTime() - startNanos;
        timers(backend == null ? "" : backend).get(op, ok).record(nanos, TimeUnit.NANOSECONDS);
    }

    private OpOutcomeTimers timers(String backend) {
        for (Backend b : backends) {
            if (b.name.equals(backend)) return b.timers;
        }
        return add(backend);
    }

    private synchronized OpOutcomeTimers add(String backend) {
        Backend[] bs = backends;
        for (Backend b : bs) {
            if (b.name.equals(backend)) return b.timers;
        }
        OpOutcomeTimers t = new OpOutcomeTimers((op, ok) -> Timer.builder("nvmegate.storage.duration")
                .description("Block store call duration on a block worker's storage thread, by block op, backend and outcome")
                .tags("op", EventBusMetrics.label(op), "backend", backend, "outcome", ok ? EventBusMetrics.SUCCESS : EventBusMetrics.ERROR)
                .serviceLevelObjectives(Buckets.LATENCY)
                .register(registry));
        Backend[] grown = java.util.Arrays.copyOf(bs, bs.length + 1);
        grown[bs.length] = new Backend(backend, t);
        backends = grown;
        return t;
    }
}
