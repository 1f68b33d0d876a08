package io.nvmegate.worker;

import io.nvmegate.blockio.BlockOp;
import io.nvmegate.blockio.BlockReply;
import io.nvmegate.blockio.BlockRequest;
import io.nvmegate.blockio.ReservationEvents;
import io.nvmegate.blockio.ReservationNotice;
import io.nvmegate.catalog.NamespaceSpec;
import io.nvmegate.protocol.Status;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static io.nvmegate.worker.BlockWorkerTest.await;
import static io.nvmegate.worker.BlockWorkerTest.ns;
import static io.nvmegate.worker.BlockWorkerTest.random;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The reservation ops of the gateway<->worker contract through a real worker and event bus: the access check of
 * storage ops, CDW10/CDW11 as the host sent them, the notices published to the gateways, PTPL in RocksDB (and
 * refused where the backend does not persist).
 */
class BlockWorkerReservationTest {
    static final NamespaceSpec NS = ns(1, 512, 1L << 20, "rocksdb", "worker-1");
    static final NamespaceSpec NS_MEMORY = ns(2, 512, 1L << 20, "memory", "worker-1");
    static final UUID A = UUID.randomUUID(), B = UUID.randomUUID();
    static final int CNTLID_A = 0x11, CNTLID_B = 0x22;
    static final long KA = 0xA1, KB = 0xB2;
    static final int CONFLICT = Status.dnr(Status.RESERVATION_CONFLICT);

    @TempDir
    Path data;
    Vertx vertx;
    String deployment;
    final BlockingQueue<ReservationEvents.Event> notices = new LinkedBlockingQueue<>();

    @BeforeEach
    void deploy() throws Exception {
        vertx = Vertx.vertx();
        vertx.eventBus().consumer(ReservationEvents.ADDRESS, m -> notices.add(ReservationEvents.decode(m.body())));
        deployment = await(vertx.deployVerticle(new BlockWorker("worker-1", data, () -> List.of(NS, NS_MEMORY))));
    }

    @AfterEach
    void shutdown() throws Exception {
        await(vertx.close());
    }

    BlockReply send(NamespaceSpec ns, BlockRequest r) throws Exception {
        return await(vertx.eventBus().<BlockReply>request(ns.address(), r)).body();
    }

    static Buffer keys(long first, long second) {
        return Buffer.buffer().appendLongLE(first).appendLongLE(second);
    }

    BlockReply register(NamespaceSpec ns, UUID host, int cntlid, int cdw10, long nrkey) throws Exception {
        return send(ns, BlockRequest.reservation(BlockOp.RESERVATION_REGISTER, ns.uuid(), cdw10, 0, keys(0, nrkey), host, cntlid));
    }

    BlockReply report(NamespaceSpec ns, UUID host, int cntlid, int eds) throws Exception {
        return send(ns, BlockRequest.reservation(BlockOp.RESERVATION_REPORT, ns.uuid(), 255, eds, null, host, cntlid));
    }

    @Test
    void writeExclusiveDeniesOtherHostsWritesAndPreemptNotifiesThem() throws Exception {
        assertThat(register(NS, A, CNTLID_A, 0, KA).status()).isZero();
        assertThat(register(NS, B, CNTLID_B, 0, KB).status()).isZero();
        assertThat(send(NS, BlockRequest.reservation(BlockOp.RESERVATION_ACQUIRE, NS.uuid(), 1 << 8, 0, keys(KA, 0), A, CNTLID_A))
                .status()).as("acquire Write Exclusive").isZero();

        Buffer d = random(512, 1);
        assertThat(send(NS, BlockRequest.write(NS.uuid(), 512, 0, 1, false, d).withHost(B, CNTLID_B)).status()).isEqualTo(CONFLICT);
        assertThat(send(NS, BlockRequest.read(NS.uuid(), 512, 0, 1).withHost(B, CNTLID_B)).status()).as("read group allowed").isZero();
        assertThat(send(NS, BlockRequest.write(NS.uuid(), 512, 0, 1, false, d).withHost(A, CNTLID_A)).status()).isZero();
        assertThat(send(NS, BlockRequest.flush(NS.uuid())).status()).as("the gateway's own request").isZero();

        // preempt B (RACQA 1, RTYPE 1, PRKEY = B's key): B is told, on the notice address, for this subsystem and NSID
        assertThat(send(NS, BlockRequest.reservation(BlockOp.RESERVATION_ACQUIRE, NS.uuid(), 1 << 8 | 1, 0, keys(KA, KB), A, CNTLID_A))
                .status()).isZero();
        ReservationEvents.Event e = notices.poll(10, TimeUnit.SECONDS);
        assertThat(e).isEqualTo(new ReservationEvents.Event(NS.subsystemNqn(), NS.nsid(), B, ReservationNotice.REGISTRATION_PREEMPTED));
        assertThat(notices.poll(200, TimeUnit.MILLISECONDS)).as("the issuer is not notified").isNull();
    }

    @Test
    void reportUsesCdw10AndCdw11AndForgetsGoneControllers() throws Exception {
        assertThat(register(NS, A, CNTLID_A, 0, KA).status()).isZero();
        BlockReply r = report(NS, A, CNTLID_A, 1);
        assertThat(r.status()).isZero();
        assertThat(r.data().length()).as("header + one controller").isEqualTo(128);
        assertThat(r.data().getUnsignedShortLE(5)).as("REGCTL").isEqualTo(1);
        assertThat(r.data().getUnsignedShortLE(64)).as("CNTLID").isEqualTo(CNTLID_A);
        assertThat(r.data().getLongLE(64 + 8)).as("RKEY").isEqualTo(KA);
        assertThat(send(NS, BlockRequest.reservation(BlockOp.RESERVATION_REPORT, NS.uuid(), 15, 1, null, A, CNTLID_A)).data().length())
                .as("NUMD 15: 64 bytes").isEqualTo(64);
        assertThat(report(NS, A, CNTLID_A, 0).status()).as("EDS 0").isEqualTo(Status.dnr(Status.HOST_ID_INCONSISTENT_FORMAT));

        vertx.eventBus().send(NS.address(), BlockRequest.controllerGone(NS.uuid(), A, CNTLID_A)); // no reply expected
        assertThat(report(NS, B, CNTLID_B, 1).data().getUnsignedShortLE(64)).as("no known controller").isEqualTo(0xFFFF);
    }

    @Test
    void ptplKeepsRegistrationsInRocksDbAcrossARestartAndIsRefusedInMemory() throws Exception {
        int cptplOn = 3 << 30; // CDW10 bits 31:30 = 11b
        assertThat(register(NS, A, CNTLID_A, cptplOn, KA).status()).isZero();
        assertThat(register(NS_MEMORY, A, CNTLID_A, cptplOn, KA).status()).as("memory cannot persist")
                .isEqualTo(Status.dnr(Status.INVALID_FIELD));
        assertThat(register(NS_MEMORY, A, CNTLID_A, 0, KA).status()).isZero();
        BlockReply ptpl = send(NS, BlockRequest.reservation(BlockOp.RESERVATION_PERSISTENCE, NS.uuid(), 0, 0, null, A, CNTLID_A));
        assertThat(ptpl.data().getByte(0)).isEqualTo((byte) 1);
        assertThat(send(NS_MEMORY, BlockRequest.reservation(BlockOp.RESERVATION_PERSISTENCE, NS_MEMORY.uuid(), 0, 0,
                Buffer.buffer(new byte[] {1}), A, CNTLID_A)).status()).isEqualTo(Status.dnr(Status.INVALID_FIELD));

        await(vertx.undeploy(deployment)); // the worker's "power loss"
        deployment = await(vertx.deployVerticle(new BlockWorker("worker-1", data, () -> List.of(NS, NS_MEMORY))));
        BlockReply r = report(NS, B, CNTLID_B, 1);
        assertThat(r.data().getUnsignedShortLE(5)).as("A still registered").isEqualTo(1);
        assertThat(r.data().getLongLE(64 + 8)).isEqualTo(KA);
        assertThat(r.data().getByte(9)).as("PTPLS").isEqualTo((byte) 1);
        assertThat(report(NS_MEMORY, B, CNTLID_B, 1).data().getUnsignedShortLE(5)).as("memory starts empty").isZero();
    }

    @Test
    void malformedReservationRequestsAreRefusedBeforeTheEngine() throws Exception {
        assertThat(send(NS, BlockRequest.reservation(BlockOp.RESERVATION_REGISTER, NS.uuid(), 0, 0, keys(0, KA), null, 0)).status())
                .as("no host").isEqualTo(Status.dnr(Status.INVALID_FIELD));
        assertThat(send(NS, BlockRequest.reservation(BlockOp.RESERVATION_RELEASE, NS.uuid(), 0, 0, Buffer.buffer(new byte[4]), A, 1)).status())
                .as("short data").isEqualTo(Status.dnr(Status.INVALID_FIELD));
        assertThat(report(NS, A, CNTLID_A, 1).data().getUnsignedShortLE(5)).as("nothing registered").isZero();
    }
}
