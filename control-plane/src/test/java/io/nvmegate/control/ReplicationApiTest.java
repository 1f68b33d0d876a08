package io.nvmegate.control;

import com.hazelcast.core.HazelcastInstance;
import io.nvmegate.catalog.NamespaceSpec;
import io.nvmegate.catalog.ReplicationStatus;
import io.nvmegate.catalog.ReplicationView;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The replication side of the management API over HTTP: replicated namespaces (placement, the 409 for too few live
 * workers, the backend rule, explicit replicas), the replication status and under-replication in GET, move-replica,
 * and workers (list, decommission, recommission). Workers are real Hazelcast members registered in the worker
 * directory; the group leaders' statuses are published by the test.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReplicationApiTest {
    private static final String V = "/api/v1";
    private static final List<String> LIVE = List.of("worker-1", "worker-2", "worker-3", "worker-4");
    private ApiFixture api;
    private ReplicationView view;

    @BeforeAll
    void start() throws Exception {
        api = ApiFixture.start(null);
        view = new ReplicationView(api.node.hazelcast());
        for (String w : LIVE) api.worker(w);
        api.worker("worker-9").shutdown(); // registered, not live
    }

    @AfterAll
    void stop() { api.close(); }

    private static String enc(String nqn) { return nqn.replace(":", "%3A"); }

    private String subsystem(String name) {
        String nqn = "nqn.2026-11.io.example:" + name;
        assertThat(api.post(V + "/subsystems", JsonObject.of("nqn", nqn)).status()).isEqualTo(201);
        return V + "/subsystems/" + enc(nqn);
    }

    private Map<String, Integer> replicaCounts() {
        Map<String, Integer> m = new HashMap<>();
        api.get(V + "/workers").array().forEach(o -> m.put(((JsonObject) o).getString("id"), ((JsonObject) o).getInteger("replicas")));
        return m;
    }

    @Test
    void replicatedNamespaceIsPlacedOnTheLeastLoadedDistinctLiveWorkers() {
        String sp = subsystem("rep-place");
        Map<String, Integer> before = replicaCounts();
        ApiFixture.Reply r = api.post(sp + "/namespaces", JsonObject.of("size", "64M", "replicationFactor", 3));
        assertThat(r.status()).as(String.valueOf(r.body())).isEqualTo(201);
        List<String> replicas = r.json().getJsonArray("replicas").getList();
        assertThat(replicas).hasSize(3).doesNotHaveDuplicates().isSubsetOf(LIVE);
        assertThat(r.json().getString("worker")).isEqualTo(replicas.get(0));
        assertThat(r.json().getInteger("replicationFactor")).isEqualTo(3);
        String left = LIVE.stream().filter(w -> !replicas.contains(w)).findFirst().orElseThrow();
        for (String w : replicas) {
            assertThat(before.get(w)).as("chosen %s is not more loaded than %s", w, left).isLessThanOrEqualTo(before.get(left));
        }
        NamespaceSpec stored = api.service.catalog().namespace("nqn.2026-11.io.example:rep-place", 1).orElseThrow();
        assertThat(stored.replicas()).isEqualTo(replicas);
        assertThat(r.json().getJsonObject("replication")).isEqualTo(JsonObject.of("state", "no-leader"));
        assertThat(r.json().getBoolean("underReplicated")).isTrue();
        ApiFixture.Reply one = api.post(sp + "/namespaces", JsonObject.of("size", "64M"));
        assertThat(one.json().containsKey("replication")).as("RF 1 has no replication").isFalse();
        assertThat(one.json().getBoolean("underReplicated")).isFalse();
        api.delete(sp + "?force=true");
    }

    @Test
    void moreReplicasThanLiveWorkersIs409NamingTheFactorAndTheLiveCount() {
        String sp = subsystem("rep-409");
        JsonObject before = api.service.save();
        ApiFixture.Reply r = api.post(sp + "/namespaces", JsonObject.of("size", "64M", "replicationFactor", 5));
        assertThat(r.status()).isEqualTo(409);
        assertThat(r.json().getString("field")).isEqualTo("replicationFactor");
        assertThat(r.json().getString("error")).contains("replicationFactor 5").contains("4 live");
        assertThat(api.service.save()).isEqualTo(before);
        // a draining worker does not count
        assertThat(api.post(V + "/workers/worker-4/decommission", null).status()).isEqualTo(200);
        try {
            ApiFixture.Reply d = api.post(sp + "/namespaces", JsonObject.of("size", "64M", "replicationFactor", 4));
            assertThat(d.status()).isEqualTo(409);
            assertThat(d.json().getString("error")).contains("3 live").doesNotContain("worker-4");
        } finally {
            assertThat(api.post(V + "/workers/worker-4/recommission", null).status()).isEqualTo(200);
        }
        assertThat(api.post(sp + "/namespaces", JsonObject.of("size", "64M", "replicationFactor", 4)).status()).isEqualTo(201);
        api.delete(sp + "?force=true");
    }

    @Test
    void backendMustKeepDataOrNothing() {
        String sp = subsystem("rep-backend");
        for (String b : List.of("memory", "null-gateway")) {
            ApiFixture.Reply r = api.post(sp + "/namespaces", JsonObject.of("size", "64M", "replicationFactor", 2, "backend", b));
            assertThat(r.status()).isEqualTo(400);
            assertThat(r.json().getString("field")).isEqualTo("backend");
            assertThat(r.json().getString("error")).contains(b);
        }
        ApiFixture.Reply ok = api.post(sp + "/namespaces", JsonObject.of("size", "64M", "replicationFactor", 2, "backend", "null"));
        assertThat(ok.status()).isEqualTo(201);
        api.delete(sp + "?force=true");
    }

    @Test
    void explicitReplicasMustBeRegisteredLiveAndNotDraining() {
        String sp = subsystem("rep-explicit");
        ApiFixture.Reply ok = api.post(sp + "/namespaces", JsonObject.of("size", "64M", "replicationFactor", 2,
                "replicas", new JsonArray().add("worker-4").add("worker-2")));
        assertThat(ok.status()).isEqualTo(201);
        assertThat(ok.json().getJsonArray("replicas")).containsExactly("worker-4", "worker-2");
        assertThat(ok.json().getString("worker")).isEqualTo("worker-4");
        ApiFixture.Reply ghost = api.post(sp + "/namespaces", JsonObject.of("size", "64M", "replicationFactor", 2,
                "replicas", new JsonArray().add("worker-1").add("worker-77")));
        assertThat(ghost.status()).isEqualTo(404);
        assertThat(ghost.json().getString("field")).isEqualTo("replicas");
        ApiFixture.Reply dead = api.post(sp + "/namespaces", JsonObject.of("size", "64M", "replicationFactor", 2,
                "replicas", new JsonArray().add("worker-1").add("worker-9")));
        assertThat(dead.status()).isEqualTo(409);
        assertThat(dead.json().getString("field")).isEqualTo("replicas");
        assertThat(dead.json().getString("error")).contains("worker-9").contains("not live");
        api.delete(sp + "?force=true");
    }

    @Test
    void getShowsTheLeadersStatusOrNoLeaderWhenStale() {
        String sp = subsystem("rep-status");
        JsonObject ns = api.post(sp + "/namespaces", JsonObject.of("size", "64M", "replicationFactor", 3)).json();
        UUID uuid = UUID.fromString(ns.getString("uuid"));
        List<String> rs = ns.getJsonArray("replicas").getList();
        view.publish(status(uuid, rs, "healthy", System.currentTimeMillis()));
        JsonObject got = api.get(sp + "/namespaces/1").json();
        JsonObject rep = got.getJsonObject("replication");
        assertThat(rep.getString("state")).isEqualTo("ok");
        assertThat(rep.getString("leader")).isEqualTo(rs.get(0));
        assertThat(rep.getLong("term")).isEqualTo(7);
        assertThat(rep.getLong("commitIndex")).isEqualTo(1000);
        JsonObject follower = rep.getJsonArray("replicas").getJsonObject(1);
        assertThat(follower).isEqualTo(JsonObject.of("worker", rs.get(1), "role", "follower", "matchIndex", 990L,
                "lagEntries", 10L, "lagBytes", 40960L, "state", "healthy"));
        assertThat(got.getBoolean("underReplicated")).isFalse();
        JsonObject listed = api.get(sp + "/namespaces").array().getJsonObject(0);
        assertThat(listed.getJsonObject("replication").getString("leader")).isEqualTo(rs.get(0));

        view.publish(status(uuid, rs, "lagging", System.currentTimeMillis()));
        assertThat(api.get(sp + "/namespaces/1").json().getBoolean("underReplicated")).isTrue();
        view.publish(status(uuid, rs, "healthy", System.currentTimeMillis() - ReplicationView.STALE_MS - 1_000));
        JsonObject stale = api.get(sp + "/namespaces/1").json();
        assertThat(stale.getJsonObject("replication")).isEqualTo(JsonObject.of("state", "no-leader"));
        assertThat(stale.getBoolean("underReplicated")).isTrue();
        api.delete(sp + "?force=true");
    }

    @Test
    void moveReplicaValidatesAndUpdatesTheCatalog() {
        String sp = subsystem("rep-move");
        String nqn = "nqn.2026-11.io.example:rep-move";
        JsonObject ns = api.post(sp + "/namespaces", JsonObject.of("size", "64M", "replicationFactor", 2,
                "replicas", new JsonArray().add("worker-1").add("worker-2"))).json();
        String move = sp + "/namespaces/1/move-replica";
        expect(api.post(move, JsonObject.of("from", "worker-3", "to", "worker-4")), 400, "from");
        expect(api.post(move, JsonObject.of("from", "worker-1", "to", "worker-2")), 409, "to");
        expect(api.post(move, JsonObject.of("from", "worker-1", "to", "worker-77")), 404, "to");
        expect(api.post(move, JsonObject.of("from", "worker-1", "to", "worker-9")), 409, "to");
        expect(api.post(move, JsonObject.of("from", "worker-1")), 400, "to");
        assertThat(api.post(V + "/workers/worker-3/decommission", null).status()).isEqualTo(200);
        expect(api.post(move, JsonObject.of("from", "worker-1", "to", "worker-3")), 409, "to");
        api.post(V + "/workers/worker-3/recommission", null);
        assertThat(api.service.catalog().namespace(nqn, 1).orElseThrow().replicas()).containsExactly("worker-1", "worker-2");

        ApiFixture.Reply ok = api.post(move, JsonObject.of("from", "worker-1", "to", "worker-3"));
        assertThat(ok.status()).as(String.valueOf(ok.body())).isEqualTo(200);
        assertThat(ok.json().getJsonArray("replicas")).containsExactly("worker-2", "worker-3");
        assertThat(api.service.catalog().namespace(nqn, 1).orElseThrow().replicas()).containsExactly("worker-2", "worker-3");
        assertThat(api.service.catalog().namespace(nqn, 1).orElseThrow().worker()).isEqualTo("worker-2");
        // the leader still reports the old configuration: a second move waits for the first
        view.publish(status(UUID.fromString(ns.getString("uuid")), List.of("worker-2", "worker-1"), "healthy", System.currentTimeMillis()));
        expect(api.post(move, JsonObject.of("from", "worker-3", "to", "worker-4")), 409, "replicas");
        view.publish(status(UUID.fromString(ns.getString("uuid")), List.of("worker-2", "worker-3"), "healthy", System.currentTimeMillis()));
        assertThat(api.post(move, JsonObject.of("from", "worker-3", "to", "worker-4")).status()).isEqualTo(200);
        api.delete(sp + "?force=true");
    }

    @Test
    void updateKeepsTheReplicationFields() {
        String sp = subsystem("rep-update");
        JsonObject ns = api.post(sp + "/namespaces", JsonObject.of("size", "64M", "replicationFactor", 2)).json();
        ApiFixture.Reply u = api.patch(sp + "/namespaces/1", JsonObject.of("size", "128M", "replicationFactor", 2, "replicas", ns.getJsonArray("replicas")));
        assertThat(u.status()).as(String.valueOf(u.body())).isEqualTo(200);
        assertThat(u.json().getJsonArray("replicas")).isEqualTo(ns.getJsonArray("replicas"));
        expect(api.patch(sp + "/namespaces/1", JsonObject.of("replicationFactor", 3)), 400, "replicationFactor");
        ApiFixture.Reply r = api.patch(sp + "/namespaces/1", JsonObject.of("replicas", new JsonArray().add("worker-1").add("worker-9")));
        expect(r, 400, "replicas");
        assertThat(r.json().getString("error")).contains("move-replica");
        api.delete(sp + "?force=true");
    }

    @Test
    void workersListDecommissionAndRecommission() {
        String sp = subsystem("rep-workers");
        api.post(sp + "/namespaces", JsonObject.of("size", "1M", "worker", "worker-9"));
        JsonArray all = api.get(V + "/workers").array();
        assertThat(all.stream().map(o -> ((JsonObject) o).getString("id")).toList()).containsExactly("worker-1", "worker-2", "worker-3", "worker-4", "worker-9");
        JsonObject w9 = api.get(V + "/workers/worker-9").json();
        assertThat(w9.getBoolean("live")).isFalse();
        assertThat(w9.getBoolean("draining")).isFalse();
        assertThat(w9.getInteger("replicas")).isEqualTo(1);
        assertThat(w9.getLong("bytes")).isEqualTo(1L << 20);
        assertThat(w9.getString("raftAddress")).startsWith("127.0.0.1:");
        assertThat(api.get(V + "/workers/worker-1").json().getBoolean("live")).isTrue();

        ApiFixture.Reply rf1 = api.post(V + "/workers/worker-9/decommission", null);
        expect(rf1, 409, "id");
        assertThat(rf1.json().getString("error")).contains("replicationFactor 1");
        assertThat(api.post(V + "/workers/worker-9/decommission?force=true", null).json().getBoolean("draining")).isTrue();
        assertThat(api.post(V + "/workers/worker-9/recommission", null).json().getBoolean("draining")).isFalse();

        // replicas on every live worker: nowhere to move one to
        api.post(sp + "/namespaces", JsonObject.of("size", "1M", "replicationFactor", 4));
        ApiFixture.Reply stuck = api.post(V + "/workers/worker-2/decommission", null);
        expect(stuck, 409, "id");
        assertThat(stuck.json().getString("error")).contains("no live worker");
        api.delete(sp + "/namespaces/2");
        api.post(sp + "/namespaces", JsonObject.of("size", "1M", "replicationFactor", 3, "replicas", new JsonArray().add("worker-1").add("worker-2").add("worker-3")));
        ApiFixture.Reply d = api.post(V + "/workers/worker-2/decommission", null);
        assertThat(d.status()).as(String.valueOf(d.body())).isEqualTo(200);
        assertThat(d.json().getBoolean("draining")).isTrue();
        assertThat(api.get(V + "/workers/worker-2").json().getBoolean("draining")).isTrue();
        assertThat(api.post(V + "/workers/worker-2/recommission", null).json().getBoolean("draining")).isFalse();
        api.delete(sp + "?force=true");
    }

    @Test
    void saveAndRestoreKeepReplicationAndLeaveUnnamedReplicasUnplaced() {
        String sp = subsystem("rep-save");
        String nqn = "nqn.2026-11.io.example:rep-save";
        api.post(sp + "/namespaces", JsonObject.of("size", "64M", "replicationFactor", 3));
        JsonObject saved = api.get(V + "/config").json();
        JsonObject ns = saved.getJsonArray("subsystems").stream().map(JsonObject.class::cast).filter(s -> s.getString("nqn").equals(nqn))
                .findFirst().orElseThrow().getJsonArray("namespaces").getJsonObject(0);
        assertThat(ns.getInteger("replicationFactor")).isEqualTo(3);
        assertThat(ns.getJsonArray("replicas")).hasSize(3);
        assertThat(ns.containsKey("replication")).as("status is not configuration").isFalse();
        assertThat(api.call("PUT", V + "/config", saved).status()).isEqualTo(200);
        assertThat(api.get(V + "/config").json()).isEqualTo(saved);

        // a document naming no replicas (a hand-written config): restored unplaced, for the workers to place
        ns.remove("replicas");
        ns.remove("worker");
        ns.put("replicationFactor", 5);
        ApiFixture.Reply r = api.call("PUT", V + "/config", saved);
        assertThat(r.status()).as(String.valueOf(r.body())).isEqualTo(200);
        NamespaceSpec restored = api.service.catalog().namespace(nqn, 1).orElseThrow();
        assertThat(restored.replicationFactor()).isEqualTo(5);
        assertThat(restored.placed()).isFalse();
        JsonObject got = api.get(sp + "/namespaces/1").json();
        assertThat(got.getJsonObject("replication")).isEqualTo(JsonObject.of("state", "unplaced"));
        assertThat(got.getBoolean("underReplicated")).isTrue();
        api.delete(sp + "?force=true");
    }

    private static void expect(ApiFixture.Reply r, int status, String field) {
        assertThat(r.status()).as(String.valueOf(r.body())).isEqualTo(status);
        assertThat(r.json().getString("field")).as(r.json().encode()).isEqualTo(field);
        if (status == 400) assertThat(r.json().getString("error")).containsIgnoringCase(field);
    }

    static ReplicationStatus status(UUID ns, List<String> replicas, String followerState, long updatedMs) {
        List<ReplicationStatus.Replica> rs = new java.util.ArrayList<>();
        rs.add(new ReplicationStatus.Replica(replicas.get(0), "leader", 1000, 0, 0, "healthy"));
        for (String w : replicas.subList(1, replicas.size())) rs.add(new ReplicationStatus.Replica(w, "follower", 990, 10, 40960, followerState));
        return new ReplicationStatus(ns, replicas.get(0), 7, 1000, rs, updatedMs);
    }
}
