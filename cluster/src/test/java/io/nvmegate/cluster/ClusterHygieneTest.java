package io.nvmegate.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A member never contacts an address it was not given: no phone-home, no multicast, no auto-detection. */
class ClusterHygieneTest {
    @Test
    void hazelcastConfigContactsOnlyConfiguredMembers() {
        Config c = Cluster.hazelcastConfig(new ClusterOptions("n", "127.0.0.1", 5801, List.of("127.0.0.1:5802")));
        assertThat(c.getProperty("hazelcast.phone.home.enabled")).isEqualTo("false");
        assertThat(System.getProperty("hazelcast.phone.home.enabled")).isEqualTo("false");
        assertThat(c.getProperty("hazelcast.socket.bind.any")).isEqualTo("false");
        JoinConfig j = c.getNetworkConfig().getJoin();
        assertThat(j.getMulticastConfig().isEnabled()).isFalse();
        assertThat(j.getAutoDetectionConfig().isEnabled()).isFalse();
        assertThat(j.getAwsConfig().isEnabled()).isFalse();
        assertThat(j.getTcpIpConfig().isEnabled()).isTrue();
        assertThat(j.getTcpIpConfig().getMembers()).containsExactly("127.0.0.1:5802");
        assertThat(c.getNetworkConfig().getInterfaces().isEnabled()).isTrue();
        assertThat(c.getNetworkConfig().getInterfaces().getInterfaces()).containsExactly("127.0.0.1");
        assertThat(c.getNetworkConfig().getPort()).isEqualTo(5801);
        assertThat(c.getNetworkConfig().isPortAutoIncrement()).isFalse();
    }

    @Test
    void singleMemberJoinsOnlyItself() {
        Config c = Cluster.hazelcastConfig(ClusterOptions.embedded());
        assertThat(c.getNetworkConfig().getJoin().getTcpIpConfig().getMembers())
                .containsExactly("127.0.0.1:" + c.getNetworkConfig().getPort());
    }

    /**
     * Two processes of one machine started without --members and with the same cluster name stay two clusters
     * (before: each probed 127.0.0.1:5701..5703 and the second silently joined the first, catalog and all).
     */
    @Test
    void twoLoneMembersWithOneClusterNameDoNotMerge() {
        String name = "lone-" + ProcessHandle.current().pid();
        HazelcastInstance a = Hazelcast.newHazelcastInstance(Cluster.hazelcastConfig(new ClusterOptions(name, "127.0.0.1", 0, List.of())));
        try {
            HazelcastInstance b = Hazelcast.newHazelcastInstance(Cluster.hazelcastConfig(new ClusterOptions(name, "127.0.0.1", 0, List.of())));
            try {
                assertThat(a.getCluster().getMembers()).hasSize(1);
                assertThat(b.getCluster().getMembers()).hasSize(1);
                // ... while a member given the first one's address does join it
                int portA = a.getCluster().getLocalMember().getAddress().getPort();
                HazelcastInstance c = Hazelcast.newHazelcastInstance(Cluster.hazelcastConfig(
                        new ClusterOptions(name, "127.0.0.1", 0, List.of("127.0.0.1:" + portA))));
                try {
                    assertThat(a.getCluster().getMembers()).hasSize(2);
                    assertThat(b.getCluster().getMembers()).hasSize(1);
                } finally {
                    c.shutdown();
                }
            } finally {
                b.shutdown();
            }
        } finally {
            a.shutdown();
        }
    }
}
