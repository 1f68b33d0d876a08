package io.nvmegate.catalog;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.MapLoaderLifecycleSupport;
import com.hazelcast.map.MapStore;
import com.hazelcast.map.MapStoreFactory;

import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Makes a catalog map durable: a Hazelcast {@link MapStore} over the local RocksDB {@link CatalogStore}.
 *
 * <p>Why this design: Hazelcast Community Edition keeps maps in memory only (Persistence is an Enterprise
 * feature), so a restart of every member loses them. A MapStore is Hazelcast's own hook for a backing store:
 * configured write-through ({@code write-delay-seconds 0}: {@code store}/{@code delete} run synchronously inside
 * the map operation, so a management API call that returned is on disk) with an EAGER initial load (the map is
 * filled from the store when it is first touched, before the config seed is considered). Values are the same
 * JSON strings the maps hold, so the store is readable and needs no schema of its own.
 *
 * <p>Scope: Hazelcast calls {@code store} on the member that owns the entry's partition. A single-member cluster
 * (the default, {@code all}) therefore keeps the whole catalog in its {@code <data>/catalog}. In a multi-member
 * cluster each member with a catalog store keeps the entries it owned; a full restart recovers everything only
 * when the same members come back with their data directories (see README, "Management API and CLI").
 */
public final class CatalogMapStore implements MapStore<String, String>, MapLoaderLifecycleSupport {
    private final CatalogStore store;
    private final String map;
    private boolean released;

    public CatalogMapStore(CatalogStore store, String map) {
        this.store = store;
        this.map = map;
    }

    /** @return a factory giving each catalog map its store in {@code dir} (opened on first use). */
    public static MapStoreFactory<String, String> factory(Path dir) {
        return (mapName, props) -> new CatalogMapStore(CatalogStore.open(dir), mapName);
    }

    @Override
    public void store(String key, String value) { store.put(map, key, value); }

    @Override
    public void storeAll(Map<String, String> entries) { entries.forEach(this::store); }

    @Override
    public void delete(String key) { store.delete(map, key); }

    @Override
    public void deleteAll(Collection<String> keys) { keys.forEach(this::delete); }

    @Override
    public String load(String key) { return store.get(map, key); }

    @Override
    public Map<String, String> loadAll(Collection<String> keys) {
        Map<String, String> out = new HashMap<>();
        for (String k : keys) {
            String v = store.get(map, k);
            if (v != null) out.put(k, v);
        }
        return out;
    }

    @Override
    public Iterable<String> loadAllKeys() { return store.keys(map); }

    @Override
    public void init(HazelcastInstance hz, Properties properties, String mapName) {}

    @Override
    public synchronized void destroy() {
        if (!released) {
            released = true;
            store.release();
        }
    }
}
