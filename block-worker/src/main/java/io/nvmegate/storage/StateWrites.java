package io.nvmegate.storage;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Key-value changes written in the same RocksDB {@code WriteBatch} as a block change ({@link AppliedStateStore}):
 * a replicated namespace's applied index, request-ID dedupe slot and reservation state
 * ({@link ReplicaStateKeys} lists the keys). Puts and deletes are applied in the order added, after the block
 * change. Not thread-safe; build one per call.
 */
public final class StateWrites {
    private final List<byte[]> keys = new ArrayList<>(4);
    private final List<byte[]> values = new ArrayList<>(4);

    /** Adds a put of {@code value} at {@code key}; @return this */
    public StateWrites put(byte[] key, byte[] value) {
        if (key == null || value == null) throw new IllegalArgumentException("key and value are required");
        keys.add(key);
        values.add(value);
        return this;
    }

    /** Adds a delete of {@code key}; @return this */
    public StateWrites delete(byte[] key) {
        if (key == null) throw new IllegalArgumentException("key is required");
        keys.add(key);
        values.add(null);
        return this;
    }

    /** @return the number of changes */
    public int size() { return keys.size(); }

    /** @return the keys, in order (unmodifiable) */
    public List<byte[]> keys() { return Collections.unmodifiableList(keys); }

    /** @return the values, in order, null for a delete (unmodifiable) */
    public List<byte[]> values() { return Collections.unmodifiableList(values); }
}
