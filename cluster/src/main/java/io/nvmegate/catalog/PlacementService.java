package io.nvmegate.catalog;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryRemovedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

/**
 * Keeps replicated namespaces placed; runs on every block worker member (each pass holds {@link Catalog#locked},
 * so members running it at once do not interleave, and each pass re-reads the catalog under the lock).
 * <ul>
 *   <li><b>Placement:</b> a replicated namespace without replicas ({@code !placed()}: created from a config file or a
 *       restore that named none) gets {@link ReplicaPlacement#place} on the live, non-draining workers once there are
 *       at least {@code replicationFactor} of them; until then it stays unplaced (not served).</li>
 *   <li><b>Drain:</b> for a worker marked draining ({@link WorkerDirectory#setDraining}, {@code POST
 *       /workers/{id}/decommission}) each replicated namespace with a replica on it gets that replica moved
 *       ({@link ReplicaPlacement#replacement}, {@link ReplicaPlacement#moved}), one namespace at a time: the next move
 *       waits until no namespace's published {@link ReplicationStatus} shows a configuration different from its
 *       catalog replicas ({@link ReplicationView#moving}; the group leader reconciles Raft), or until
 *       {@code settleTimeoutMs} passed. Namespaces with replication factor 1 cannot move (no second copy): they are
 *       logged and left on the draining worker.</li>
 * </ul>
 * A pass runs on a cluster membership change, a change of the namespace or worker map, and every {@code periodMs}.
 */
public final class PlacementService implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PlacementService.class);
    /** Default time a drain waits for the previous move to show in the group's status before it moves on. */
    public static final long DEFAULT_SETTLE_TIMEOUT_MS = 120_000;

    /** What one pass changed. @param placed namespaces placed @param moved replicas moved off draining workers */
    public record Pass(int placed, int moved) {}

    private final HazelcastInstance hz;
    private final Catalog catalog;
    private final WorkerDirectory workers;
    private final ReplicationView view;
    private final long periodMs;
    private final long settleTimeoutMs;
    private final LongSupplier clock;
    private final Map<UUID, Long> movingSince = new ConcurrentHashMap<>();
    private final Set<String> warned = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean pending = new AtomicBoolean();
    private final ScheduledExecutorService exec = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "nvmegate-placement");
        t.setDaemon(true);
        return t;
    });
    private final List<Runnable> unlisten = new ArrayList<>();

    public PlacementService(HazelcastInstance hz) {
        this(hz, 2_000, DEFAULT_SETTLE_TIMEOUT_MS);
    }

    /**
     * @param periodMs        interval of the periodic pass (ms)
     * @param settleTimeoutMs how long a drain waits for a move to show in the group's status (ms)
     */
    public PlacementService(HazelcastInstance hz, long periodMs, long settleTimeoutMs) {
        this.hz = hz;
        this.catalog = new Catalog(hz);
        this.workers = new WorkerDirectory(hz);
        this.view = new ReplicationView(hz);
        this.periodMs = periodMs;
        this.settleTimeoutMs = settleTimeoutMs;
        this.clock = System::currentTimeMillis;
    }

    /** Listens to membership and the namespace and worker maps, and starts the periodic pass. */
    public PlacementService start() {
        UUID m = hz.getCluster().addMembershipListener(new MembershipListener() {
            @Override public void memberAdded(MembershipEvent e) { kick(); }
            @Override public void memberRemoved(MembershipEvent e) { kick(); }
        });
        unlisten.add(() -> hz.getCluster().removeMembershipListener(m));
        for (String map : List.of(Catalog.NAMESPACES, WorkerDirectory.MAP)) {
            IMap<String, String> im = hz.getMap(map);
            UUID id = im.addEntryListener(new Changes(), false);
            unlisten.add(() -> im.removeEntryListener(id));
        }
        exec.scheduleWithFixedDelay(this::safePass, 0, periodMs, TimeUnit.MILLISECONDS);
        return this;
    }

    private final class Changes implements EntryAddedListener<String, String>, EntryUpdatedListener<String, String>,
            EntryRemovedListener<String, String> {
        @Override public void entryAdded(com.hazelcast.core.EntryEvent<String, String> e) { kick(); }
        @Override public void entryUpdated(com.hazelcast.core.EntryEvent<String, String> e) { kick(); }
        @Override public void entryRemoved(com.hazelcast.core.EntryEvent<String, String> e) { kick(); }
    }

    /** Schedules a pass soon (coalesced: at most one waiting). */
    public void kick() {
        if (exec.isShutdown() || !pending.compareAndSet(false, true)) return;
        try {
            exec.execute(() -> {
                pending.set(false);
                safePass();
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            pending.set(false);
        }
    }

    private void safePass() {
        try {
            if (hz.getLifecycleService().isRunning()) pass();
        } catch (RuntimeException e) {
            if (hz.getLifecycleService().isRunning()) log.warn("replica placement pass failed", e);
        }
    }

    /** Runs one pass now (on the calling thread): places what can be placed, moves at most one drained replica. */
    public Pass pass() {
        if (catalog.namespaces().stream().noneMatch(n -> n.replicated() && !n.placed()) && workers.all().stream().noneMatch(WorkerDirectory.WorkerInfo::draining)) {
            return new Pass(0, 0);
        }
        return catalog.locked(() -> {
            List<WorkerDirectory.WorkerInfo> all = workers.all();
            Set<String> draining = new HashSet<>();
            all.stream().filter(WorkerDirectory.WorkerInfo::draining).forEach(w -> draining.add(w.id()));
            List<String> eligible = workers.live().stream().filter(w -> !w.draining()).map(WorkerDirectory.WorkerInfo::id).toList();
            List<NamespaceSpec> current = new ArrayList<>(catalog.namespaces());
            int placed = placeUnplaced(current, eligible);
            int moved = drainOne(current, eligible, draining) ? 1 : 0;
            return new Pass(placed, moved);
        });
    }

    private int placeUnplaced(List<NamespaceSpec> current, List<String> eligible) {
        int placed = 0;
        for (int i = 0; i < current.size(); i++) {
            NamespaceSpec n = current.get(i);
            if (!n.replicated() || n.placed()) continue;
            Optional<List<String>> r = ReplicaPlacement.place(n.replicationFactor(), eligible, current);
            if (r.isEmpty()) {
                if (warned.add("unplaced:" + n.key())) {
                    log.warn("namespace {} (replicationFactor {}) waits for placement: {} live worker(s) not draining {}",
                            n.key(), n.replicationFactor(), eligible.size(), eligible);
                }
                continue;
            }
            NamespaceSpec p = n.withReplicas(r.get());
            catalog.putNamespace(p);
            current.set(i, p);
            warned.remove("unplaced:" + n.key());
            log.info("namespace {} placed on {}", n.key(), p.replicas());
            placed++;
        }
        return placed;
    }

    /** @return whether a replica was moved off a draining worker */
    private boolean drainOne(List<NamespaceSpec> current, List<String> eligible, Set<String> draining) {
        if (draining.isEmpty()) return false;
        long now = clock.getAsLong();
        for (NamespaceSpec n : current) {
            if (view.moving(n)) {
                long since = movingSince.computeIfAbsent(n.uuid(), k -> now);
                if (now - since < settleTimeoutMs) return false; // one move at a time
            } else {
                movingSince.remove(n.uuid());
            }
        }
        for (int i = 0; i < current.size(); i++) {
            NamespaceSpec n = current.get(i);
            Optional<String> from = n.replicas().stream().filter(draining::contains).findFirst();
            if (from.isEmpty()) continue;
            if (!n.replicated()) {
                if (warned.add("rf1:" + n.key())) {
                    log.warn("namespace {} has replicationFactor 1 on draining worker {}: it cannot be moved", n.key(), from.get());
                }
                continue;
            }
            if (!n.placed()) continue;
            Optional<String> to = ReplicaPlacement.replacement(n, from.get(), eligible, current);
            if (to.isEmpty()) {
                if (warned.add("stuck:" + n.key())) {
                    log.warn("namespace {}: no live worker outside {} to take its replica on draining {}", n.key(), n.replicas(), from.get());
                }
                continue;
            }
            NamespaceSpec m = n.withReplicas(ReplicaPlacement.moved(n.replicas(), from.get(), to.get()));
            catalog.putNamespace(m);
            current.set(i, m);
            movingSince.put(n.uuid(), now);
            log.info("namespace {}: replica moved from draining {} to {} (replicas {})", n.key(), from.get(), to.get(), m.replicas());
            return true;
        }
        return false;
    }

    @Override
    public void close() {
        exec.shutdownNow();
        for (Runnable r : unlisten) {
            try {
                r.run();
            } catch (RuntimeException e) {
                // the member is shutting down
            }
        }
        unlisten.clear();
    }
}
