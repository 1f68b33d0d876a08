package io.nvmegate.launcher.observability;

import com.hazelcast.core.HazelcastInstance;
import io.vertx.core.json.JsonObject;

/**
 * Liveness and readiness of one node. Live: the process runs and answers. Ready: the node joined the cluster,
 * every role it runs is serving, its Hazelcast member is still running, and it is not shutting down. The
 * launcher moves it STARTING → READY (all roles started) → STOPPING (shutdown began); a gateway or discovery
 * member that joined a cluster whose catalog no member has provided yet passes through AWAITING_CATALOG (joined,
 * serving nothing) until a block worker brings the catalog.
 */
public final class Health {
    /** Life cycle of a node as health checks see it. */
    public enum State { STARTING, AWAITING_CATALOG, READY, STOPPING }

    private volatile State state = State.STARTING;
    private volatile HazelcastInstance hazelcast;

    /** The node joined the cluster as member {@code h}. */
    public void joined(HazelcastInstance h) { hazelcast = h; }

    /** Joined, but no member has provided the catalog yet: nothing is served. Ignored unless starting. */
    public synchronized void awaitingCatalog() {
        if (state == State.STARTING) state = State.AWAITING_CATALOG;
    }

    /** Every role serves. Ignored once stopping. */
    public synchronized void ready() {
        if (state == State.STARTING || state == State.AWAITING_CATALOG) state = State.READY;
    }

    /** Shutdown began: not ready from now on. */
    public synchronized void stopping() { state = State.STOPPING; }

    public State state() { return state; }

    public boolean clusterMember() {
        HazelcastInstance h = hazelcast;
        try {
            return h != null && h.getLifecycleService().isRunning();
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** @return whether the node should receive traffic */
    public boolean isReady() {
        return state == State.READY && clusterMember();
    }

    /** {@code {"status":"UP"|"DOWN","state":"READY",...,"clusterMember":true}}. */
    public JsonObject readiness() {
        return new JsonObject().put("status", isReady() ? "UP" : "DOWN").put("state", state.name())
                .put("clusterMember", clusterMember());
    }
}
