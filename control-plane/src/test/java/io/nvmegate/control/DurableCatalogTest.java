package io.nvmegate.control;

import io.nvmegate.catalog.Catalog;
import io.nvmegate.catalog.CatalogConfig;
import io.nvmegate.catalog.CatalogStore;
import io.nvmegate.cluster.Cluster;
import io.nvmegate.cluster.ClusterOptions;
import io.nvmegate.testkit.FreePorts;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The catalog survives a restart of the (whole, single-member) cluster through the RocksDB map store, and the
 * configuration file is only a seed: ignored once the catalog exists.
 */
class DurableCatalogTest {
    private static final String V = "/api/v1";

    @Test
    void resourcesSurviveRestart(@TempDir Path data) throws Exception {
        Path store = data.resolve("catalog");
        String nqn = "nqn.2026-11.io.example:durable";
        String host = "nqn.2026-11.io.example:durable-host";
        JsonObject saved;
        try (ApiFixture api = ApiFixture.start(store)) {
            Catalog c = api.service.catalog();
            assertThat(c.seed(CatalogConfig.defaults(4420))).isTrue();
            assertThat(api.post(V + "/hosts", JsonObject.of("nqn", host, "hash", "sha512")).status()).isEqualTo(201);
            assertThat(api.post(V + "/subsystems", JsonObject.of("nqn", nqn, "allowAnyHost", false, "hosts", new JsonArray().add(host))).status()).isEqualTo(201);
            assertThat(api.post(V + "/subsystems/" + nqn.replace(":", "%3A") + "/namespaces", JsonObject.of("nsid", 3, "size", "32M")).status()).isEqualTo(201);
            assertThat(api.post(V + "/ports", JsonObject.of("id", 9, "traddr", "127.0.0.1", "trsvcid", 14700, "subsystems", new JsonArray().add(nqn))).status()).isEqualTo(201);
            assertThat(api.post(V + "/referrals", JsonObject.of("traddr", "192.0.2.5", "portId", 9)).status()).isEqualTo(201);
            assertThat(api.call("PUT", V + "/global", JsonObject.of("ana", false)).status()).isEqualTo(200); // not the default
            // the default subsystem from the seed is deleted: a restart must not bring it back
            assertThat(api.delete(V + "/subsystems/" + CatalogConfig.DEFAULT_NQN.replace(":", "%3A") + "?force=true").status()).isEqualTo(204);
            saved = api.service.save();
        }
        try (ApiFixture api = ApiFixture.start(store)) {
            assertThat(api.service.catalog().seed(CatalogConfig.defaults(4420))).as("a persisted catalog is not re-seeded").isFalse();
            assertThat(api.get(V + "/config").json()).isEqualTo(saved);
            assertThat(api.get(V + "/subsystems/" + nqn.replace(":", "%3A") + "/namespaces/3").json().getLong("size")).isEqualTo(32L << 20);
            assertThat(api.service.catalog().subsystem(CatalogConfig.DEFAULT_NQN)).isEmpty();
            assertThat(api.service.catalog().global().ana()).isFalse();
            // deletes are durable too
            assertThat(api.delete(V + "/referrals/1").status()).isEqualTo(204);
        }
        try (ApiFixture api = ApiFixture.start(store)) {
            assertThat(api.service.catalog().referrals()).isEmpty();
            assertThat(api.service.catalog().ports()).extracting(p -> p.id()).containsExactly(1, 9);
        }
    }

    /**
     * Two members, each with its own store: each keeps a full copy (not only the partitions it owned), so either
     * one alone brings the whole catalog back.
     */
    @Test
    void everyMemberKeepsAFullCopy(@TempDir Path data) throws Exception {
        String name = "durable2-" + System.nanoTime();
        int portA = FreePorts.free();
        Path a = data.resolve("a");
        Path b = data.resolve("b");
        Cluster.Node na = Cluster.start(new ClusterOptions(name, "127.0.0.1", portA, List.of(), a)).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        Cluster.Node nb = Cluster.start(new ClusterOptions(name, "127.0.0.1", FreePorts.free(), List.of("127.0.0.1:" + portA), b)).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        try {
            assertThat(nb.hazelcast().getCluster().getMembers()).hasSize(2);
            CatalogService s = new CatalogService(new Catalog(na.hazelcast()));
            for (int i = 0; i < 40; i++) s.createSubsystem(JsonObject.of("nqn", "nqn.2026-11.io.example:multi-" + i));
            for (Path dir : List.of(a, b)) {
                CatalogStore store = CatalogStore.open(dir);
                try {
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                    while (store.keys(Catalog.SUBSYSTEMS).size() < 40 && System.nanoTime() < deadline) Thread.sleep(20);
                    assertThat(store.keys(Catalog.SUBSYSTEMS)).as(dir.toString()).hasSize(40);
                } finally {
                    store.release();
                }
            }
        } finally {
            nb.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            na.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
        try (ApiFixture api = ApiFixture.start(b)) {
            assertThat(api.service.catalog().subsystems()).hasSize(40);
        }
    }

    @Test
    void withoutStoreTheCatalogIsFresh(@TempDir Path data) throws Exception {
        try (ApiFixture api = ApiFixture.start(null)) {
            assertThat(api.service.catalog().seed(CatalogConfig.defaults(4420))).isTrue();
            assertThat(api.service.catalog().seed(CatalogConfig.defaults(4420))).isFalse();
            assertThat(api.service.catalog().subsystems()).hasSize(1);
        }
    }
}
