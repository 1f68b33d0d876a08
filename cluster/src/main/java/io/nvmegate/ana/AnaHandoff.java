package io.nvmegate.ana;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The second step of a hand-off ({@link AnaOwner}), on every gateway for itself: when this gateway's own view
 * ({@link HazelcastAnaOwners}) holds an entry RELEASING with owner = this gateway, it already reports the group
 * non-optimized ({@link AnaStateRule}), so it writes OWNED(next) with {@code replace(key, old, new)} (epoch + 1).
 * Because it acts on its own view, the next owner can be seen OWNED only after the releasing owner's view left
 * OWNED: no two gateways report the group optimized under different owners. Runs on every view change and every
 * {@link AnaBalancer#TICK_MS} ms.
 */
final class AnaHandoff implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AnaHandoff.class);

    private final String gatewayId;
    private final HazelcastAnaOwners view;
    private final AnaMetrics metrics;
    private final GatewayDirectory directory;
    private final IMap<String, String> owners;
    private final IMap<String, String> draining;
    private final HazelcastInstance hz;
    private final AtomicBoolean pending = new AtomicBoolean();
    private final ScheduledExecutorService exec = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "nvmegate-ana-handoff");
        t.setDaemon(true);
        return t;
    });

    AnaHandoff(HazelcastInstance hz, String gatewayId, HazelcastAnaOwners view, AnaMetrics metrics) {
        this.hz = hz;
        this.gatewayId = gatewayId;
        this.view = view;
        this.metrics = metrics;
        this.directory = new GatewayDirectory(hz);
        this.owners = hz.getMap(AnaOwner.MAP);
        this.draining = hz.getMap(GatewayDirectory.DRAINING);
    }

    AnaHandoff start() {
        view.onChange(this::kick);
        exec.scheduleWithFixedDelay(this::safePass, 0, AnaBalancer.TICK_MS, TimeUnit.MILLISECONDS);
        return this;
    }

    private void kick() {
        if (!pending.compareAndSet(false, true)) return;
        try {
            exec.execute(() -> {
                pending.set(false);
                safePass();
            });
        } catch (RejectedExecutionException closed) {
            pending.set(false);
        }
    }

    private void safePass() {
        try {
            if (hz.getLifecycleService().isRunning()) pass();
        } catch (RuntimeException e) {
            if (hz.getLifecycleService().isRunning()) log.warn("ANA hand-off pass failed: {}", e.toString());
        }
    }

    /** @return the number of hand-offs this gateway completed */
    int pass() {
        int done = 0;
        for (Map.Entry<String, HazelcastAnaOwners.Entry> en : view.entries().entrySet()) {
            AnaOwner e = en.getValue().owner();
            if (e.phase() != AnaOwner.Phase.RELEASING || !gatewayId.equals(e.owner()) || e.next() == null) continue;
            AnaOwner next = new AnaOwner(e.subsystemNqn(), e.anaGroup(), e.home(), e.next(), null, AnaOwner.Phase.OWNED,
                    e.pinned(), e.epoch() + 1, directory.now());
            if (!owners.replace(en.getKey(), en.getValue().raw(), next.toJson().encode())) continue; // changed: next event
            done++;
            AnaMetrics.Reason reason = draining.containsKey(gatewayId) ? AnaMetrics.Reason.DRAIN
                    : e.next().equals(e.home()) ? (e.pinned() ? AnaMetrics.Reason.MOVE : AnaMetrics.Reason.FAILBACK)
                    : AnaMetrics.Reason.DRAIN;
            metrics.failover(reason);
            log.info("ANA group {}: released by {} to {} ({}), epoch {}", en.getKey(), gatewayId, e.next(),
                    reason.name().toLowerCase(), next.epoch());
        }
        return done;
    }

    @Override
    public void close() {
        exec.shutdownNow();
    }
}
