package io.nvmegate.gateway.lease;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.MapInterceptor;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nvmegate.ana.GatewayDirectory;
import io.nvmegate.ana.GatewayDirectory.GatewayInfo;
import io.nvmegate.ana.GatewayLease;
import io.nvmegate.blockio.BlockCodecs;
import io.nvmegate.blockio.BlockReply;
import io.nvmegate.blockio.BlockRequest;
import io.nvmegate.catalog.NamespaceSpec;
import io.nvmegate.cluster.Cluster;
import io.nvmegate.cluster.ClusterOptions;
import io.nvmegate.gateway.io.BlockClient;
import io.nvmegate.gateway.io.FailoverPolicy;
import io.nvmegate.gateway.io.ReplicaRouter;
import io.nvmegate.protocol.Status;
import io.nvmegate.testkit.FreePorts;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link LeaseRenewer} on a real Hazelcast member (127.0.0.1, phone-home and multicast off: {@link Cluster}): the
 * lease is valid once the first renewal is stored and keeps moving; when renewals cannot complete (the map's
 * partition thread is held by a {@link MapInterceptor}: the one way to make a real member's writes hang on demand)
 * the lease lapses, the lapse is recorded and announced, and a {@link BlockClient} with that lease sends nothing;
 * once writes complete again the lease comes back with a new {@code since}.
 */
class LeaseRenewerTest {
    static final NamespaceSpec NS = new NamespaceSpec("nqn.2026-12.io.nvmegate:lease", 1, UUID.randomUUID(), 1 << 20, 4096,
            "rocksdb", "w1", true);

    /** Holds every put/set of the gateways map while set (on the partition thread, as a stuck owner would). */
    static volatile CountDownLatch hold;

    /** Serializable: Hazelcast registers interceptors through its serialization, even on one member. */
    static final class Holding implements MapInterceptor {
        @Override public Object interceptGet(Object value) { return null; }
        @Override public void afterGet(Object value) {}
        @Override public Object interceptPut(Object oldValue, Object newValue) {
            CountDownLatch h = hold;
            if (h != null) {
                try {
                    h.await(20, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return null;
        }
        @Override public void afterPut(Object value) {}
        @Override public Object interceptRemove(Object removedValue) { return null; }
        @Override public void afterRemove(Object value) {}
    }

    HazelcastInstance hz;
    Vertx vertx;
    SimpleMeterRegistry registry;
    LeaseRenewer lease;

    static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    @BeforeEach
    void start() {
        hz = Hazelcast.newHazelcastInstance(Cluster.hazelcastConfig(
                new ClusterOptions("lease-test-" + UUID.randomUUID(), "127.0.0.1", FreePorts.free(), List.of())));
        vertx = Vertx.vertx();
        registry = new SimpleMeterRegistry();
        lease = new LeaseRenewer(vertx, hz, "gateway-1", registry);
    }

    @AfterEach
    void stop() throws Exception {
        CountDownLatch h = hold;
        hold = null;
        if (h != null) h.countDown();
        lease.stop();
        await(vertx.close());
        hz.shutdown();
    }

    static void awaitTrue(String what, long ms, BooleanSupplier c) throws InterruptedException {
        long end = System.currentTimeMillis() + ms;
        while (!c.getAsBoolean() && System.currentTimeMillis() < end) Thread.sleep(10);
        assertThat(c.getAsBoolean()).as(what).isTrue();
    }

    long now() { return hz.getCluster().getClusterTime(); }

    double lapses() {
        return registry.get("nvmegate.gateway.lease.lapses").tag("gateway", "gateway-1").counter().count();
    }

    @Test
    void validOnceTheFirstRenewalIsStoredAndRenewed() throws Exception {
        assertThat(lease.valid()).as("no lease before the first renewal").isFalse();
        List<Boolean> changes = new CopyOnWriteArrayList<>();
        lease.onChange(() -> changes.add(lease.valid()));
        long t0 = now();
        lease.start();
        lease.firstLease().toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(lease.valid()).isTrue();
        assertThat(lease.leaseUntil()).isBetween(t0 + GatewayLease.LEASE_MS, now() + GatewayLease.LEASE_MS);
        assertThat(lease.session()).isEqualTo(hz.getCluster().getLocalMember().getUuid());
        assertThat(lease.lapsedAtNanos()).isEqualTo(Long.MIN_VALUE);
        GatewayInfo stored = new GatewayDirectory(hz).get("gateway-1").orElseThrow();
        assertThat(stored.member()).isEqualTo(lease.session());
        assertThat(stored.live(now())).isTrue();
        long since = stored.since();
        assertThat(since).isBetween(t0, now());

        long first = lease.leaseUntil();
        awaitTrue("renewed every " + GatewayLease.RENEW_MS + " ms", 3_000, () -> lease.leaseUntil() >= first + GatewayLease.RENEW_MS);
        assertThat(new GatewayDirectory(hz).get("gateway-1").orElseThrow().since()).as("an unbroken lease keeps its since").isEqualTo(since);
        assertThat(changes).containsExactly(true);
        assertThat(lapses()).isZero();
    }

    @Test
    void lapsesWhenRenewalsCannotCompleteAndComesBack() throws Exception {
        BlockCodecs.register(vertx.eventBus());
        List<BlockRequest> received = new CopyOnWriteArrayList<>();
        await(vertx.eventBus().<BlockRequest>consumer(NS.address(), m -> {
            received.add(m.body());
            m.reply(BlockReply.OK);
        }).completion());
        BlockClient client = new BlockClient(vertx, new ReplicaRouter(), FailoverPolicy.defaults(), lease);
        List<Boolean> changes = new CopyOnWriteArrayList<>();
        lease.onChange(() -> changes.add(lease.valid()));
        hz.getMap(GatewayDirectory.MAP).addInterceptor(new Holding());
        lease.start();
        lease.firstLease().toCompletableFuture().get(10, TimeUnit.SECONDS);
        long since = new GatewayDirectory(hz).get("gateway-1").orElseThrow().since();

        // forwarding while the lease holds: stamped with it and the member's session
        BlockReply ok = await(client.send(NS, write()));
        assertThat(ok.status()).isZero();
        assertThat(received).hasSize(1);
        assertThat(received.get(0).leaseUntil()).isGreaterThan(now()).isLessThanOrEqualTo(lease.leaseUntil());
        assertThat(received.get(0).requestId().client()).isEqualTo(hz.getCluster().getLocalMember().getUuid());

        long held = now();
        hold = new CountDownLatch(1); // renewals stop completing: the tick renews locally for CONTACT_MS, then not
        awaitTrue("still valid while a renewal was stored within CONTACT_MS", GatewayLease.LEASE_MS + 1_000,
                () -> now() >= held + GatewayLease.LEASE_MS + 500);
        assertThat(lease.valid()).as("a stuck renewal (a paused member's partition) does not lapse the lease at once").isTrue();
        awaitTrue("the lease ran out", LeaseRenewer.CONTACT_MS + GatewayLease.LEASE_MS + 1_000, () -> !lease.valid());
        assertThat(now()).isGreaterThanOrEqualTo(held + LeaseRenewer.CONTACT_MS - GatewayLease.RENEW_MS - 100);
        awaitTrue("the lapse was noticed", 2 * GatewayLease.RENEW_MS + 500, () -> lease.lapsedAtNanos() != Long.MIN_VALUE);
        assertThat(lapses()).isEqualTo(1.0);
        assertThat(changes).containsExactly(true, false);

        BlockReply refused = await(client.send(NS, write()));
        assertThat(refused.status()).isEqualTo(Status.ANA_INACCESSIBLE);
        assertThat(Status.isDnr(refused.status())).isFalse();
        assertThat(received).as("nothing sent without a lease").hasSize(1);

        long lapsedAt = lease.lapsedAtNanos();
        CountDownLatch h = hold;
        hold = null;
        h.countDown(); // writes complete again
        awaitTrue("the lease came back", 5_000, lease::valid);
        assertThat(lease.lapsedAtNanos()).as("the last lapse stays recorded").isEqualTo(lapsedAt);
        assertThat(changes).containsExactly(true, false, true);
        assertThat(lapses()).isEqualTo(1.0);
        awaitTrue("a new since", 3_000, () -> new GatewayDirectory(hz).get("gateway-1").orElseThrow().since() > held + GatewayLease.LEASE_MS - GatewayLease.RENEW_MS);
        assertThat(new GatewayDirectory(hz).get("gateway-1").orElseThrow().since()).isGreaterThan(since);
        assertThat(await(client.send(NS, write())).status()).isZero();
        assertThat(received).hasSize(2);
    }

    static BlockRequest write() {
        return BlockRequest.write(NS.uuid(), 4096, 0, 1, false, Buffer.buffer(new byte[4096]));
    }
}
