package io.nvmegate.gateway.io;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nvmegate.blockio.BlockCodecs;
import io.nvmegate.blockio.BlockOp;
import io.nvmegate.blockio.BlockReply;
import io.nvmegate.blockio.BlockRequest;
import io.nvmegate.blockio.RequestId;
import io.nvmegate.catalog.NamespaceSpec;
import io.nvmegate.catalog.ReplicationStatus;
import io.nvmegate.cluster.Cluster;
import io.nvmegate.cluster.ClusterOptions;
import io.nvmegate.metrics.NodeMetrics;
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
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link BlockClient}'s routing of a replicated namespace (replication factor 3) over a real local Vert.x event
 * bus, with real consumers standing in for the three replicas ({@link StandInReplica}): redirects, the next replica
 * after a timeout or a missing consumer with the same {@link RequestId}, the budget ending in Asymmetric Access
 * Transition without DNR, the leader cache fed by a real Hazelcast member's {@value ReplicationStatus#MAP} and by
 * hints, and the metrics.
 */
class ReplicatedRoutingTest {
    static final NamespaceSpec NS = new NamespaceSpec("nqn.2026-12.io.nvmegate:routing", 1, UUID.randomUUID(), 1 << 20,
            4096, "rocksdb", "w1", true, 1, 3, List.of("w1", "w2", "w3"));
    /** Short per-attempt timeout and budget so that the tests run in seconds. */
    static final FailoverPolicy FAST = new FailoverPolicy(2_000, 300, 10, 100, 5);

    Vertx vertx;
    SimpleMeterRegistry registry;
    StandInReplica w1, w2, w3;

    static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        registry = new SimpleMeterRegistry();
        new NodeMetrics(registry).attach(vertx);
        BlockCodecs.register(vertx.eventBus());
        w1 = new StandInReplica(vertx, NS, "w1");
        w2 = new StandInReplica(vertx, NS, "w2");
        w3 = new StandInReplica(vertx, NS, "w3");
        await(w1.up());
        await(w2.up());
        await(w3.up());
    }

    @AfterEach
    void stop() throws Exception {
        await(vertx.close());
    }

    BlockClient client(FailoverPolicy p) {
        return new BlockClient(vertx, new ReplicaRouter(), p);
    }

    static BlockRequest write(long slba) {
        return BlockRequest.write(NS.uuid(), 4096, slba, 1, false, Buffer.buffer(new byte[4096]));
    }

    double reroutes(String reason) {
        return registry.get("nvmegate.gateway.reroutes").tag("reason", reason).counter().count();
    }

    @Test
    void followsARedirectToTheHintedLeaderAndCachesIt() throws Exception {
        w1.follower("w2");
        w2.leader();
        w3.follower("w2");
        BlockClient c = client(FAST);
        BlockReply r = await(c.send(NS, write(0)));
        assertThat(r.status()).isEqualTo(Status.SUCCESS);
        assertThat(w1.received).hasSize(1);
        assertThat(w2.received).hasSize(1);
        assertThat(w2.received.get(0).requestId()).as("the redirected request keeps its ID")
                .isEqualTo(w1.received.get(0).requestId()).isNotNull();
        assertThat(w2.received.get(0).requestId().client()).isEqualTo(c.session());
        assertThat(c.router().leader(NS.uuid())).as("the hint updated the cache").isEqualTo("w2");
        assertThat(reroutes("redirect")).isEqualTo(1.0);

        assertThat(await(c.send(NS, write(1))).status()).isEqualTo(Status.SUCCESS);
        assertThat(w1.received).as("the next request goes straight to the cached leader").hasSize(1);
        assertThat(w2.received).hasSize(2);
        assertThat(w2.received.get(1).requestId()).as("a new request, a new ID").isNotEqualTo(w2.received.get(0).requestId());
    }

    @Test
    void aTimeoutRetriesTheSameRequestIdOnTheNextReplica() throws Exception {
        w1.silent(); // a leader that stopped answering (paused, or its reply lost)
        w2.leader();
        BlockClient c = client(FAST);
        long t0 = System.nanoTime();
        BlockReply r = await(c.send(NS, write(5)));
        assertThat(r.status()).isEqualTo(Status.SUCCESS);
        assertThat((System.nanoTime() - t0) / 1_000_000).as("waited one attempt timeout").isGreaterThanOrEqualTo(FAST.attemptTimeoutMs());
        assertThat(w1.received).hasSize(1);
        assertThat(w2.received).hasSize(1);
        RequestId first = w1.received.get(0).requestId();
        assertThat(first).isNotNull();
        assertThat(w2.received.get(0).requestId()).as("same request ID on every attempt").isEqualTo(first);
        assertThat(w2.received.get(0).data()).isEqualTo(w1.received.get(0).data());
        assertThat(reroutes("timeout")).isEqualTo(1.0);
        assertThat(c.router().leader(NS.uuid())).as("the replica that served is cached").isEqualTo("w2");
        assertThat(registry.get("nvmegate.gateway.failover.wait").tag("outcome", "served").timer().count()).isEqualTo(1);
    }

    @Test
    void aReplicaWithoutConsumerIsSkipped() throws Exception {
        await(w1.down()); // the worker is dead: NO_HANDLERS at once
        w2.election(); // no leader known yet
        w3.leader();
        BlockReply r = await(client(FAST).send(NS, write(7)));
        assertThat(r.status()).isEqualTo(Status.SUCCESS);
        assertThat(reroutes("no_handlers")).isEqualTo(1.0);
        assertThat(reroutes("not_leader")).isEqualTo(1.0);
        assertThat(w2.received).hasSize(1);
        assertThat(w3.received).hasSize(1);
        assertThat(w3.received.get(0).requestId()).isEqualTo(w2.received.get(0).requestId());
    }

    @Test
    void theBudgetEndsInAsymmetricAccessTransitionWithoutDnr() throws Exception {
        w1.election();
        w2.election();
        w3.silent();
        long t0 = System.nanoTime();
        BlockReply r = await(client(FAST).send(NS, write(9)));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(r.status()).isEqualTo(Status.ANA_TRANSITION);
        assertThat(Status.isDnr(r.status())).as("path-related and retryable: the host requeues it").isFalse();
        assertThat(ms).isBetween(FAST.budgetMs(), FAST.budgetMs() + 1_000);
        RequestId id = w1.received.get(0).requestId();
        assertThat(w1.received).hasSizeGreaterThan(1);
        for (StandInReplica w : List.of(w1, w2, w3)) {
            assertThat(w.received).allSatisfy(q -> assertThat(q.requestId()).isEqualTo(id));
        }
        assertThat(registry.get("nvmegate.gateway.failover.wait").tag("outcome", "ana_transition").timer().count()).isEqualTo(1);
    }

    @Test
    void anotherStatusOfTheLeaderIsFinal() throws Exception {
        w1.leaderStatus(Status.INTERNAL_ERROR);
        BlockReply r = await(client(FAST).send(NS, write(3)));
        assertThat(r.status()).isEqualTo(Status.INTERNAL_ERROR);
        assertThat(w1.received).hasSize(1);
        assertThat(w2.received).isEmpty();
        assertThat(w3.received).isEmpty();
    }

    @Test
    void replicasNamingEachOtherBackOffInsteadOfSpinning() throws Exception {
        w1.follower("w2");
        w2.follower("w1");
        w3.follower("w1");
        BlockReply r = await(client(new FailoverPolicy(600, 300, 10, 100, 3)).send(NS, write(4)));
        assertThat(r.status()).isEqualTo(Status.ANA_TRANSITION);
        assertThat(w1.received.size() + w2.received.size()).as("bounded hops, then backoff").isLessThan(100);
    }

    @Test
    void controllerGoneGoesToTheCachedLeaderWithARequestId() throws Exception {
        BlockClient c = client(FAST);
        c.router().hint(NS.uuid(), "w3");
        c.post(NS, BlockRequest.controllerGone(NS.uuid(), UUID.randomUUID(), 7));
        long until = System.currentTimeMillis() + 5_000;
        while (w3.received.isEmpty() && System.currentTimeMillis() < until) Thread.sleep(10);
        assertThat(w3.received).hasSize(1);
        assertThat(w3.received.get(0).op()).isEqualTo(BlockOp.CONTROLLER_GONE);
        assertThat(w3.received.get(0).requestId()).isNotNull();
    }

    @Test
    void replicationFactorOneKeepsTheDirectAddressWithARequestIdOfTheSession() throws Exception {
        NamespaceSpec rf1 = new NamespaceSpec("nqn.2026-12.io.nvmegate:routing", 2, UUID.randomUUID(), 1 << 20, 4096,
                "rocksdb", "w1", true, 1, 1, List.of());
        List<BlockRequest> got = new java.util.concurrent.CopyOnWriteArrayList<>();
        await(vertx.eventBus().<BlockRequest>consumer(rf1.address(), m -> {
            got.add(m.body());
            m.reply(BlockReply.OK);
        }).completion());
        BlockClient c = client(FAST);
        BlockReply r = await(c.send(rf1, BlockRequest.flush(rf1.uuid())));
        assertThat(r.status()).isEqualTo(Status.SUCCESS);
        assertThat(got).hasSize(1);
        // fencing: every request carries the gateway's session (issue 15); unclustered, no lease is stamped
        assertThat(got.get(0).requestId()).isNotNull();
        assertThat(got.get(0).requestId().client()).isEqualTo(c.session());
        assertThat(got.get(0).leaseUntil()).isZero();
        assertThat(reroutes("redirect") + reroutes("timeout") + reroutes("no_handlers") + reroutes("not_leader")).isZero();
    }

    /** The leader cache follows the statuses a real Hazelcast member holds, and only newer ones replace a hint. */
    @Test
    void theLeaderCacheFollowsTheReplicationStatusMapAndHints() throws Exception {
        HazelcastInstance hz = Hazelcast.newHazelcastInstance(Cluster.hazelcastConfig(
                new ClusterOptions("routing-test-" + UUID.randomUUID(), "127.0.0.1", FreePorts.free(), List.of())));
        try {
            // published before the feed starts: read at start
            hz.<String, String>getMap(ReplicationStatus.MAP).set(NS.uuid().toString(), status("w3", 4).toJson().encode());
            ReplicaRouter router = new ReplicaRouter();
            ReplicationStatusFeed feed = new ReplicationStatusFeed(vertx, hz, router);
            await(feed.start());
            assertThat(router.leader(NS.uuid())).isEqualTo("w3");

            w3.leader();
            BlockClient c = new BlockClient(vertx, router, FAST);
            assertThat(await(c.send(NS, write(0))).status()).isEqualTo(Status.SUCCESS);
            assertThat(w1.received).as("straight to the published leader").isEmpty();
            assertThat(w3.received).hasSize(1);

            // a new leadership published: the listener updates the cache
            hz.<String, String>getMap(ReplicationStatus.MAP).set(NS.uuid().toString(), status("w2", 5).toJson().encode());
            awaitLeader(router, "w2");

            // a hint is newer than a status of the same term, older than a status of a higher term
            router.hint(NS.uuid(), "w1");
            hz.<String, String>getMap(ReplicationStatus.MAP).set(NS.uuid().toString(), status("w2", 5).toJson().encode());
            Thread.sleep(300);
            assertThat(router.leader(NS.uuid())).isEqualTo("w1");
            hz.<String, String>getMap(ReplicationStatus.MAP).set(NS.uuid().toString(), status("w3", 6).toJson().encode());
            awaitLeader(router, "w3");

            hz.getMap(ReplicationStatus.MAP).remove(NS.uuid().toString());
            awaitLeader(router, null);
            await(feed.stop());
        } finally {
            hz.shutdown();
        }
    }

    static ReplicationStatus status(String leader, long term) {
        return new ReplicationStatus(NS.uuid(), leader, term, 10, List.of(), System.currentTimeMillis());
    }

    static void awaitLeader(ReplicaRouter router, String leader) throws InterruptedException {
        long until = System.currentTimeMillis() + 10_000;
        while (!java.util.Objects.equals(router.leader(NS.uuid()), leader) && System.currentTimeMillis() < until) Thread.sleep(10);
        assertThat(router.leader(NS.uuid())).isEqualTo(leader);
    }
}
