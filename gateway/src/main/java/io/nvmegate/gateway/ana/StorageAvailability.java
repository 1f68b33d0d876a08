package io.nvmegate.gateway.ana;

import com.hazelcast.core.HazelcastInstance;
import io.nvmegate.catalog.NamespaceSpec;
import io.nvmegate.catalog.ReplicationStatus;
import io.nvmegate.catalog.WorkerDirectory;
import io.vertx.core.json.JsonObject;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Whether a namespace's storage can serve now, one input of the ANA state rule ({@link io.nvmegate.ana.AnaStateRule}:
 * a group whose storage cannot serve is ANA inaccessible on every gateway, so that the Linux host queues its I/O
 * instead of failing it). {@link #up} is a read of the last {@link #refresh}, cheap enough for every state
 * computation; {@link #refresh} may block (Hazelcast reads) and runs off the event loop, on {@link AnaStates}' tick.
 *
 * <p>Only positive evidence makes storage down, so that a single process and a gateway whose workers have not
 * registered yet keep serving as before:
 * <ul>
 *   <li>RF 1: the namespace's worker is registered in {@value WorkerDirectory#MAP} and its Hazelcast member is not
 *       in the cluster ({@link WorkerDirectory#live(WorkerDirectory.WorkerInfo)});</li>
 *   <li>replicated: the namespace's record in {@value ReplicationStatus#MAP} exists and its leader has not
 *       published it for {@value #LEADER_STALE_MS} ms (the leader publishes about once a second and at once on
 *       taking leadership; {@code updatedMs} is the leader's wall clock, so clocks must agree within a second).</li>
 * </ul>
 * The diagnostic backend {@value NamespaceSpec#NULL_GATEWAY} (answered by the gateway itself) is always up.
 */
public interface StorageAvailability {
    /** A replicated namespace whose status is older than this (ms) has no leader. */
    long LEADER_STALE_MS = 4_000;

    /** @return whether {@code ns} can serve, as of the last {@link #refresh} */
    boolean up(NamespaceSpec ns);

    /** Re-reads the cluster's view; may block (call off the event loop). */
    default void refresh() {}

    /** Outside a cluster: every namespace is always up. */
    static StorageAvailability always() {
        return ns -> true;
    }

    /** Follows the workers and Raft leaders of {@code hz}'s cluster (see the class documentation). */
    static StorageAvailability of(HazelcastInstance hz) {
        return new Cluster(hz);
    }

    /** The cluster implementation: sets of down workers and of leaderless namespaces, replaced on each refresh. */
    final class Cluster implements StorageAvailability {
        private final HazelcastInstance hz;
        private final WorkerDirectory workers;
        private volatile Set<String> downWorkers = Set.of();
        private volatile Set<UUID> leaderless = Set.of();

        Cluster(HazelcastInstance hz) {
            this.hz = hz;
            this.workers = new WorkerDirectory(hz);
        }

        @Override
        public boolean up(NamespaceSpec ns) {
            if (NamespaceSpec.NULL_GATEWAY.equals(ns.backend())) return true;
            return ns.replicated() ? !leaderless.contains(ns.uuid()) : !downWorkers.contains(ns.worker());
        }

        @Override
        public void refresh() {
            Set<String> down = new HashSet<>();
            for (WorkerDirectory.WorkerInfo w : workers.all()) if (!workers.live(w)) down.add(w.id());
            Set<UUID> stale = new HashSet<>();
            long now = System.currentTimeMillis();
            Map<String, String> statuses = new HashMap<>(hz.<String, String>getMap(ReplicationStatus.MAP));
            for (Map.Entry<String, String> e : statuses.entrySet()) {
                try {
                    ReplicationStatus s = ReplicationStatus.fromJson(new JsonObject(e.getValue()));
                    if (s.leader() == null || now - s.updatedMs() > LEADER_STALE_MS) stale.add(s.namespace());
                } catch (RuntimeException malformed) { // not evidence of an outage
                }
            }
            downWorkers = Set.copyOf(down);
            leaderless = Set.copyOf(stale);
        }
    }
}
