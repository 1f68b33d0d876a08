package io.nvmegate.cluster;

import com.hazelcast.core.HazelcastInstance;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/** {@code nvmegate_cluster_members}: Hazelcast members this node sees (0 once it left the cluster). */
public final class ClusterMetrics {
    private ClusterMetrics() {}

    public static void register(MeterRegistry registry, HazelcastInstance hazelcast) {
        Gauge.builder("nvmegate.cluster.members", hazelcast, ClusterMetrics::members)
                .description("Members of the nvmegate cluster (Hazelcast) as this node sees them").strongReference(true)
                .register(registry);
    }

    private static double members(HazelcastInstance h) {
        try {
            return h.getLifecycleService().isRunning() ? h.getCluster().getMembers().size() : 0;
        } catch (RuntimeException e) {
            return 0; // shutting down
        }
    }
}
