package io.nvmegate.gateway.io;

import io.nvmegate.catalog.NamespaceSpec;
import io.nvmegate.catalog.ReplicationStatus;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link ReplicaRouter}: which of a published status, a hint and a suspicion wins. */
class ReplicaRouterTest {
    static final NamespaceSpec NS = new NamespaceSpec("nqn.2026-12.io.nvmegate:router", 1, UUID.randomUUID(), 1 << 20,
            4096, "rocksdb", "a", true, 1, 3, List.of("a", "b", "c"));

    static ReplicationStatus status(String leader, long term) {
        return new ReplicationStatus(NS.uuid(), leader, term, 0, List.of(), 0);
    }

    @Test
    void noLeaderKnownMeansTheFirstReplicaThenTheNextOnes() {
        ReplicaRouter r = new ReplicaRouter();
        assertThat(r.target(NS)).isEqualTo("a");
        assertThat(r.next(NS, "a")).isEqualTo("b");
        assertThat(r.next(NS, "c")).isEqualTo("a");
        assertThat(r.next(NS, "gone")).as("a worker no longer a replica").isEqualTo("a");
        NamespaceSpec unplaced = new NamespaceSpec("nqn.2026-12.io.nvmegate:router", 2, UUID.randomUUID(), 1 << 20,
                4096, "rocksdb", "a", true, 1, 3, List.of());
        assertThat(r.target(unplaced)).isNull();
    }

    @Test
    void statusesOfEqualOrHigherTermReplaceStatuses() {
        ReplicaRouter r = new ReplicaRouter();
        r.published(status("b", 3));
        assertThat(r.target(NS)).isEqualTo("b");
        r.published(status("c", 2));
        assertThat(r.leader(NS.uuid())).as("an older term is ignored").isEqualTo("b");
        r.published(status("c", 3));
        assertThat(r.leader(NS.uuid())).isEqualTo("c");
    }

    @Test
    void aHintWinsOverAStatusOfTheSameTermNotOverAHigherTerm() {
        ReplicaRouter r = new ReplicaRouter();
        r.published(status("a", 3));
        r.hint(NS.uuid(), "b");
        assertThat(r.leader(NS.uuid())).isEqualTo("b");
        r.published(status("a", 3));
        assertThat(r.leader(NS.uuid())).isEqualTo("b");
        r.published(status("c", 4));
        assertThat(r.leader(NS.uuid())).isEqualTo("c");
    }

    @Test
    void aSuspectedLeaderIsDroppedAndTheNextReplicaTried() {
        ReplicaRouter r = new ReplicaRouter();
        r.published(status("b", 3));
        r.suspect(NS.uuid(), "a");
        assertThat(r.leader(NS.uuid())).as("suspecting another worker changes nothing").isEqualTo("b");
        assertThat(r.next(NS, "a")).as("the cached leader first").isEqualTo("b");
        r.suspect(NS.uuid(), "b");
        assertThat(r.leader(NS.uuid())).isNull();
        assertThat(r.next(NS, "b")).isEqualTo("c");
        r.served(NS.uuid(), "c");
        assertThat(r.leader(NS.uuid())).isEqualTo("c");
        r.published(status("b", 3));
        assertThat(r.leader(NS.uuid())).as("a status of the suspected term does not bring it back").isEqualTo("c");
        r.forget(NS.uuid());
        assertThat(r.leader(NS.uuid())).isNull();
    }
}
