package io.nvmegate.ana;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.nvmegate.ana.AnaTestCluster.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two balancers deciding on the same reading (two gateways each believing for a moment that it has the smallest
 * live ID, e.g. around a lease expiry) and a balancer racing an operator's move: the compare-and-set writes let one
 * win and the other decide again, never overwriting the newer entry.
 */
class AnaBalancerRaceTest {
    private static final String NQN = "nqn.2026-12.io.example:race";
    private final AnaTestCluster cluster = new AnaTestCluster();

    @AfterEach
    void close() {
        cluster.close();
    }

    @Test
    void racingBalancersDoNotClobber() throws Exception {
        AnaTestCluster.Gw a = cluster.member("gw-a");
        AnaTestCluster.Gw b = cluster.member("gw-b");
        AnaTestCluster.Gw c = cluster.member("gw-c");
        List.of(a, b, c).forEach(AnaTestCluster.Gw::renew);
        cluster.subsystem(NQN, 1, 2, 3);
        cluster.awaitClusterSafe();
        await(() -> a.view.current().namespaces().size() == 3 && b.view.current().namespaces().size() == 3,
                "catalog views", 10_000);
        AnaBalancer one = new AnaBalancer(a.hz, "gw-a", a.view::current, a.metrics, AnaBalancer.SETTLE_MS);
        AnaBalancer two = new AnaBalancer(b.hz, "gw-b", b.view::current, b.metrics, AnaBalancer.SETTLE_MS);
        assertThat(one.apply(one.plan())).isEqualTo(3);
        assertThat(two.apply(two.plan())).as("nothing left to do").isZero();
        int g = List.of(1, 2, 3).stream().filter(x -> cluster.entry(NQN, x).home().equals("gw-c")).findFirst().orElseThrow();

        // gw-c's lease lapses; balancer one decides on a reading where every survivor is eligible ...
        c.stopRenewing();
        await(() -> !c.directory().get("gw-c").orElseThrow().live(c.directory().now()), "gw-c lapsed", 10_000);
        AnaBalancer.Plan p1 = one.plan();
        assertThat(p1.writes()).allSatisfy(w -> assertThat(w.key()).isEqualTo(AnaOwner.key(NQN, g)));
        AnaPlanner.Write w1 = p1.writes().stream().filter(w -> w.kind() == AnaPlanner.Kind.TAKEOVER).findFirst().orElseThrow();
        // ... then that target starts draining and balancer two decides on the new reading
        String first = w1.after().owner();
        String second = first.equals("gw-a") ? "gw-b" : "gw-a";
        new AnaMoves(a.hz).drain(first);
        AnaBalancer.Plan all2 = two.plan();
        AnaBalancer.Plan p2 = new AnaBalancer.Plan(all2.topology(),
                all2.writes().stream().filter(w -> w.key().equals(w1.key())).toList());
        assertThat(p2.writes()).singleElement().satisfies(w -> {
            assertThat(w.kind()).isEqualTo(AnaPlanner.Kind.TAKEOVER);
            assertThat(w.after().owner()).isEqualTo(second);
        });
        p1 = new AnaBalancer.Plan(p1.topology(), List.of(w1));

        AnaOwner before = cluster.entry(NQN, g);
        assertThat(two.apply(p2)).isEqualTo(1);
        assertThat(one.apply(p1)).as("the stale decision loses its compare-and-set").isZero();
        AnaOwner after = cluster.entry(NQN, g);
        assertThat(after.owner()).as("not given to the draining gateway").isEqualTo(second);
        assertThat(after.epoch()).isEqualTo(before.epoch() + 1);
        assertThat(a.metrics.failovers(AnaMetrics.Reason.TAKEOVER)).isZero();
        assertThat(b.metrics.failovers(AnaMetrics.Reason.TAKEOVER)).isEqualTo(1);

        // a balancer decision racing an operator's move: the move (pin) survives
        new AnaMoves(a.hz).undrain(first);
        String third = "gw-c";
        c.renew();
        await(() -> c.directory().get("gw-c").orElseThrow().live(c.directory().now()), "gw-c back", 10_000);
        Thread.sleep(AnaBalancer.SETTLE_MS); // gw-c, g's home, settles: the balancer decides the failback ...
        AnaBalancer.Plan p3 = one.plan();
        AnaPlanner.Write w3 = p3.writes().stream().filter(w -> w.key().equals(AnaOwner.key(NQN, g))).findFirst().orElseThrow();
        assertThat(w3.kind()).isEqualTo(AnaPlanner.Kind.RELEASE);
        assertThat(w3.after().next()).isEqualTo(third);
        AnaOwner moved = new AnaMoves(a.hz).move(NQN, g, first); // ... while an operator moves g to another gateway
        assertThat(one.apply(new AnaBalancer.Plan(p3.topology(), List.of(w3)))).as("lost to the move").isZero();
        assertThat(cluster.entry(NQN, g)).as("the move was not overwritten").isEqualTo(moved);
        AnaOwner now = cluster.entry(NQN, g);
        assertThat(now.pinned()).isTrue();
        assertThat(now.home()).isEqualTo(first).isNotEqualTo(third);
    }
}
