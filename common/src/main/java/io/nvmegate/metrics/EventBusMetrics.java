package io.nvmegate.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * {@code nvmegate_eventbus_round_trip_seconds{op,outcome}}: time from a gateway sending a block request over the
 * event bus to the block worker's reply (retries while no worker is registered included). outcome:
 * {@code success}, or {@code error}: the worker replied with an NVMe error status, or did not reply (timeout, no
 * worker registered), which the gateway turns into an error status as well.
 */
public final class EventBusMetrics {
    private record Key(Enum<?> op, String outcome) {}

    private final MeterRegistry registry;
    private final Map<Key, Timer> timers = new ConcurrentHashMap<>();

    EventBusMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Records one round trip of {@code op} that began at {@code startNanos} ({@link System#nanoTime()}). */
    public void roundTrip(Enum<?> op, String outcome, long startNanos) {
        long nanos = System.nanoTime() - startNanos;
        timers.computeIfAbsent(new Key(op, outcome), k -> Timer.builder("nvmegate.eventbus.round.trip")
                .description("Gateway to block worker request/reply time over the event bus, by block op and outcome")
                .tags("op", label(k.op), "outcome", k.outcome)
                .serviceLevelObjectives(Buckets.LATENCY)
                .register(registry)).record(nanos, TimeUnit.NANOSECONDS);
    }

    static String label(Enum<?> op) {
        return op == null ? "unknown" : op.name().toLowerCase(java.util.Locale.ROOT);
    }
}
