package io.nvmegate.gateway.io;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The gateway's failover meters for replicated namespaces (registered on the node's registry,
 * {@link io.nvmegate.metrics.NodeMetrics#registry()}):
 * <ul>
 *   <li>{@code nvmegate_gateway_reroutes_total{reason}}: attempts resent to another replica; reason
 *       {@code redirect} (a replica named the leader), {@code not_leader} (a replica is not the leader and knows
 *       none), {@code timeout} (no reply within the attempt timeout), {@code no_handlers} (no consumer on the
 *       replica's address: its worker is down).</li>
 *   <li>{@code nvmegate_gateway_failover_wait_seconds{outcome}}: for commands rerouted at least once, the time from
 *       the gateway sending the command to its completion; outcome {@code served} (a leader answered) or
 *       {@code ana_transition} (the budget ran out).</li>
 * </ul>
 */
public final class FailoverMetrics {
    /** Why an attempt was resent to another replica. */
    public enum Reason { REDIRECT, NOT_LEADER, TIMEOUT, NO_HANDLERS }

    private static final Duration[] WAIT = {Duration.ofMillis(1), Duration.ofMillis(10), Duration.ofMillis(50),
            Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
            Duration.ofSeconds(2), Duration.ofSeconds(3), Duration.ofSeconds(5), Duration.ofSeconds(10),
            Duration.ofSeconds(20), Duration.ofSeconds(30)};

    private final Map<Reason, Counter> reroutes = new ConcurrentHashMap<>();
    private final Timer served, exhausted;
    private final MeterRegistry registry;

    public FailoverMetrics(MeterRegistry registry) {
        this.registry = registry;
        for (Reason r : Reason.values()) {
            reroutes.put(r, Counter.builder("nvmegate.gateway.reroutes")
                    .description("Block requests of replicated namespaces resent to another replica, by reason")
                    .tag("reason", r.name().toLowerCase(Locale.ROOT)).register(registry));
        }
        this.served = waitTimer("served");
        this.exhausted = waitTimer("ana_transition");
    }

    private Timer waitTimer(String outcome) {
        return Timer.builder("nvmegate.gateway.failover.wait")
                .description("Time commands of replicated namespaces spent on failover (send to completion, rerouted commands only)")
                .tag("outcome", outcome).serviceLevelObjectives(WAIT).register(registry);
    }

    /** Counts one reroute for {@code reason}. */
    public void reroute(Reason reason) {
        reroutes.get(reason).increment();
    }

    /** Records a rerouted command sent at {@code startNanos} ({@link System#nanoTime()}) that just completed. */
    public void waited(long startNanos, boolean servedByLeader) {
        (servedByLeader ? served : exhausted).record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
    }
}
