package io.nvmegate.cluster;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.nvmegate.ana.AnaOwner;
import io.nvmegate.catalog.Catalog;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link Cluster#MAP_BACKUPS} on real Hazelcast members: four members (three workers and a gateway, as in
 * {@code ReplicationKillTest}), entries in the catalog's and the ANA owners' maps spread over every partition; two
 * members are terminated abruptly at once (Hazelcast's {@code terminate()}: no graceful migration, like kill -9).
 * Every entry must still be readable from the survivors. With one backup (the earlier setting) about a sixth of the
 * partitions had both their copies on the two dead members and their entries were gone: catalog ports and
 * namespaces vanished from a running cluster.
 */
class MapBackupsTest {
    private static final int ENTRIES = 2000;
    private final String name = "backups-" + UUID.randomUUID();
    private final List<HazelcastInstance> members = new ArrayList<>();

    @AfterEach
    void shutdown() {
        for (HazelcastInstance hz : members) {
            if (hz.getLifecycleService().isRunning()) hz.getLifecycleService().terminate();
        }
    }

    private HazelcastInstance member() {
        List<String> join = members.isEmpty() ? List.of()
                : List.of("127.0.0.1:" + members.get(0).getCluster().getLocalMember().getAddress().getPort());
        HazelcastInstance hz = Hazelcast.newHazelcastInstance(Cluster.hazelcastConfig(new ClusterOptions(name, "127.0.0.1", 0, join)));
        members.add(hz);
        return hz;
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void catalogAndAnaEntriesSurviveTwoMembersKilledAtOnce() throws Exception {
        for (int i = 0; i < 4; i++) member();
        HazelcastInstance first = members.get(0);
        List<String> maps = List.of(Catalog.MAPS.get(0), AnaOwner.MAP);
        for (String map : maps) {
            IMap<String, String> m = first.getMap(map);
            for (int i = 0; i < ENTRIES; i++) m.set("key-" + i, "value-" + i);
        }
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!first.getPartitionService().isClusterSafe() && System.nanoTime() < end) Thread.sleep(100);
        assertThat(first.getPartitionService().isClusterSafe()).as("every backup in place before the kills").isTrue();

        members.get(1).getLifecycleService().terminate();
        members.get(2).getLifecycleService().terminate();

        HazelcastInstance survivor = members.get(3);
        end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (survivor.getCluster().getMembers().size() > 2 && System.nanoTime() < end) Thread.sleep(100);
        assertThat(survivor.getCluster().getMembers()).hasSize(2);
        for (String map : maps) {
            IMap<String, String> m = survivor.getMap(map);
            long missing = 0;
            for (int i = 0; i < ENTRIES; i++) {
                if (!("value-" + i).equals(m.get("key-" + i))) missing++;
            }
            assertThat(missing).as("entries of map %s lost with two of four members killed at once", map).isZero();
        }
    }
}
