package io.nvmegate.catalog;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.UUID;

/**
 * The Raft state of one replicated namespace as its leader last published it: Hazelcast map {@value #MAP}, key the
 * namespace UUID, value this record as JSON. The leader writes it when it takes leadership and then about once a
 * second; gateways read the leader from it (routing), the REST API and {@code ctl ns show} show it. A record whose
 * {@link #updatedMs} is old says its leader is gone (or lost the majority).
 *
 * @param namespace   namespace UUID (the Raft group ID)
 * @param leader      worker ID of the leader
 * @param term        Raft term of that leadership
 * @param commitIndex the leader's commit index (log entries)
 * @param replicas    every peer of the group's configuration, the leader included
 * @param updatedMs   wall-clock time of the publication (ms since the epoch)
 */
public record ReplicationStatus(UUID namespace, String leader, long term, long commitIndex, List<Replica> replicas,
                                long updatedMs) {
    /** The Hazelcast map of published statuses. */
    public static final String MAP = "nvmegate.replication";

    /**
     * One peer as the leader sees it.
     *
     * @param worker     worker ID
     * @param role       {@code leader}, {@code follower} or {@code listener}
     * @param matchIndex highest log index known replicated on it
     * @param lagEntries log entries behind the leader's commit index (0 for the leader)
     * @param lagBytes   estimated bytes of block data behind (lag entries times the mean entry size)
     * @param state      {@code healthy} (answered in the last few seconds, lag small), {@code lagging},
     *                   {@code catching-up} (being sent a snapshot or a long log tail) or {@code unreachable}
     */
    public record Replica(String worker, String role, long matchIndex, long lagEntries, long lagBytes, String state) {
        public JsonObject toJson() {
            return new JsonObject().put("worker", worker).put("role", role).put("matchIndex", matchIndex)
                    .put("lagEntries", lagEntries).put("lagBytes", lagBytes).put("state", state);
        }

        public static Replica fromJson(JsonObject j) {
            return new Replica(j.getString("worker"), j.getString("role"), j.getLong("matchIndex", 0L),
                    j.getLong("lagEntries", 0L), j.getLong("lagBytes", 0L), j.getString("state"));
        }
    }

    public JsonObject toJson() {
        JsonArray a = new JsonArray();
        replicas.forEach(r -> a.add(r.toJson()));
        return new JsonObject().put("namespace", namespace.toString()).put("leader", leader).put("term", term)
                .put("commitIndex", commitIndex).put("replicas", a).put("updatedMs", updatedMs);
    }

    public static ReplicationStatus fromJson(JsonObject j) {
        JsonArray a = j.getJsonArray("replicas", new JsonArray());
        List<Replica> rs = a.stream().map(o -> Replica.fromJson((JsonObject) o)).toList();
        return new ReplicationStatus(UUID.fromString(j.getString("namespace")), j.getString("leader"),
                j.getLong("term", 0L), j.getLong("commitIndex", 0L), rs, j.getLong("updatedMs", 0L));
    }
}
