package io.nvmegate.gateway.io;

import io.nvmegate.catalog.NamespaceSpec;
import io.nvmegate.catalog.ReplicationStatus;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The gateway's leader cache for replicated namespaces: namespace UUID to the worker ID of its Raft leader, as
 * last learnt from the published {@link ReplicationStatus} (fed by {@link ReplicationStatusFeed}, an entry listener
 * on map {@value ReplicationStatus#MAP}; never read per command) or from a replica's redirect hint
 * ({@link io.nvmegate.blockio.BlockReply#leader()}), whichever is newer.
 *
 * <p>Newer: a published status carries the Raft term of its leadership; a hint or a replica that served a request
 * carries none but is an observation at least as recent as any status already cached. So a hint replaces the
 * cached leader (keeping the cached term), and a published status replaces a cache entry learnt from a hint only
 * with a strictly higher term (a status of the same term may predate the hint), and an entry learnt from the map
 * with an equal or higher term. A replica that times out or has no consumer is suspected: the entry loses its
 * leader (keeps its term) until a hint, a served request or a newer status names one.
 *
 * <p>Thread safety: every method may be called from any thread (event loops, Hazelcast event threads).
 */
public final class ReplicaRouter {
    /**
     * One cache entry.
     *
     * @param leader    worker ID of the leader, or {@code null} (suspected or unknown)
     * @param term      Raft term of the last published status taken in (0: none)
     * @param published whether {@code leader} comes from the published status (else a hint, an answer or a suspicion)
     */
    record Route(String leader, long term, boolean published) {}

    private static final Route NONE = new Route(null, 0, false);

    private final Map<UUID, Route> routes = new ConcurrentHashMap<>();

    /** @return the cached leader of namespace {@code uuid}, or {@code null} */
    public String leader(UUID uuid) {
        Route r = routes.get(uuid);
        return r == null ? null : r.leader();
    }

    /**
     * @return the worker to send {@code ns}'s next request to: the cached leader, else the first replica;
     *         {@code null} when the namespace has no replica placed yet
     */
    public String target(NamespaceSpec ns) {
        String l = leader(ns.uuid());
        if (l != null) return l;
        List<String> rs = ns.replicas();
        return rs.isEmpty() ? null : rs.get(0);
    }

    /**
     * @return the worker to try after {@code failed} did not serve: the cached leader if it is another worker,
     *         else the replica following {@code failed} in {@link NamespaceSpec#replicas()} order (cyclic; the
     *         first when {@code failed} is not a replica)
     */
    public String next(NamespaceSpec ns, String failed) {
        String l = leader(ns.uuid());
        if (l != null && !l.equals(failed)) return l;
        List<String> rs = ns.replicas();
        if (rs.isEmpty()) return null;
        int i = rs.indexOf(failed);
        return rs.get(i < 0 ? 0 : (i + 1) % rs.size());
    }

    /** Takes in a status published in {@value ReplicationStatus#MAP} (see the class comment for which wins). */
    public void published(ReplicationStatus s) {
        if (s.leader() == null) return;
        routes.compute(s.namespace(), (k, r) -> {
            if (r == null || s.term() > r.term() || (s.term() == r.term() && r.published())) {
                return new Route(s.leader(), s.term(), true);
            }
            return r;
        });
    }

    /** Forgets namespace {@code uuid} (its status was removed: the namespace was deleted). */
    public void forget(UUID uuid) {
        routes.remove(uuid);
    }

    /** A replica named {@code leader} the leader of namespace {@code uuid} (redirect hint). */
    public void hint(UUID uuid, String leader) {
        if (leader == null) return;
        routes.compute(uuid, (k, r) -> new Route(leader, (r == null ? NONE : r).term(), false));
    }

    /** Worker {@code worker} served a request of namespace {@code uuid} (it answered as the leader). */
    public void served(UUID uuid, String worker) {
        Route r = routes.get(uuid);
        if (r != null && worker.equals(r.leader())) return; // the common case: no write to the map
        hint(uuid, worker);
    }

    /** Worker {@code worker} did not answer (timeout, no consumer) or said it is not the leader and knows none. */
    public void suspect(UUID uuid, String worker) {
        routes.computeIfPresent(uuid, (k, r) -> worker.equals(r.leader()) ? new Route(null, r.term(), false) : r);
    }
}
