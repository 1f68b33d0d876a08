package io.nvmegate.transport;

import io.nvmegate.admin.AdminCommandSet;
import io.nvmegate.admin.IdentifyControllerData;
import io.nvmegate.admin.LogPageRequest;

import io.nvmegate.controller.Controller;
import io.nvmegate.controller.NvmeRequest;
import io.nvmegate.protocol.ConnectData;
import io.nvmegate.protocol.Cqe;
import io.nvmegate.protocol.Opcodes;
import io.nvmegate.protocol.Pdu;
import io.nvmegate.protocol.PduCodec;
import io.nvmegate.protocol.PduException;
import io.nvmegate.protocol.Sqe;
import io.nvmegate.protocol.Status;
import io.nvmegate.testkit.RawNvmeTcpHost;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Malformed input ends only the offending connection, with a C2HTermReq carrying the right FES/FEI; the listener
 * and every other connection keep serving. Real Vert.x server, real sockets, the real controller core.
 */
class TcpQueueFatalErrorTest {
    static final String NQN = "nqn.2026-11.io.nvmegate:test";
    static Vertx vertx;
    static NvmeTcpServer server;

    /** A command set with no namespaces: enough to Connect and use the controller core. */
    static final class EmptyCommandSet implements AdminCommandSet {
        public void identifyController(Controller c, IdentifyControllerData id) { id.cntrltype = 1; id.kas = 10; }
        public Buffer identify(Controller c, NvmeRequest r, int cns) { return null; }
        public Buffer logPage(Controller c, NvmeRequest r, LogPageRequest p) { return null; }
                public int maxIoQueues() { return 2; }
    }

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        server = TestTargets.listen(vertx, NQN, new EmptyCommandSet());
    }

    @AfterAll
    static void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static ByteBuffer header(int type, int flags, int hlen, int pdo, int plen) {
        ByteBuffer b = ByteBuffer.allocate(Math.max(hlen, 8)).order(ByteOrder.LITTLE_ENDIAN);
        b.put(0, (byte) type).put(1, (byte) flags).put(2, (byte) hlen).put(3, (byte) pdo).putInt(4, plen);
        return b;
    }

    private void assertStillServing() throws Exception {
        try (RawNvmeTcpHost h = RawNvmeTcpHost.connect(server.actualPort())) {
            h.handshake();
            Cqe c = h.connectAdmin(NQN, 0);
            assertThat(c.status()).isEqualTo(Status.SUCCESS);
            assertThat(h.propertyGet(RawNvmeTcpHost.PROP_CAP, true).status()).isEqualTo(Status.SUCCESS);
        }
    }

    @Test
    void capsuleBeforeICReqIsPduSequenceError() throws Exception {
        try (RawNvmeTcpHost bystander = RawNvmeTcpHost.connect(server.actualPort()); RawNvmeTcpHost h = RawNvmeTcpHost.connect(server.actualPort())) {
            bystander.handshake();
            assertThat(bystander.connectAdmin(NQN, 0).status()).isEqualTo(Status.SUCCESS);
            h.send(new Pdu.CapsuleCmd(Sqe.allocate().opcode(Opcodes.ADMIN_KEEP_ALIVE), ByteBuffer.allocate(0)));
            Pdu.TermReq t = h.expectTermination();
            assertThat(t.fes()).isEqualTo(PduException.FES_PDU_SEQUENCE_ERROR);
            assertThat(t.errorData().remaining()).isEqualTo(72); // the offending header
            // the established connection is unaffected
            assertThat(bystander.propertyGet(RawNvmeTcpHost.PROP_CAP, true).status()).isEqualTo(Status.SUCCESS);
        }
        assertStillServing();
    }

    @Test
    void badHlenIsInvalidHeaderField() throws Exception {
        try (RawNvmeTcpHost h = RawNvmeTcpHost.connect(server.actualPort())) {
            ByteBuffer b = ByteBuffer.allocate(128);
            b.put(header(0x00, 0, 64, 0, 128));
            b.clear();
            h.sendRaw(b);
            Pdu.TermReq t = h.expectTermination();
            assertThat(t.fes()).isEqualTo(PduException.FES_INVALID_HEADER_FIELD);
            assertThat(t.fei()).isEqualTo(2);
        }
        assertStillServing();
    }

    @Test
    void unknownTypeIsInvalidHeaderField() throws Exception {
        try (RawNvmeTcpHost h = RawNvmeTcpHost.connect(server.actualPort())) {
            h.handshake();
            h.sendRaw(header(0x0F, 0, 24, 0, 24));
            Pdu.TermReq t = h.expectTermination();
            assertThat(t.fes()).isEqualTo(PduException.FES_INVALID_HEADER_FIELD);
            assertThat(t.fei()).isEqualTo(0);
        }
        assertStillServing();
    }

    @Test
    void oversizedPlenIsRefused() throws Exception {
        try (RawNvmeTcpHost h = RawNvmeTcpHost.connect(server.actualPort())) {
            h.handshake();
            h.sendRaw(header(0x04, 0, 72, 72, 64 << 20));
            Pdu.TermReq t = h.expectTermination();
            assertThat(t.fes()).isEqualTo(PduException.FES_DATA_LIMIT_EXCEEDED);
            assertThat(t.fei()).isEqualTo(4);
        }
        assertStillServing();
    }

    @Test
    void plenShorterThanHlenIsInvalidHeaderField() throws Exception {
        try (RawNvmeTcpHost h = RawNvmeTcpHost.connect(server.actualPort())) {
            h.handshake();
            h.sendRaw(header(0x04, 0, 72, 0, 40));
            Pdu.TermReq t = h.expectTermination();
            assertThat(t.fes()).isEqualTo(PduException.FES_INVALID_HEADER_FIELD);
            assertThat(t.fei()).isEqualTo(4);
        }
    }

    @Test
    void headerDigestMismatchIsDigestError() throws Exception {
        try (RawNvmeTcpHost h = RawNvmeTcpHost.connect(server.actualPort())) {
            Pdu.ICResp r = h.handshake(true, false);
            assertThat(r.hdgst()).isTrue();
            ByteBuffer good = PduCodec.encode(new Pdu.CapsuleCmd(Sqe.allocate().opcode(Opcodes.ADMIN_KEEP_ALIVE).cid(3), ByteBuffer.allocate(0)), true, false);
            good.put(72, (byte) (good.get(72) ^ 0x5A)); // corrupt HDGST
            h.sendRaw(good);
            Pdu.TermReq t = h.expectTermination();
            assertThat(t.fes()).isEqualTo(PduException.FES_HEADER_DIGEST_ERROR);
        }
        assertStillServing();
    }

    @Test
    void unsupportedPfvIsRefused() throws Exception {
        try (RawNvmeTcpHost h = RawNvmeTcpHost.connect(server.actualPort())) {
            h.send(new Pdu.ICReq(1, 0, false, false, 0));
            Pdu.TermReq t = h.expectTermination();
            assertThat(t.fes()).isEqualTo(PduException.FES_UNSUPPORTED_PARAMETER);
            assertThat(t.fei()).isEqualTo(8);
        }
    }

    @Test
    void h2cDataWithUnknownTtagIsRefused() throws Exception {
        try (RawNvmeTcpHost h = RawNvmeTcpHost.connect(server.actualPort())) {
            h.handshake();
            assertThat(h.connectAdmin(NQN, 0).status()).isEqualTo(Status.SUCCESS);
            h.send(new Pdu.H2CData(9, 77, 0, true, ByteBuffer.allocate(512)));
            Pdu.TermReq t = h.expectTermination();
            assertThat(t.fes()).isEqualTo(PduException.FES_INVALID_HEADER_FIELD);
            assertThat(t.fei()).isEqualTo(10);
        }
        assertStillServing();
    }

    @Test
    void oneByteSegmentsAreReassembled() throws Exception {
        try (RawNvmeTcpHost h = RawNvmeTcpHost.connect(server.actualPort())) {
            ByteBuffer icreq = PduCodec.encode(new Pdu.ICReq(0, 0, false, false, 0), false, false);
            h.sendSegmented(icreq, 1);
            assertThat(h.receive()).isInstanceOf(Pdu.ICResp.class);
            assertThat(h.connectAdmin(NQN, 0).status()).isEqualTo(Status.SUCCESS);
        }
    }

    @Test
    void commandBeforeConnectIsCommandSequenceError() throws Exception {
        try (RawNvmeTcpHost h = RawNvmeTcpHost.connect(server.actualPort())) {
            h.handshake();
            Cqe c = h.propertyGet(RawNvmeTcpHost.PROP_CAP, true);
            assertThat(c.status()).isEqualTo(Status.dnr(Status.COMMAND_SEQUENCE_ERROR));
        }
    }

    @Test
    void connectToUnknownSubsystemNamesTheField() throws Exception {
        try (RawNvmeTcpHost h = RawNvmeTcpHost.connect(server.actualPort())) {
            h.handshake();
            Cqe c = h.connect("nqn.2026-11.io.nvmegate:nope", 0, 31, 0, ConnectData.DYNAMIC_CNTLID);
            assertThat(c.status()).isEqualTo(Status.dnr(Status.CONNECT_INVALID_PARAMETERS));
            assertThat(c.dw0()).isEqualTo(1 << 16 | 256);
        }
    }

}
