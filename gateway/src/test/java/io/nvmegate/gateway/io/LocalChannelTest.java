package io.nvmegate.gateway.io;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nvmegate.ana.GatewayLease;
import io.nvmegate.blockio.BlockCodecs;
import io.nvmegate.blockio.BlockHandler;
import io.nvmegate.blockio.BlockOp;
import io.nvmegate.blockio.BlockReply;
import io.nvmegate.blockio.BlockRequest;
import io.nvmegate.blockio.LocalBlockHandlers;
import io.nvmegate.catalog.NamespaceSpec;
import io.nvmegate.cluster.Cluster;
import io.nvmegate.cluster.ClusterOptions;
import io.nvmegate.metrics.NodeMetrics;
import io.nvmegate.protocol.Status;
import io.nvmegate.worker.BlockWorker;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.internal.ContextInternal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The same-process short-circuit ({@link LocalChannel}, issue 17) against a real {@link BlockWorker} (null, memory and
 * RocksDB stores) on the gateway's own Vert.x: requests reach the worker without a message on the event bus (an
 * outbound interceptor sees none on {@code nvmegate.block.*}) and return the stored data; the reply of a RocksDB
 * command, given on a storage thread, completes on the caller's event-loop context; workers of another Vert.x
 * instance (another node, clustered or not) are reached through the fallback (the event bus); a stopped worker's
 * addresses are gone (NO_HANDLERS, then Asymmetric Access Inaccessible from {@link BlockClient}); the worker's fence
 * refuses an expired lease on the local path too.
 *
 * <p>The channel is built as the gateway builds it ({@link LocalChannel#over}): run with
 * {@code -Dnvmegate.localShortCircuit=false} and the local-path assertions fail.
 */
class LocalChannelTest {
    static final String NQN = "nqn.2026-12.io.nvmegate:local-channel";
    static final NamespaceSpec NS_NULL = new NamespaceSpec(NQN, 1, UUID.randomUUID(), 1L << 24, 4096, "null", "worker-1", true);
    static final NamespaceSpec NS_MEMORY = new NamespaceSpec(NQN, 2, UUID.randomUUID(), 1L << 24, 4096, "memory", "worker-1", true);
    static final NamespaceSpec NS_ROCKS = new NamespaceSpec(NQN, 3, UUID.randomUUID(), 1L << 24, 4096, "rocksdb", "worker-1", true);
    static final int BS = 4096;

    @TempDir
    Path dir;
    Vertx vertx;
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final List<NamespaceSpec> catalog = new CopyOnWriteArrayList<>(List.of(NS_NULL, NS_MEMORY, NS_ROCKS));
    BlockWorker worker;
    String deployment;
    /** Addresses of the block requests and replies this Vert.x put on its event bus. */
    final List<String> onTheBus = new CopyOnWriteArrayList<>();

    static <T> T await(Future<T> f) throws Exception {
        try {
            return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception ex) throw ex;
            throw e;
        }
    }

    static Buffer pattern(long seed, int blocks) {
        byte[] b = new byte[blocks * BS];
        new SplittableRandom(seed).nextBytes(b);
        return Buffer.buffer(b);
    }

    /** Records every block request or reply {@code v} sends on its event bus. */
    static void watch(Vertx v, List<String> into) {
        v.eventBus().addOutboundInterceptor(ctx -> {
            Object body = ctx.message().body();
            if (ctx.message().address().startsWith("nvmegate.block.") || body instanceof BlockRequest || body instanceof BlockReply) {
                into.add(ctx.message().address());
            }
            ctx.next();
        });
    }

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        new NodeMetrics(registry).attach(vertx);
        BlockCodecs.register(vertx.eventBus());
        watch(vertx, onTheBus);
        worker = new BlockWorker("worker-1", dir, () -> List.copyOf(catalog));
        deployment = await(vertx.deployVerticle(worker));
    }

    @AfterEach
    void stop() throws Exception {
        await(vertx.close());
    }

    /** The gateway's channel ({@code Gateway}): the short-circuit over the event bus, unless turned off. */
    static BlockChannel gatewayChannel(Vertx v) {
        return LocalChannel.over(v, new EventBusChannel(v));
    }

    static BlockClient client(Vertx v, GatewayLease lease) {
        return new BlockClient(v, gatewayChannel(v), new ReplicaRouter(), FailoverPolicy.defaults(), lease, BlockClient.TIMEOUT_MS);
    }

    double roundTrips(String op) {
        var t = registry.find("nvmegate.eventbus.round.trip").tag("op", op).tag("outcome", "success").timer();
        return t == null ? 0 : t.count();
    }

    static final class MemberLease implements GatewayLease {
        final UUID session;
        volatile long until;

        MemberLease(UUID session) {
            this.session = session;
        }

        @Override public boolean valid() { return true; }
        @Override public long leaseUntil() { return until; }
        @Override public UUID session() { return session; }
        @Override public long lapsedAtNanos() { return Long.MIN_VALUE; }
        @Override public void onChange(Runnable r) {}
    }

    @Test
    void requestsToAWorkerOfTheSameVertxTakeTheLocalPath() throws Exception {
        BlockClient c = client(vertx, GatewayLease.unclustered());
        for (NamespaceSpec ns : List.of(NS_MEMORY, NS_ROCKS)) {
            Buffer data = pattern(ns.nsid(), 4);
            assertThat(await(c.send(ns, BlockRequest.write(ns.uuid(), BS, 8, 4, true, data))).status()).as("%s write", ns.backend()).isZero();
            BlockReply r = await(c.send(ns, BlockRequest.read(ns.uuid(), BS, 8, 4)));
            assertThat(r.status()).isZero();
            assertThat(r.data().getBytes()).as("%s read back", ns.backend()).isEqualTo(data.getBytes());
            assertThat(await(c.send(ns, BlockRequest.flush(ns.uuid()))).status()).isZero();
        }
        assertThat(await(c.send(NS_NULL, BlockRequest.write(NS_NULL.uuid(), BS, 0, 1, false, pattern(9, 1)))).status()).isZero();
        assertThat(await(c.send(NS_NULL, BlockRequest.read(NS_NULL.uuid(), BS, 0, 2))).data().getBytes()).isEqualTo(new byte[2 * BS]);
        // validated by the worker as for the bus: beyond the namespace
        assertThat(await(c.send(NS_ROCKS, BlockRequest.read(NS_ROCKS.uuid(), BS, NS_ROCKS.blocks(), 1))).status())
                .isEqualTo(Status.dnr(Status.LBA_OUT_OF_RANGE));
        // reservation ops (run on the worker's event loop) and notices (one-way)
        UUID host = UUID.randomUUID();
        assertThat(await(c.send(NS_ROCKS, BlockRequest.reservation(BlockOp.RESERVATION_REGISTER, NS_ROCKS.uuid(), 0, 0,
                Buffer.buffer(new byte[16]), host, 1))).status()).isZero();
        c.post(NS_ROCKS, BlockRequest.reservation(BlockOp.CONTROLLER_GONE, NS_ROCKS.uuid(), 0, 0, null, host, 1));
        assertThat(await(c.send(NS_ROCKS, BlockRequest.read(NS_ROCKS.uuid(), BS, 8, 1).withHost(host, 1))).status()).isZero();

        assertThat(onTheBus).as("block requests and replies on the event bus").isEmpty();
        assertThat(roundTrips("write")).as("round trips recorded for same-process calls too").isEqualTo(3);
        assertThat(roundTrips("read")).isEqualTo(4);
    }

    /**
     * A RocksDB command is answered on a storage thread; the attempt's future completes on the caller's event-loop
     * context (the gateway's connection), through that context. A null-store command completes before the call
     * returns: no hop at all.
     */
    @Test
    void theReplyCompletesOnTheCallersEventLoopContext() throws Exception {
        BlockChannel channel = gatewayChannel(vertx);
        assertThat(await(channel.request(NS_ROCKS.address(), BlockRequest.write(NS_ROCKS.uuid(), BS, 3, 1, false, pattern(3, 1)),
                1_000)).status()).isZero();
        BlockHandler h = LocalBlockHandlers.of(vertx).get(NS_ROCKS.address());
        assertThat(h).as("the worker's handler of the RocksDB namespace").isNotNull();
        AtomicReference<Thread> answeredOn = new AtomicReference<>();
        LocalBlockHandlers.of(vertx).register("test.spy", (r, responder) -> h.handle(r, reply -> { // sees the worker's thread
            answeredOn.set(Thread.currentThread());
            responder.reply(reply);
        }));
        BlockChannel spied = gatewayChannel(vertx);

        ContextInternal caller = (ContextInternal) vertx.getOrCreateContext();
        CompletableFuture<Object[]> seen = new CompletableFuture<>(); // {caller thread, listener thread, listener context, reply, null done inline}
        caller.runOnContext(v -> {
            Thread callerThread = Thread.currentThread();
            Future<BlockReply> nul = spied.request(NS_NULL.address(), BlockRequest.read(NS_NULL.uuid(), BS, 0, 1), 1_000);
            boolean inline = nul.isComplete();
            spied.request("test.spy", BlockRequest.read(NS_ROCKS.uuid(), BS, 3, 1), 1_000).onComplete(ar -> seen.complete(new Object[] {
                    callerThread, Thread.currentThread(), ContextInternal.current(), ar.result(), inline}));
        });
        Object[] s = seen.get(30, TimeUnit.SECONDS);
        assertThat(((Thread) s[0]).getName()).startsWith("vert.x-eventloop-thread");
        assertThat(answeredOn.get().getName()).as("the worker answered on a storage thread").startsWith("nvmegate-block-worker-1");
        assertThat(s[1]).as("completion on the caller's event loop").isSameAs(s[0]);
        assertThat(((ContextInternal) s[2]).unwrap()).as("on the caller's context").isSameAs(caller.unwrap());
        assertThat(((BlockReply) s[3]).data().getBytes()).isEqualTo(pattern(3, 1).getBytes());
        assertThat((Boolean) s[4]).as("a null-store read is answered before request() returns").isTrue();
        assertThat(onTheBus).isEmpty();
    }

    /**
     * Reservation ops of a same-process call run on the worker's event loop, not the caller's (their state and the
     * order of their persistent copies belong to the worker's context); the reply still completes on the caller's
     * context. The access check of a data command runs on the caller's event loop (under the state's lock).
     */
    @Test
    void reservationOpsRunOnTheWorkersEventLoop() throws Exception {
        BlockHandler h = LocalBlockHandlers.of(vertx).get(NS_MEMORY.address()); // memory: no PTPL write, replied inline
        AtomicReference<ContextInternal> answeredOn = new AtomicReference<>();
        LocalBlockHandlers.of(vertx).register("test.spy", (r, responder) -> h.handle(r, reply -> {
            answeredOn.set(ContextInternal.current());
            responder.reply(reply);
        }));
        BlockChannel spied = gatewayChannel(vertx);
        UUID host = UUID.randomUUID();
        ContextInternal caller = (ContextInternal) vertx.getOrCreateContext();
        for (BlockRequest r : List.of(BlockRequest.reservation(BlockOp.RESERVATION_REGISTER, NS_MEMORY.uuid(), 0, 0,
                Buffer.buffer(new byte[16]), host, 1), BlockRequest.read(NS_MEMORY.uuid(), BS, 0, 1).withHost(host, 1))) {
            answeredOn.set(null);
            CompletableFuture<ContextInternal> completedOn = new CompletableFuture<>();
            caller.runOnContext(v -> spied.request("test.spy", r, 1_000).onComplete(ar -> {
                if (ar.succeeded() && ar.result().status() == Status.SUCCESS) completedOn.complete(ContextInternal.current());
                else completedOn.completeExceptionally(new AssertionError(ar.succeeded() ? Status.describe(ar.result().status()) : ar.cause()));
            }));
            assertThat(completedOn.get(30, TimeUnit.SECONDS).unwrap()).as("%s completes on the caller's context", r.op()).isSameAs(caller.unwrap());
            if (r.op() == BlockOp.RESERVATION_REGISTER) {
                assertThat(answeredOn.get()).as("answered on an event loop").isNotNull();
                assertThat(answeredOn.get().unwrap()).as("reservation op run off the caller's context").isNotSameAs(caller.unwrap());
                assertThat(answeredOn.get().isEventLoopContext()).isTrue();
            }
        }
        assertThat(onTheBus).isEmpty();
    }

    /** A handler that throws (a worker bug) fails the attempt instead of leaving it unanswered: no timer catches it. */
    @Test
    void aThrowingHandlerIsARecipientFailure() throws Exception {
        LocalBlockHandlers.of(vertx).register("test.broken", (r, responder) -> {
            throw new IllegalStateException("bug");
        });
        assertThatThrownBy(() -> await(gatewayChannel(vertx).request("test.broken", BlockRequest.flush(NS_NULL.uuid()), 1_000)))
                .isInstanceOfSatisfying(ReplyException.class, e -> assertThat(e.failureType()).isEqualTo(ReplyFailure.RECIPIENT_FAILURE));
    }

    /**
     * A namespace removed from the worker leaves its address; a stopped worker leaves all: the fallback answers
     * NO_HANDLERS and the client, after its registration grace, Asymmetric Access Inaccessible (no DNR), as before.
     */
    @Test
    void aStoppedWorkersAddressesAreGone() throws Exception {
        LocalBlockHandlers locals = LocalBlockHandlers.of(vertx);
        assertThat(locals.get(NS_MEMORY.address())).isNotNull();
        catalog.remove(NS_MEMORY);
        await(worker.refresh());
        assertThat(locals.get(NS_MEMORY.address())).as("removed namespace").isNull();
        assertThat(locals.get(NS_ROCKS.address())).isNotNull();

        await(vertx.undeploy(deployment));
        for (NamespaceSpec ns : List.of(NS_NULL, NS_MEMORY, NS_ROCKS)) assertThat(locals.get(ns.address())).as(ns.backend()).isNull();
        assertThatThrownBy(() -> await(gatewayChannel(vertx).request(NS_ROCKS.address(), BlockRequest.flush(NS_ROCKS.uuid()), 1_000)))
                .isInstanceOfSatisfying(ReplyException.class, e -> assertThat(e.failureType()).isEqualTo(ReplyFailure.NO_HANDLERS));
        BlockReply r = await(client(vertx, GatewayLease.unclustered()).send(NS_ROCKS, BlockRequest.read(NS_ROCKS.uuid(), BS, 0, 1)));
        assertThat(r.status()).isEqualTo(Status.ANA_INACCESSIBLE);
        assertThat(Status.isDnr(r.status())).isFalse();
    }

    /** Another Vert.x instance in the same JVM is another node: its gateway does not see this one's workers. */
    @Test
    void aWorkerOfAnotherVertxIsNotCalledDirectly() throws Exception {
        Vertx other = Vertx.vertx();
        try {
            BlockCodecs.register(other.eventBus());
            List<String> otherBus = new CopyOnWriteArrayList<>();
            watch(other, otherBus);
            assertThat(LocalBlockHandlers.of(other).get(NS_MEMORY.address())).isNull();
            assertThatThrownBy(() -> await(gatewayChannel(other).request(NS_MEMORY.address(), BlockRequest.flush(NS_MEMORY.uuid()), 1_000)))
                    .as("not clustered: nothing consumes the address on that bus")
                    .isInstanceOfSatisfying(ReplyException.class, e -> assertThat(e.failureType()).isEqualTo(ReplyFailure.NO_HANDLERS));
            assertThat(otherBus).as("went to the fallback (the event bus)").containsExactly(NS_MEMORY.address());
        } finally {
            await(other.close());
        }
    }

    /**
     * Clustered nodes in one JVM (each its own Vert.x and Hazelcast member, 127.0.0.1): a gateway of another node
     * reaches the worker over the clustered event bus; the worker's node calls it directly, and its fence refuses
     * an expired lease there too (Asymmetric Access Inaccessible, no DNR, nothing written), as in
     * {@code BlockWorkerFenceTest}.
     */
    @Nested
    class Clustered {
        final String name = "local-channel-" + UUID.randomUUID();
        final List<Cluster.Node> nodes = new ArrayList<>();
        final SimpleMeterRegistry workerRegistry = new SimpleMeterRegistry();
        final List<String> workerBus = new CopyOnWriteArrayList<>();
        final List<String> gatewayBus = new CopyOnWriteArrayList<>();
        Cluster.Node workerNode, gatewayNode;

        Cluster.Node member() throws Exception {
            List<String> members = nodes.isEmpty() ? List.of()
                    : List.of("127.0.0.1:" + nodes.get(0).hazelcast().getCluster().getLocalMember().getAddress().getPort());
            Cluster.Node n = await(Cluster.start(new ClusterOptions(name, "127.0.0.1", 0, members)));
            BlockCodecs.register(n.vertx().eventBus());
            nodes.add(n);
            return n;
        }

        @BeforeEach
        void cluster() throws Exception {
            workerNode = member();
            new NodeMetrics(workerRegistry).attach(workerNode.vertx());
            watch(workerNode.vertx(), workerBus);
            await(workerNode.vertx().deployVerticle(new BlockWorker("worker-1", dir.resolve("clustered"),
                    () -> List.of(NS_MEMORY, NS_ROCKS), null, workerNode.hazelcast())));
            gatewayNode = member();
            watch(gatewayNode.vertx(), gatewayBus);
        }

        @AfterEach
        void leave() throws Exception {
            for (int i = nodes.size() - 1; i >= 0; i--) await(nodes.get(i).close());
        }

        /** A lease of member {@code n}'s session the test sets (valid: the client sends whatever the time). */
        MemberLease lease(Cluster.Node n) {
            MemberLease l = new MemberLease(n.hazelcast().getCluster().getLocalMember().getUuid());
            l.until = n.hazelcast().getCluster().getClusterTime() + 10_000;
            return l;
        }

        double fenced(String reason) {
            return workerRegistry.get("nvmegate.fenced.requests").tag("worker", "worker-1").tag("reason", reason).counter().count();
        }

        @Test
        void anotherNodesGatewayGoesOverTheClusteredBus() throws Exception {
            BlockClient remote = client(gatewayNode.vertx(), lease(gatewayNode));
            assertThat(LocalBlockHandlers.of(gatewayNode.vertx()).get(NS_ROCKS.address())).isNull();
            Buffer data = pattern(77, 2);
            assertThat(await(remote.send(NS_ROCKS, BlockRequest.write(NS_ROCKS.uuid(), BS, 20, 2, false, data))).status()).isZero();
            assertThat(await(remote.send(NS_ROCKS, BlockRequest.read(NS_ROCKS.uuid(), BS, 20, 2))).data().getBytes()).isEqualTo(data.getBytes());
            assertThat(gatewayBus).as("the requests went on the event bus").contains(NS_ROCKS.address());

            // the worker's own node reads the same blocks directly
            workerBus.clear();
            BlockClient local = client(workerNode.vertx(), lease(workerNode));
            assertThat(await(local.send(NS_ROCKS, BlockRequest.read(NS_ROCKS.uuid(), BS, 20, 2))).data().getBytes()).isEqualTo(data.getBytes());
            assertThat(workerBus).isEmpty();
        }

        @Test
        void theWorkersFenceRefusesAnExpiredLeaseOnTheLocalPath() throws Exception {
            MemberLease l = lease(workerNode);
            BlockClient local = client(workerNode.vertx(), l);
            assertThat(await(local.send(NS_MEMORY, BlockRequest.write(NS_MEMORY.uuid(), BS, 5, 1, false, pattern(1, 1)))).status()).isZero();
            l.until = workerNode.hazelcast().getCluster().getClusterTime() - 1_000; // ran out a second ago; still "valid" here
            BlockReply late = await(local.send(NS_MEMORY, BlockRequest.write(NS_MEMORY.uuid(), BS, 5, 1, false, pattern(2, 1))));
            assertThat(late.status()).isEqualTo(Status.ANA_INACCESSIBLE);
            assertThat(Status.isDnr(late.status())).isFalse();
            assertThat(fenced("lease")).isEqualTo(1.0);
            l.until = workerNode.hazelcast().getCluster().getClusterTime() + 10_000;
            assertThat(await(local.send(NS_MEMORY, BlockRequest.read(NS_MEMORY.uuid(), BS, 5, 1))).data().getBytes())
                    .as("the late write did not land").isEqualTo(pattern(1, 1).getBytes());
            assertThat(workerBus).as("all on the local path").isEmpty();
        }
    }
}
