package io.nvmegate.ana;

import io.nvmegate.catalog.PortSpec;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link AnaPlanner}'s decisions on hand-made readings (no cluster: the Hazelcast tests cover the writes). */
class AnaPlannerTest {
    private static final String NQN = "nqn.2026-12.io.example:planner";
    private static final long NOW = 1_000_000;

    private final Map<String, GatewayDirectory.GatewayInfo> gateways = new TreeMap<>();
    private final Set<String> draining = new java.util.HashSet<>();
    private final Map<String, String> map = new HashMap<>();
    private final AnaPlanner planner = new AnaPlanner(AnaBalancer.SETTLE_MS);

    private void live(String id, long since) {
        gateways.put(id, new GatewayDirectory.GatewayInfo(id, UUID.randomUUID(), NOW + 3_600_000, since));
    }

    private void dead(String id) {
        gateways.put(id, new GatewayDirectory.GatewayInfo(id, UUID.randomUUID(), NOW - 100, NOW - 60_000));
    }

    private AnaTopology topology(int groups, long now) {
        TreeMap<String, AnaTopology.Group> g = new TreeMap<>();
        for (int i = 1; i <= groups; i++) g.put(AnaOwner.key(NQN, i), new AnaTopology.Group(NQN, i));
        return new AnaTopology(g, gateways, draining, List.of(new PortSpec(1, "ipv4", "127.0.0.1", 4420, null, null, List.of())), now, 1);
    }

    /** Plans on the map and applies every write (as if each compare-and-set succeeded). */
    private List<AnaPlanner.Write> step(int groups, long now) {
        List<AnaPlanner.Write> w = planner.plan(topology(groups, now), map);
        for (AnaPlanner.Write x : w) {
            if (x.after() == null) map.remove(x.key());
            else map.put(x.key(), x.after().toJson().encode());
        }
        return w;
    }

    private AnaOwner entry(int group) {
        String v = map.get(AnaOwner.key(NQN, group));
        return v == null ? null : AnaOwner.fromJson(new io.vertx.core.json.JsonObject(v));
    }

    private Map<String, Long> homes(int groups) {
        return java.util.stream.IntStream.rangeClosed(1, groups).mapToObj(this::entry)
                .collect(Collectors.groupingBy(AnaOwner::home, TreeMap::new, Collectors.counting()));
    }

    @Test
    void homesAreSpreadByCountAndTheNewcomerGetsItsShare() {
        live("gw-a", 0);
        live("gw-b", 0);
        step(5, NOW);
        assertThat(homes(5)).containsEntry("gw-a", 3L).containsEntry("gw-b", 2L);
        for (int g = 1; g <= 5; g++) assertThat(entry(g).owner()).isEqualTo(entry(g).home());
        assertThat(step(5, NOW)).as("stable: nothing to do").isEmpty();

        live("gw-c", NOW); // just started: homes now, ownership after the settle delay
        step(5, NOW);
        assertThat(homes(5)).containsOnlyKeys("gw-a", "gw-b", "gw-c").allSatisfy((k, v) -> assertThat(v).isBetween(1L, 2L));
        assertThat(map.values().stream().map(v -> AnaOwner.fromJson(new io.vertx.core.json.JsonObject(v)).owner()))
                .as("not settled: owners unchanged").doesNotContain("gw-c");
        List<AnaPlanner.Write> later = step(5, NOW + AnaBalancer.SETTLE_MS);
        assertThat(later).isNotEmpty().allSatisfy(w -> {
            assertThat(w.kind()).isEqualTo(AnaPlanner.Kind.RELEASE);
            assertThat(w.after().next()).isEqualTo("gw-c");
        });
    }

    @Test
    void deadOwnerIsTakenOverInOneStepAndItsGroupsSpread() {
        live("gw-a", 0);
        live("gw-b", 0);
        live("gw-c", 0);
        step(6, NOW);
        dead("gw-a");
        List<AnaPlanner.Write> w = step(6, NOW);
        assertThat(w).hasSize(2).allSatisfy(x -> {
            assertThat(x.kind()).isEqualTo(AnaPlanner.Kind.TAKEOVER);
            assertThat(x.after().phase()).isEqualTo(AnaOwner.Phase.OWNED);
            assertThat(x.after().home()).as("the dead gateway stays home: its groups come back").isEqualTo("gw-a");
            assertThat(x.after().epoch()).isEqualTo(x.before().epoch() + 1);
        });
        assertThat(w.stream().map(x -> x.after().owner())).containsExactlyInAnyOrder("gw-b", "gw-c");
    }

    @Test
    void drainingGatewayIsNeverATarget() {
        live("gw-a", 0);
        live("gw-b", 0);
        live("gw-c", 0);
        step(6, NOW);
        draining.add("gw-b");
        List<AnaPlanner.Write> w = step(6, NOW);
        assertThat(w).hasSize(2).allSatisfy(x -> {
            assertThat(x.kind()).isEqualTo(AnaPlanner.Kind.RELEASE);
            assertThat(x.after().owner()).isEqualTo("gw-b");
            assertThat(x.after().next()).isIn("gw-a", "gw-c");
        });
        dead("gw-a"); // a takeover while gw-b drains never picks gw-b
        step(6, NOW);
        assertThat(map.values().stream().map(v -> AnaOwner.fromJson(new io.vertx.core.json.JsonObject(v))))
                .filteredOn(e -> e.home().equals("gw-a")).allSatisfy(e -> assertThat(e.owner()).isEqualTo("gw-c"));
    }

    @Test
    void staleEntryIsRemovedOnlyAfterItStayedMissing() {
        live("gw-a", 0);
        step(2, NOW);
        assertThat(step(1, NOW)).isEmpty();
        assertThat(step(1, NOW + AnaPlanner.REMOVE_AFTER_MS)).singleElement()
                .satisfies(w -> assertThat(w.kind()).isEqualTo(AnaPlanner.Kind.REMOVE));
    }
}
