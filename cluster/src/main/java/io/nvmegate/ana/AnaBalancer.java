package io.nvmegate.ana;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.nvmegate.catalog.CatalogView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Keeps map {@value AnaOwner#MAP} in line with the cluster: runs every {@link #TICK_MS} ms on every gateway and
 * acts only on the live gateway with the smallest ID ({@link GatewayDirectory}), so one balancer decides at a time;
 * the rules are {@link AnaPlanner}'s. Every write is a compare-and-set against the entry it was decided on
 * ({@code putIfAbsent}, {@code replace(key, old, new)}, {@code remove(key, old)}): a balancer that raced another one
 * (two gateways each believing it has the smallest live ID for a moment), a hand-off completion or a
 * {@code ctl ana move} loses its write and decides again on the next tick, never overwriting a newer entry.
 *
 * <p>Timing: a takeover is written within one tick of the dead owner's lease expiry, i.e. at most
 * {@link GatewayLease#LEASE_MS} + {@link #TICK_MS} ms after its last renewal was sent.
 */
public final class AnaBalancer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AnaBalancer.class);
    /** How often every gateway's balancer runs (ms). */
    public static final long TICK_MS = 250;
    /** Failback settle delay (ms): a returning home gets its groups back once its current lease has held this long. */
    public static final long SETTLE_MS = 5_000;

    /** One decision: the reading it was made on and its writes. */
    record Plan(AnaTopology topology, List<AnaPlanner.Write> writes) {}

    private final HazelcastInstance hz;
    private final String gatewayId;
    private final Supplier<CatalogView.Snapshot> catalog;
    private final AnaMetrics metrics;
    private final GatewayDirectory directory;
    private final IMap<String, String> owners;
    private final IMap<String, String> draining;
    private final AnaPlanner planner;
    private final ScheduledExecutorService exec = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "nvmegate-ana-balancer");
        t.setDaemon(true);
        return t;
    });

    /**
     * @param gatewayId this gateway's ID
     * @param catalog   the current catalog snapshot (e.g. {@code CatalogView::current})
     * @param settleMs  failback settle delay (ms), {@link #SETTLE_MS} in production
     */
    AnaBalancer(HazelcastInstance hz, String gatewayId, Supplier<CatalogView.Snapshot> catalog, AnaMetrics metrics, long settleMs) {
        this.hz = hz;
        this.gatewayId = gatewayId;
        this.catalog = catalog;
        this.metrics = metrics;
        this.directory = new GatewayDirectory(hz);
        this.owners = hz.getMap(AnaOwner.MAP);
        this.draining = hz.getMap(GatewayDirectory.DRAINING);
        this.planner = new AnaPlanner(settleMs);
    }

    AnaBalancer start() {
        exec.scheduleWithFixedDelay(this::safeTick, 0, TICK_MS, TimeUnit.MILLISECONDS);
        return this;
    }

    private void safeTick() {
        try {
            if (hz.getLifecycleService().isRunning()) tick();
        } catch (RuntimeException e) {
            if (hz.getLifecycleService().isRunning()) log.warn("ANA balancer pass failed: {}", e.toString());
        }
    }

    /** @return the number of writes applied, or -1 when this gateway is not the balancing one */
    int tick() {
        AnaTopology t = read();
        if (!gatewayId.equals(t.leader())) return -1;
        return apply(new Plan(t, planner.plan(t, new HashMap<>(owners))));
    }

    /** Reads the cluster and decides, whether or not this gateway is the balancing one (tests race two of these). */
    Plan plan() {
        AnaTopology t = read();
        return new Plan(t, planner.plan(t, new HashMap<>(owners)));
    }

    private AnaTopology read() {
        return AnaTopology.of(catalog.get(), directory.all(), draining.keySet(), directory.now());
    }

    /** Applies {@code p}'s writes, each a compare-and-set. @return the number that took effect */
    int apply(Plan p) {
        int done = 0;
        for (AnaPlanner.Write w : p.writes()) {
            boolean ok = switch (w.kind()) {
                case CREATE -> owners.putIfAbsent(w.key(), w.after().toJson().encode()) == null;
                case REMOVE -> owners.remove(w.key(), w.beforeRaw());
                default -> owners.replace(w.key(), w.beforeRaw(), w.after().toJson().encode());
            };
            if (!ok) {
                log.debug("ANA group {}: {} lost its compare-and-set (the entry changed), deciding again next tick", w.key(), w.kind());
                continue;
            }
            done++;
            report(p.topology(), w);
        }
        return done;
    }

    private void report(AnaTopology t, AnaPlanner.Write w) {
        AnaOwner a = w.after();
        switch (w.kind()) {
            case TAKEOVER -> {
                GatewayDirectory.GatewayInfo dead = t.info(w.before().owner());
                long late = dead == null ? 0 : a.changedAt() - dead.leaseUntil();
                metrics.failover(AnaMetrics.Reason.TAKEOVER);
                metrics.takeover(late);
                log.info("ANA group {}: taken over by {} from {} ({} ms after its lease expired), epoch {}", w.key(),
                        a.owner(), w.before().owner(), late, a.epoch());
            }
            case RELEASE -> log.info("ANA group {}: hand-off {} -> {} started (home {}{}), epoch {}", w.key(), a.owner(),
                    a.next(), a.home(), a.pinned() ? ", pinned" : "", a.epoch());
            case REVERT -> log.info("ANA group {}: hand-off to {} reverted to {}, epoch {}", w.key(), w.before().next(),
                    a.owner(), a.epoch());
            case CREATE, ASSIGN -> log.info("ANA group {}: owned by {} (home {}), epoch {}", w.key(), a.owner(), a.home(), a.epoch());
            case UPDATE -> log.info("ANA group {}: home {}{}, epoch {}", w.key(), a.home(), a.pinned() ? " (pinned)" : "", a.epoch());
            case REMOVE -> log.info("ANA group {}: no longer in the catalog, entry removed", w.key());
        }
    }

    @Override
    public void close() {
        exec.shutdownNow();
    }
}
