package io.nvmegate.ana;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nvmegate.catalog.Catalog;
import io.nvmegate.catalog.CatalogView;
import io.nvmegate.catalog.NamespaceSpec;
import io.nvmegate.catalog.PortSpec;
import io.nvmegate.catalog.SubsystemSpec;
import io.nvmegate.cluster.Cluster;
import io.nvmegate.cluster.ClusterOptions;
import io.vertx.core.Vertx;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Gateways for ANA tests, each a real Hazelcast member of one cluster (loopback, phone-home and multicast off:
 * {@link Cluster#hazelcastConfig}) with its own catalog view and {@link AnaCoordinator}. Leases are renewed by a
 * small test renewer (the gateway's real renewer belongs to the gateway module) writing
 * {@link GatewayDirectory.GatewayInfo} every {@link GatewayLease#RENEW_MS} ms; stopping it is a gateway whose
 * lease lapses (killed or paused).
 */
final class AnaTestCluster implements AutoCloseable {
    final String name = "ana-" + UUID.randomUUID();
    final Vertx vertx = Vertx.vertx();
    final Map<String, Gw> gateways = new LinkedHashMap<>();
    private final List<HazelcastInstance> members = new ArrayList<>();

    /** One gateway: member, catalog view, coordinator, meters, and its test lease renewer. */
    final class Gw {
        final String id;
        final HazelcastInstance hz;
        final CatalogView view;
        final SimpleMeterRegistry registry = new SimpleMeterRegistry();
        final AnaMetrics metrics = new AnaMetrics(registry);
        AnaCoordinator ana;
        volatile long since;
        volatile long lastLeaseUntil;
        private ScheduledFuture<?> renewer;
        private final ScheduledExecutorService renewals;

        Gw(String id, HazelcastInstance hz, CatalogView view) {
            this.id = id;
            this.hz = hz;
            this.view = view;
            this.renewals = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "test-lease-renewer-" + id);
                t.setDaemon(true);
                t.setPriority(Thread.MAX_PRIORITY);
                return t;
            });
        }

        HazelcastAnaOwners owners() { return (HazelcastAnaOwners) ana.owners(); }

        GatewayDirectory directory() { return new GatewayDirectory(hz); }

        /** Starts renewing (a new unbroken lease: {@code since} = now) and waits for the first renewal. */
        synchronized void renew() {
            if (renewer != null) return;
            GatewayDirectory d = directory();
            since = d.now();
            Runnable once = () -> {
                long now = d.now();
                long until = now + GatewayLease.LEASE_MS;
                d.renew(new GatewayDirectory.GatewayInfo(id, hz.getCluster().getLocalMember().getUuid(), until, since));
                lastLeaseUntil = until;
            };
            once.run();
            renewer = renewals.scheduleWithFixedDelay(() -> {
                try {
                    once.run();
                } catch (RuntimeException e) {
                    // member shutting down
                }
            }, GatewayLease.RENEW_MS, GatewayLease.RENEW_MS, TimeUnit.MILLISECONDS);
        }

        /** Stops renewing: the lease lapses {@link GatewayLease#LEASE_MS} after the last renewal. */
        synchronized void stopRenewing() {
            if (renewer == null) return;
            renewer.cancel(false);
            renewer = null;
        }

        /** As kill -9 of a gateway: no renewal, no balancer, no hand-off, member gone. */
        void kill() throws InterruptedException {
            awaitClusterSafe(); // no partition migrating: the kill loses no entry (a test of ANA, not of Hazelcast)
            stopRenewing();
            ana.stop();
            hz.getLifecycleService().terminate();
        }
    }

    /** A gateway that renews its lease and runs the ANA coordinator with the production settle delay. */
    Gw gateway(String id) throws Exception {
        return gateway(id, AnaBalancer.SETTLE_MS, true);
    }

    Gw gateway(String id, long settleMs, boolean completeHandoffs) throws Exception {
        Gw g = member(id);
        g.ana = AnaCoordinator.start(g.hz, id, g.view::current, g.metrics, settleMs, completeHandoffs);
        g.renew();
        return g;
    }

    /** A member with a catalog view, no coordinator, no lease yet. */
    Gw member(String id) throws Exception {
        List<String> join = members.isEmpty() ? List.of()
                : List.of("127.0.0.1:" + members.get(0).getCluster().getLocalMember().getAddress().getPort());
        HazelcastInstance hz = Hazelcast.newHazelcastInstance(Cluster.hazelcastConfig(new ClusterOptions(name, "127.0.0.1", 0, join)));
        members.add(hz);
        CatalogView view = new CatalogView(vertx, hz);
        view.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        Gw g = new Gw(id, hz, view);
        gateways.put(id, g);
        return g;
    }

    Gw gw(String id) { return gateways.get(id); }

    /** Waits until no partition of the cluster is migrating and every backup is in place. */
    void awaitClusterSafe() throws InterruptedException {
        await(() -> members.stream().filter(m -> m.getLifecycleService().isRunning())
                .allMatch(m -> m.getPartitionService().isClusterSafe()), "cluster safe", 30_000);
    }

    Catalog catalog() { return new Catalog(members.get(0)); }

    /** A subsystem with one enabled namespace in each of {@code groups} (NSID = group), exported on every gateway. */
    void subsystem(String nqn, int... groups) {
        Catalog c = catalog();
        c.putSubsystem(new SubsystemSpec(nqn, "SN", "nvmegate", "0.1.0", true, List.of()));
        for (int g : groups) {
            c.putNamespace(new NamespaceSpec(nqn, g, NamespaceSpec.defaultUuid(nqn, g), 1L << 20, 4096, "memory", "worker-1", true, g));
        }
        if (c.ports().isEmpty()) c.putPort(new PortSpec(1, "ipv4", "127.0.0.1", 4420, null, null, List.of()));
    }

    /** @return the entry of the group as stored (a cluster read) */
    AnaOwner entry(String nqn, int group) {
        String v = members.stream().filter(m -> m.getLifecycleService().isRunning()).findFirst().orElseThrow().<String, String>getMap(AnaOwner.MAP).get(AnaOwner.key(nqn, group));
        return v == null ? null : AnaOwner.fromJson(new io.vertx.core.json.JsonObject(v));
    }

    /** Waits until every live gateway's view shows each listed group OWNED by its home. */
    void awaitSettled(String nqn, int... groups) throws InterruptedException {
        awaitClusterSafe();
        await(() -> {
            for (int g : groups) {
                AnaOwner e = entry(nqn, g);
                if (e == null || e.phase() != AnaOwner.Phase.OWNED || !e.owner().equals(e.home())) return false;
            }
            return true;
        }, "groups owned by their homes", 30_000);
    }

    static void await(BooleanSupplier cond, String what, long timeoutMs) throws InterruptedException {
        long end = System.nanoTime() + timeoutMs * 1_000_000;
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > end) throw new AssertionError("timed out after " + timeoutMs + " ms waiting for " + what);
            Thread.sleep(20);
        }
    }

    @Override
    public void close() {
        for (Gw g : gateways.values()) {
            g.stopRenewing();
            if (g.ana != null) g.ana.stop();
            g.renewals.shutdownNow();
        }
        for (int i = members.size() - 1; i >= 0; i--) {
            try {
                members.get(i).getLifecycleService().terminate();
            } catch (RuntimeException e) {
                // terminated already
            }
        }
        vertx.close();
    }
}
