package io.nvmegate.ana;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;

import static io.nvmegate.ana.AnaTestCluster.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Takeover, failback and hand-off revert on real Hazelcast members (one per gateway, one JVM), leases renewed by
 * the test renewer of {@link AnaTestCluster}.
 */
class AnaFailoverTest {
    private static final String NQN = "nqn.2026-12.io.example:failover";
    private final AnaTestCluster cluster = new AnaTestCluster();

    @AfterEach
    void close() {
        cluster.close();
    }

    private int groupHomedAt(String gw, int... groups) {
        return IntStream.of(groups).filter(g -> gw.equals(cluster.entry(NQN, g).home())).findFirst().orElseThrow();
    }

    /** kill -9 of the owner: the survivor owns its groups one tick after its lease expired, never before. */
    @Test
    void takeoverWhenOwnerStopsRenewing() throws Exception {
        AnaTestCluster.Gw a = cluster.gateway("gw-a");
        AnaTestCluster.Gw b = cluster.gateway("gw-b");
        cluster.subsystem(NQN, 1, 2, 3, 4);
        cluster.awaitSettled(NQN, 1, 2, 3, 4);
        List<Integer> ofA = IntStream.of(1, 2, 3, 4).filter(g -> cluster.entry(NQN, g).home().equals("gw-a")).boxed().toList();
        assertThat(ofA).hasSize(2);
        List<Long> seenByB = new CopyOnWriteArrayList<>();
        b.owners().observe((k, e) -> {
            if (e != null && e.phase() == AnaOwner.Phase.OWNED && "gw-b".equals(e.owner()) && "gw-a".equals(e.home())) {
                seenByB.add(System.nanoTime());
            }
        });

        long killedAt = System.nanoTime();
        a.kill();
        long leaseUntil = a.lastLeaseUntil;
        await(() -> seenByB.size() == ofA.size(), "gw-b's view owning gw-a's groups", 15_000);
        long fromKillMs = (seenByB.get(seenByB.size() - 1) - killedAt) / 1_000_000;
        for (int g : ofA) {
            AnaOwner e = cluster.entry(NQN, g);
            assertThat(e.owner()).isEqualTo("gw-b");
            assertThat(e.phase()).isEqualTo(AnaOwner.Phase.OWNED);
            assertThat(e.home()).as("the dead gateway stays home").isEqualTo("gw-a");
            assertThat(e.changedAt()).as("taken over only once gw-a's lease expired (the fence)").isGreaterThanOrEqualTo(leaseUntil);
            assertThat(e.changedAt() - leaseUntil).as("within a balancer tick of the expiry").isLessThan(1_000);
        }
        System.out.printf("ANA takeover: kill -> survivor's view owns %d groups in %d ms (lease %d ms, goal 5000 ms)%n",
                ofA.size(), fromKillMs, GatewayLease.LEASE_MS);
        assertThat(fromKillMs).isLessThan(GatewayLease.LEASE_MS + 1_500);
        assertThat(b.metrics.failovers(AnaMetrics.Reason.TAKEOVER)).isEqualTo(ofA.size());
        assertThat(b.metrics.takeoverTimer().count()).isEqualTo(ofA.size());
        assertThat(b.registry.get("nvmegate.ana.takeover").timer().count()).isEqualTo(ofA.size());
    }

    /** A gateway whose lease lapsed gets its home groups back by the two-step hand-off, not before the settle delay. */
    @Test
    void failbackAfterSettle() throws Exception {
        AnaTestCluster.Gw a = cluster.gateway("gw-a");
        AnaTestCluster.Gw b = cluster.gateway("gw-b");
        cluster.subsystem(NQN, 1, 2);
        cluster.awaitSettled(NQN, 1, 2);
        int g = groupHomedAt("gw-a", 1, 2);
        List<AnaOwner> seenByA = new CopyOnWriteArrayList<>();
        a.owners().observe((k, e) -> {
            if (k.equals(AnaOwner.key(NQN, g))) seenByA.add(e);
        });

        a.stopRenewing(); // paused or cut off: the process (and its coordinator) keeps running
        await(() -> "gw-b".equals(cluster.entry(NQN, g).owner()), "takeover by gw-b", 10_000);
        a.renew();
        long since = a.since;
        await(() -> "gw-a".equals(cluster.entry(NQN, g).owner()), "failback to gw-a", 15_000);

        List<AnaOwner> releasing = seenByA.stream().filter(e -> e.phase() == AnaOwner.Phase.RELEASING).toList();
        assertThat(releasing).as("failback is a hand-off").singleElement().satisfies(r -> {
            assertThat(r.owner()).isEqualTo("gw-b");
            assertThat(r.next()).isEqualTo("gw-a");
            assertThat(r.changedAt() - since).as("started after the settle delay").isGreaterThanOrEqualTo(AnaBalancer.SETTLE_MS);
        });
        AnaOwner back = cluster.entry(NQN, g);
        assertThat(back.changedAt() - since).as("completed right after it").isLessThan(AnaBalancer.SETTLE_MS + 1_500);
        System.out.printf("ANA failback: %d ms after the lease came back (settle %d ms)%n", back.changedAt() - since, AnaBalancer.SETTLE_MS);
        assertThat(b.metrics.failovers(AnaMetrics.Reason.FAILBACK)).as("counted by the releasing owner").isEqualTo(1);
    }

    /** An owner that never completes the hand-off keeps the group: the balancer reverts RELEASING after the timeout. */
    @Test
    void handoffRevertedAfterTimeout() throws Exception {
        AnaTestCluster.Gw a = cluster.gateway("gw-a", AnaBalancer.SETTLE_MS, false); // never completes a hand-off
        cluster.gateway("gw-b");
        cluster.subsystem(NQN, 1, 2);
        cluster.awaitSettled(NQN, 1, 2);
        int g = groupHomedAt("gw-a", 1, 2);
        List<AnaOwner> seen = new CopyOnWriteArrayList<>();
        a.owners().observe((k, e) -> {
            if (k.equals(AnaOwner.key(NQN, g))) seen.add(e);
        });

        new AnaMoves(a.hz).move(NQN, g, "gw-b");
        await(() -> seen.stream().anyMatch(e -> e.phase() == AnaOwner.Phase.RELEASING), "hand-off started", 5_000);
        await(() -> seen.stream().dropWhile(e -> e.phase() != AnaOwner.Phase.RELEASING)
                .anyMatch(e -> e.phase() == AnaOwner.Phase.OWNED), "hand-off reverted", 10_000);
        AnaOwner rel = seen.stream().filter(e -> e.phase() == AnaOwner.Phase.RELEASING).findFirst().orElseThrow();
        AnaOwner rev = seen.stream().dropWhile(e -> e.phase() != AnaOwner.Phase.RELEASING)
                .filter(e -> e.phase() == AnaOwner.Phase.OWNED).findFirst().orElseThrow();
        assertThat(rev.owner()).as("back to the owner that did not release").isEqualTo("gw-a");
        assertThat(rev.epoch()).isEqualTo(rel.epoch() + 1);
        assertThat(rev.pinned()).isTrue();
        assertThat(rev.changedAt() - rel.changedAt()).isBetween(AnaOwner.HANDOFF_TIMEOUT_MS, AnaOwner.HANDOFF_TIMEOUT_MS + 1_000);
        Thread.sleep(AnaOwner.HANDOFF_TIMEOUT_MS / 2);
        assertThat(cluster.entry(NQN, g)).as("not released again at once").isEqualTo(rev);
    }
}
