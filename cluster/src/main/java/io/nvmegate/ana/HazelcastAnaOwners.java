package io.nvmegate.ana;

import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent;
import com.hazelcast.map.IMap;
import com.hazelcast.map.MapEvent;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryEvictedListener;
import com.hazelcast.map.listener.EntryExpiredListener;
import com.hazelcast.map.listener.EntryRemovedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import com.hazelcast.map.listener.MapClearedListener;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@link AnaOwners} over Hazelcast: a local copy of map {@value AnaOwner#MAP}, fed by an entry listener (values
 * included) registered before the initial load, and re-read every {@link #RESYNC_MS} ms, so {@link #get} and {@link #all} never call the cluster.
 *
 * <p>Order: Hazelcast delivers a key's events to a listener in the order the key was written, so the copy of each
 * entry passes through every value the map held (the two-step hand-off relies on it: a releasing owner sees
 * RELEASING before anyone can see the next owner OWNED). The initial load never overwrites an entry an event
 * already set (an event is at least as new as the load). After a split-brain merge ({@code MERGED}) the copy is
 * reloaded the same way, since events of the other half were never delivered here; from {@code MERGING} until that
 * reload (or any complete load that started after the merge) succeeded, {@link #current()} is false.
 *
 * <p>{@link #onChange} callbacks run on one thread of this view, after the copy changed, coalesced (a callback
 * re-reads the view; several changes may be seen by one run).
 */
public final class HazelcastAnaOwners implements AnaOwners, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HazelcastAnaOwners.class);

    /** An entry of the copy: the map's JSON (the compare value of a {@code replace}) and its decoding. */
    record Entry(String raw, AnaOwner owner) {}

    private final HazelcastInstance hz;
    private final IMap<String, String> map;
    private final Map<String, Entry> copy = new ConcurrentHashMap<>();
    private final Set<String> touched = ConcurrentHashMap.newKeySet();
    private final List<Runnable> callbacks = new CopyOnWriteArrayList<>();
    private final List<java.util.function.BiConsumer<String, AnaOwner>> observers = new CopyOnWriteArrayList<>();
    private final AtomicBoolean pending = new AtomicBoolean();
    /** How often the copy is re-read from the map (ms), in case a load's query missed an entry. */
    static final long RESYNC_MS = 5_000;
    private final ScheduledExecutorService notifier = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "nvmegate-ana-view");
        t.setDaemon(true);
        return t;
    });
    private UUID listener;
    private UUID lifecycle;
    /** Split-brain merges of this member seen so far ({@code MERGED} events). */
    private final java.util.concurrent.atomic.AtomicLong merges = new java.util.concurrent.atomic.AtomicLong();
    /** {@link #merges} as it was when the last successful complete load began, outside a merge. */
    private volatile long loadedMerges;
    /** Between {@code MERGING} and {@code MERGED}/{@code MERGE_FAILED}. */
    private volatile boolean mergeInProgress;

    private HazelcastAnaOwners(HazelcastInstance hz) {
        this.hz = hz;
        this.map = hz.getMap(AnaOwner.MAP);
    }

    /** Registers the listener and loads the map (blocking: call off the event loop). */
    public static HazelcastAnaOwners start(HazelcastInstance hz) {
        HazelcastAnaOwners v = new HazelcastAnaOwners(hz);
        v.listener = v.map.addEntryListener(v.new Events(), true);
        v.lifecycle = hz.getLifecycleService().addLifecycleListener(e -> {
            switch (e.getState()) {
                case MERGING -> v.merging();
                case MERGED, MERGE_FAILED -> v.merged();
                default -> { }
            }
        });
        v.load(true);
        v.notifier.scheduleWithFixedDelay(() -> v.load(false), RESYNC_MS, RESYNC_MS, TimeUnit.MILLISECONDS);
        return v;
    }

    /**
     * On {@code MERGING} (Hazelcast fires it before this member resets and joins the other cluster, whose map entries
     * win; {@code MERGED} only comes after the rejoin and the data merge, seconds later, while this member may already
     * renew its lease): the copy is stale ({@link #current()} false, callbacks notified) until reloaded after the merge.
     */
    private void merging() {
        mergeInProgress = true;
        long m = merges.incrementAndGet();
        log.info("ANA owner view: this member is merging into another cluster (split-brain merge {}): stale until reloaded", m);
        changed();
    }

    /** On {@code MERGED} or {@code MERGE_FAILED}: reloads the copy (a load that began during the merge does not count). */
    private void merged() {
        if (!mergeInProgress) merges.incrementAndGet(); // a MERGED without MERGING seen: stale too
        mergeInProgress = false;
        try {
            notifier.execute(() -> load(true));
        } catch (RejectedExecutionException closed) {
            // closed
        }
    }

    @Override
    public boolean current() { return !mergeInProgress && loadedMerges == merges.get(); }

    /**
     * Reads the whole map into the copy, except entries an event set since this load began (at least as new).
     * {@code removeAbsent}: also drops entries the map no longer holds (the first load, after a merge); the periodic
     * resync only adds or replaces (a removal always arrives as an event).
     */
    private synchronized void load(boolean removeAbsent) {
        boolean[] changedAny = {removeAbsent};
        long mergesAtStart = merges.get();
        boolean countsForMerge = !mergeInProgress && mergesAtStart != loadedMerges;
        try {
            touched.clear();
            Map<String, String> all = map.getAll(map.keySet());
            for (Map.Entry<String, String> e : all.entrySet()) {
                Entry d = decode(e.getKey(), e.getValue());
                if (d == null) continue;
                copy.compute(e.getKey(), (k, old) -> {
                    if (touched.contains(k) || (old != null && old.raw().equals(d.raw()))) return old;
                    changedAny[0] = true;
                    return d;
                });
            }
            if (removeAbsent || countsForMerge) copy.keySet().removeIf(k -> !all.containsKey(k) && !touched.contains(k));
            if (countsForMerge) {
                loadedMerges = mergesAtStart;
                changedAny[0] = true;
                if (mergesAtStart == merges.get()) log.info("ANA owner view: reloaded after split-brain merge {}", mergesAtStart);
            }
        } catch (RuntimeException e) {
            if (hz.getLifecycleService().isRunning()) log.warn("ANA owner map load failed: {}", e.toString());
        }
        if (changedAny[0]) changed();
    }

    private static Entry decode(String key, String raw) {
        try {
            return new Entry(raw, AnaOwner.fromJson(new JsonObject(raw)));
        } catch (RuntimeException e) {
            log.warn("ANA owner entry {} unreadable: {}", key, e.toString());
            return null;
        }
    }

    private void set(String key, String raw) {
        touched.add(key); // before the copy changes: see load()
        Entry d = raw == null ? null : decode(key, raw);
        if (d == null) copy.remove(key);
        else copy.put(key, d);
        for (var o : observers) o.accept(key, d == null ? null : d.owner());
        changed();
    }

    private void changed() {
        if (callbacks.isEmpty() || !pending.compareAndSet(false, true)) return;
        try {
            notifier.execute(() -> {
                pending.set(false);
                for (Runnable r : callbacks) {
                    try {
                        r.run();
                    } catch (RuntimeException e) {
                        log.warn("ANA owner view callback failed", e);
                    }
                }
            });
        } catch (RejectedExecutionException closed) {
            pending.set(false);
        }
    }

    private final class Events implements EntryAddedListener<String, String>, EntryUpdatedListener<String, String>,
            EntryRemovedListener<String, String>, EntryEvictedListener<String, String>,
            EntryExpiredListener<String, String>, MapClearedListener {
        @Override public void entryAdded(EntryEvent<String, String> e) { set(e.getKey(), e.getValue()); }
        @Override public void entryUpdated(EntryEvent<String, String> e) { set(e.getKey(), e.getValue()); }
        @Override public void entryRemoved(EntryEvent<String, String> e) { set(e.getKey(), null); }
        @Override public void entryEvicted(EntryEvent<String, String> e) { set(e.getKey(), null); }
        @Override public void entryExpired(EntryEvent<String, String> e) { set(e.getKey(), null); }
        @Override public void mapCleared(MapEvent e) {
            copy.clear();
            changed();
        }
    }

    @Override
    public AnaOwner get(String subsystemNqn, int anaGroup) {
        Entry e = copy.get(AnaOwner.key(subsystemNqn, anaGroup));
        return e == null ? null : e.owner();
    }

    @Override
    public List<AnaOwner> all() {
        return copy.values().stream().map(Entry::owner).sorted(Comparator.comparing(AnaOwner::key)).toList();
    }

    /** @return the copy's entries with their JSON, for compare-and-set writes ({@link AnaHandoff}) */
    Map<String, Entry> entries() { return Map.copyOf(copy); }

    @Override
    public void onChange(Runnable r) { callbacks.add(r); }

    /** Tests: {@code o} sees every event-fed change of the copy, on the event thread, right after it (null: removed). */
    void observe(java.util.function.BiConsumer<String, AnaOwner> o) { observers.add(o); }

    /** Removes the listeners and stops the callback thread. */
    @Override
    public void close() {
        notifier.shutdownNow();
        try {
            if (hz.getLifecycleService().isRunning()) {
                map.removeEntryListener(listener);
                hz.getLifecycleService().removeLifecycleListener(lifecycle);
            }
        } catch (RuntimeException e) {
            log.debug("ANA owner view close: {}", e.toString());
        }
    }
}
