package io.nvmegate.catalog;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.nvmegate.cluster.Cluster;
import io.nvmegate.cluster.ClusterOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Host secrets in real Hazelcast members with durable catalog stores: with a cluster secret key, the replicated
 * map entry and the RocksDB catalog store hold only ciphertext, and every member with the key reads the secret; a
 * member without it fails loudly instead of seeing a host without a key. Without a key (the control) the secret is
 * in the map and on disk in clear, so the checks can fail.
 */
class SealedCatalogTest {
    static final String NQN = SecretSealTest.NQN;
    static final HostSpec HOST = new HostSpec(NQN, SecretSealTest.KEY, SecretSealTest.CTRL, "sha256", "ffdhe3072");

    @TempDir
    Path dir;
    final String name = "sealed-" + UUID.randomUUID();
    final List<HazelcastInstance> members = new ArrayList<>();

    @AfterEach
    void shutdown() {
        for (int i = members.size() - 1; i >= 0; i--) members.get(i).shutdown();
    }

    HazelcastInstance member(String id, SecretSeal seal) {
        List<String> join = members.isEmpty() ? List.of()
                : List.of("127.0.0.1:" + members.get(0).getCluster().getLocalMember().getAddress().getPort());
        HazelcastInstance hz = Hazelcast.newHazelcastInstance(Cluster.hazelcastConfig(
                new ClusterOptions(name, "127.0.0.1", 0, join, dir.resolve(id)).withSeal(seal)));
        members.add(hz);
        return hz;
    }

    /** @return the value of the host entry in every member's catalog store */
    List<String> stored() {
        List<String> out = new ArrayList<>();
        for (String id : List.of("a", "b")) {
            CatalogStore s = CatalogStore.open(dir.resolve(id));
            try {
                String v = s.get(Catalog.HOSTS, NQN);
                if (v != null) out.add(v);
            } finally {
                s.release();
            }
        }
        return out;
    }

    @Test
    void hazelcastAndTheCatalogStoreHoldOnlyCiphertext() {
        byte[] key = SecretSeal.newKey(); // every member reads the same key file
        HazelcastInstance a = member("a", SecretSeal.of(key)), b = member("b", SecretSeal.of(key));
        new Catalog(a).putHost(HOST);
        String raw = b.<String, String>getMap(Catalog.HOSTS).get(NQN);
        assertThat(raw).contains(SecretSeal.PREFIX).doesNotContain(SecretSealTest.KEY, SecretSealTest.CTRL);
        assertThat(new Catalog(b).host(NQN)).contains(HOST);
        assertThat(new Catalog(b).hosts()).containsExactly(HOST);
        assertThat(stored()).isNotEmpty().allSatisfy(v -> assertThat(v).contains(SecretSeal.PREFIX)
                .doesNotContain(SecretSealTest.KEY, SecretSealTest.CTRL));

        HazelcastInstance c = member("c", SecretSeal.NONE);
        assertThatThrownBy(() -> new Catalog(c).hosts()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no --cluster-secret-key").hasMessageNotContaining("DHHC-1");
    }

    /** Through the clustered Vert.x member the launcher starts (HazelcastClusterManager keeps the user context). */
    @Test
    void aClusteredVertxMemberSealsToo() throws Exception {
        Cluster.Node n = Cluster.start(new ClusterOptions(name, "127.0.0.1", 0, List.of()).withSeal(SecretSeal.of(SecretSeal.newKey())))
                .toCompletionStage().toCompletableFuture().get(60, java.util.concurrent.TimeUnit.SECONDS);
        try {
            new Catalog(n.hazelcast()).putHost(HOST);
            assertThat(n.hazelcast().<String, String>getMap(Catalog.HOSTS).get(NQN)).contains(SecretSeal.PREFIX)
                    .doesNotContain(SecretSealTest.KEY);
            assertThat(new CatalogView(n.vertx(), n.hazelcast()).catalog().hosts()).containsExactly(HOST);
        } finally {
            n.close().toCompletionStage().toCompletableFuture().get(60, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    @Test
    void withoutAKeySecretsAreReplicatedAndStoredInClear() {
        HazelcastInstance a = member("a", SecretSeal.NONE), b = member("b", SecretSeal.NONE);
        new Catalog(a).putHost(HOST);
        assertThat(b.<String, String>getMap(Catalog.HOSTS).get(NQN)).contains(SecretSealTest.KEY);
        assertThat(stored()).isNotEmpty().allSatisfy(v -> assertThat(v).contains(SecretSealTest.KEY));
    }
}
