package io.nvmegate.catalog;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The replication fields of {@link NamespaceSpec} in its JSON form: bounds, replica lists, the backend rule, round trip. */
class NamespaceSpecReplicationTest {
    private static final String NQN = "nqn.2026-11.io.example:rf";

    private static NamespaceSpec parse(JsonObject j) { return NamespaceSpec.fromJson(j.put("subsystem", NQN), null); }

    @Test
    void defaultIsReplicationFactorOneOnItsWorker() {
        NamespaceSpec n = parse(JsonObject.of("nsid", 1, "size", "1M", "worker", "worker-7"));
        assertThat(n.replicationFactor()).isEqualTo(1);
        assertThat(n.replicas()).containsExactly("worker-7");
        assertThat(n.placed()).isTrue();
        assertThat(n.replicated()).isFalse();
        assertThat(n.toJson().getInteger("replicationFactor")).isEqualTo(1);
        assertThat(n.toJson().getJsonArray("replicas")).containsExactly("worker-7");
    }

    @Test
    void replicationFactorBounds() {
        for (int rf : new int[] {0, -1, 6}) {
            assertThatThrownBy(() -> parse(JsonObject.of("replicationFactor", rf)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("namespace.replicationFactor must be 1..5");
        }
        assertThat(parse(JsonObject.of("replicationFactor", 5)).replicationFactor()).isEqualTo(5);
        assertThatThrownBy(() -> parse(JsonObject.of("replicationFactor", "3")))
                .hasMessageStartingWith("namespace.replicationFactor must be a number");
    }

    @Test
    void replicasMustMatchTheFactorAndBeDistinct() {
        assertThatThrownBy(() -> parse(JsonObject.of("replicationFactor", 3, "replicas", new JsonArray().add("a").add("b"))))
                .hasMessageStartingWith("namespace.replicas must list replicationFactor (3) workers, got 2");
        assertThatThrownBy(() -> parse(JsonObject.of("replicationFactor", 3, "replicas", new JsonArray().add("a").add("b").add("a"))))
                .hasMessageStartingWith("namespace.replicas must be distinct");
        assertThatThrownBy(() -> parse(JsonObject.of("replicationFactor", 2, "replicas", new JsonArray().add("a").add(7))))
                .hasMessageStartingWith("namespace.replicas must be an array of worker IDs");
        assertThatThrownBy(() -> parse(JsonObject.of("replicas", new JsonArray().add("a").add("b"))))
                .hasMessageStartingWith("namespace.replicas of a namespace with replicationFactor 1 must be [worker]");
        NamespaceSpec unplaced = parse(JsonObject.of("replicationFactor", 3));
        assertThat(unplaced.placed()).isFalse();
        assertThat(unplaced.replicas()).isEmpty();
    }

    @Test
    void replicatedNeedsRocksdbOrNullBackend() {
        for (String b : List.of("memory", NamespaceSpec.NULL_GATEWAY)) {
            assertThatThrownBy(() -> parse(JsonObject.of("replicationFactor", 2, "backend", b)))
                    .hasMessageContaining("backend").hasMessageContaining(b);
        }
        assertThat(parse(JsonObject.of("replicationFactor", 2, "backend", "null")).backend()).isEqualTo("null");
        assertThat(parse(JsonObject.of("replicationFactor", 2)).backend()).isEqualTo("rocksdb");
        assertThat(parse(JsonObject.of("backend", "memory")).replicationFactor()).isEqualTo(1);
    }

    @Test
    void placedNamespaceRoundTripsAndItsWorkerIsTheFirstReplica() {
        NamespaceSpec n = parse(JsonObject.of("nsid", 2, "replicationFactor", 3,
                "replicas", new JsonArray().add("worker-2").add("worker-3").add("worker-1")));
        assertThat(n.worker()).isEqualTo("worker-2");
        assertThat(NamespaceSpec.fromJson(n.toJson(), null)).isEqualTo(n);
        NamespaceSpec unplaced = parse(JsonObject.of("nsid", 3, "replicationFactor", 2));
        assertThat(NamespaceSpec.fromJson(unplaced.toJson(), null)).isEqualTo(unplaced);
        NamespaceSpec moved = n.withReplicas(ReplicaPlacement.moved(n.replicas(), "worker-2", "worker-4"));
        assertThat(moved.replicas()).containsExactly("worker-3", "worker-1", "worker-4");
        assertThat(moved.worker()).isEqualTo("worker-3");
        assertThat(NamespaceSpec.fromJson(moved.toJson(), null)).isEqualTo(moved);
    }
}
