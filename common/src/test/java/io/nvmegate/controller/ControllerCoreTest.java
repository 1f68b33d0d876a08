package io.nvmegate.controller;

import io.nvmegate.admin.AdminCommandSet;
import io.nvmegate.admin.IdentifyControllerData;
import io.nvmegate.admin.LogPageRequest;

import io.nvmegate.fabrics.FabricsConnect;
import io.nvmegate.protocol.Cqe;
import io.nvmegate.protocol.Opcodes;
import io.nvmegate.protocol.Pdu;
import io.nvmegate.protocol.Sqe;
import io.nvmegate.protocol.Status;
import io.nvmegate.testkit.RawNvmeTcpHost;
import io.nvmegate.transport.NvmeTcpServer;
import io.nvmegate.controller.TransportConfig;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The controller core over real sockets: keep-alive enforcement, AER limits, properties and shared features.
 * Uses a command set with no namespaces; the NVM command set is exercised by the launcher's integration tests.
 */
public class ControllerCoreTest {
    static final String NQN = "nqn.2026-11.io.nvmegate:core";
    static Vertx vertx;
    static NvmeTcpServer server;
    static ControllerRegistry registry = new ControllerRegistry(1, 100);

    /** No namespaces, no I/O; log page 01h (Error Information) is served so tests can read it. */
    public static final class EmptyCommandSet implements AdminCommandSet {
        public void identifyController(Controller c, IdentifyControllerData id) { id.cntrltype = 1; }
        public Buffer identify(Controller c, NvmeRequest r, int cns) { return null; }
        public Buffer logPage(Controller c, NvmeRequest r, LogPageRequest p) { return p.lid() == Opcodes.LOG_ERROR ? c.errors().page() : null; }
                public int maxIoQueues() { return 4; }
    }

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        Subsystem s = new Subsystem(NQN, Subsystem.Identity.of("SN-CORE", "core", "1"), new EmptyCommandSet(), h -> true);
        server = new NvmeTcpServer(vertx, "127.0.0.1", 0, TransportConfig.defaults(),
                new FabricsConnect(nqn -> nqn.equals(NQN) ? s : null, registry, TransportConfig.defaults(), vertx));
        server.listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static RawNvmeTcpHost host() throws Exception {
        return RawNvmeTcpHost.connect(server.actualPort());
    }

    /** ICReq/ICResp, then Connect on the admin queue with KATO {@code katoMs}. */
    private static Cqe connect(RawNvmeTcpHost h, int katoMs) throws Exception {
        h.handshake();
        return h.connectAdmin(NQN, katoMs);
    }

    @Test
    void silentHostIsDroppedAfterKato() throws Exception {
        try (var h = host()) {
            Cqe c = connect(h, 500);
            int cntlid = c.dw0() & 0xFFFF;
            assertThat(registry.get(cntlid)).isNotNull();
            assertThat(h.closedWithin(3_000)).as("controller torn down after KATO without traffic").isTrue();
            assertThat(registry.get(cntlid)).isNull();
        }
    }

    @Test
    void keepAliveKeepsTheControllerAlive() throws Exception {
        try (var h = host()) {
            connect(h, 500);
            assertThat(h.enable().status()).isEqualTo(Status.SUCCESS);
            for (int i = 0; i < 8; i++) {
                Thread.sleep(200);
                assertThat(h.command(Sqe.allocate().opcode(Opcodes.ADMIN_KEEP_ALIVE).cid(10 + i)).status()).isEqualTo(Status.SUCCESS);
            }
            assertThat(h.closedWithin(100)).isFalse();
        }
    }

    @Test
    void propertiesFollowTheSpec() throws Exception {
        try (var h = host()) {
            connect(h, 0);
            Cqe cap = h.command(Sqe.allocate().opcode(Opcodes.FABRICS).cid(2).fctype(Opcodes.FCTYPE_PROPERTY_GET).u8(40, 1).u32(44, 0));
            long v = Integer.toUnsignedLong(cap.dw0()) | (long) cap.dw1() << 32;
            assertThat(v & 0xFFFF).as("MQES").isEqualTo(TransportConfig.defaults().maxQueueSize() - 1);
            assertThat((v >> 37) & 1).as("CAP.CSS NVM").isEqualTo(1);
            assertThat((v >> 24) & 0xFF).as("CAP.TO").isPositive();
            Cqe vs = h.command(Sqe.allocate().opcode(Opcodes.FABRICS).cid(3).fctype(Opcodes.FCTYPE_PROPERTY_GET).u32(44, 8));
            assertThat(vs.dw0()).isEqualTo(0x00010300);
            // Admin commands before CC.EN: Command Sequence Error.
            assertThat(h.command(Sqe.allocate().opcode(Opcodes.ADMIN_KEEP_ALIVE).cid(4)).status()).isEqualTo(Status.dnr(Status.COMMAND_SEQUENCE_ERROR));
            assertThat(h.enable().status()).isEqualTo(Status.SUCCESS);
            assertThat(h.csts() & 1).as("CSTS.RDY").isEqualTo(1);
            // Shutdown: CC.SHN = 01b → CSTS.SHST = 10b.
            assertThat(h.command(Sqe.allocate().opcode(Opcodes.FABRICS).cid(7).fctype(Opcodes.FCTYPE_PROPERTY_SET)
                    .u32(44, 0x14).u64(48, 1 | 1 << 14 | 6 << 16 | 4 << 20)).status()).isEqualTo(Status.SUCCESS);
            assertThat((h.csts() >> 2) & 3).as("CSTS.SHST").isEqualTo(2);
            // Unknown property offset.
            assertThat(h.command(Sqe.allocate().opcode(Opcodes.FABRICS).cid(9).fctype(Opcodes.FCTYPE_PROPERTY_GET).u32(44, 0x40)).status())
                    .isEqualTo(Status.dnr(Status.INVALID_FIELD));
        }
    }

    @Test
    void badEnableSetsControllerFatalStatus() throws Exception {
        try (var h = host()) {
            connect(h, 0);
            h.command(Sqe.allocate().opcode(Opcodes.FABRICS).cid(2).fctype(Opcodes.FCTYPE_PROPERTY_SET).u32(44, 0x14).u64(48, 1 | 7 << 16 | 4 << 20));
            assertThat(h.csts() & 3).as("CSTS: CFS set, RDY clear").isEqualTo(2);
        }
    }

    @Test
    void asyncEventRequestsAreHeldUpToTheLimit() throws Exception {
        try (var h = host()) {
            connect(h, 0);
            h.enable();
            for (int i = 0; i <= AsyncEvents.AERL; i++) {
                h.send(new Pdu.CapsuleCmd(Sqe.allocate().opcode(Opcodes.ADMIN_ASYNC_EVENT_REQUEST).cid(20 + i), ByteBuffer.allocate(0)));
            }
            // The fifth exceeds AERL + 1 and is answered at once; the first four stay outstanding.
            Cqe over = h.command(Sqe.allocate().opcode(Opcodes.ADMIN_ASYNC_EVENT_REQUEST).cid(30));
            assertThat(over.cid()).isEqualTo(30);
            assertThat(over.status()).isEqualTo(Status.dnr(Status.AER_LIMIT_EXCEEDED));
            Cqe ka = h.command(Sqe.allocate().opcode(Opcodes.ADMIN_KEEP_ALIVE).cid(31));
            assertThat(ka.cid()).as("no AER completed").isEqualTo(31);
        }
    }

    @Test
    void sharedFeatures() throws Exception {
        try (var h = host()) {
            connect(h, 0);
            h.enable();
            Cqe nq = h.command(Sqe.allocate().opcode(Opcodes.ADMIN_SET_FEATURES).cid(3).cdw(10, Opcodes.FEAT_NUMBER_OF_QUEUES).cdw(11, 15 | 15 << 16));
            assertThat(nq.dw0()).as("capped at 4 queues, 0's based").isEqualTo(3 | 3 << 16);
            Cqe kato = h.command(Sqe.allocate().opcode(Opcodes.ADMIN_SET_FEATURES).cid(4).cdw(10, Opcodes.FEAT_KEEP_ALIVE_TIMER).cdw(11, 7000));
            assertThat(kato.status()).isEqualTo(Status.SUCCESS);
            assertThat(h.command(Sqe.allocate().opcode(Opcodes.ADMIN_GET_FEATURES).cid(5).cdw(10, Opcodes.FEAT_KEEP_ALIVE_TIMER)).dw0()).isEqualTo(7000);
            assertThat(h.command(Sqe.allocate().opcode(Opcodes.ADMIN_GET_FEATURES).cid(6).cdw(10, Opcodes.FEAT_VOLATILE_WRITE_CACHE)).dw0()).isEqualTo(1);
            assertThat(h.command(Sqe.allocate().opcode(Opcodes.ADMIN_GET_FEATURES).cid(7).cdw(10, 0x7E)).status()).isEqualTo(Status.dnr(Status.INVALID_FIELD));
            assertThat(h.command(Sqe.allocate().opcode(Opcodes.ADMIN_SET_FEATURES).cid(8).cdw(10, Opcodes.FEAT_NUMBER_OF_QUEUES | 1 << 31).cdw(11, 0)).status())
                    .isEqualTo(Status.dnr(Status.FEATURE_NOT_SAVEABLE));
        }
    }

    /**
     * Every failure ends in the one completion path, which records the Error Information log entry with the
     * Parameter Error Location of the SQE field at fault (NVMe Base 2.0 Figure 198: byte in bits 7:0, bit in 10:8).
     */
    @Test
    void errorLogNamesTheFieldAtFault() throws Exception {
        try (var h = host()) {
            connect(h, 0);
            h.enable();
            assertThat(h.command(Sqe.allocate().opcode(Opcodes.ADMIN_GET_FEATURES).cid(3).cdw(10, Opcodes.FEAT_ARBITRATION | 5 << 8)).status())
                    .as("SEL 5").isEqualTo(Status.dnr(Status.INVALID_FIELD));
            assertThat(h.command(Sqe.allocate().opcode(Opcodes.ADMIN_GET_FEATURES).cid(4).cdw(10, 0x7E)).status())
                    .as("unknown FID").isEqualTo(Status.dnr(Status.INVALID_FIELD));
            assertThat(h.command(Sqe.allocate().opcode(Opcodes.ADMIN_KEEP_ALIVE).cid(5).u8(1, 0)).status())
                    .as("PSDT 00b (PRPs)").isEqualTo(Status.dnr(Status.INVALID_FIELD));
            assertThat(h.command(Sqe.allocate().opcode(Opcodes.ADMIN_SET_FEATURES).cid(6).cdw(10, Opcodes.FEAT_POWER_MANAGEMENT).cdw(11, 3)).status())
                    .as("power state 3").isEqualTo(Status.dnr(Status.INVALID_FIELD));
            assertThat(h.command(Sqe.allocate().opcode(0xC5).cid(7)).status()).isEqualTo(Status.dnr(Status.INVALID_OPCODE));
            byte[] log = h.execute(Sqe.allocate().opcode(Opcodes.ADMIN_GET_LOG_PAGE).cid(8)
                    .cdw(10, Opcodes.LOG_ERROR | (5 * 64 / 4 - 1) << 16).sglId(Sqe.SGL_TRANSPORT_DATA_BLOCK).sglLength(5 * 64), null).data();
            ByteBuffer b = ByteBuffer.wrap(log).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            // Newest first.
            assertThat(b.getShort(10)).as("CID").isEqualTo((short) 7);
            assertThat(b.getShort(14) & 0xFFFF).as("invalid opcode: OPC, byte 0").isEqualTo(ErrorLocation.OPCODE).isEqualTo(0x0000);
            assertThat(b.getShort(64 + 14) & 0xFFFF).as("PS: CDW11 bits 4:0, byte 44").isEqualTo(ErrorLocation.cdw(11, 0)).isEqualTo(44);
            assertThat(b.getShort(128 + 14) & 0xFFFF).as("PSDT: byte 1 bit 6").isEqualTo(0x0601);
            assertThat(b.getShort(192 + 14) & 0xFFFF).as("FID: CDW10 bits 7:0, byte 40").isEqualTo(40);
            assertThat(b.getShort(256 + 14) & 0xFFFF).as("SEL: CDW10 bits 10:8, byte 41 bit 0").isEqualTo(ErrorLocation.cdw(10, 8)).isEqualTo(41);
            assertThat(b.getShort(256 + 10)).as("CID").isEqualTo((short) 3);
        }
    }
}
