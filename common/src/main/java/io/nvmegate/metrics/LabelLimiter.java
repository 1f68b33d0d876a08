package io.nvmegate.metrics;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps a label's cardinality bounded: the first {@code max} distinct values pass through, every later new value
 * becomes {@link #OTHER}. Used for labels whose values come from the outside (subsystem NQNs a host names in
 * Connect, NSIDs), so a misbehaving host cannot create unbounded time series. Thread-safe.
 */
public final class LabelLimiter {
    /** The value that stands for every value beyond the cap. */
    public static final String OTHER = "other";

    private final int max;
    private final Set<String> seen = ConcurrentHashMap.newKeySet();

    /** @param max most distinct values kept (≥ 1) */
    public LabelLimiter(int max) {
        if (max < 1) throw new IllegalArgumentException("max " + max);
        this.max = max;
    }

    /** @return {@code value} if it was seen before or there is room for it, else {@link #OTHER} */
    public String limit(String value) {
        if (seen.contains(value)) return value;
        synchronized (seen) {
            if (seen.contains(value)) return value;
            if (seen.size() >= max) return OTHER;
            seen.add(value);
            return value;
        }
    }
}
