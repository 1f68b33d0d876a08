package io.nvmegate.gateway.io;

import io.nvmegate.ana.GatewayLease;
import io.nvmegate.blockio.BlockCodecs;
import io.nvmegate.blockio.BlockReply;
import io.nvmegate.blockio.BlockRequest;
import io.nvmegate.blockio.RequestId;
import io.nvmegate.catalog.NamespaceSpec;
import io.nvmegate.protocol.Status;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link BlockClient}'s side of fencing and its path statuses, over a real local Vert.x event bus with real
 * consumers standing in for the block workers: every request (replication factor 1 too) carries a request ID of the
 * lease's session and the lease as it is when each attempt is sent; nothing is sent while the lease is not valid
 * (Asymmetric Access Inaccessible); replication factor 1's missing worker and timeout complete with path statuses
 * without DNR. The lease is a settable {@link GatewayLease} (the renewer itself: {@code LeaseRenewerTest}).
 */
class BlockClientLeaseTest {
    static final NamespaceSpec RF1 = new NamespaceSpec("nqn.2026-12.io.nvmegate:lease-client", 1, UUID.randomUUID(), 1 << 20,
            4096, "rocksdb", "w1", true);
    static final NamespaceSpec RF3 = ReplicatedRoutingTest.NS;
    static final FailoverPolicy FAST = ReplicatedRoutingTest.FAST;

    /** A lease the test sets. */
    static final class SetLease implements GatewayLease {
        volatile boolean valid = true;
        volatile long until = 1_000_000;
        final UUID session = UUID.randomUUID();

        @Override public boolean valid() { return valid; }
        @Override public long leaseUntil() { return until; }
        @Override public UUID session() { return session; }
        @Override public long lapsedAtNanos() { return Long.MIN_VALUE; }
        @Override public void onChange(Runnable r) {}
    }

    Vertx vertx;
    SetLease lease;
    final List<BlockRequest> received = new CopyOnWriteArrayList<>();

    static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        BlockCodecs.register(vertx.eventBus());
        lease = new SetLease();
    }

    @AfterEach
    void stop() throws Exception {
        await(vertx.close());
    }

    MessageConsumer<BlockRequest> worker(boolean answer) throws Exception {
        MessageConsumer<BlockRequest> c = vertx.eventBus().consumer(RF1.address(), m -> {
            received.add(m.body());
            if (answer) m.reply(BlockReply.OK);
        });
        await(c.completion());
        return c;
    }

    static BlockRequest write() {
        return BlockRequest.write(RF1.uuid(), 4096, 0, 1, false, Buffer.buffer(new byte[4096]));
    }

    @Test
    void replicationFactorOneIsStampedWithTheLeaseAndSession() throws Exception {
        worker(true);
        BlockClient c = new BlockClient(vertx, new ReplicaRouter(), FAST, lease);
        lease.until = 123_456;
        assertThat(await(c.send(RF1, write())).status()).isZero();
        assertThat(received).hasSize(1);
        assertThat(received.get(0).leaseUntil()).isEqualTo(123_456);
        assertThat(received.get(0).requestId().client()).isEqualTo(lease.session);
        assertThat(c.session()).isEqualTo(lease.session);
        RequestId own = new RequestId(UUID.randomUUID(), 77);
        assertThat(await(c.send(RF1, write().withRequestId(own))).status()).isZero();
        assertThat(received.get(1).requestId()).as("an existing request ID is kept").isEqualTo(own);
    }

    /** Each attempt carries the lease as it is when that attempt leaves, with one request ID for all of them. */
    @Test
    void eachAttemptIsStampedWhenItIsSent() throws Exception {
        BlockClient c = new BlockClient(vertx, new ReplicaRouter(), FAST, lease);
        lease.until = 1_000;
        Future<BlockReply> f = c.send(RF1, write()); // no worker yet: retried (NO_HANDLERS)
        Thread.sleep(300);
        lease.until = 2_000;
        worker(true);
        assertThat(await(f).status()).isZero();
        assertThat(received).hasSize(1);
        assertThat(received.get(0).leaseUntil()).as("the lease of the attempt that arrived").isEqualTo(2_000);
    }

    @Test
    void nothingIsSentWithoutAValidLease() throws Exception {
        worker(true);
        BlockClient c = new BlockClient(vertx, new ReplicaRouter(), FAST, lease);
        lease.valid = false;
        BlockReply r = await(c.send(RF1, write()));
        assertThat(r.status()).isEqualTo(Status.ANA_INACCESSIBLE);
        assertThat(Status.isDnr(r.status())).isFalse();
        c.post(RF1, BlockRequest.controllerGone(RF1.uuid(), UUID.randomUUID(), 3));
        Thread.sleep(200);
        assertThat(received).isEmpty();
    }

    /** A lease lost while a request waits for its worker to register: the retry is not sent. */
    @Test
    void aLeaseLostBetweenAttemptsStopsTheRetries() throws Exception {
        BlockClient c = new BlockClient(vertx, new ReplicaRouter(), FAST, lease);
        Future<BlockReply> f = c.send(RF1, write());
        Thread.sleep(200);
        lease.valid = false;
        worker(true);
        assertThat(await(f).status()).isEqualTo(Status.ANA_INACCESSIBLE);
        Thread.sleep(600);
        assertThat(received).isEmpty();
    }

    @Test
    void noWorkerAfterTheRetryWindowIsAsymmetricAccessInaccessible() throws Exception {
        long t0 = System.nanoTime();
        BlockReply r = await(new BlockClient(vertx, new ReplicaRouter(), FAST, lease).send(RF1, write()));
        assertThat((System.nanoTime() - t0) / 1_000_000).isGreaterThanOrEqualTo(BlockClient.NO_HANDLER_RETRY_MS);
        assertThat(r.status()).isEqualTo(Status.ANA_INACCESSIBLE);
        assertThat(Status.isDnr(r.status())).as("path-related: the host uses another path").isFalse();
    }

    @Test
    void aWorkerThatDoesNotAnswerIsAsymmetricAccessTransition() throws Exception {
        worker(false);
        BlockReply r = await(new BlockClient(vertx, new ReplicaRouter(), FAST, lease, 300).send(RF1, write()));
        assertThat(r.status()).isEqualTo(Status.ANA_TRANSITION);
        assertThat(Status.isDnr(r.status())).as("path-related: the host requeues it").isFalse();
        assertThat(received).hasSize(1);
    }

    /** Replicated: stamped per attempt; a lease lost during a failover sends no further attempt. */
    @Test
    void replicatedAttemptsAreStampedAndFenced() throws Exception {
        StandInReplica w1 = new StandInReplica(vertx, RF3, "w1");
        StandInReplica w2 = new StandInReplica(vertx, RF3, "w2");
        await(w1.up());
        await(w2.up());
        BlockClient c = new BlockClient(vertx, new ReplicaRouter(), FAST, lease);
        BlockRequest req = BlockRequest.write(RF3.uuid(), 4096, 0, 1, false, Buffer.buffer(new byte[4096]));

        w1.follower("w2");
        w2.leader();
        lease.until = 5_000;
        assertThat(await(c.send(RF3, req)).status()).isZero();
        assertThat(w1.received.get(0).leaseUntil()).isEqualTo(5_000);
        assertThat(w2.received.get(0).leaseUntil()).isEqualTo(5_000);
        assertThat(w2.received.get(0).requestId().client()).isEqualTo(lease.session);

        lease.valid = false;
        BlockReply r = await(c.send(RF3, req));
        assertThat(r.status()).isEqualTo(Status.ANA_INACCESSIBLE);
        assertThat(Status.isDnr(r.status())).isFalse();
        assertThat(w2.received).as("nothing sent").hasSize(1);

        lease.valid = true;
        w2.silent(); // the cached leader stops answering: the next attempt would go to another replica
        w1.leader();
        Future<BlockReply> f = c.send(RF3, req);
        Thread.sleep(FAST.attemptTimeoutMs() / 2);
        lease.valid = false; // lost while waiting
        assertThat(await(f).status()).isEqualTo(Status.ANA_INACCESSIBLE);
        assertThat(w2.received).hasSize(2);
        assertThat(w1.received).as("no retry after the lease was lost").hasSize(1);
    }
}
