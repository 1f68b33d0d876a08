package io.nvmegate.cluster;

import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.reflect.Field;
import java.util.concurrent.ExecutorService;

/**
 * Works around a thread leak of vertx-hazelcast 5.0.10: every {@code HazelcastClusterManager} starts a
 * "vertx-hazelcast-service-throttling-thread" executor ({@code SubsMapHelper.throttling.executorService}) that
 * its {@code close()} never shuts down, so each node started and stopped in one JVM (embedded targets, tests)
 * would leave one idle thread behind. {@link #executorOf} finds that executor (by reflection, before the cluster
 * is left); {@link Cluster.Node#close()} shuts it down after the Vert.x instance is closed. If the library's
 * internals differ, nothing happens.
 */
final class HazelcastThreadLeak {
    private static final Logger log = LoggerFactory.getLogger(HazelcastThreadLeak.class);

    private HazelcastThreadLeak() {}

    /** @return the throttling executor of {@code vertx}'s cluster manager, or null if not found */
    static ExecutorService executorOf(Vertx vertx) {
        try {
            Object mgr = ((VertxInternal) vertx).clusterManager();
            Object subs = field(mgr, "subsMapHelper");
            Object throttling = field(subs, "throttling");
            return (ExecutorService) field(throttling, "executorService");
        } catch (ReflectiveOperationException | RuntimeException e) {
            log.debug("vertx-hazelcast throttling executor not found: {}", e.toString());
            return null;
        }
    }

    private static Object field(Object o, String name) throws ReflectiveOperationException {
        if (o == null) throw new NoSuchFieldException(name + " (null owner)");
        for (Class<?> c = o.getClass(); c != null; c = c.getSuperclass()) {
            try {
                Field f = c.getDeclaredField(name);
                f.setAccessible(true);
                return f.get(o);
            } catch (NoSuchFieldException ignored) {
                // look in the superclass
            }
        }
        throw new NoSuchFieldException(o.getClass().getName() + "." + name);
    }
}
