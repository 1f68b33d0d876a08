package io.nvmegate.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MultiMapConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.HazelcastInstance;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.core.metrics.MetricsOptions;
import io.vertx.core.spi.VertxMetricsFactory;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts a clustered Vert.x over Hazelcast with nvmegate's cluster hygiene: phone-home off, multicast and
 * auto-detection off, explicit TCP-IP members, one explicit interface ({@code hazelcast.socket.bind.any=false}),
 * so a member never contacts any address but the configured ones. With {@link ClusterOptions#tls()} the event bus
 * (block requests and replies) runs TLS 1.3 with mutual authentication ({@link ClusterTls}); Hazelcast's member
 * protocol (membership, the catalog) stays plain TCP (Community Edition has no TLS), with host secrets sealed by
 * {@link ClusterOptions#seal()} ({@link io.nvmegate.catalog.SecretSeal}).
 */
public final class Cluster {
    private Cluster() {}

    static {
        // Hazelcast reads these at class-initialisation time; the environment variable HZ_PHONE_HOME_ENABLED=false
        // is set by the launch scripts as well (Hazelcast docs: "Phone Home").
        System.setProperty("hazelcast.phone.home.enabled", "false");
        System.setProperty("hazelcast.logging.type", System.getProperty("hazelcast.logging.type", "slf4j"));
    }

    /** Synchronous backups of every Hazelcast map and multimap (three copies of each partition). */
    public static final int MAP_BACKUPS = 2;

    /**
     * Logs a partition whose every copy died before re-replication (Hazelcast reports each lost replica index; only
     * index {@link #MAP_BACKUPS} means the maps' data is gone): catalog, ANA owner or lease entries in it are lost.
     */
    private static final com.hazelcast.partition.PartitionLostListener PARTITION_LOST = e -> {
        if (e.getLostBackupCount() >= MAP_BACKUPS) {
            org.slf4j.LoggerFactory.getLogger(Cluster.class).error("Hazelcast partition {} lost with all its {} copies (reported by {}): "
                    + "the entries of every map in it are gone until rewritten", e.getPartitionId(), MAP_BACKUPS + 1, e.getEventSource());
        }
    };

    /** @return the Hazelcast configuration for {@code o} (Vert.x's required maps included). */
    public static Config hazelcastConfig(ClusterOptions o) {
        Config c = new Config();
        c.setClusterName(o.name());
        c.setProperty("hazelcast.phone.home.enabled", "false");
        c.setProperty("hazelcast.socket.bind.any", "false");
        c.setProperty("hazelcast.logging.type", "slf4j");
        c.setProperty("hazelcast.shutdownhook.enabled", "false");
        c.setProperty("hazelcast.wait.seconds.before.join", "1"); // default 5 s: a lone member need not wait
        // Failure detection. A killed member is dropped at once (its connections are refused); a silent one (SIGSTOP,
        // a partition) only after max.no.heartbeat. Hazelcast's default of 60 s would hold every partition that
        // member owns, and with it the event bus's subscription lookups (vertx-hazelcast reads __vertx.subs per
        // send), far beyond a Raft leader election (~2-4 s) and the gateway's 20 s failover budget. 1 s heartbeats
        // and 10 s of silence; a member dropped by mistake (a long pause) rejoins through the split-brain merge,
        // first tried after 5 s and then every 5 s (defaults 300 s and 120 s).
        c.setProperty("hazelcast.heartbeat.interval.seconds", "1");
        c.setProperty("hazelcast.max.no.heartbeat.seconds", "10");
        c.setProperty("hazelcast.merge.first.run.delay.seconds", "5");
        c.setProperty("hazelcast.merge.next.run.delay.seconds", "5");
        ThreadSizing.applyTo(c); // thread counts for the cores the JVM sees, not Hazelcast's fixed defaults
        NetworkConfig n = c.getNetworkConfig();
        // A member with no members to join (the single-process default, or the first member of a cluster) joins
        // only itself: its TCP-IP list is its own host:port, so it never probes 5701..5703 and never silently merges
        // with an unrelated nvmegate of the same machine and cluster name. Others still join it through their
        // --members (Hazelcast refuses joiners of another kind, so TCP-IP stays enabled on every member).
        boolean alone = o.members().isEmpty();
        int port = o.port() != 0 ? o.port() : alone ? firstFreePort(o.host(), 5701, 100) : 5701;
        n.setPort(port).setPortAutoIncrement(o.port() == 0).setPortCount(100); // (a lost probe race still starts)
        n.getInterfaces().setEnabled(true).addInterface(o.host());
        JoinConfig j = n.getJoin();
        j.getMulticastConfig().setEnabled(false);
        j.getAutoDetectionConfig().setEnabled(false);
        j.getAwsConfig().setEnabled(false);
        j.getKubernetesConfig().setEnabled(false);
        j.getTcpIpConfig().setEnabled(true).setMembers(alone ? List.of(o.host() + ":" + port) : new ArrayList<>(o.members()));
        // Two synchronous backups (three copies) of every map and of the event bus's subscriptions: a partition is
        // lost only if three members die before Hazelcast re-replicates it. With one backup, a worker killed while
        // the partitions of another, just restarted, were still migrating back to it lost partitions (owner and
        // the backup being rebuilt gone together; "partitionId: 133, replica: 1 has no owner!"): catalog entries
        // vanished (the gateway removed its port and destroyed the host's controller) and ANA owner entries with
        // them (ReplicationKillTest on a loaded 2-core machine). Two backups also keep the catalog through a kill -9
        // of two of three workers at once. Every map here is small (catalog, ANA owners, leases, replication
        // status) and written rarely but for the 0.5 s lease renewals.
        c.getMapConfig("default").setBackupCount(MAP_BACKUPS);
        c.addMultiMapConfig(new MultiMapConfig("__vertx.subs").setBackupCount(MAP_BACKUPS)
                .setValueCollectionType(MultiMapConfig.ValueCollectionType.SET));
        c.getMapConfig("__vertx.haInfo").setBackupCount(MAP_BACKUPS);
        c.getMapConfig("__vertx.nodeInfo").setBackupCount(MAP_BACKUPS);
        c.addListenerConfig(new com.hazelcast.config.ListenerConfig(PARTITION_LOST));
        if (o.catalogStore() != null) persistCatalog(c, o.catalogStore());
        o.seal().install(c); // Catalog seals host secrets with it (the key itself never enters Hazelcast)
        return c;
    }

    /** Catalog maps write through to, and eagerly load from, the RocksDB in {@code dir} (CatalogMapStore). */
    private static void persistCatalog(Config c, java.nio.file.Path dir) {
        for (String map : io.nvmegate.catalog.Catalog.MAPS) {
            c.getMapConfig(map).setMapStoreConfig(new com.hazelcast.config.MapStoreConfig().setEnabled(true)
                    .setFactoryImplementation(io.nvmegate.catalog.CatalogMapStore.factory(dir))
                    .setWriteDelaySeconds(0)
                    .setInitialLoadMode(com.hazelcast.config.MapStoreConfig.InitialLoadMode.EAGER));
        }
    }

    /** A started clustered Vert.x and its Hazelcast member. */
    public record Node(Vertx vertx, HazelcastInstance hazelcast) {
        /** Leaves the cluster and closes Vert.x; every thread of the node ends (see {@link HazelcastThreadLeak}). */
        public Future<Void> close() {
            java.util.concurrent.ExecutorService leaked = HazelcastThreadLeak.executorOf(vertx);
            return vertx.close().andThen(ar -> {
                if (leaked != null) leaked.shutdownNow();
            });
        }
    }

    /** Joins (or forms) the cluster; the event bus binds to {@code o.host()} on a free port. */
    public static Future<Node> start(ClusterOptions o) {
        return start(o, null, null);
    }

    /**
     * As {@link #start(ClusterOptions)}, with Vert.x's own metrics (e.g. vertx-micrometer-metrics) reported
     * through {@code metrics} configured by {@code metricsOptions}; both null: no Vert.x metrics.
     */
    /**
     * Use Netty's native epoll transport when it loads (Linux x86-64: fewer copies and system calls than NIO);
     * {@code -Dnvmegate.nativeTransport=false} forces NIO. Either way the choice is logged at start.
     */
    static final boolean NATIVE_TRANSPORT = Boolean.parseBoolean(System.getProperty("nvmegate.nativeTransport", "true"));

    private static void logTransport(Vertx v) {
        org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Cluster.class);
        if (v.isNativeTransportEnabled()) {
            log.info("network transport: native (epoll)");
        } else {
            Throwable why = v.unavailableNativeTransportCause();
            log.info("network transport: NIO ({})", !NATIVE_TRANSPORT ? "nvmegate.nativeTransport=false"
                    : why == null ? "native transport not available" : why.toString());
        }
    }

    public static Future<Node> start(ClusterOptions o, VertxMetricsFactory metrics, MetricsOptions metricsOptions) {
        logSecurity(o);
        HazelcastClusterManager mgr = new HazelcastClusterManager(hazelcastConfig(o));
        VertxOptions vo = ThreadSizing.applyTo(new VertxOptions().setPreferNativeTransport(NATIVE_TRANSPORT));
        vo.getEventBusOptions().setHost(o.host()).setPort(0).setClusterPublicHost(o.host());
        if (o.tls() != null) o.tls().applyTo(vo.getEventBusOptions());
        if (metricsOptions != null) vo.setMetricsOptions(metricsOptions);
        VertxBuilder b = Vertx.builder().with(vo).withClusterManager(mgr);
        if (metrics != null) b = b.withMetrics(metrics);
        return b.buildClustered().onSuccess(Cluster::logTransport).compose(v -> o.catalogStore() == null ? Future.succeededFuture(new Node(v, mgr.getHazelcastInstance()))
                : v.executeBlocking(() -> { // a full local copy of the catalog, see CatalogReplica
                    io.nvmegate.catalog.CatalogReplica.attach(mgr.getHazelcastInstance(), o.catalogStore());
                    return new Node(v, mgr.getHazelcastInstance());
                }, false));
    }

    /** Says at start what protects the cluster network (a non-loopback event bus without TLS is a warning). */
    private static void logSecurity(ClusterOptions o) {
        org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Cluster.class);
        boolean loopback;
        try {
            loopback = java.net.InetAddress.getByName(o.host()).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            loopback = false;
        }
        if (o.tls() != null) {
            log.info("cluster event bus: TLS 1.3, mutual authentication, CA {}", o.tls().caPath());
        } else if (loopback) {
            log.info("cluster event bus: plain TCP on loopback {} (--cluster-tls-* to encrypt)", o.host());
        } else {
            log.warn("cluster event bus: plain TCP on {}: anyone who reaches it can read and write every namespace "
                    + "(set --cluster-tls-cert, --cluster-tls-key and --cluster-tls-ca)", o.host());
        }
        log.info("cluster catalog: Hazelcast on {} (not encrypted, not authenticated: keep it on a private network); "
                + "host secrets {}", o.host(), o.seal().enabled() ? "sealed, key " + o.seal().kid() : "in clear (no --cluster-secret-key)");
    }

    /** The first port in {@code from..from+count-1} that {@code host} can bind now (a probe: Hazelcast binds it next). */
    static int firstFreePort(String host, int from, int count) {
        for (int p = from; p < from + count; p++) {
            try (ServerSocket s = new ServerSocket()) {
                s.setReuseAddress(false);
                s.bind(new InetSocketAddress(host, p));
                return p;
            } catch (IOException busy) {
                // next
            }
        }
        throw new IllegalStateException("no free cluster port in " + from + ".." + (from + count - 1) + " on " + host);
    }
}
