package io.nvmegate.ana;

import com.hazelcast.core.HazelcastInstance;
import io.micrometer.core.instrument.MeterRegistry;
import io.nvmegate.catalog.CatalogView;

import java.util.function.Supplier;

/**
 * Everything a clustered gateway runs for ANA ownership, in one object: the local view of map
 * {@value AnaOwner#MAP} ({@link HazelcastAnaOwners}, for the gateway's ANA states), the balancer
 * ({@link AnaBalancer}, acting while this gateway has the smallest live ID) and the hand-off completion
 * ({@link AnaHandoff}). The gateway's lease renewer is separate (it makes this gateway live in
 * {@link GatewayDirectory}; until it has renewed, the balancer never acts here).
 *
 * <pre>{@code AnaCoordinator ana = AnaCoordinator.start(hz, gatewayId, catalogView, registry); // off the event loop
 * ... new Gateway(..., lease, ana.owners()) ...
 * ana.stop();}</pre>
 */
public final class AnaCoordinator implements AutoCloseable {
    private final HazelcastAnaOwners owners;
    private final AnaBalancer balancer;
    private final AnaHandoff handoff;
    private final AnaMetrics metrics;

    private AnaCoordinator(HazelcastAnaOwners owners, AnaBalancer balancer, AnaHandoff handoff, AnaMetrics metrics) {
        this.owners = owners;
        this.balancer = balancer;
        this.handoff = handoff;
        this.metrics = metrics;
    }

    /**
     * Starts the view, the balancer and the hand-off for gateway {@code gatewayId} (blocking: loads the owner map).
     *
     * @param catalog  the gateway's started catalog view
     * @param registry where {@code nvmegate_ana_failovers_total} and {@code nvmegate_ana_takeover_seconds} go; null: nowhere
     */
    public static AnaCoordinator start(HazelcastInstance hz, String gatewayId, CatalogView catalog, MeterRegistry registry) {
        return start(hz, gatewayId, catalog::current, registry);
    }

    /** As {@link #start(HazelcastInstance, String, CatalogView, MeterRegistry)} with any source of catalog snapshots. */
    public static AnaCoordinator start(HazelcastInstance hz, String gatewayId, Supplier<CatalogView.Snapshot> catalog,
                                       MeterRegistry registry) {
        return start(hz, gatewayId, catalog, new AnaMetrics(registry), AnaBalancer.SETTLE_MS, true);
    }

    /** Tests: a settle delay of their choosing, and optionally no hand-off completion (an owner that never releases). */
    static AnaCoordinator start(HazelcastInstance hz, String gatewayId, Supplier<CatalogView.Snapshot> catalog,
                                AnaMetrics metrics, long settleMs, boolean completeHandoffs) {
        HazelcastAnaOwners owners = HazelcastAnaOwners.start(hz);
        AnaHandoff handoff = completeHandoffs ? new AnaHandoff(hz, gatewayId, owners, metrics).start() : null;
        AnaBalancer balancer = new AnaBalancer(hz, gatewayId, catalog, metrics, settleMs).start();
        return new AnaCoordinator(owners, balancer, handoff, metrics);
    }

    /** @return this gateway's view of the owner map (local reads) */
    public AnaOwners owners() { return owners; }

    AnaBalancer balancer() { return balancer; }

    AnaHandoff handoff() { return handoff; }

    AnaMetrics metrics() { return metrics; }

    /** Stops the balancer, the hand-off and the view (the map entries stay: other gateways carry on). */
    public void stop() {
        balancer.close();
        if (handoff != null) handoff.close();
        owners.close();
    }

    @Override
    public void close() { stop(); }
}
