package io.nvmegate.gateway.io;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nvmegate.ana.GatewayLease;
import io.nvmegate.blockio.BlockBatch;
import io.nvmegate.blockio.BlockCodecs;
import io.nvmegate.blockio.BlockReply;
import io.nvmegate.blockio.BlockReplyBatch;
import io.nvmegate.blockio.BlockRequest;
import io.nvmegate.catalog.NamespaceSpec;
import io.nvmegate.cluster.Cluster;
import io.nvmegate.cluster.ClusterOptions;
import io.nvmegate.metrics.NodeMetrics;
import io.nvmegate.protocol.Status;
import io.nvmegate.worker.BlockWorker;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link BatchedChannel} across two real clustered Vert.x instances in this JVM (Hazelcast on 127.0.0.1, phone-home
 * and multicast off: {@link Cluster}): a gateway member whose {@link BlockClient} sends through the channel, and a
 * worker member with a real {@link BlockWorker} (memory and null stores). Messages on the wire are counted with
 * event-bus interceptors; timers with Vert.x's own timer counter.
 */
class BatchedChannelTest {
    static final String NQN = "nqn.2026-12.io.nvmegate:batched";
    static final int BS = 4096;
    static final NamespaceSpec MEM = new NamespaceSpec(NQN, 1, NamespaceSpec.defaultUuid(NQN, 1), 1L << 24, BS, "memory", "worker-1", true);
    static final NamespaceSpec NUL = new NamespaceSpec(NQN, 2, NamespaceSpec.defaultUuid(NQN, 2), 1L << 24, BS, "null", "worker-1", true);
    /** A namespace no worker serves. */
    static final NamespaceSpec NONE = new NamespaceSpec(NQN, 3, NamespaceSpec.defaultUuid(NQN, 3), 1L << 24, BS, "memory", "worker-9", true);

    @TempDir
    Path dir;
    final String name = "batched-" + UUID.randomUUID();
    final List<Cluster.Node> nodes = new ArrayList<>();
    Cluster.Node gateway, workerNode;
    BatchedChannel channel;
    BlockClient client;
    final AtomicInteger batchesSent = new AtomicInteger(), requestsSent = new AtomicInteger(), replyBatches = new AtomicInteger();

    static <T> T await(Future<T> f) throws Exception {
        try {
            return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception ex) throw ex;
            throw e;
        }
    }

    Cluster.Node member() throws Exception {
        List<String> members = nodes.isEmpty() ? List.of()
                : List.of("127.0.0.1:" + nodes.get(0).hazelcast().getCluster().getLocalMember().getAddress().getPort());
        Cluster.Node n = await(Cluster.start(new ClusterOptions(name, "127.0.0.1", 0, members)));
        new NodeMetrics(new SimpleMeterRegistry()).attach(n.vertx());
        BlockCodecs.register(n.vertx().eventBus());
        nodes.add(n);
        return n;
    }

    Cluster.Node worker() throws Exception {
        Cluster.Node n = member();
        await(n.vertx().deployVerticle(new BlockWorker("worker-1", dir, () -> List.of(MEM, NUL))));
        return n;
    }

    @BeforeEach
    void start() throws Exception {
        gateway = member();
        workerNode = worker();
        gateway.vertx().eventBus().addOutboundInterceptor(dc -> {
            Object body = dc.body();
            if (body instanceof BlockBatch b) {
                batchesSent.incrementAndGet();
                requestsSent.addAndGet(b.size());
            } else if (body instanceof BlockRequest) {
                batchesSent.incrementAndGet(); // request/reply: one message per request
                requestsSent.incrementAndGet();
            }
            dc.next();
        });
        gateway.vertx().eventBus().addInboundInterceptor(dc -> {
            if (dc.message().address().startsWith(BatchedChannel.REPLY_PREFIX)) replyBatches.incrementAndGet();
            dc.next();
        });
        channel = new BatchedChannel(gateway.vertx());
        await(channel.start());
        client = new BlockClient(gateway.vertx(), channel, new ReplicaRouter(), FailoverPolicy.defaults(), GatewayLease.unclustered(), 2_000);
        warm(MEM);
        warm(NUL);
        batchesSent.set(0);
        requestsSent.set(0);
        replyBatches.set(0);
    }

    /**
     * Waits until {@code ns} answers: the worker's consumers take a moment to be known to the gateway member
     * (BlockClient retries NO_HANDLERS), and a cold first round trip on a loaded machine may exceed the 2 s timeout.
     */
    void warm(NamespaceSpec ns) throws Exception {
        long until = System.currentTimeMillis() + 60_000;
        int status;
        do {
            status = await(client.send(ns, BlockRequest.flush(ns.uuid()))).status();
        } while (status != Status.SUCCESS && System.currentTimeMillis() < until);
        assertThat(status).isEqualTo(Status.SUCCESS);
    }

    @AfterEach
    void stop() throws Exception {
        if (channel != null) await(channel.close());
        for (int i = nodes.size() - 1; i >= 0; i--) await(nodes.get(i).close());
    }

    static Buffer pattern(long seed) {
        byte[] b = new byte[BS];
        new SplittableRandom(seed).nextBytes(b);
        return Buffer.buffer(b);
    }

    /** Runs {@code n} calls of {@code send} in one task (one turn) of a gateway event-loop context. */
    List<BlockReply> oneTurn(int n, java.util.function.IntFunction<Future<BlockReply>> send) throws Exception {
        Context ctx = gateway.vertx().getOrCreateContext();
        Promise<List<Future<BlockReply>>> issued = Promise.promise();
        ctx.runOnContext(v -> {
            List<Future<BlockReply>> fs = new ArrayList<>();
            for (int i = 0; i < n; i++) fs.add(send.apply(i));
            issued.complete(fs);
        });
        List<Future<BlockReply>> fs = await(issued.future());
        await(Future.all(fs));
        List<BlockReply> out = new ArrayList<>();
        for (Future<BlockReply> f : fs) out.add(f.result());
        return out;
    }

    @Test
    void commandsOfOneTurnTravelAsOneMessageAndComeBackRight() throws Exception {
        List<BlockReply> writes = oneTurn(16, i -> client.send(MEM, BlockRequest.write(MEM.uuid(), BS, 100 + i, 1, false, pattern(i))));
        assertThat(writes).allSatisfy(r -> assertThat(r.status()).isEqualTo(Status.SUCCESS));
        assertThat(requestsSent.get()).isEqualTo(16);
        assertThat(batchesSent.get()).as("16 writes of one turn, one message").isEqualTo(1);

        batchesSent.set(0);
        requestsSent.set(0);
        List<BlockReply> reads = oneTurn(16, i -> client.send(MEM, BlockRequest.read(MEM.uuid(), BS, 100 + i, 1)));
        assertThat(batchesSent.get()).as("16 reads of one turn, one message").isEqualTo(1);
        for (int i = 0; i < 16; i++) {
            assertThat(reads.get(i).status()).isEqualTo(Status.SUCCESS);
            assertThat(reads.get(i).data()).as("block %d", 100 + i).isEqualTo(pattern(i));
        }

        // the null store answers on the worker's event loop: the replies of one batch come back as one message
        replyBatches.set(0);
        batchesSent.set(0);
        List<BlockReply> nulls = oneTurn(32, i -> client.send(NUL, BlockRequest.read(NUL.uuid(), BS, i, 1)));
        assertThat(nulls).allSatisfy(r -> {
            assertThat(r.status()).isEqualTo(Status.SUCCESS);
            assertThat(r.data().length()).isEqualTo(BS);
        });
        assertThat(batchesSent.get()).isEqualTo(1);
        assertThat(replyBatches.get()).as("32 replies of 4 KiB of one worker turn, one message per 64 KiB of data")
                .isEqualTo(32 * BS / io.nvmegate.blockio.BlockBatchCodecs.MAX_BATCH_PAYLOAD);

        // large transfers do not wait for each other: a 128 KiB write per message
        batchesSent.set(0);
        List<BlockReply> large = oneTurn(4, i -> client.send(MEM, BlockRequest.write(MEM.uuid(), BS, 1000 + 32 * i, 32, false,
                Buffer.buffer(new byte[32 * BS]))));
        assertThat(large).allSatisfy(r -> assertThat(r.status()).isEqualTo(Status.SUCCESS));
        assertThat(batchesSent.get()).isEqualTo(4);
        assertThat(channel.outstanding()).isZero();
    }

    @Test
    void repliesCompleteOnTheIssuingContext() throws Exception {
        Context ctx = gateway.vertx().getOrCreateContext();
        Promise<Boolean> same = Promise.promise();
        ctx.runOnContext(v -> client.send(MEM, BlockRequest.read(MEM.uuid(), BS, 0, 1))
                .onComplete(ar -> same.complete(Vertx.currentContext() == ctx)));
        assertThat(await(same.future())).isTrue();
    }

    @Test
    void noConsumerIsNoHandlersAndBlockClientAnswersInaccessible() throws Exception {
        assertThatThrownBy(() -> await(channel.request(NONE.address(), BlockRequest.flush(NONE.uuid()), 2_000)))
                .isInstanceOfSatisfying(ReplyException.class, e -> assertThat(e.failureType()).isEqualTo(ReplyFailure.NO_HANDLERS));
        long start = System.nanoTime();
        BlockReply r = await(client.send(NONE, BlockRequest.read(NONE.uuid(), BS, 0, 1)));
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertThat(r.status()).isEqualTo(Status.ANA_INACCESSIBLE);
        assertThat(ms).as("after BlockClient's retry window, not a timeout").isBetween(BlockClient.NO_HANDLER_RETRY_MS - 100, 20_000L);
        assertThat(channel.outstanding()).isZero();
    }

    @Test
    void silentWorkerTimesOutByTheSweepWithoutATimerPerCommand() throws Exception {
        // a consumer that never answers on an address the worker does not serve
        NamespaceSpec silent = NONE;
        MessageConsumer<Object> hole = workerNode.vertx().eventBus().consumer(silent.address(), msg -> {});
        await(hole.completion());
        // wait until the gateway member knows it (a send no longer fails with NO_HANDLERS)
        long until = System.currentTimeMillis() + 20_000;
        while (true) {
            try {
                await(channel.request(silent.address(), BlockRequest.flush(silent.uuid()), 200));
            } catch (ReplyException e) {
                if (e.failureType() == ReplyFailure.TIMEOUT) break;
                assertThat(System.currentTimeMillis()).isLessThan(until);
                Thread.sleep(50);
            }
        }
        long timers = timersCreated(gateway.vertx());
        long start = System.nanoTime();
        List<BlockReply> replies = oneTurn(200, i -> client.send(silent, BlockRequest.read(silent.uuid(), BS, i, 1)));
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertThat(replies).allSatisfy(r -> assertThat(r.status()).isEqualTo(Status.ANA_TRANSITION));
        assertThat(ms).as("BlockClient's 2 s timeout, swept within %d ms", BatchedChannel.SWEEP_MS).isBetween(2_000L, 10_000L);
        assertThat(timersCreated(gateway.vertx()) - timers).as("timers created for 200 commands").isLessThan(20);
        assertThat(channel.outstanding()).isZero();

        // the same with event-bus request/reply: a timer per command (the measure can fail)
        BlockClient perCommand = new BlockClient(gateway.vertx(), new EventBusChannel(gateway.vertx()), new ReplicaRouter(),
                FailoverPolicy.defaults(), GatewayLease.unclustered(), 500);
        long before = timersCreated(gateway.vertx());
        oneTurn(200, i -> perCommand.send(silent, BlockRequest.read(silent.uuid(), BS, i, 1)));
        assertThat(timersCreated(gateway.vertx()) - before).isGreaterThanOrEqualTo(200);
        await(hole.unregister());
    }

    /**
     * Issue 18: a worker that answers slowly but keeps answering (a disk slower than the hosts) is waited out, not
     * timed out. A stand-in worker answers one request every 300 ms, in order; 10 requests with a 1 s timeout are
     * sent at once, so the last is answered after about 3 s: every one must succeed (before the change, those
     * answered after 1 s failed with TIMEOUT). A worker that answers nothing is still timed out (the test above).
     */
    @Test
    void slowWorkerThatKeepsAnsweringIsWaitedOutNotTimedOut() throws Exception {
        java.util.concurrent.ConcurrentLinkedQueue<Runnable> queue = new java.util.concurrent.ConcurrentLinkedQueue<>();
        java.util.concurrent.atomic.AtomicBoolean timer = new java.util.concurrent.atomic.AtomicBoolean();
        MessageConsumer<Object> slow = workerNode.vertx().eventBus().consumer(NONE.address(), msg -> {
            if (timer.compareAndSet(false, true)) { // on the consumer's context: the replies leave from there
                workerNode.vertx().setPeriodic(300, id -> {
                    Runnable next = queue.poll();
                    if (next != null) next.run();
                });
            }
            io.nvmegate.blockio.EventBusEndpoint.deliver(msg, (req, responder) -> queue.add(() -> responder.reply(BlockReply.status(Status.SUCCESS))));
        });
        await(slow.completion());
        long until = System.currentTimeMillis() + 20_000;
        while (true) { // until the gateway member knows the consumer
            try {
                if (await(channel.request(NONE.address(), BlockRequest.flush(NONE.uuid()), 5_000)).status() == Status.SUCCESS) break;
            } catch (ReplyException e) {
                assertThat(System.currentTimeMillis()).isLessThan(until);
                Thread.sleep(50);
            }
        }
        long start = System.nanoTime();
        Context ctx = gateway.vertx().getOrCreateContext();
        Promise<List<Future<BlockReply>>> issued = Promise.promise();
        ctx.runOnContext(v -> {
            List<Future<BlockReply>> fs = new ArrayList<>();
            for (int i = 0; i < 10; i++) fs.add(channel.request(NONE.address(), BlockRequest.flush(NONE.uuid()), 1_000));
            issued.complete(fs);
        });
        List<Future<BlockReply>> fs = await(issued.future());
        await(Future.join(fs));
        long ms = (System.nanoTime() - start) / 1_000_000;
        for (Future<BlockReply> f : fs) {
            assertThat(f.succeeded()).as("request failed: %s", f.cause()).isTrue();
            assertThat(f.result().status()).isEqualTo(Status.SUCCESS);
        }
        assertThat(ms).as("the last answer came after the 1 s timeout").isGreaterThan(2_000L);
        assertThat(channel.deadlinesExtended()).isPositive();
        assertThat(channel.outstanding()).isZero();
        await(slow.unregister());
    }

    /** Vert.x's count of timers created on {@code vertx} (VertxImpl.timeoutCounter). */
    static long timersCreated(Vertx vertx) throws Exception {
        java.lang.reflect.Field f = io.vertx.core.impl.VertxImpl.class.getDeclaredField("timeoutCounter");
        f.setAccessible(true);
        return ((AtomicLong) f.get(vertx)).get();
    }

    @Test
    void workerRestartMidRequestFailsOverOrCompletesThenServesAgain() throws Exception {
        AtomicInteger ok = new AtomicInteger(), path = new AtomicInteger(), other = new AtomicInteger();
        AtomicInteger outstanding = new AtomicInteger();
        java.util.concurrent.atomic.AtomicBoolean running = new java.util.concurrent.atomic.AtomicBoolean(true);
        Context ctx = gateway.vertx().getOrCreateContext();
        Supplier<Future<BlockReply>> one = () -> client.send(MEM, BlockRequest.write(MEM.uuid(), BS, 7, 1, false, pattern(7)));
        // 16 streams of writes, each issuing the next when the previous completes, until stopped
        Runnable[] loop = new Runnable[1];
        loop[0] = () -> {
            if (!running.get()) return;
            outstanding.incrementAndGet();
            one.get().onComplete(ar -> {
                outstanding.decrementAndGet();
                int s = ar.result().status();
                if (s == Status.SUCCESS) ok.incrementAndGet();
                else if (s == Status.ANA_TRANSITION || s == Status.ANA_INACCESSIBLE) path.incrementAndGet();
                else other.incrementAndGet();
                loop[0].run();
            });
        };
        ctx.runOnContext(v -> {
            for (int i = 0; i < 16; i++) loop[0].run();
        });
        long until = System.currentTimeMillis() + 10_000;
        while (ok.get() < 200 && System.currentTimeMillis() < until) Thread.sleep(10);
        assertThat(ok.get()).isGreaterThanOrEqualTo(200);

        await(workerNode.close()); // requests in flight
        nodes.remove(workerNode);
        Thread.sleep(1_000);
        running.set(false);
        until = System.currentTimeMillis() + 15_000; // BlockClient: 2 s timeout, 5 s NO_HANDLERS window
        while (outstanding.get() > 0 && System.currentTimeMillis() < until) Thread.sleep(20);
        assertThat(outstanding.get()).as("requests still waiting after the worker went").isZero();
        assertThat(other.get()).as("statuses other than Success or a path-related one").isZero();
        assertThat(channel.outstanding()).isZero();

        workerNode = worker(); // restarted (memory store: data gone, the namespace served again)
        warm(MEM);
        assertThat(await(client.send(MEM, BlockRequest.write(MEM.uuid(), BS, 9, 1, false, pattern(9)))).status()).isEqualTo(Status.SUCCESS);
        assertThat(await(client.send(MEM, BlockRequest.read(MEM.uuid(), BS, 9, 1))).data()).isEqualTo(pattern(9));
    }

    @Test
    void closeFailsWhatIsOutstanding() throws Exception {
        MessageConsumer<Object> hole = workerNode.vertx().eventBus().consumer(NONE.address(), msg -> {});
        await(hole.completion());
        Future<BlockReply> f = null;
        long until = System.currentTimeMillis() + 20_000;
        while (System.currentTimeMillis() < until) {
            f = channel.request(NONE.address(), BlockRequest.flush(NONE.uuid()), 60_000);
            Thread.sleep(300);
            if (!f.isComplete()) break; // delivered to the silent consumer
        }
        assertThat(f.isComplete()).isFalse();
        await(channel.close());
        Future<BlockReply> pending = f;
        assertThatThrownBy(() -> await(pending)).isInstanceOfSatisfying(ReplyException.class,
                e -> assertThat(e.failureType()).isEqualTo(ReplyFailure.TIMEOUT));
        assertThat(channel.outstanding()).isZero();
        channel = null;
    }

    @Test
    void undecodableRepliesAreDroppedAndTheChannelKeepsWorking() throws Exception {
        // garbage sent to the reply address as a BlockReplyBatch-coded message cannot be built, so send raw bytes
        gateway.vertx().eventBus().send(channel.replyAddress(), Buffer.buffer("not a reply batch"));
        assertThat(await(client.send(NUL, BlockRequest.read(NUL.uuid(), BS, 0, 1))).status()).isEqualTo(Status.SUCCESS);
        assertThat(BlockReplyBatch.class).isNotNull();
    }
}
