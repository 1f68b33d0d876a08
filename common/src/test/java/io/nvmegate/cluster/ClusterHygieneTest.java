package io.nvmegate.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
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
        assertThat(c.getNetworkConfig().getJoin().getTcpIpConfig().getMembers()).containsExactly("127.0.0.1");
    }
}
