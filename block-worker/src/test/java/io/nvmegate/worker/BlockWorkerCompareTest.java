package io.nvmegate.worker;

import io.nvmegate.catalog.NamespaceSpec;
import io.nvmegate.protocol.Status;
import io.nvmegate.blockio.BlockReply;
import io.nvmegate.blockio.BlockRequest;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static io.nvmegate.worker.BlockWorkerTest.await;
import static io.nvmegate.worker.BlockWorkerTest.random;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * COMPARE, VERIFY and COMPARE_AND_WRITE through the block worker's event-bus contract, on RocksDB and the null
 * backend.
 */
class BlockWorkerCompareTest {
    static final NamespaceSpec NS = BlockWorkerTest.NS_4K;
    static final NamespaceSpec NS_512 = BlockWorkerTest.NS_512;
    static final NamespaceSpec NS_NULL = BlockWorkerTest.NS_NULL;

    @TempDir
    Path data;
    Vertx vertx;

    @BeforeEach
    void deploy() throws Exception {
        vertx = Vertx.vertx();
        await(vertx.deployVerticle(new BlockWorker("worker-1", data, () -> List.of(NS, NS_512, NS_NULL))));
    }

    @AfterEach
    void shutdown() throws Exception {
        await(vertx.close());
    }

    BlockReply send(NamespaceSpec ns, BlockRequest r) throws Exception {
        Message<BlockReply> m = await(vertx.eventBus().request(ns.address(), r));
        return m.body();
    }

    @Test
    void compareMatchesStoredBlocksOrFails() throws Exception {
        Buffer d = random(4 * 4096, 1);
        assertThat(send(NS, BlockRequest.write(NS.uuid(), 4096, 10, 4, false, d)).status()).isZero();
        assertThat(send(NS, BlockRequest.compare(NS.uuid(), 4096, 10, 4, d)).status()).isEqualTo(Status.SUCCESS);
        Buffer other = d.copy();
        other.setByte(3 * 4096 + 100, (byte) (other.getByte(3 * 4096 + 100) ^ 1));
        assertThat(send(NS, BlockRequest.compare(NS.uuid(), 4096, 10, 4, other)).status()).isEqualTo(Status.COMPARE_FAILURE);
        assertThat(send(NS, BlockRequest.compare(NS.uuid(), 4096, 500, 1, Buffer.buffer(new byte[4096]))).status())
                .as("unwritten blocks compare as zeroes").isEqualTo(Status.SUCCESS);
        assertThat(send(NS_NULL, BlockRequest.compare(NS_NULL.uuid(), 4096, 0, 1, Buffer.buffer(new byte[4096]))).status()).isZero();
        assertThat(send(NS, BlockRequest.compare(NS.uuid(), 4096, 10, 4, Buffer.buffer(new byte[4096]))).status())
                .as("data length != NLB x block size").isEqualTo(Status.dnr(Status.INVALID_FIELD));
    }

    @Test
    void verifyChecksTheRange() throws Exception {
        assertThat(send(NS_512, BlockRequest.verify(NS_512.uuid(), 512, 0, 2048)).status()).isZero();
        assertThat(send(NS_512, BlockRequest.verify(NS_512.uuid(), 512, 2047, 2)).status()).isEqualTo(Status.dnr(Status.LBA_OUT_OF_RANGE));
    }

    @Test
    void compareAndWriteWritesOnlyOnAMatch() throws Exception {
        Buffer v1 = random(2 * 512, 1), v2 = random(2 * 512, 2), v3 = random(2 * 512, 3);
        send(NS_512, BlockRequest.write(NS_512.uuid(), 512, 7, 2, false, v1));
        assertThat(send(NS_512, BlockRequest.compareAndWrite(NS_512.uuid(), 512, 7, 2, true, v1.copy().appendBuffer(v2))).status()).isZero();
        assertThat(send(NS_512, BlockRequest.read(NS_512.uuid(), 512, 7, 2)).data().getBytes()).isEqualTo(v2.getBytes());
        assertThat(send(NS_512, BlockRequest.compareAndWrite(NS_512.uuid(), 512, 7, 2, false, v1.copy().appendBuffer(v3))).status())
                .isEqualTo(Status.COMPARE_FAILURE);
        assertThat(send(NS_512, BlockRequest.read(NS_512.uuid(), 512, 7, 2)).data().getBytes()).isEqualTo(v2.getBytes());
        assertThat(send(NS_512, BlockRequest.compareAndWrite(NS_512.uuid(), 512, 7, 2, false, v2)).status())
                .as("needs compare + write data").isEqualTo(Status.dnr(Status.INVALID_FIELD));
    }
}
