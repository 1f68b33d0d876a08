package io.nvmegate.controller;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The current values of one controller's features (NVMe Base 2.0 section 5.27.1), by key (the FID, or a FID with
 * a selector such as the Temperature Threshold's THSEL in bits 15:8); a feature never set reads its default. The
 * rules of each feature (what Get and Set accept, its default) are in {@code io.nvmegate.admin.Features}; this is
 * only the per-controller state, cleared by a controller reset (CC.EN 1 → 0). Keep Alive Timer
 * ({@link KeepAlive}) and Host Identifier (from Connect) are kept elsewhere and survive a reset. Thread-safe.
 */
public final class FeatureValues {
    private final Map<Integer, Integer> values = new ConcurrentHashMap<>();

    /** @return the value stored under {@code key}, or {@code dflt} if the host never set it */
    public int get(int key, int dflt) {
        Integer v = values.get(key);
        return v == null ? dflt : v;
    }

    public void set(int key, int value) {
        values.put(key, value);
    }

    /** Controller reset: every feature back to its default. */
    void reset() {
        values.clear();
    }
}
