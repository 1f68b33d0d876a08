package io.nvmegate.gateway.ana;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The gateway's ANA meters (registered on the node's registry, {@link io.nvmegate.metrics.NodeMetrics#registry()}):
 * <ul>
 *   <li>{@code nvmegate_ana_state{subsystem,group,gateway}}: gauge, the state code of each ANA group on this
 *       gateway as its ANA log page reports it (1 optimized, 2 non-optimized, 3 inaccessible, 15 change:
 *       {@link io.nvmegate.ana.AnaState#code}); a group that no longer holds an enabled namespace loses its series.</li>
 *   <li>{@code nvmegate_ana_changes_total{gateway}}: counter, ANA state changes of groups on this gateway (each one
 *       also bumps the ANA log's CHGCNT and sends the ANA change notice).</li>
 * </ul>
 * Called under {@link AnaStates}' lock only.
 */
public final class AnaMetrics {
    private final MeterRegistry registry;
    private final String gatewayId;
    private final Counter changes;
    private final Map<String, AtomicInteger> states = new HashMap<>();
    private final Map<String, Gauge> gauges = new HashMap<>();

    public AnaMetrics(MeterRegistry registry, String gatewayId) {
        this.registry = registry;
        this.gatewayId = gatewayId;
        this.changes = Counter.builder("nvmegate.ana.changes").description("ANA state changes of groups on this gateway")
                .tag("gateway", gatewayId).register(registry);
    }

    /** Publishes {@code view}'s states and counts {@code stateChanges}. */
    synchronized void update(AnaStates.View view, int stateChanges) {
        if (stateChanges > 0) changes.increment(stateChanges);
        for (Map.Entry<String, AnaStates.Group> e : view.groups().entrySet()) {
            AnaStates.Group g = e.getValue();
            AtomicInteger v = states.get(e.getKey());
            if (v == null) {
                v = new AtomicInteger();
                states.put(e.getKey(), v);
                gauges.put(e.getKey(), Gauge.builder("nvmegate.ana.state", v, AtomicInteger::get)
                        .description("ANA state code of a group on this gateway: 1 optimized, 2 non-optimized, 3 inaccessible, 15 change")
                        .tag("subsystem", g.subsystemNqn()).tag("group", Integer.toString(g.anaGroup())).tag("gateway", gatewayId)
                        .register(registry));
            }
            v.set(g.state().code);
        }
        states.keySet().removeIf(k -> {
            if (view.groups().containsKey(k)) return false;
            registry.remove(gauges.remove(k));
            return true;
        });
    }

    /** Removes every state series (the gateway stopped). */
    synchronized void clear() {
        gauges.values().forEach(registry::remove);
        gauges.clear();
        states.clear();
    }
}
