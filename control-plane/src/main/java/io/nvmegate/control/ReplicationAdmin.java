package io.nvmegate.control;

import io.nvmegate.catalog.Catalog;
import io.nvmegate.catalog.NamespaceSpec;
import io.nvmegate.catalog.ReplicaPlacement;
import io.nvmegate.catalog.ReplicationStatus;
import io.nvmegate.catalog.ReplicationView;
import io.nvmegate.catalog.WorkerDirectory;
import io.nvmegate.catalog.WorkerDirectory.WorkerInfo;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The replication side of the management API, over the cluster's {@link WorkerDirectory} and the group leaders'
 * {@link ReplicationStatus} records: placement of new replicated namespaces (refused with 409 when fewer live,
 * non-draining workers than {@code replicationFactor} exist), the {@code replication} view of a namespace,
 * replica moves, and worker decommission. Callers hold the catalog lock for mutations ({@link CatalogService}).
 */
final class ReplicationAdmin {
    private final Catalog catalog;
    private final WorkerDirectory workers;
    private final ReplicationView view;

    ReplicationAdmin(Catalog catalog) {
        this.catalog = catalog;
        this.workers = new WorkerDirectory(catalog.hazelcast());
        this.view = new ReplicationView(catalog.hazelcast());
    }

    /** @return the IDs of live workers that are not draining (where replicas may go), by ID */
    List<String> eligible() {
        return workers.live().stream().filter(w -> !w.draining()).map(WorkerInfo::id).toList();
    }

    /**
     * Checks and places a new replicated namespace: given replicas must be registered (404), live and not draining
     * (409, field {@code replicas}); without replicas they are chosen by {@link ReplicaPlacement#place}, and fewer
     * eligible workers than {@code replicationFactor} is a 409 naming {@code replicationFactor} and the live count.
     */
    NamespaceSpec placeNew(NamespaceSpec n, List<NamespaceSpec> all) {
        if (!n.replicated()) return n;
        if (n.placed()) {
            for (String w : n.replicas()) requireEligible("replicas", w);
            return n;
        }
        List<String> eligible = eligible();
        return ReplicaPlacement.place(n.replicationFactor(), eligible, all).map(n::withReplicas)
                .orElseThrow(() -> ApiException.conflict("replicationFactor", "replicationFactor " + n.replicationFactor()
                        + " needs " + n.replicationFactor() + " live block workers that are not draining; " + eligible.size()
                        + " live: " + eligible));
    }

    private WorkerInfo requireEligible(String field, String id) {
        WorkerInfo w = workers.get(id).orElseThrow(() -> ApiException.notFound(field, field + ": no block worker " + id + " is registered"));
        if (!workers.live(w)) throw ApiException.conflict(field, field + ": block worker " + id + " is not live");
        if (w.draining()) throw ApiException.conflict(field, field + ": block worker " + id + " is draining (decommissioned)");
        return w;
    }

    /**
     * @return {@code n} as the API shows it: the catalog fields, {@code underReplicated}, and for a replicated
     *         namespace {@code replication}: the leader's published status ({@code state "ok"}), or
     *         {@code {"state": "no-leader"}} when none was published in the last {@link ReplicationView#STALE_MS} ms,
     *         or {@code {"state": "unplaced"}}
     */
    JsonObject describe(NamespaceSpec n) {
        JsonObject j = n.toJson();
        if (n.replicated()) {
            JsonObject r;
            if (!n.placed()) r = new JsonObject().put("state", "unplaced");
            else r = view.fresh(n.uuid()).map(s -> {
                JsonObject o = s.toJson();
                o.remove("namespace");
                return new JsonObject().put("state", "ok").mergeIn(o);
            }).orElseGet(() -> new JsonObject().put("state", "no-leader"));
            j.put("replication", r);
        }
        return j.put("underReplicated", view.underReplicated(n));
    }

    /**
     * Validates a move of replica {@code from} to {@code to} of {@code n} and returns the moved namespace
     * ({@link ReplicaPlacement#moved}: {@code to} appended, the others' order kept); the group leader reconciles
     * the Raft configuration from the catalog.
     */
    NamespaceSpec move(NamespaceSpec n, String from, String to) {
        if (from == null || from.isBlank()) throw ApiException.invalid("from", "from (the worker giving up its replica) is required");
        if (to == null || to.isBlank()) throw ApiException.invalid("to", "to (the worker taking the replica) is required");
        if (!n.replicated()) throw ApiException.conflict("replicationFactor", "namespace " + n.key() + " has replicationFactor 1: there is no replica to move");
        if (!n.placed()) throw ApiException.conflict("replicas", "namespace " + n.key() + " is not placed yet");
        if (!n.replicas().contains(from)) throw ApiException.invalid("from", "from " + from + " is not a replica of " + n.key() + " " + n.replicas());
        if (n.replicas().contains(to)) throw ApiException.conflict("to", "to " + to + " is already a replica of " + n.key() + " " + n.replicas());
        requireEligible("to", to);
        if (view.moving(n)) throw ApiException.conflict("replicas", "a replica move of " + n.key() + " is still in progress (the group's configuration differs from " + n.replicas() + ")");
        return n.withReplicas(ReplicaPlacement.moved(n.replicas(), from, to));
    }

    /** @return every registered worker: id, raftAddress, live, draining, replicas (count), bytes */
    JsonArray workers(List<NamespaceSpec> all) {
        Map<String, ReplicaPlacement.Load> loads = ReplicaPlacement.loads(all);
        return new JsonArray(workers.all().stream().map(w -> workerJson(w, loads)).toList());
    }

    JsonObject worker(String id, List<NamespaceSpec> all) {
        return workerJson(require(id), ReplicaPlacement.loads(all));
    }

    private JsonObject workerJson(WorkerInfo w, Map<String, ReplicaPlacement.Load> loads) {
        ReplicaPlacement.Load l = loads.getOrDefault(w.id(), new ReplicaPlacement.Load(w.id(), 0, 0));
        return new JsonObject().put("id", w.id()).put("raftAddress", w.raftAddress()).put("live", workers.live(w))
                .put("draining", w.draining()).put("replicas", l.replicas()).put("bytes", l.bytes());
    }

    private WorkerInfo require(String id) {
        return workers.get(id).orElseThrow(() -> ApiException.notFound("id", "no block worker " + id + " is registered"));
    }

    /**
     * Marks worker {@code id} draining; the {@code PlacementService} of the workers then moves its replicas. Without
     * {@code force}, refused (409 {@code id}) when a namespace on it cannot move: replication factor 1 (one copy),
     * or no other live, non-draining worker outside its replicas.
     */
    JsonObject decommission(String id, boolean force, List<NamespaceSpec> all) {
        WorkerInfo w = require(id);
        if (!force) {
            Set<String> eligible = new HashSet<>(eligible());
            eligible.remove(id);
            for (NamespaceSpec n : all) {
                if (!n.replicas().contains(id)) continue;
                if (!n.replicated()) {
                    throw ApiException.conflict("id", "namespace " + n.key() + " has replicationFactor 1 on " + id
                            + ": its data cannot move; delete it first or use force=true");
                }
                Optional<String> to = ReplicaPlacement.replacement(n, id, eligible, all);
                if (to.isEmpty()) {
                    throw ApiException.conflict("id", "namespace " + n.key() + " " + n.replicas() + " has no live worker that is not draining to move its replica on "
                            + id + " to; add a worker first or use force=true");
                }
            }
        }
        workers.setDraining(id, true);
        return worker(w.id(), all);
    }

    JsonObject recommission(String id, List<NamespaceSpec> all) {
        require(id);
        workers.setDraining(id, false);
        return worker(id, all);
    }
}
