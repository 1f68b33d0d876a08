package io.nvmegate.gateway.io;

import io.nvmegate.catalog.NamespaceSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Rate-limited log of a replicated namespace's failovers as the gateway sees them: one WARN when requests of a
 * namespace start being rerouted (the failover begins), one INFO when a leader serves again (it ends), nothing per
 * command. A namespace whose failovers flap logs at most one WARN per {@link #MIN_INTERVAL_NANOS}.
 */
final class FailoverLog {
    private static final Logger log = LoggerFactory.getLogger(BlockClient.class);
    static final long MIN_INTERVAL_NANOS = 10_000_000_000L;

    /** Namespace UUID to the {@link System#nanoTime()} its current failover began (absent: none). */
    private final Map<UUID, Long> failing = new ConcurrentHashMap<>();
    private final Map<UUID, Long> lastWarn = new ConcurrentHashMap<>();

    /** A request of {@code ns} sent to {@code worker} was rerouted for {@code why}. */
    void rerouted(NamespaceSpec ns, String worker, FailoverMetrics.Reason why) {
        long now = System.nanoTime();
        if (failing.putIfAbsent(ns.uuid(), now) != null) return;
        Long last = lastWarn.get(ns.uuid());
        if (last != null && now - last < MIN_INTERVAL_NANOS) return;
        lastWarn.put(ns.uuid(), now);
        log.warn("namespace {} ({}#{}): replica {} does not serve ({}); rerouting its requests to the Raft leader",
                ns.uuid(), ns.subsystemNqn(), ns.nsid(), worker, why.name().toLowerCase(java.util.Locale.ROOT));
    }

    /** {@code worker} served a request of {@code ns}: ends a failover in progress. */
    void served(NamespaceSpec ns, String worker) {
        if (failing.isEmpty()) return; // the common case
        Long began = failing.remove(ns.uuid());
        if (began != null) {
            log.info("namespace {} ({}#{}): leader {} serves, {} ms after the first reroute", ns.uuid(),
                    ns.subsystemNqn(), ns.nsid(), worker, (System.nanoTime() - began) / 1_000_000);
        }
    }

    /** A request of {@code ns} ran out of its failover budget. */
    void exhausted(NamespaceSpec ns, long budgetMs) {
        long now = System.nanoTime();
        Long last = lastWarn.get(ns.uuid());
        if (last != null && now - last < MIN_INTERVAL_NANOS) return;
        lastWarn.put(ns.uuid(), now);
        log.warn("namespace {} ({}#{}): no Raft leader served within {} ms; completing with Asymmetric Access Transition",
                ns.uuid(), ns.subsystemNqn(), ns.nsid(), budgetMs);
    }
}
