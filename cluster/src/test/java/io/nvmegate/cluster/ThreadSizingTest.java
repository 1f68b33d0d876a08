package io.nvmegate.cluster;

import com.hazelcast.config.Config;
import io.vertx.core.VertxOptions;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Thread pools follow the cores the JVM sees, with floors, and system properties override them. */
class ThreadSizingTest {
    @Test
    void poolsFollowTheCores() {
        int cores = Runtime.getRuntime().availableProcessors();
        VertxOptions vo = ThreadSizing.applyTo(new VertxOptions());
        assertThat(vo.getEventLoopPoolSize()).isEqualTo(2 * cores);
        assertThat(vo.getWorkerPoolSize()).isEqualTo(Math.max(8, 4 * cores));
        assertThat(vo.getInternalBlockingPoolSize()).isEqualTo(Math.max(4, 2 * cores));
        Config c = Cluster.hazelcastConfig(new ClusterOptions("n", "127.0.0.1", 5801, List.of("127.0.0.1:5802")));
        assertThat(c.getProperty("hazelcast.io.thread.count")).isEqualTo(String.valueOf(ThreadSizing.clamp(cores / 2, 1, 3)));
        assertThat(c.getProperty("hazelcast.event.thread.count")).isEqualTo(String.valueOf(ThreadSizing.clamp(cores, 2, 5)));
        assertThat(c.getProperty("hazelcast.operation.response.thread.count")).isEqualTo(String.valueOf(ThreadSizing.clamp(cores / 2, 1, 2)));
    }

    @Test
    void systemPropertiesOverride() {
        System.setProperty("nvmegate.workerPoolSize", "3");
        System.setProperty("hazelcast.io.thread.count", "2");
        try {
            assertThat(ThreadSizing.applyTo(new VertxOptions()).getWorkerPoolSize()).isEqualTo(3);
            // Hazelcast reads the system property itself; the Config must not shadow it
            assertThat(ThreadSizing.applyTo(new Config()).getProperties().getProperty("hazelcast.io.thread.count")).isNull();
        } finally {
            System.clearProperty("nvmegate.workerPoolSize");
            System.clearProperty("hazelcast.io.thread.count");
        }
    }
}
