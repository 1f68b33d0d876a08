package io.nvmegate.catalog;

import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryRemovedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;

import java.nio.file.Path;

/**
 * Keeps a full copy of every catalog map in this member's {@link CatalogStore}, not only the partitions it owns
 * (which is all {@link CatalogMapStore} sees). With it, any member with a catalog store can answer the eager
 * initial load after a restart of the whole cluster, whichever partitions it owned before. Applied from
 * cluster-wide entry events (added, updated, removed; {@link Catalog#clear()} removes entry by entry, because a
 * map-cleared event is not ordered with the entry events of other partitions), so a member's copy trails the owner's
 * write-through by the event latency.
 */
public final class CatalogReplica {
    private CatalogReplica() {}

    /** Subscribes this member's store in {@code dir} to every catalog map; released when Hazelcast shuts down. */
    public static void attach(HazelcastInstance hz, Path dir) {
        CatalogStore store = CatalogStore.open(dir);
        hz.getLifecycleService().addLifecycleListener(e -> {
            if (e.getState() == LifecycleEvent.LifecycleState.SHUTDOWN) store.release();
        });
        for (String name : Catalog.MAPS) {
            IMap<String, String> map = hz.getMap(name);
            map.addEntryListener(new Listener(store, name), true);
        }
    }

    private record Listener(CatalogStore store, String map) implements EntryAddedListener<String, String>,
            EntryUpdatedListener<String, String>, EntryRemovedListener<String, String> {
        @Override
        public void entryAdded(EntryEvent<String, String> e) { store.put(map, e.getKey(), e.getValue()); }

        @Override
        public void entryUpdated(EntryEvent<String, String> e) { store.put(map, e.getKey(), e.getValue()); }

        @Override
        public void entryRemoved(EntryEvent<String, String> e) { store.delete(map, e.getKey()); }
    }
}
