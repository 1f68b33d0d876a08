package io.nvmegate.catalog;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link ReplicaPlacement}: distinct workers, fewest replicas then fewest bytes then ID, replacements for a move. */
class ReplicaPlacementTest {
    private static int nsid;

    private static NamespaceSpec ns(long size, String... replicas) {
        int id = ++nsid;
        return new NamespaceSpec("nqn.2026-11.io.example:p", id, UUID.randomUUID(), size, 4096, "rocksdb",
                replicas.length == 0 ? "worker-1" : replicas[0], true, 1, Math.max(replicas.length, 3), List.of(replicas));
    }

    @Test
    void emptyClusterPlacesByWorkerId() {
        assertThat(ReplicaPlacement.place(3, List.of("w-c", "w-a", "w-d", "w-b"), List.of())).contains(List.of("w-a", "w-b", "w-c"));
    }

    @Test
    void fewestReplicasFirstThenFewestBytes() {
        List<NamespaceSpec> placed = List.of(ns(1 << 20, "a", "b", "c"), ns(1 << 30, "a", "d", "e"), ns(1 << 20, "b", "d", "f"));
        // replicas: a2 b2 c1 d2 e1 f1; bytes: c 1M, e 1G, f 1M -> c, f (tie on count and bytes: by ID), then e
        assertThat(ReplicaPlacement.place(3, List.of("a", "b", "c", "d", "e", "f"), placed)).contains(List.of("c", "f", "e"));
        assertThat(ReplicaPlacement.loads(placed).get("a")).isEqualTo(new ReplicaPlacement.Load("a", 2, (1L << 20) + (1L << 30)));
    }

    @Test
    void tooFewEligibleWorkersPlaceNothing() {
        assertThat(ReplicaPlacement.place(3, List.of("a", "b"), List.of())).isEmpty();
        assertThat(ReplicaPlacement.place(2, List.of("a", "a"), List.of())).as("duplicates count once").isEmpty();
    }

    @Test
    void repeatedPlacementSpreadsEvenly() {
        List<NamespaceSpec> placed = new ArrayList<>();
        List<String> workers = List.of("w1", "w2", "w3", "w4", "w5");
        for (int i = 0; i < 10; i++) {
            List<String> r = ReplicaPlacement.place(3, workers, placed).orElseThrow();
            assertThat(r).doesNotHaveDuplicates().hasSize(3);
            placed.add(ns(1 << 20, r.toArray(String[]::new)));
        }
        assertThat(ReplicaPlacement.loads(placed).values()).allSatisfy(l -> assertThat(l.replicas()).isEqualTo(6));
    }

    @Test
    void replacementIsTheLeastLoadedNonReplica() {
        NamespaceSpec n = ns(1 << 20, "a", "b", "c");
        List<NamespaceSpec> placed = List.of(n, ns(1 << 20, "d", "e", "f"), ns(1 << 20, "d", "a", "b"));
        assertThat(ReplicaPlacement.replacement(n, "b", List.of("a", "b", "c", "d", "e", "f", "g"), placed)).contains("g");
        assertThat(ReplicaPlacement.replacement(n, "b", List.of("a", "c", "d", "e", "f"), placed)).contains("e");
        assertThat(ReplicaPlacement.replacement(n, "b", List.of("a", "b", "c"), placed)).isEmpty();
    }

    @Test
    void movedDropsFromAndAppendsTo() {
        assertThat(ReplicaPlacement.moved(List.of("a", "b", "c"), "a", "d")).containsExactly("b", "c", "d");
        assertThatThrownBy(() -> ReplicaPlacement.moved(List.of("a", "b"), "x", "d")).hasMessageContaining("x is not a replica");
        assertThatThrownBy(() -> ReplicaPlacement.moved(List.of("a", "b"), "a", "b")).hasMessageContaining("b is already a replica");
    }
}
