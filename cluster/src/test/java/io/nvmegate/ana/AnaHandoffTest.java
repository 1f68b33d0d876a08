package io.nvmegate.ana;

import io.nvmegate.catalog.PortSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static io.nvmegate.ana.AnaTestCluster.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Hand-offs (drain, undrain, move, unpin) on three real Hazelcast members: every gateway's own view
 * ({@link HazelcastAnaOwners}) is recorded as it changes, and no two views ever hold the group OWNED by themselves
 * at once.
 */
class AnaHandoffTest {
    private static final String NQN = "nqn.2026-12.io.example:handoff";
    private static final int[] GROUPS = IntStream.rangeClosed(1, 9).toArray();
    private final AnaTestCluster cluster = new AnaTestCluster();

    @AfterEach
    void close() {
        cluster.close();
    }

    /**
     * Replays the views' changes in the order they happened (one lock over all views): a violation is a moment where
     * two gateways' views each show the group OWNED by that gateway, or a view that went from OWNED(x) to OWNED(y)
     * without RELEASING in between (no gateway dies in these tests, so every owner change is a hand-off), or an
     * epoch that does not follow the previous one.
     */
    static final class Recorder {
        private final Map<String, Map<String, AnaOwner>> views = new HashMap<>(); // gateway → key → entry
        final List<String> violations = new java.util.concurrent.CopyOnWriteArrayList<>();
        int handoffs;

        void attach(AnaTestCluster.Gw g) {
            g.owners().observe((k, e) -> seen(g.id, k, e));
        }

        synchronized void seen(String gw, String key, AnaOwner e) {
            AnaOwner before = views.computeIfAbsent(gw, x -> new HashMap<>()).put(key, e);
            if (e == null) return;
            if (before != null && e.epoch() != before.epoch() + 1) {
                violations.add(gw + " saw " + key + " epoch " + before.epoch() + " then " + e.epoch());
            }
            if (before != null && before.phase() == AnaOwner.Phase.OWNED && e.phase() == AnaOwner.Phase.OWNED
                    && before.owner() != null && !before.owner().equals(e.owner())) {
                violations.add(gw + " saw " + key + " go OWNED " + before.owner() + " -> OWNED " + e.owner() + " in one step");
            }
            if (e.phase() == AnaOwner.Phase.RELEASING && gw.equals(e.owner())) handoffs++;
            List<String> optimized = new ArrayList<>();
            for (Map.Entry<String, Map<String, AnaOwner>> v : views.entrySet()) {
                AnaOwner x = v.getValue().get(key);
                if (x != null && x.phase() == AnaOwner.Phase.OWNED && v.getKey().equals(x.owner())) optimized.add(v.getKey());
            }
            if (optimized.size() > 1) violations.add(key + " OWNED by " + optimized + " in their own views at once");
        }
    }

    private List<AnaOwner> entries() {
        return IntStream.of(GROUPS).mapToObj(g -> cluster.entry(NQN, g)).toList();
    }

    private boolean ownersAre(java.util.function.Predicate<AnaOwner> p) {
        return entries().stream().allMatch(e -> e != null && e.phase() == AnaOwner.Phase.OWNED && p.test(e));
    }

    @Test
    void drainUndrainAndMovesNeverShowTwoOptimizedOwners() throws Exception {
        AnaTestCluster.Gw a = cluster.gateway("gw-a");
        AnaTestCluster.Gw b = cluster.gateway("gw-b");
        AnaTestCluster.Gw c = cluster.gateway("gw-c");
        Recorder rec = new Recorder();
        List.of(a, b, c).forEach(rec::attach);
        cluster.subsystem(NQN, GROUPS);
        cluster.awaitSettled(NQN, GROUPS);
        assertThat(entries().stream().filter(e -> e.home().equals("gw-c"))).hasSize(3);
        AnaMoves moves = new AnaMoves(a.hz);

        // drain gw-c: its groups go to gw-a and gw-b by hand-off, its homes stay
        moves.drain("gw-c");
        await(() -> ownersAre(e -> !e.owner().equals("gw-c")), "gw-c drained", 10_000);
        Thread.sleep(200); // every view caught up
        assertThat(rec.violations).as("during the drain").isEmpty();
        assertThat(entries().stream().filter(e -> e.home().equals("gw-c"))).hasSize(3);
        await(() -> c.metrics.failovers(AnaMetrics.Reason.DRAIN) == 3, "drain counted by gw-c", 5_000);
        Thread.sleep(1_000);
        assertThat(ownersAre(e -> !e.owner().equals("gw-c"))).as("a draining gateway gets nothing").isTrue();
        assertThatThrownBy(() -> moves.move(NQN, 1, "gw-c")).isInstanceOf(AnaMoves.ConflictException.class)
                .hasMessageContaining("draining");

        // undrain: they come back
        moves.undrain("gw-c");
        cluster.awaitSettled(NQN, GROUPS);

        // move three groups to gw-a: pinned there although gw-a then has 6 homes and gw-b, gw-c 1 or 2
        List<Integer> notA = IntStream.of(GROUPS).filter(g -> !cluster.entry(NQN, g).home().equals("gw-a")).limit(3).boxed().toList();
        for (int g : notA) moves.move(NQN, g, "gw-a");
        await(() -> notA.stream().allMatch(g -> "gw-a".equals(cluster.entry(NQN, g).owner())), "moved to gw-a", 10_000);
        Thread.sleep(1_500); // several balancer ticks: the pins hold
        for (int g : notA) {
            AnaOwner e = cluster.entry(NQN, g);
            assertThat(e.home()).isEqualTo("gw-a");
            assertThat(e.pinned()).isTrue();
            assertThat(e.owner()).isEqualTo("gw-a");
        }
        double moved = b.metrics.failovers(AnaMetrics.Reason.MOVE) + c.metrics.failovers(AnaMetrics.Reason.MOVE);
        assertThat(moved).isEqualTo(3);

        // unpin: the balancer evens the homes out again
        for (int g : notA) moves.unpin(NQN, g);
        await(() -> entries().stream().filter(e -> e.home().equals("gw-a")).count() == 3, "homes evened out", 10_000);
        cluster.awaitSettled(NQN, GROUPS);

        assertThat(rec.handoffs).as("hand-offs seen by the releasing owners").isGreaterThanOrEqualTo(9);
        assertThat(rec.violations).isEmpty();
    }

    @Test
    void movesAreRefusedWithReasons() throws Exception {
        AnaTestCluster.Gw a = cluster.gateway("gw-a");
        cluster.gateway("gw-b");
        AnaTestCluster.Gw lapsed = cluster.gateway("gw-c");
        cluster.subsystem(NQN, 1);
        String other = "nqn.2026-12.io.example:only-a";
        cluster.catalog().putPort(new PortSpec(1, "ipv4", "127.0.0.1", 4420, null, null, List.of(NQN)));
        cluster.catalog().putPort(new PortSpec(2, "ipv4", "127.0.0.1", 4421, null, "gw-a", List.of(other)));
        cluster.subsystem(other, 1);
        lapsed.stopRenewing();
        AnaMoves moves = new AnaMoves(a.hz);

        assertThatThrownBy(() -> moves.move(NQN, 7, "gw-a")).isInstanceOf(AnaMoves.NotFoundException.class)
                .hasMessageContaining("ANA group 7");
        assertThatThrownBy(() -> moves.move("nqn.2026-12.io.example:none", 1, "gw-a"))
                .isInstanceOf(AnaMoves.NotFoundException.class).hasMessageContaining("no subsystem");
        assertThatThrownBy(() -> moves.move(NQN, 1, "gw-x")).isInstanceOf(AnaMoves.ConflictException.class)
                .hasMessageContaining("not live");
        assertThatThrownBy(() -> moves.move(other, 1, "gw-b")).isInstanceOf(AnaMoves.ConflictException.class)
                .hasMessageContaining("does not serve");
        assertThatThrownBy(() -> moves.drain("gw-x")).isInstanceOf(AnaMoves.NotFoundException.class);
        await(() -> !lapsed.directory().get("gw-c").orElseThrow().live(lapsed.directory().now()), "gw-c lapsed", 10_000);
        assertThatThrownBy(() -> moves.move(NQN, 1, "gw-c")).isInstanceOf(AnaMoves.ConflictException.class)
                .hasMessageContaining("not live");

        cluster.awaitSettled(other, 1);
        assertThat(cluster.entry(other, 1).owner()).as("only gw-a serves it").isEqualTo("gw-a");
        assertThat(moves.move(NQN, 1, "gw-b").pinned()).isTrue();
        await(() -> "gw-b".equals(cluster.entry(NQN, 1).owner()), "moved", 10_000);
    }
}
