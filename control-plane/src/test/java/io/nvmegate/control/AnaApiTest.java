package io.nvmegate.control;

import io.nvmegate.ana.AnaOwner;
import io.nvmegate.ana.GatewayDirectory;
import io.nvmegate.catalog.NamespaceSpec;
import io.nvmegate.catalog.ReplicationView;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ANA side of the management API over HTTP with a real Hazelcast cluster: GET /ana (groups, NSIDs, owner entry
 * and each gateway's state from its lease, the group's storage and the global {@code ana} setting), move / unpin
 * (the entry the balancer honours, and every 4xx naming its field), GET /gateways, drain and undrain. Gateways are
 * lease records the test renews in {@link GatewayDirectory} (live: lease ahead of the cluster time); block workers are
 * Hazelcast members registered in the worker directory; owner entries are written as the balancer writes them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AnaApiTest {
    private static final String V = "/api/v1";
    private ApiFixture api;
    private GatewayDirectory gateways;

    @BeforeAll
    void start() throws Exception {
        api = ApiFixture.start(null);
        gateways = new GatewayDirectory(api.node.hazelcast());
        api.worker("worker-1");
        api.worker("worker-9").shutdown(); // registered, not live
        for (String g : List.of("gw-a", "gw-b", "gw-c")) lease(g, true);
        lease("gw-dead", false);
        assertThat(api.post(V + "/subsystems", JsonObject.of("nqn", "nqn.2026-11.io.example:elsewhere")).status()).isEqualTo(201);
    }

    @AfterAll
    void stop() { api.close(); }

    private void lease(String id, boolean live) {
        long now = gateways.now();
        gateways.renew(new GatewayDirectory.GatewayInfo(id, UUID.randomUUID(), live ? now + 600_000 : now - 1_000, now - 10_000));
    }

    private static String enc(String nqn) { return nqn.replace(":", "%3A"); }

    /**
     * A subsystem with NSIDs 1, 2, 3 (anaGroup 1 given), 4 (disabled) on worker-1 and NSID 5 (group 5) on the dead
     * worker-9; exported on a port of gw-a, one of gw-b, one of gw-dead; gw-c's port exports only another subsystem.
     */
    private String subsystem(String name) {
        String nqn = "nqn.2026-11.io.example:" + name;
        assertThat(api.post(V + "/subsystems", JsonObject.of("nqn", nqn)).status()).isEqualTo(201);
        String sp = V + "/subsystems/" + enc(nqn);
        assertThat(api.post(sp + "/namespaces", JsonObject.of("size", "1M", "worker", "worker-1")).status()).isEqualTo(201);
        assertThat(api.post(sp + "/namespaces", JsonObject.of("size", "1M", "worker", "worker-1")).status()).isEqualTo(201);
        assertThat(api.post(sp + "/namespaces", JsonObject.of("size", "1M", "worker", "worker-1", "anaGroup", 1)).status()).isEqualTo(201);
        assertThat(api.post(sp + "/namespaces", JsonObject.of("size", "1M", "worker", "worker-1", "enabled", false)).status()).isEqualTo(201);
        assertThat(api.post(sp + "/namespaces", JsonObject.of("size", "1M", "worker", "worker-9")).status()).isEqualTo(201);
        int base = Math.abs(name.hashCode() % 1000) * 10 + 10_000;
        port(base + 1, "gw-a", nqn);
        port(base + 2, "gw-b", nqn);
        port(base + 3, "gw-dead", nqn);
        port(base + 4, "gw-c", "nqn.2026-11.io.example:elsewhere");
        return nqn;
    }

    private void port(int trsvcid, String gateway, String nqn) {
        ApiFixture.Reply r = api.post(V + "/ports", JsonObject.of("id", trsvcid - 9000, "traddr", "127.0.0.1", "trsvcid", trsvcid,
                "gateway", gateway, "subsystems", new JsonArray().add(nqn)));
        assertThat(r.status()).as(String.valueOf(r.body())).isEqualTo(201);
    }

    private JsonObject group(String nqn, int g) {
        return api.get(V + "/ana").array().stream().map(JsonObject.class::cast)
                .filter(o -> o.getString("subsystem").equals(nqn) && o.getInteger("group") == g).findFirst().orElseThrow();
    }

    private void owner(AnaOwner o) {
        api.node.hazelcast().<String, String>getMap(AnaOwner.MAP).set(o.key(), o.toJson().encode());
    }

    private AnaOwner entry(String nqn, int g) {
        String v = api.node.hazelcast().<String, String>getMap(AnaOwner.MAP).get(AnaOwner.key(nqn, g));
        return v == null ? null : AnaOwner.fromJson(new JsonObject(v));
    }

    @Test
    void groupsFollowTheDefaultAnaGroupAndEveryGatewayServingTheSubsystemHasAState() {
        String nqn = subsystem("ana-list");
        List<JsonObject> mine = api.get(V + "/ana").array().stream().map(JsonObject.class::cast)
                .filter(o -> o.getString("subsystem").equals(nqn)).toList();
        assertThat(mine).extracting(o -> o.getInteger("group")).as("NSID 4 is disabled: no group 4").containsExactly(1, 2, 5);
        JsonObject g1 = mine.get(0);
        assertThat(g1.getJsonArray("nsids")).as("NSIDs ascending").containsExactly(1, 3);
        assertThat(mine.get(1).getJsonArray("nsids")).as("NSID 2: default group ((2 - 1) %% 128) + 1").containsExactly(2);
        assertThat(g1.getString("storage")).isEqualTo("up");
        assertThat(g1.getString("owner")).as("no balancer ran").isNull();
        assertThat(g1.getJsonObject("states")).as("no entry: optimized everywhere; gw-dead's lease expired; gw-c does not serve it")
                .isEqualTo(JsonObject.of("gw-a", "optimized", "gw-b", "optimized", "gw-dead", "inaccessible"));
        JsonObject g5 = mine.get(2);
        assertThat(g5.getString("storage")).as("RF 1 on a worker that is not live").isEqualTo("down");
        assertThat(g5.getJsonObject("states")).isEqualTo(JsonObject.of("gw-a", "inaccessible", "gw-b", "inaccessible", "gw-dead", "inaccessible"));
        assertThat(api.get(V + "/ana/" + enc(nqn) + "/2").json()).isEqualTo(mine.get(1));
        expect(api.get(V + "/ana/" + enc(nqn) + "/4"), 404, "group");
        expect(api.get(V + "/ana/" + enc(nqn) + "/0"), 400, "group");
        expect(api.get(V + "/ana/nqn.2026-11.io.example%3Anone/1"), 404, "nqn");
        api.delete(V + "/subsystems/" + enc(nqn) + "?force=true");
    }

    @Test
    void statesFollowTheOwnerEntryAndTheGlobalAnaSetting() {
        String nqn = subsystem("ana-owner");
        long now = gateways.now();
        owner(new AnaOwner(nqn, 1, "gw-a", "gw-a", null, AnaOwner.Phase.OWNED, false, 4, now));
        JsonObject g = group(nqn, 1);
        assertThat(g.getJsonObject("states")).isEqualTo(JsonObject.of("gw-a", "optimized", "gw-b", "non-optimized", "gw-dead", "inaccessible"));
        assertThat(g.getString("home")).isEqualTo("gw-a");
        assertThat(g.getString("phase")).isEqualTo("OWNED");
        assertThat(g.getLong("epoch")).isEqualTo(4);
        owner(new AnaOwner(nqn, 1, "gw-b", "gw-a", "gw-b", AnaOwner.Phase.RELEASING, false, 5, now));
        assertThat(group(nqn, 1).getJsonObject("states")).as("hand-off step 1: the owner releases, the next is in change")
                .isEqualTo(JsonObject.of("gw-a", "non-optimized", "gw-b", "change", "gw-dead", "inaccessible"));
        assertThat(group(nqn, 1).getString("next")).isEqualTo("gw-b");

        assertThat(api.patch(V + "/global", JsonObject.of("ana", false)).status()).isEqualTo(200);
        try {
            assertThat(group(nqn, 1).getJsonObject("states")).as("ana false: symmetric, every live path optimized")
                    .isEqualTo(JsonObject.of("gw-a", "optimized", "gw-b", "optimized", "gw-dead", "inaccessible"));
            assertThat(group(nqn, 5).getJsonObject("states")).as("inaccessible still applies")
                    .isEqualTo(JsonObject.of("gw-a", "inaccessible", "gw-b", "inaccessible", "gw-dead", "inaccessible"));
        } finally {
            api.patch(V + "/global", JsonObject.of("ana", true));
        }
        api.delete(V + "/subsystems/" + enc(nqn) + "?force=true");
    }

    @Test
    void aReplicatedGroupIsUpWhileItsLeaderPublishes() {
        String nqn = "nqn.2026-11.io.example:ana-rep";
        assertThat(api.post(V + "/subsystems", JsonObject.of("nqn", nqn)).status()).isEqualTo(201);
        api.worker("worker-2");
        ApiFixture.Reply ns = api.post(V + "/subsystems/" + enc(nqn) + "/namespaces", JsonObject.of("size", "1M", "replicationFactor", 2,
                "replicas", new JsonArray().add("worker-1").add("worker-2")));
        assertThat(ns.status()).as(String.valueOf(ns.body())).isEqualTo(201);
        port(20_001, "gw-a", nqn);
        assertThat(group(nqn, 1).getString("storage")).as("no leader published").isEqualTo("down");
        assertThat(group(nqn, 1).getJsonObject("states")).isEqualTo(JsonObject.of("gw-a", "inaccessible"));
        NamespaceSpec n = api.service.catalog().namespace(nqn, 1).orElseThrow();
        new ReplicationView(api.node.hazelcast()).publish(ReplicationApiTest.status(n.uuid(), n.replicas(), "healthy", System.currentTimeMillis()));
        assertThat(group(nqn, 1).getString("storage")).isEqualTo("up");
        assertThat(group(nqn, 1).getJsonObject("states")).isEqualTo(JsonObject.of("gw-a", "optimized"));
        new ReplicationView(api.node.hazelcast()).publish(ReplicationApiTest.status(n.uuid(), n.replicas(), "healthy",
                System.currentTimeMillis() - ReplicationView.STALE_MS - 1_000));
        assertThat(group(nqn, 1).getString("storage")).as("a stale status: no leader").isEqualTo("down");
        api.delete(V + "/subsystems/" + enc(nqn) + "?force=true");
    }

    @Test
    void moveValidatesAndPinsTheHomeUnpinClearsIt() {
        String nqn = subsystem("ana-move");
        String move = V + "/ana/" + enc(nqn) + "/2/move";
        expect(api.post(move, JsonObject.of()), 400, "to");
        expect(api.post(move, JsonObject.of("to", 7)), 400, "to");
        expect(api.post(move, JsonObject.of("to", "gw-b", "force", true)), 400, "force");
        expect(api.post(V + "/ana/" + enc(nqn) + "/x/move", JsonObject.of("to", "gw-b")), 400, "group");
        expect(api.post(V + "/ana/" + enc(nqn) + "/129/move", JsonObject.of("to", "gw-b")), 400, "group");
        expect(api.post(V + "/ana/" + enc(nqn) + "/3/move", JsonObject.of("to", "gw-b")), 404, "group");
        expect(api.post(V + "/ana/nqn.2026-11.io.example%3Anone/2/move", JsonObject.of("to", "gw-b")), 404, "nqn");
        expect(api.post(move, JsonObject.of("to", "gw-nobody")), 404, "to");
        ApiFixture.Reply dead = api.post(move, JsonObject.of("to", "gw-dead"));
        expect(dead, 409, "to");
        assertThat(dead.json().getString("error")).contains("not live");
        ApiFixture.Reply elsewhere = api.post(move, JsonObject.of("to", "gw-c"));
        expect(elsewhere, 409, "to");
        assertThat(elsewhere.json().getString("error")).contains("no port exporting");
        gateways.setDraining("gw-b", true);
        try {
            ApiFixture.Reply draining = api.post(move, JsonObject.of("to", "gw-b"));
            expect(draining, 409, "to");
            assertThat(draining.json().getString("error")).contains("draining");
        } finally {
            gateways.setDraining("gw-b", false);
        }
        assertThat(entry(nqn, 2)).as("nothing written by a refused move").isNull();

        // no entry yet (every gateway optimized): the group is given to the gateway at once
        ApiFixture.Reply first = api.post(move, JsonObject.of("to", "gw-b"));
        assertThat(first.status()).as(String.valueOf(first.body())).isEqualTo(202);
        AnaOwner e = entry(nqn, 2);
        assertThat(e).extracting(AnaOwner::home, AnaOwner::owner, AnaOwner::phase, AnaOwner::pinned, AnaOwner::epoch)
                .containsExactly("gw-b", "gw-b", AnaOwner.Phase.OWNED, true, 1L);
        assertThat(first.json().getJsonObject("states")).isEqualTo(JsonObject.of("gw-a", "non-optimized", "gw-b", "optimized", "gw-dead", "inaccessible"));

        // an entry owned by gw-b: only the home moves; the balancer hands the group over
        ApiFixture.Reply second = api.post(move, JsonObject.of("to", "gw-a"));
        assertThat(second.status()).isEqualTo(202);
        assertThat(entry(nqn, 2)).extracting(AnaOwner::home, AnaOwner::owner, AnaOwner::phase, AnaOwner::pinned, AnaOwner::epoch)
                .containsExactly("gw-a", "gw-b", AnaOwner.Phase.OWNED, true, 2L);
        assertThat(second.json().getString("home")).isEqualTo("gw-a");
        assertThat(second.json().getBoolean("pinned")).isTrue();

        ApiFixture.Reply unpin = api.delete(move);
        assertThat(unpin.status()).isEqualTo(200);
        assertThat(entry(nqn, 2)).extracting(AnaOwner::home, AnaOwner::pinned, AnaOwner::epoch).containsExactly("gw-a", false, 3L);
        assertThat(unpin.json().getBoolean("pinned")).isFalse();
        assertThat(api.delete(move).status()).as("unpin of an unpinned group").isEqualTo(200);
        assertThat(entry(nqn, 2).epoch()).as("nothing written").isEqualTo(3L);
        expect(api.delete(V + "/ana/" + enc(nqn) + "/3/move"), 404, "group");
        api.delete(V + "/subsystems/" + enc(nqn) + "?force=true");
    }

    @Test
    void gatewaysListDrainAndUndrain() {
        String nqn = subsystem("ana-gw");
        owner(new AnaOwner(nqn, 1, "gw-a", "gw-a", null, AnaOwner.Phase.OWNED, false, 1, gateways.now()));
        owner(new AnaOwner(nqn, 2, "gw-b", "gw-a", "gw-b", AnaOwner.Phase.RELEASING, false, 2, gateways.now()));
        JsonArray all = api.get(V + "/gateways").array();
        assertThat(all.stream().map(o -> ((JsonObject) o).getString("id")).toList()).contains("gw-a", "gw-b", "gw-c", "gw-dead").isSorted();
        JsonObject a = api.get(V + "/gateways/gw-a").json();
        assertThat(a.getBoolean("live")).isTrue();
        assertThat(a.getBoolean("draining")).isFalse();
        assertThat(a.getLong("leaseUntil")).isGreaterThan(gateways.now());
        assertThat(UUID.fromString(a.getString("member"))).isNotNull();
        assertThat(a.getJsonArray("owned")).contains(nqn + "#1", nqn + "#2");
        assertThat(a.getJsonArray("ports")).isNotEmpty();
        assertThat(api.get(V + "/gateways/gw-dead").json().getBoolean("live")).isFalse();
        expect(api.get(V + "/gateways/gw-nobody"), 404, "id");
        expect(api.post(V + "/gateways/gw-nobody/drain", null), 404, "id");
        expect(api.post(V + "/gateways/gw-nobody/undrain", null), 404, "id");

        ApiFixture.Reply d = api.post(V + "/gateways/gw-a/drain", null);
        assertThat(d.status()).as(String.valueOf(d.body())).isEqualTo(200);
        assertThat(d.json().getBoolean("draining")).isTrue();
        assertThat(gateways.draining("gw-a")).isTrue();
        // gw-b is then the only live, non-draining gateway of the subsystem: draining it too would strand its groups
        ApiFixture.Reply last = api.post(V + "/gateways/gw-b/drain", null);
        expect(last, 409, "id");
        assertThat(last.json().getString("error")).contains(nqn).contains("force=true");
        assertThat(gateways.draining("gw-b")).isFalse();
        assertThat(api.post(V + "/gateways/gw-b/drain?force=true", null).json().getBoolean("draining")).isTrue();
        assertThat(api.post(V + "/gateways/gw-b/undrain", null).json().getBoolean("draining")).isFalse();
        ApiFixture.Reply u = api.post(V + "/gateways/gw-a/undrain", null);
        assertThat(u.status()).isEqualTo(200);
        assertThat(u.json().getBoolean("draining")).isFalse();
        assertThat(gateways.draining("gw-a")).isFalse();
        api.delete(V + "/subsystems/" + enc(nqn) + "?force=true");
        api.node.hazelcast().getMap(AnaOwner.MAP).clear();
    }

    @Test
    void openApiDocumentsEveryAnaAndGatewayPath() {
        JsonObject doc = new JsonObject(api.get("/api/openapi.json").json().encode());
        assertThat(doc.getJsonObject("paths").fieldNames()).contains("/api/v1/ana", "/api/v1/ana/{nqn}/{group}",
                "/api/v1/ana/{nqn}/{group}/move", "/api/v1/gateways", "/api/v1/gateways/{id}", "/api/v1/gateways/{id}/drain",
                "/api/v1/gateways/{id}/undrain");
        assertThat(doc.getJsonObject("paths").getJsonObject("/api/v1/ana/{nqn}/{group}/move").fieldNames()).contains("post", "delete");
    }

    private static void expect(ApiFixture.Reply r, int status, String field) {
        assertThat(r.status()).as(String.valueOf(r.body())).isEqualTo(status);
        assertThat(r.json().getString("field")).as(r.json().encode()).isEqualTo(field);
    }
}
