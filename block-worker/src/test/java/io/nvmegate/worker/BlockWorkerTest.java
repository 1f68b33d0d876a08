package io.nvmegate.worker;

import io.nvmegate.catalog.NamespaceSpec;
import io.nvmegate.protocol.Status;
import io.nvmegate.blockio.BlockOp;
import io.nvmegate.blockio.BlockReply;
import io.nvmegate.blockio.BlockRequest;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BlockWorkerTest {
    static final String NQN = "nqn.2024-01.io.nvmegate:test";
    static final NamespaceSpec NS_4K = ns(1, 4096, 1L << 30, "rocksdb", "worker-1");
    static final NamespaceSpec NS_512 = ns(2, 512, 1L << 20, "rocksdb", "worker-1");
    static final NamespaceSpec NS_NULL = ns(3, 4096, 1L << 30, "null", "worker-1");
    static final NamespaceSpec NS_OTHER = ns(4, 4096, 1L << 20, "rocksdb", "worker-2");

    @TempDir
    Path data;
    Vertx vertx;
    final List<NamespaceSpec> catalog = new CopyOnWriteArrayList<>(List.of(NS_4K, NS_512, NS_NULL, NS_OTHER));
    BlockWorker worker;
    String deployment;

    static NamespaceSpec ns(int nsid, int bs, long size, String backend, String worker) {
        return new NamespaceSpec(NQN, nsid, NamespaceSpec.defaultUuid(NQN, nsid), size, bs, backend, worker, true);
    }

    static <T> T await(Future<T> f) throws Exception {
        try {
            return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception ex) throw ex;
            throw e;
        }
    }

    @BeforeEach
    void deploy() throws Exception {
        vertx = Vertx.vertx();
        worker = new BlockWorker("worker-1", data, () -> List.copyOf(catalog));
        deployment = await(vertx.deployVerticle(worker));
    }

    @AfterEach
    void shutdown() throws Exception {
        await(vertx.close());
    }

    BlockReply send(NamespaceSpec ns, Object body) throws Exception {
        Message<BlockReply> m = await(vertx.eventBus().request(ns.address(), body));
        return m.body();
    }

    static Buffer random(int len, long seed) {
        byte[] b = new byte[len];
        new SplittableRandom(seed).nextBytes(b);
        return Buffer.buffer(b);
    }

    @Test
    void servesItsOwnNamespacesOnly() {
        assertThat(worker.servedNamespaces()).containsOnlyKeys(NS_4K.uuid(), NS_512.uuid(), NS_NULL.uuid());
        assertThat(BlockWorker.databaseDir(data, "worker-1")).isDirectory();
        assertThatThrownBy(() -> send(NS_OTHER, BlockRequest.read(NS_OTHER.uuid(), 4096, 0, 1)))
                .isInstanceOfSatisfying(ReplyException.class, e -> assertThat(e.failureType()).isEqualTo(ReplyFailure.NO_HANDLERS));
    }

    @Test
    void writeReadFlushWriteZeroesDeallocateOverTheEventBus() throws Exception {
        for (NamespaceSpec ns : List.of(NS_4K, NS_512)) {
            UUID u = ns.uuid();
            int bs = ns.blockSize();
            Buffer d = random(16 * bs, bs);
            assertThat(send(ns, BlockRequest.write(u, bs, 100, 16, false, d)).status()).isZero();
            assertThat(send(ns, BlockRequest.write(u, bs, 200, 1, true, d.slice(0, bs))).status()).isZero(); // FUA
            assertThat(send(ns, BlockRequest.flush(u))).isEqualTo(BlockReply.OK);

            BlockReply r = send(ns, BlockRequest.read(u, bs, 100, 16));
            assertThat(r.status()).isZero();
            assertThat(r.data().getBytes()).isEqualTo(d.getBytes());
            assertThat(send(ns, BlockRequest.read(u, bs, 200, 1)).data().getBytes()).isEqualTo(d.getBytes(0, bs));

            assertThat(send(ns, BlockRequest.writeZeroes(u, bs, 102, 3)).status()).isZero();
            assertThat(send(ns, BlockRequest.deallocate(u, bs, new long[] {110, 2, 115, 1})).status()).isZero();
            r = send(ns, BlockRequest.read(u, bs, 98, 20)); // 2 unwritten blocks before, 2 after
            byte[] expected = new byte[20 * bs];
            System.arraycopy(d.getBytes(), 0, expected, 2 * bs, 16 * bs);
            for (int lba : new int[] {102, 103, 104, 110, 111, 115}) {
                java.util.Arrays.fill(expected, (lba - 98) * bs, (lba - 97) * bs, (byte) 0);
            }
            assertThat(r.data().length()).isEqualTo(20 * bs);
            assertThat(r.data().getBytes()).isEqualTo(expected);
        }
        // the two namespaces did not see each other's data: LBA 0..99 of both still zero
        assertThat(send(NS_4K, BlockRequest.read(NS_4K.uuid(), 4096, 0, 100)).data().getBytes()).isEqualTo(new byte[100 * 4096]);
    }

    @Test
    void nullBackendAcceptsWritesAndReadsZeroes() throws Exception {
        UUID u = NS_NULL.uuid();
        assertThat(send(NS_NULL, BlockRequest.write(u, 4096, 0, 2, true, random(8192, 1))).status()).isZero();
        BlockReply r = send(NS_NULL, BlockRequest.read(u, 4096, 0, 2));
        assertThat(r.status()).isZero();
        assertThat(r.data().getBytes()).isEqualTo(new byte[8192]);
        assertThat(send(NS_NULL, BlockRequest.flush(u)).status()).isZero();
        assertThat(send(NS_NULL, BlockRequest.writeZeroes(u, 4096, 0, 8)).status()).isZero();
        assertThat(send(NS_NULL, BlockRequest.deallocate(u, 4096, new long[] {0, 8})).status()).isZero();
    }

    @Test
    void onlyNullNamespacesDoNotCreateADatabase() throws Exception {
        Path other = data.resolve("other");
        BlockWorker w = new BlockWorker("worker-3", other, () -> List.of(ns(9, 512, 1 << 20, "null", "worker-3")));
        String id = await(vertx.deployVerticle(w));
        assertThat(w.servedNamespaces()).hasSize(1);
        await(vertx.undeploy(id));
        assertThat(Files.exists(BlockWorker.databaseDir(other, "worker-3"))).isFalse();
    }

    @Test
    void malformedRequestsAreRejectedWithoutTouchingTheStore() throws Exception {
        UUID u = NS_4K.uuid();
        int invalid = Status.dnr(Status.INVALID_FIELD);
        assertThat(send(NS_4K, BlockRequest.read(u, 512, 0, 1)).status()).isEqualTo(invalid);
        assertThat(send(NS_4K, BlockRequest.read(u, 4096, 0, 0)).status()).isEqualTo(invalid);
        assertThat(send(NS_4K, BlockRequest.write(u, 4096, 0, 2, false, random(4096, 1))).status()).isEqualTo(invalid);
        assertThat(send(NS_4K, BlockRequest.write(u, 4096, 0, 1, false, null)).status()).isEqualTo(invalid);
        assertThat(send(NS_4K, BlockRequest.deallocate(u, 4096, null)).status()).isEqualTo(invalid);
        assertThat(send(NS_4K, BlockRequest.deallocate(u, 4096, new long[] {1})).status()).isEqualTo(invalid);
        long blocks = NS_4K.blocks();
        int out = Status.dnr(Status.LBA_OUT_OF_RANGE);
        assertThat(send(NS_4K, BlockRequest.read(u, 4096, blocks - 1, 2)).status()).isEqualTo(out);
        assertThat(send(NS_4K, BlockRequest.read(u, 4096, blocks - 1, 1)).status()).isZero();
        assertThat(send(NS_4K, BlockRequest.deallocate(u, 4096, new long[] {0, 1, blocks, 1})).status()).isEqualTo(out);
        assertThat(send(NS_4K, BlockRequest.deallocate(u, 4096, new long[] {blocks, 0})).status()).isZero();
        assertThat(send(NS_4K, BlockRequest.read(NS_512.uuid(), 4096, 0, 1)).status()).isEqualTo(Status.NAMESPACE_NOT_READY);
        assertThat(send(NS_4K, "not a block request").status()).isEqualTo(Status.INTERNAL_ERROR);
        assertThat(send(NS_4K, new BlockRequest(null, u, 4096, 0, 1, false, null, null)).status()).isEqualTo(Status.INTERNAL_ERROR);
    }

    @Test
    void storageFailureRepliesInternalErrorAndTheWorkerKeepsServing() throws Exception {
        UUID u = NS_512.uuid();
        assertThat(send(NS_512, BlockRequest.write(u, 512, 0, 1, false, random(512, 1))).status()).isZero();
        // the namespace is re-created with 4096-byte blocks over the old 512-byte data: reading it is a storage error
        NamespaceSpec reformatted = new NamespaceSpec(NQN, 2, u, 1L << 20, 4096, "rocksdb", "worker-1", true);
        catalog.set(catalog.indexOf(NS_512), reformatted);
        await(worker.refresh());
        assertThat(worker.servedNamespaces().get(u)).isEqualTo(reformatted);
        assertThat(send(reformatted, BlockRequest.read(u, 4096, 0, 1)).status()).isEqualTo(Status.INTERNAL_ERROR);
        assertThat(send(reformatted, BlockRequest.read(u, 4096, 0, 4)).status()).isEqualTo(Status.INTERNAL_ERROR);
        // overwrite fixes it
        Buffer d = random(4096, 2);
        assertThat(send(reformatted, BlockRequest.write(u, 4096, 0, 1, false, d)).status()).isZero();
        assertThat(send(reformatted, BlockRequest.read(u, 4096, 0, 1)).data().getBytes()).isEqualTo(d.getBytes());
    }

    @Test
    void refreshAddsAndRemovesNamespacesAndKeepsTheirData() throws Exception {
        NamespaceSpec added = ns(5, 4096, 1L << 20, "rocksdb", "worker-1");
        assertThatThrownBy(() -> send(added, BlockRequest.flush(added.uuid()))).isInstanceOf(ReplyException.class);
        catalog.add(added);
        await(worker.refresh());
        Buffer d = random(4096, 5);
        assertThat(send(added, BlockRequest.write(added.uuid(), 4096, 7, 1, false, d)).status()).isZero();

        catalog.remove(added);
        catalog.remove(NS_NULL);
        await(worker.refresh());
        assertThat(worker.servedNamespaces()).containsOnlyKeys(NS_4K.uuid(), NS_512.uuid());
        assertThatThrownBy(() -> send(added, BlockRequest.read(added.uuid(), 4096, 7, 1)))
                .isInstanceOfSatisfying(ReplyException.class, e -> assertThat(e.failureType()).isEqualTo(ReplyFailure.NO_HANDLERS));

        catalog.add(added);
        await(worker.refresh());
        assertThat(send(added, BlockRequest.read(added.uuid(), 4096, 7, 1)).data().getBytes()).isEqualTo(d.getBytes());

        // moved to another worker: no longer served here
        catalog.set(catalog.indexOf(added), ns(5, 4096, 1L << 20, "rocksdb", "worker-2"));
        await(worker.refresh());
        assertThat(worker.servedNamespaces()).doesNotContainKey(added.uuid());
    }

    @Test
    void dataSurvivesUndeployAndRedeploy() throws Exception {
        UUID u = NS_4K.uuid();
        Buffer d = random(8 * 4096, 9);
        assertThat(send(NS_4K, BlockRequest.write(u, 4096, 1000, 8, false, d)).status()).isZero();
        await(vertx.undeploy(deployment));
        assertThatThrownBy(() -> send(NS_4K, BlockRequest.read(u, 4096, 1000, 8))).isInstanceOf(ReplyException.class);
        assertThatThrownBy(() -> await(worker.refresh())).isInstanceOf(IllegalStateException.class);

        worker = new BlockWorker("worker-1", data, () -> List.copyOf(catalog));
        deployment = await(vertx.deployVerticle(worker));
        assertThat(send(NS_4K, BlockRequest.read(u, 4096, 1000, 8)).data().getBytes()).isEqualTo(d.getBytes());
    }

    @Test
    void manyConcurrentRequests() throws Exception {
        UUID u = NS_4K.uuid();
        int n = 500;
        List<Future<Message<BlockReply>>> writes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            writes.add(vertx.eventBus().request(NS_4K.address(), BlockRequest.write(u, 4096, i * 2L, 2, i % 17 == 0, random(8192, i))));
        }
        for (Future<Message<BlockReply>> f : writes) assertThat(await(f).body().status()).isZero();
        List<Future<Message<BlockReply>>> reads = new ArrayList<>();
        for (int i = 0; i < n; i++) reads.add(vertx.eventBus().request(NS_4K.address(), BlockRequest.read(u, 4096, i * 2L, 2)));
        for (int i = 0; i < n; i++) {
            BlockReply r = await(reads.get(i)).body();
            assertThat(r.status()).isZero();
            assertThat(r.data().getBytes()).as("blocks %d", i * 2).isEqualTo(random(8192, i).getBytes());
        }
    }

    @Test
    void secondWorkerOnTheSameDirectoryFailsToStartCleanly() throws Exception {
        BlockWorker clash = new BlockWorker("worker-1", data, () -> List.of(NS_4K));
        assertThatThrownBy(() -> await(vertx.deployVerticle(clash))).hasMessageContaining("cannot open");
        // the running worker is unaffected
        assertThat(send(NS_4K, BlockRequest.flush(NS_4K.uuid())).status()).isZero();
    }

    @Test
    void rejectsUnsafeWorkerIds() {
        for (String id : List.of("", "..", "a/b", "-x", ".hidden")) {
            assertThatThrownBy(() -> new BlockWorker(id, data, List::of)).as(id).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(BlockOp.values()).hasSize(14); // + COMPARE, VERIFY, COMPARE_AND_WRITE (BlockWorkerCompareTest), the reservation ops (ReservationsTest)
    }
}
