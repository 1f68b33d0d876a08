package io.nvmegate.ana;

import com.hazelcast.map.IMap;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static io.nvmegate.ana.AnaTestCluster.await;
import static org.assertj.core.api.Assertions.assertThat;

/** The local copy of map {@value AnaOwner#MAP}: initial load, then every change through the listener. */
class HazelcastAnaOwnersTest {
    private static final String NQN = "nqn.2026-12.io.example:view";

    private static AnaOwner owned(int group, String owner, long epoch) {
        return new AnaOwner(NQN, group, owner, owner, null, AnaOwner.Phase.OWNED, false, epoch, 1);
    }

    @Test
    void loadsThenFollowsTheMap() throws Exception {
        try (AnaTestCluster cluster = new AnaTestCluster()) {
            AnaTestCluster.Gw m = cluster.member("gw-a");
            IMap<String, String> map = m.hz.getMap(AnaOwner.MAP);
            map.set(AnaOwner.key(NQN, 1), owned(1, "gw-a", 1).toJson().encode());
            map.set(AnaOwner.key(NQN, 2), owned(2, "gw-b", 1).toJson().encode());
            try (HazelcastAnaOwners view = HazelcastAnaOwners.start(m.hz)) {
                assertThat(view.get(NQN, 1)).isEqualTo(owned(1, "gw-a", 1));
                assertThat(view.all()).hasSize(2);
                AtomicInteger changes = new AtomicInteger();
                view.onChange(changes::incrementAndGet);

                AnaOwner rel = new AnaOwner(NQN, 1, "gw-b", "gw-a", "gw-b", AnaOwner.Phase.RELEASING, true, 2, 2);
                assertThat(map.replace(AnaOwner.key(NQN, 1), owned(1, "gw-a", 1).toJson().encode(), rel.toJson().encode())).isTrue();
                await(() -> rel.equals(view.get(NQN, 1)), "the view follows an update", 5_000);
                map.delete(AnaOwner.key(NQN, 2));
                await(() -> view.get(NQN, 2) == null, "the view follows a removal", 5_000);
                assertThat(view.get(NQN, 3)).isNull();
                await(() -> changes.get() >= 1, "onChange called", 5_000);
                assertThat(view.entries().get(AnaOwner.key(NQN, 1)).raw()).as("the JSON a replace compares")
                        .isEqualTo(map.get(AnaOwner.key(NQN, 1)));
            }
        }
    }

    /**
     * A split-brain merge of this member (Hazelcast {@code MERGING} then {@code MERGED}, fired on the real member's
     * lifecycle service: a merge proper needs two clusters that saw each other die) makes the view stale from the
     * start of the merge until a reload after its end; the callbacks run when it turns stale.
     */
    @Test
    void aMergeMakesTheViewStaleUntilReloadedAfterIt() throws Exception {
        try (AnaTestCluster cluster = new AnaTestCluster()) {
            AnaTestCluster.Gw m = cluster.member("gw-a");
            IMap<String, String> map = m.hz.getMap(AnaOwner.MAP);
            map.set(AnaOwner.key(NQN, 1), owned(1, "gw-a", 1).toJson().encode());
            try (HazelcastAnaOwners view = HazelcastAnaOwners.start(m.hz)) {
                assertThat(view.current()).isTrue();
                java.util.concurrent.atomic.AtomicBoolean sawStale = new java.util.concurrent.atomic.AtomicBoolean();
                view.onChange(() -> {
                    if (!view.current()) sawStale.set(true);
                });
                var lifecycle = (com.hazelcast.instance.impl.LifecycleServiceImpl) m.hz.getLifecycleService();
                lifecycle.fireLifecycleEvent(com.hazelcast.core.LifecycleEvent.LifecycleState.MERGING);
                assertThat(view.current()).as("stale from the start of the merge").isFalse();
                await(sawStale::get, "the callbacks ran when the view turned stale", 5_000);
                Thread.sleep(300);
                assertThat(view.current()).as("still stale while the merge runs").isFalse();
                map.set(AnaOwner.key(NQN, 1), owned(1, "gw-b", 2).toJson().encode()); // what the merge left
                lifecycle.fireLifecycleEvent(com.hazelcast.core.LifecycleEvent.LifecycleState.MERGED);
                await(view::current, "current again once reloaded after the merge", 5_000);
                assertThat(view.get(NQN, 1)).isEqualTo(owned(1, "gw-b", 2));
            }
        }
    }
}
