package io.nvmegate.catalog;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.vertx.core.json.JsonObject;

import java.util.HashSet;
import java.util.Optional;
import java.util.UUID;
import java.util.function.LongSupplier;

/**
 * Reads the {@link ReplicationStatus} records that group leaders publish (map {@value ReplicationStatus#MAP}) and
 * judges them: a record older than {@link #STALE_MS} says nothing (its leader is gone, paused, or cut off from the
 * catalog), so the namespace counts as having no leader.
 */
public final class ReplicationView {
    /** A status older than this (ms; leaders publish about once a second) counts as no leader. */
    public static final long STALE_MS = 5_000;

    private final IMap<String, String> statuses;
    private final LongSupplier clock;

    public ReplicationView(HazelcastInstance hz) {
        this(hz, System::currentTimeMillis);
    }

    ReplicationView(HazelcastInstance hz, LongSupplier clock) {
        this.statuses = hz.getMap(ReplicationStatus.MAP);
        this.clock = clock;
    }

    /** @return the last status published for namespace {@code uuid}, however old */
    public Optional<ReplicationStatus> last(UUID uuid) {
        String v = statuses.get(uuid.toString());
        return v == null ? Optional.empty() : Optional.of(ReplicationStatus.fromJson(new JsonObject(v)));
    }

    /** @return the status of namespace {@code uuid} if published less than {@link #STALE_MS} ago */
    public Optional<ReplicationStatus> fresh(UUID uuid) {
        long now = clock.getAsLong();
        return last(uuid).filter(s -> now - s.updatedMs() <= STALE_MS);
    }

    /**
     * @return whether {@code ns} has fewer than {@code replicationFactor} replicas known healthy: unplaced, without
     *         a fresh status (no leader), or with replicas reported {@code lagging}, {@code catching-up},
     *         {@code unreachable}; false for RF 1 (no replication)
     */
    public boolean underReplicated(NamespaceSpec ns) {
        if (!ns.replicated()) return false;
        if (!ns.placed()) return true;
        Optional<ReplicationStatus> s = fresh(ns.uuid());
        if (s.isEmpty()) return true;
        long healthy = s.get().replicas().stream()
                .filter(r -> ns.replicas().contains(r.worker()))
                .filter(r -> "leader".equals(r.role()) || "healthy".equals(r.state()))
                .count();
        return healthy < ns.replicationFactor();
    }

    /**
     * @return whether a fresh status shows a Raft configuration different from the catalog's {@code replicas}: a
     *         replica move the group leader has not finished yet. False without a fresh status (unknown)
     */
    public boolean moving(NamespaceSpec ns) {
        if (!ns.replicated() || !ns.placed()) return false;
        return fresh(ns.uuid()).map(s -> !new HashSet<>(s.replicas().stream().map(ReplicationStatus.Replica::worker).toList())
                .equals(new HashSet<>(ns.replicas()))).orElse(false);
    }

    /** Publishes {@code s} (what a group leader does; tests use it to stand in for one). */
    public void publish(ReplicationStatus s) {
        statuses.set(s.namespace().toString(), s.toJson().encode());
    }
}
