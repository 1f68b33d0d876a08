package io.nvmegate.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * {@code nvmegate_eventbus_round_trip_seconds{op,outcome}}: time from a gateway sending a block request over the
 * event bus to the block worker's reply (retries while no worker is registered included). outcome:
 * {@code success}, or {@code error}: the worker replied with an NVMe error status, or did not reply (timeout, no
 * worker registered), which the gateway turns into an error status as well. Recording is allocation-free: the
 * timers are found by op ordinal and outcome ({@link OpOutcomeTimers}).
 */
public final class EventBusMetrics {
    static final String SUCCESS = "success";
    static final String ERROR = "error";

    private final OpOutcomeTimers timers;

    EventBusMetrics(MeterRegistry registry) {
        timers = new OpOutcomeTimers((op, ok) -> Timer.builder("nvmegate.eventbus.round.trip")
                .description("Gateway to block worker request/reply time over the event bus, by block op and outcome")
                .tags("op", label(op), "outcome", ok ? SUCCESS : ERROR)
                .serviceLevelObjectives(Buckets.LATENCY)
                .register(registry));
    }

    /**
     * Records one round trip of {@code op} that began at {@code startNanos} ({@link System#nanoTime()});
     * {@code outcome} is {@code "success"} or {@code "error"} (anything else counts as an error).
     */
    public void roundTrip(Enum<?> op, String outcome, long startNanos) {
        roundTrip(op, SUCCESS.equals(outcome), startNanos);
    }

    /** Records one round trip of {@code op} that began at {@code startNanos}, outcome success if {@code ok}. */
    public void roundTrip(Enum<?> op, boolean ok, long startNanos) {
        long nanos = System.nanoTime() - startNanos;
        timers.get(op, ok).record(nanos, TimeUnit.NANOSECONDS);
    }

    static String label(Enum<?> op) {
        return op == null ? "unknown" : op.name().toLowerCase(Locale.ROOT);
    }
}
