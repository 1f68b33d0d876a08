package io.nvmegate.catalog;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.nvmegate.cluster.Cluster;
import io.nvmegate.cluster.ClusterOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link PlacementService} on real Hazelcast members: each "worker" is a member registered in the
 * {@link WorkerDirectory} (no block worker runs; the group leaders' statuses are published by the test).
 */
class PlacementServiceTest {
    private static final String NQN = "nqn.2026-11.io.example:placement";
    private final String name = "placement-" + UUID.randomUUID();
    private final List<HazelcastInstance> members = new ArrayList<>();
    private final List<PlacementService> services = new ArrayList<>();

    @AfterEach
    void shutdown() {
        services.forEach(PlacementService::close);
        for (int i = members.size() - 1; i >= 0; i--) members.get(i).shutdown();
    }

    private HazelcastInstance member() {
        List<String> join = members.isEmpty() ? List.of()
                : List.of("127.0.0.1:" + members.get(0).getCluster().getLocalMember().getAddress().getPort());
        HazelcastInstance hz = Hazelcast.newHazelcastInstance(Cluster.hazelcastConfig(new ClusterOptions(name, "127.0.0.1", 0, join)));
        members.add(hz);
        return hz;
    }

    private HazelcastInstance worker(String id) {
        HazelcastInstance hz = member();
        new WorkerDirectory(hz).register(id, "127.0.0.1:" + (9000 + members.size()));
        return hz;
    }

    private static NamespaceSpec replicated(int nsid, int rf, String... replicas) {
        return new NamespaceSpec(NQN, nsid, NamespaceSpec.defaultUuid(NQN, nsid), 1L << 20, 4096, "rocksdb", "worker-1",
                true, 1, rf, List.of(replicas));
    }

    private static void await(BooleanSupplier cond, String what) throws InterruptedException {
        long end = System.nanoTime() + 30_000_000_000L;
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > end) throw new AssertionError("timed out waiting for " + what);
            Thread.sleep(50);
        }
    }

    @Test
    void unplacedNamespaceIsPlacedOnceEnoughWorkersAreLive() {
        HazelcastInstance a = worker("worker-1");
        worker("worker-2");
        Catalog catalog = new Catalog(a);
        catalog.putNamespace(replicated(1, 3));
        catalog.putNamespace(new NamespaceSpec(NQN, 9, UUID.randomUUID(), 1L << 20, 4096, "memory", "worker-1", true));
        PlacementService s = new PlacementService(a, 60_000, 60_000);
        services.add(s);
        assertThat(s.pass()).isEqualTo(new PlacementService.Pass(0, 0));
        assertThat(catalog.namespace(NQN, 1).orElseThrow().placed()).isFalse();

        HazelcastInstance draining = worker("worker-0");
        new WorkerDirectory(a).setDraining("worker-0", true);
        assertThat(s.pass().placed()).as("a draining worker does not count").isZero();
        worker("worker-3");
        assertThat(s.pass().placed()).isEqualTo(1);
        NamespaceSpec n = catalog.namespace(NQN, 1).orElseThrow();
        assertThat(n.replicas()).containsExactly("worker-2", "worker-3", "worker-1").as("worker-1 holds the RF 1 namespace");
        assertThat(n.worker()).isEqualTo("worker-2");
        assertThat(catalog.namespace(NQN, 9).orElseThrow().replicas()).containsExactly("worker-1");
        assertThat(draining.getLifecycleService().isRunning()).isTrue();
    }

    @Test
    void deadWorkersAreNotPlacedOn() {
        HazelcastInstance a = worker("worker-1");
        worker("worker-2");
        HazelcastInstance c = worker("worker-3");
        c.shutdown();
        members.remove(c);
        Catalog catalog = new Catalog(a);
        catalog.putNamespace(replicated(1, 3));
        PlacementService s = new PlacementService(a, 60_000, 60_000);
        services.add(s);
        assertThat(new WorkerDirectory(a).all()).hasSize(3).as("the entry of a dead worker stays");
        assertThat(s.pass().placed()).isZero();
        assertThat(catalog.namespace(NQN, 1).orElseThrow().replicas()).isEmpty();
    }

    @Test
    void drainMovesOneNamespaceAtATimeAfterTheGroupReconfigured() {
        HazelcastInstance a = worker("worker-1");
        worker("worker-2");
        worker("worker-3");
        Catalog catalog = new Catalog(a);
        ReplicationView view = new ReplicationView(a);
        NamespaceSpec n1 = replicated(1, 2, "worker-1", "worker-2");
        NamespaceSpec n2 = replicated(2, 2, "worker-2", "worker-1");
        catalog.putNamespace(n1);
        catalog.putNamespace(n2);
        catalog.putNamespace(new NamespaceSpec(NQN, 3, UUID.randomUUID(), 1L << 20, 4096, "rocksdb", "worker-1", true));
        PlacementService s = new PlacementService(a, 60_000, 60_000);
        services.add(s);
        assertThat(s.pass()).isEqualTo(new PlacementService.Pass(0, 0));

        new WorkerDirectory(a).setDraining("worker-1", true);
        assertThat(s.pass().moved()).isEqualTo(1);
        assertThat(catalog.namespace(NQN, 1).orElseThrow().replicas()).containsExactly("worker-2", "worker-3");
        assertThat(catalog.namespace(NQN, 2).orElseThrow().replicas()).containsExactly("worker-2", "worker-1");
        // the leader of namespace 1 still reports the old configuration: the next move waits
        view.publish(status(n1, "worker-1", "worker-2"));
        assertThat(s.pass().moved()).isZero();
        assertThat(catalog.namespace(NQN, 2).orElseThrow().replicas()).containsExactly("worker-2", "worker-1");
        view.publish(status(n1, "worker-2", "worker-3"));
        assertThat(s.pass().moved()).isEqualTo(1);
        assertThat(catalog.namespace(NQN, 2).orElseThrow().replicas()).containsExactly("worker-2", "worker-3");
        assertThat(s.pass().moved()).as("nothing replicated left on worker-1").isZero();
        assertThat(catalog.namespace(NQN, 3).orElseThrow().replicas()).as("RF 1 cannot move").containsExactly("worker-1");
    }

    @Test
    void drainWithNoOtherWorkerMovesNothing() {
        HazelcastInstance a = worker("worker-1");
        worker("worker-2");
        Catalog catalog = new Catalog(a);
        catalog.putNamespace(replicated(1, 2, "worker-1", "worker-2"));
        PlacementService s = new PlacementService(a, 60_000, 60_000);
        services.add(s);
        new WorkerDirectory(a).setDraining("worker-1", true);
        assertThat(s.pass().moved()).isZero();
        assertThat(catalog.namespace(NQN, 1).orElseThrow().replicas()).containsExactly("worker-1", "worker-2");
    }

    @Test
    void runningServicesPlaceAndDrainWithoutBeingAsked() throws Exception {
        HazelcastInstance a = worker("worker-1");
        HazelcastInstance b = worker("worker-2");
        for (HazelcastInstance m : List.of(a, b)) services.add(new PlacementService(m, 60_000, 60_000).start());
        Catalog catalog = new Catalog(a);
        catalog.putNamespace(replicated(1, 2));
        await(() -> catalog.namespace(NQN, 1).orElseThrow().placed(), "placement after a namespace was added");
        assertThat(catalog.namespace(NQN, 1).orElseThrow().replicas()).containsExactly("worker-1", "worker-2");
        catalog.putNamespace(replicated(2, 3));
        Thread.sleep(300);
        assertThat(catalog.namespace(NQN, 2).orElseThrow().placed()).isFalse();
        services.add(new PlacementService(worker("worker-3"), 60_000, 60_000).start());
        await(() -> catalog.namespace(NQN, 2).orElseThrow().placed(), "placement after a worker joined");

        worker("worker-4");
        new WorkerDirectory(b).setDraining("worker-1", true);
        await(() -> catalog.namespaces().stream().noneMatch(n -> n.replicas().contains("worker-1")), "drain of worker-1");
        assertThat(catalog.namespace(NQN, 1).orElseThrow().replicas()).doesNotHaveDuplicates().hasSize(2);
        assertThat(catalog.namespace(NQN, 2).orElseThrow().replicas()).containsExactlyInAnyOrder("worker-2", "worker-3", "worker-4");
    }

    private static ReplicationStatus status(NamespaceSpec n, String leader, String follower) {
        return new ReplicationStatus(n.uuid(), leader, 2, 10, List.of(
                new ReplicationStatus.Replica(leader, "leader", 10, 0, 0, "healthy"),
                new ReplicationStatus.Replica(follower, "follower", 10, 0, 0, "healthy")), System.currentTimeMillis());
    }
}
