package io.nvmegate.catalog;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.UUID;

/**
 * Whether the cluster holds its catalog, so start order does not matter. A member that <em>provides</em> the
 * catalog ({@link #provide}: it runs a block worker, so it owns a durable copy or is where the configuration
 * lives, or it forms a cluster of its own) puts it there once per cluster lifetime: from its local copy
 * ({@link CatalogStore}, kept complete by {@link CatalogReplica}), else by {@link Catalog#seed seeding} the
 * configuration. Any other member (gateway or discovery only, joining others) {@link #await waits} for that,
 * touching no catalog map, so it can never seed a configuration over the persisted catalog of a worker that
 * starts after it.
 *
 * <p>The marker is one entry of the Hazelcast map {@value #MAP} (key {@value #KEY}, value the UUID of the member
 * that provided the catalog). It is not a catalog map ({@link Catalog#MAPS}): it is never persisted, so after a
 * full stop the first provider puts the catalog back, and it lives as long as any member of the cluster does (a
 * worker that restarts into a running cluster finds the catalog there and changes nothing).
 */
public final class CatalogAvailability {
    private static final Logger log = LoggerFactory.getLogger(CatalogAvailability.class);
    public static final String MAP = "nvmegate.catalog-available";
    public static final String KEY = "catalog";
    /** How often {@link #await} re-reads the marker besides its entry listener (an event lost in a migration). */
    static final long RECHECK_MS = 2000;

    private CatalogAvailability() {}

    /** What {@link #provide} found or did. */
    public enum Outcome {
        /** Another member had already provided the catalog: nothing changed. */
        ALREADY_AVAILABLE,
        /** Entries of this member's local copy were put back (the configuration was then ignored). */
        RESTORED,
        /** The catalog had never been seeded: the configuration was loaded. */
        SEEDED,
        /** The catalog was there (loaded by the map stores) and seeded: nothing was added. */
        PRESENT
    }

    /** Blocking (Hazelcast calls): whether some member has provided the catalog. */
    public static boolean isAvailable(HazelcastInstance hz) {
        return hz.<String, String>getMap(MAP).containsKey(KEY);
    }

    /**
     * Blocking (Hazelcast calls): makes the catalog available unless another member did. Under the marker's
     * cluster-wide lock, so two providers starting together do not both write: puts back every entry of the
     * local copy in {@code store} that the cluster lacks ({@code putIfAbsent}; an entry the map stores loaded is
     * kept), then {@link Catalog#seed seeds} {@code seed} if the catalog was never seeded, then sets the marker.
     *
     * @param store directory of this member's catalog store, or null (no durable copy)
     */
    public static Outcome provide(HazelcastInstance hz, CatalogConfig seed, Path store) {
        IMap<String, String> marker = hz.getMap(MAP);
        marker.lock(KEY);
        try {
            if (marker.containsKey(KEY)) return Outcome.ALREADY_AVAILABLE;
            int restored = store == null ? 0 : restore(hz, store);
            boolean seeded = new Catalog(hz).seed(seed);
            marker.set(KEY, hz.getCluster().getLocalMember().getUuid().toString());
            Outcome o = seeded ? Outcome.SEEDED : restored > 0 ? Outcome.RESTORED : Outcome.PRESENT;
            log.info("catalog provided by this member: {}{}", o, restored > 0 ? " (" + restored + " entries from " + store + ")" : "");
            return o;
        } finally {
            marker.unlock(KEY);
        }
    }

    /** @return how many entries of the local copy the cluster lacked and got */
    private static int restore(HazelcastInstance hz, Path dir) {
        CatalogStore local = CatalogStore.open(dir);
        try {
            int n = 0;
            for (String name : Catalog.MAPS) {
                IMap<String, String> map = hz.getMap(name);
                for (String key : local.keys(name)) {
                    String v = local.get(name, key);
                    if (v != null && map.putIfAbsent(key, v) == null) n++;
                }
            }
            return n;
        } finally {
            local.release();
        }
    }

    /**
     * Completes (on a worker thread) once some member has provided the catalog: at once if it has, else on the
     * marker's entry event (re-read every {@value #RECHECK_MS} ms as well). Touches no catalog map.
     *
     * @param cancel failing or completing it ends the wait (the returned future then fails)
     */
    public static Future<Void> await(Vertx vertx, HazelcastInstance hz, Future<Void> cancel) {
        Promise<Void> available = Promise.promise();
        IMap<String, String> marker = hz.getMap(MAP);
        return vertx.<UUID>executeBlocking(() -> {
            UUID id = marker.addEntryListener((EntryAddedListener<String, String>) e -> available.tryComplete(), KEY, false);
            if (marker.containsKey(KEY)) available.tryComplete();
            return id;
        }, false).compose(listener -> {
            long timer = vertx.setPeriodic(RECHECK_MS, t -> vertx.executeBlocking(() -> {
                if (marker.containsKey(KEY)) available.tryComplete();
                return null;
            }, false));
            cancel.onComplete(ar -> available.tryFail("no longer waiting for the catalog"));
            return available.future().eventually(() -> {
                vertx.cancelTimer(timer);
                return vertx.executeBlocking(() -> marker.removeEntryListener(listener), false)
                        .otherwiseEmpty().mapEmpty();
            });
        });
    }
}
