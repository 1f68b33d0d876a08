package io.nvmegate.blockio;

import io.vertx.core.Vertx;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.core.shareddata.Shareable;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@link BlockHandler}s of the block workers deployed on one Vert.x instance (one nvmegate node), by event-bus
 * address: a gateway of the same node calls them directly instead of sending on the event bus (no codec, no
 * reply address, no hop through the bus; issue 17 "same-process short-circuit"). Several nodes in one JVM (tests)
 * each have their own: found through the node's Vert.x ({@link #of}), like {@code NodeMetrics}. Thread-safe.
 */
public final class LocalBlockHandlers implements Shareable {
    private static final String KEY = "io.nvmegate.blockio.LocalBlockHandlers";

    private final Map<String, BlockHandler> handlers = new ConcurrentHashMap<>();

    /** @return the handlers of the workers on {@code vertx} (created on first use) */
    public static LocalBlockHandlers of(Vertx vertx) {
        LocalMap<String, LocalBlockHandlers> m = vertx.sharedData().getLocalMap(KEY);
        LocalBlockHandlers h = m.get(KEY);
        if (h != null) return h;
        LocalBlockHandlers created = new LocalBlockHandlers();
        LocalBlockHandlers raced = m.putIfAbsent(KEY, created);
        return raced != null ? raced : created;
    }

    /** Makes {@code handler} the local handler of {@code address} (replacing any). */
    public void register(String address, BlockHandler handler) {
        handlers.put(address, handler);
    }

    /** Removes the local handler of {@code address} if it is {@code handler}. */
    public void unregister(String address, BlockHandler handler) {
        handlers.remove(address, handler);
    }

    /** @return the local handler of {@code address}, or null (no worker of this node serves it) */
    public BlockHandler get(String address) {
        return handlers.get(address);
    }
}
