package io.nvmegate.catalog;

import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.EntryAdapter;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.MapEvent;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A local, immutable snapshot of the catalog for event-loop code (Hazelcast calls block, so event loops never
 * make them): rebuilt on a worker thread whenever an entry of the catalog maps changes, then published
 * atomically. {@link Snapshot#generation()} is the cluster-wide catalog generation ({@link Catalog#generation()}):
 * replicated and persisted with the catalog, so every member reports the same value for the same catalog; a
 * rebuild is read between two equal readings of it.
 */
public final class CatalogView {
    private static final Logger log = LoggerFactory.getLogger(CatalogView.class);

    /** One consistent reading of the catalog. */
    public record Snapshot(long generation, List<SubsystemSpec> subsystems, List<NamespaceSpec> namespaces,
                           List<PortSpec> ports, Map<String, SubsystemSpec> subsystemByNqn,
                           Map<String, NamespaceSpec> namespaceByKey) {
        static Snapshot of(long gen, List<SubsystemSpec> s, List<NamespaceSpec> n, List<PortSpec> p) {
            return new Snapshot(gen, s, n, p,
                    s.stream().collect(Collectors.toUnmodifiableMap(SubsystemSpec::nqn, Function.identity())),
                    n.stream().collect(Collectors.toUnmodifiableMap(NamespaceSpec::key, Function.identity())));
        }

        public SubsystemSpec subsystem(String nqn) { return subsystemByNqn.get(nqn); }

        public NamespaceSpec namespace(String nqn, int nsid) { return namespaceByKey.get(NamespaceSpec.key(nqn, nsid)); }

        public List<NamespaceSpec> namespaces(String nqn) {
            return namespaces.stream().filter(n -> n.subsystemNqn().equals(nqn)).toList();
        }
    }

    private final Vertx vertx;
    private final Catalog catalog;
    private final HazelcastInstance hz;
    private final List<Consumer<Snapshot>> listeners = new CopyOnWriteArrayList<>();
    private final AtomicBoolean refreshQueued = new AtomicBoolean();
    private volatile Snapshot current = Snapshot.of(0, List.of(), List.of(), List.of());
    private volatile GlobalSpec global = GlobalSpec.defaults();
    private volatile List<HostSpec> hosts = List.of();
    private volatile List<ReferralSpec> referrals = List.of();

    public CatalogView(Vertx vertx, HazelcastInstance hz) {
        this.vertx = vertx;
        this.hz = hz;
        this.catalog = new Catalog(hz);
    }

    private CatalogView(Snapshot s, GlobalSpec global, List<ReferralSpec> referrals) {
        this.vertx = null;
        this.hz = null;
        this.catalog = null;
        this.current = s;
        this.global = global;
        this.referrals = List.copyOf(referrals);
    }

    /**
     * A view of a catalog that is given, not read from the cluster, and never changes (fuzz targets and tests that
     * choose their own catalog: no Hazelcast member needed). Its {@link #catalog()} is null and {@link #start()}
     * only returns the snapshot; no namespaces, no hosts.
     *
     * @param generation GENCTR of the snapshot
     * @param subsystems subsystems, NQNs unique (the catalog keys them by NQN)
     */
    public static CatalogView fixed(long generation, List<SubsystemSpec> subsystems, List<PortSpec> ports, GlobalSpec global,
                                    List<ReferralSpec> referrals) {
        return new CatalogView(Snapshot.of(generation, List.copyOf(subsystems), List.of(), List.copyOf(ports)), global, referrals);
    }

    /** @return the cluster catalog this view reads; null for a {@link #fixed} view */
    public Catalog catalog() { return catalog; }

    public Snapshot current() { return current; }

    /** @return the global settings as of the latest rebuild (read before {@link #onChange} listeners run). */
    public GlobalSpec global() { return global; }

    /** @return the hosts as of the latest rebuild. */
    public List<HostSpec> hosts() { return hosts; }

    /** @return the discovery referrals as of the latest rebuild. */
    public List<ReferralSpec> referrals() { return referrals; }

    /** Called (on a worker thread) after every rebuild. */
    public void onChange(Consumer<Snapshot> listener) { listeners.add(listener); }

    /** Subscribes to catalog changes and takes the first snapshot. */
    public Future<Snapshot> start() {
        if (hz == null) return Future.succeededFuture(current); // a fixed view
        EntryAdapter<String, String> l = new EntryAdapter<>() {
            @Override
            public void onEntryEvent(EntryEvent<String, String> event) { refreshSoon(); }

            @Override
            public void onMapEvent(MapEvent event) { refreshSoon(); }
        };
        return vertx.executeBlocking(() -> {
            for (String m : Catalog.MAPS) {
                hz.getMap(m).addEntryListener(l, false);
            }
            return rebuild();
        }, false);
    }

    private void refreshSoon() {
        if (refreshQueued.compareAndSet(false, true)) {
            vertx.setTimer(50, id -> vertx.executeBlocking(() -> {
                refreshQueued.set(false);
                return rebuild();
            }, false).onFailure(e -> log.error("catalog rebuild failed, keeping generation {}: {}", current.generation(), e.getMessage())));
        }
    }

    private synchronized Snapshot rebuild() {
        Snapshot s;
        for (int attempt = 1; ; attempt++) { // generation, maps, generation: equal → every counted change is in
            long before = catalog.generation();
            global = catalog.global();
            hosts = catalog.hosts();
            referrals = catalog.referrals();
            s = Snapshot.of(before, catalog.subsystems(), catalog.namespaces(), catalog.ports());
            if (catalog.generation() == before || attempt == 5) break;
        }
        current = s;
        log.debug("catalog generation {}: {} subsystems, {} namespaces, {} ports", s.generation(), s.subsystems().size(),
                s.namespaces().size(), s.ports().size());
        for (Consumer<Snapshot> c : listeners) {
            try {
                c.accept(s);
            } catch (RuntimeException e) {
                log.warn("catalog listener failed", e);
            }
        }
        return s;
    }
}
