package io.nvmegate.ana;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * ANA ownership meters, counted by the gateway that writes the change (so summing over gateways counts each once):
 * <ul>
 *   <li>{@code nvmegate_ana_failovers_total{reason}}: groups whose owner changed; {@code takeover} (one step, the
 *       owner's lease expired: written by the balancing gateway), {@code failback} (a hand-off back to the group's
 *       home once its lease held for the settle delay, or to a new gateway's share), {@code drain} (a hand-off
 *       away from a draining gateway, or one no longer serving the subsystem), {@code move} (a hand-off to a home
 *       pinned by {@code ctl ana move}); hand-offs are counted by the releasing owner when it completes them.</li>
 *   <li>{@code nvmegate_ana_takeover_seconds}: per takeover, from the dead owner's {@code leaseUntil} to the
 *       takeover's write (cluster time): the detection delay added to the lease.</li>
 * </ul>
 */
public final class AnaMetrics {
    /** Why a group's owner changed. */
    public enum Reason { TAKEOVER, FAILBACK, DRAIN, MOVE }

    private static final Duration[] TAKEOVER_SLO = {Duration.ofMillis(50), Duration.ofMillis(100),
            Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(1500),
            Duration.ofSeconds(2), Duration.ofSeconds(3), Duration.ofSeconds(5), Duration.ofSeconds(10),
            Duration.ofSeconds(30)};

    private final Map<Reason, Counter> failovers = new EnumMap<>(Reason.class);
    private final Timer takeover;

    /** @param registry where to register; null: meters are kept nowhere */
    public AnaMetrics(MeterRegistry registry) {
        MeterRegistry r = registry == null ? new CompositeMeterRegistry() : registry;
        for (Reason reason : Reason.values()) {
            failovers.put(reason, Counter.builder("nvmegate.ana.failovers")
                    .description("ANA groups whose owner gateway changed, by reason (takeover, failback, drain, move)")
                    .tag("reason", reason.name().toLowerCase(Locale.ROOT)).register(r));
        }
        takeover = Timer.builder("nvmegate.ana.takeover")
                .description("ANA takeovers: from the dead owner's lease expiry to the new owner's write")
                .serviceLevelObjectives(TAKEOVER_SLO).register(r);
    }

    void failover(Reason reason) { failovers.get(reason).increment(); }

    /** Records a takeover {@code ms} after the dead owner's lease expired. */
    void takeover(long ms) { takeover.record(Duration.ofMillis(Math.max(0, ms))); }

    double failovers(Reason reason) { return failovers.get(reason).count(); }

    Timer takeoverTimer() { return takeover; }
}
