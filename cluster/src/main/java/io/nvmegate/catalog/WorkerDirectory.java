package io.nvmegate.catalog;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.vertx.core.json.JsonObject;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The block workers of the cluster: Hazelcast map {@value #MAP}, key worker ID, value {@link WorkerInfo} as JSON.
 * Each worker registers itself when it starts (its Raft address, its Hazelcast member UUID) and keeps its entry
 * when it stops or dies, so that Raft groups keep the address of an absent peer; a worker is <em>live</em> while
 * its member UUID is a current cluster member. Not part of the persisted catalog ({@link Catalog#MAPS}): workers
 * re-register after a full restart.
 */
public final class WorkerDirectory {
    /** The Hazelcast map of registered workers. */
    public static final String MAP = "nvmegate.workers";

    private final HazelcastInstance hz;
    private final IMap<String, String> workers;

    public WorkerDirectory(HazelcastInstance hz) {
        this.hz = hz;
        this.workers = hz.getMap(MAP);
    }

    /**
     * A registered worker.
     *
     * @param id          worker ID
     * @param raftAddress {@code host:port} of its Apache Ratis server (replicated namespaces)
     * @param member      its Hazelcast member UUID
     * @param draining    set by decommissioning: the catalog places no replica on it and moves its replicas away
     */
    public record WorkerInfo(String id, String raftAddress, UUID member, boolean draining) {
        public JsonObject toJson() {
            return new JsonObject().put("id", id).put("raftAddress", raftAddress)
                    .put("member", member == null ? null : member.toString()).put("draining", draining);
        }

        public static WorkerInfo fromJson(JsonObject j) {
            String m = j.getString("member");
            return new WorkerInfo(j.getString("id"), j.getString("raftAddress"), m == null ? null : UUID.fromString(m),
                    j.getBoolean("draining", false));
        }
    }

    /** Registers (or re-registers) this member as worker {@code id} with Raft address {@code raftAddress}; keeps a draining mark. */
    public void register(String id, String raftAddress) {
        UUID me = hz.getCluster().getLocalMember().getUuid();
        boolean draining = get(id).map(WorkerInfo::draining).orElse(false);
        workers.set(id, new WorkerInfo(id, raftAddress, me, draining).toJson().encode());
    }

    /** Marks worker {@code id} draining (decommission) or not. @return false if no such worker is registered */
    public boolean setDraining(String id, boolean draining) {
        Optional<WorkerInfo> w = get(id);
        if (w.isEmpty()) return false;
        WorkerInfo i = w.get();
        workers.set(id, new WorkerInfo(i.id(), i.raftAddress(), i.member(), draining).toJson().encode());
        return true;
    }

    /** @return the registered worker {@code id} */
    public Optional<WorkerInfo> get(String id) {
        String v = workers.get(id);
        return v == null ? Optional.empty() : Optional.of(WorkerInfo.fromJson(new JsonObject(v)));
    }

    /** @return every registered worker, live or not, by ID */
    public List<WorkerInfo> all() {
        return workers.values().stream().map(v -> WorkerInfo.fromJson(new JsonObject(v)))
                .sorted(Comparator.comparing(WorkerInfo::id)).toList();
    }

    /** @return whether worker {@code w}'s member is in the cluster now */
    public boolean live(WorkerInfo w) {
        return w.member() != null && memberUuids().contains(w.member());
    }

    /** @return the registered workers whose member is in the cluster now, by ID */
    public List<WorkerInfo> live() {
        Set<UUID> members = memberUuids();
        return all().stream().filter(w -> w.member() != null && members.contains(w.member())).toList();
    }

    private Set<UUID> memberUuids() {
        return hz.getCluster().getMembers().stream().map(Member::getUuid).collect(Collectors.toSet());
    }
}
