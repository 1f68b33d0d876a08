package io.nvmegate.worker;

import io.nvmegate.blockio.BlockOp;
import io.nvmegate.blockio.BlockReply;
import io.nvmegate.blockio.BlockRequest;
import io.nvmegate.blockio.LbaRange;
import io.nvmegate.catalog.NamespaceSpec;
import io.nvmegate.protocol.Status;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static io.nvmegate.worker.BlockWorkerTest.await;
import static io.nvmegate.worker.BlockWorkerTest.ns;
import static io.nvmegate.worker.BlockWorkerTest.random;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The worker's request lifecycle over the real event bus: one reply per request whatever path it takes, the
 * store chosen by the namespace's backend (also when the catalog changes it), the LBA range rule at entry.
 */
class BlockWorkerLifecycleTest {
    static final NamespaceSpec NS_ROCKS = ns(1, 512, 1L << 20, "rocksdb", "worker-1");
    static final NamespaceSpec NS_MEMORY = ns(2, 4096, 1L << 24, "memory", "worker-1");
    static final NamespaceSpec NS_NULL = ns(3, 512, 1L << 20, "null", "worker-1");

    @TempDir
    Path data;
    Vertx vertx;
    final List<NamespaceSpec> catalog = new CopyOnWriteArrayList<>(List.of(NS_ROCKS, NS_MEMORY, NS_NULL));
    BlockWorker worker;
    /** Replies the worker put on the event bus. */
    final AtomicInteger replies = new AtomicInteger();

    @BeforeEach
    void deploy() throws Exception {
        vertx = Vertx.vertx();
        vertx.eventBus().addOutboundInterceptor(ctx -> {
            if (ctx.message().body() instanceof BlockReply) replies.incrementAndGet();
            ctx.next();
        });
        worker = new BlockWorker("worker-1", data, () -> List.copyOf(catalog));
        await(vertx.deployVerticle(worker));
    }

    @AfterEach
    void shutdown() throws Exception {
        await(vertx.close());
    }

    BlockReply send(NamespaceSpec ns, Object body) throws Exception {
        Message<BlockReply> m = await(vertx.eventBus().request(ns.address(), body));
        return m.body();
    }

    @Test
    void everyRequestIsAnsweredExactlyOnceWhicheverPathItTakes() throws Exception {
        UUID host = UUID.randomUUID();
        List<Object[]> requests = new ArrayList<>(); // {namespace, body, expected status}
        requests.add(new Object[] {NS_ROCKS, BlockRequest.write(NS_ROCKS.uuid(), 512, 0, 1, true, random(512, 1)), Status.SUCCESS});
        requests.add(new Object[] {NS_ROCKS, BlockRequest.read(NS_ROCKS.uuid(), 512, 0, 1), Status.SUCCESS}); // storage thread
        requests.add(new Object[] {NS_NULL, BlockRequest.read(NS_NULL.uuid(), 512, 0, 1), Status.SUCCESS}); // event loop
        requests.add(new Object[] {NS_MEMORY, BlockRequest.flush(NS_MEMORY.uuid()), Status.SUCCESS});
        requests.add(new Object[] {NS_ROCKS, BlockRequest.read(NS_ROCKS.uuid(), 512, -1, 1), Status.dnr(Status.LBA_OUT_OF_RANGE)});
        requests.add(new Object[] {NS_ROCKS, BlockRequest.read(NS_ROCKS.uuid(), 4096, 0, 1), Status.dnr(Status.INVALID_FIELD)});
        requests.add(new Object[] {NS_ROCKS, "not a block request", Status.INTERNAL_ERROR});
        requests.add(new Object[] {NS_ROCKS, new BlockRequest(null, NS_ROCKS.uuid(), 512, 0, 1, false, null, null), Status.INTERNAL_ERROR});
        requests.add(new Object[] {NS_ROCKS, BlockRequest.reservation(BlockOp.RESERVATION_REGISTER, NS_ROCKS.uuid(), 0, 0,
                Buffer.buffer(new byte[16]), host, 1), Status.SUCCESS});
        requests.add(new Object[] {NS_ROCKS, BlockRequest.reservation(BlockOp.RESERVATION_REGISTER, NS_ROCKS.uuid(), 7, 0,
                Buffer.buffer(new byte[16]), host, 1), Status.dnr(Status.INVALID_FIELD)}); // RREGA 7: the engine refuses
        requests.add(new Object[] {NS_ROCKS, BlockRequest.reservation(BlockOp.RESERVATION_PERSISTENCE, NS_ROCKS.uuid(), 0, 0,
                null, null, 0), Status.SUCCESS});
        List<Future<Message<BlockReply>>> pending = new ArrayList<>();
        for (Object[] q : requests) pending.add(vertx.eventBus().request(((NamespaceSpec) q[0]).address(), q[1]));
        for (int i = 0; i < requests.size(); i++) {
            assertThat(await(pending.get(i)).body().status()).as("request %d %s", i, requests.get(i)[1]).isEqualTo(requests.get(i)[2]);
        }
        Thread.sleep(200); // a second reply would come after the first
        assertThat(replies.get()).isEqualTo(requests.size());
    }

    @Test
    void memoryBackendKeepsDataWithoutADatabase() throws Exception {
        Buffer d = random(3 * 4096, 3);
        assertThat(send(NS_MEMORY, BlockRequest.write(NS_MEMORY.uuid(), 4096, 10, 3, false, d)).status()).isZero();
        assertThat(send(NS_MEMORY, BlockRequest.read(NS_MEMORY.uuid(), 4096, 10, 3)).data().getBytes()).isEqualTo(d.getBytes());

        Path other = data.resolve("other");
        BlockWorker w = new BlockWorker("worker-9", other, () -> List.of(ns(9, 512, 1 << 20, "memory", "worker-9")));
        String id = await(vertx.deployVerticle(w));
        assertThat(w.servedNamespaces()).hasSize(1);
        await(vertx.undeploy(id));
        assertThat(Files.exists(BlockWorker.databaseDir(other, "worker-9"))).as("memory needs no RocksDB").isFalse();
    }

    @Test
    void aChangedBackendRebindsTheNamespaceToItsStore() throws Exception {
        UUID u = NS_NULL.uuid();
        Buffer d = random(512, 4);
        assertThat(send(NS_NULL, BlockRequest.write(u, 512, 5, 1, false, d)).status()).isZero();
        assertThat(send(NS_NULL, BlockRequest.read(u, 512, 5, 1)).data().getBytes()).as("null keeps nothing").isEqualTo(new byte[512]);

        NamespaceSpec kept = ns(3, 512, 1L << 20, "memory", "worker-1");
        catalog.set(catalog.indexOf(NS_NULL), kept);
        await(worker.refresh());
        assertThat(send(kept, BlockRequest.write(u, 512, 5, 1, false, d)).status()).isZero();
        assertThat(send(kept, BlockRequest.read(u, 512, 5, 1)).data().getBytes()).as("now in memory").isEqualTo(d.getBytes());
    }

    @Test
    void unknownBackendIsNotServed() throws Exception {
        NamespaceSpec odd = new NamespaceSpec(NS_ROCKS.subsystemNqn(), 7, UUID.randomUUID(), 1 << 20, 512, "tape", "worker-1", true);
        catalog.add(odd);
        await(worker.refresh());
        assertThat(worker.servedNamespaces()).doesNotContainKey(odd.uuid()).containsKey(NS_ROCKS.uuid());
    }

    @Test
    void transferLengthIsBoundedAtEntry() throws Exception {
        NamespaceSpec big = ns(4, 512, 1L << 40, "null", "worker-1");
        catalog.add(big);
        await(worker.refresh());
        assertThat(send(big, BlockRequest.verify(big.uuid(), 512, 0, LbaRange.MAX_NLB)).status()).isZero();
        assertThat(send(big, BlockRequest.verify(big.uuid(), 512, 0, LbaRange.MAX_NLB + 1)).status())
                .isEqualTo(Status.dnr(Status.INVALID_FIELD));
    }
}
