package io.nvmegate.gateway.ana;

import io.nvmegate.ana.AnaOwner;
import io.nvmegate.ana.AnaOwners;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** An owner map held in memory (what the balancer would write), telling listeners on every write. */
final class MemoryAnaOwners implements AnaOwners {
    private final Map<String, AnaOwner> entries = new ConcurrentHashMap<>();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

    void put(AnaOwner o) {
        entries.put(o.key(), o);
        listeners.forEach(Runnable::run);
    }

    void clear() {
        entries.clear();
        current = true;
        listeners.forEach(Runnable::run);
    }

    /** What {@link #current()} answers (false: as after a split-brain merge, before the reload), telling listeners. */
    void current(boolean c) {
        current = c;
        listeners.forEach(Runnable::run);
    }

    private volatile boolean current = true;

    @Override public boolean current() { return current; }

    @Override public AnaOwner get(String subsystemNqn, int anaGroup) { return entries.get(AnaOwner.key(subsystemNqn, anaGroup)); }
    @Override public List<AnaOwner> all() { return List.copyOf(entries.values()); }
    @Override public void onChange(Runnable r) { listeners.add(r); }
}
