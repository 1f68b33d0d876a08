package io.nvmegate.launcher.conformance;

import io.nvmegate.client.NvmeController;
import io.nvmegate.protocol.Cqe;
import io.nvmegate.protocol.Opcodes;
import io.nvmegate.protocol.Pdu;
import io.nvmegate.protocol.PduException;
import io.nvmegate.protocol.Sqe;
import io.nvmegate.protocol.Status;
import io.nvmegate.testkit.RawNvmeTcpHost;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.SplittableRandom;

import static io.nvmegate.launcher.conformance.ConformanceTarget.NQN;
import static io.nvmegate.launcher.conformance.ConformanceTarget.connect;
import static io.nvmegate.launcher.conformance.ConformanceTarget.port;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * NVMe/TCP transport behaviour (NVMe/TCP 1.0 section 3): digest errors (header → C2HTermReq, data → Transient
 * Transport Error completion, connection kept), SQ flow control disabled by Connect CATTR bit 2 (C2HData SUCCESS,
 * no CapsuleResp), several I/O queues and queue sizes up to MAXCMD, digests end to end.
 */
@ExtendWith(ConformanceTarget.class)
class TransportConformanceTest {
    static final int MAXCMD = ConformanceTarget.TRANSPORT.maxQueueSize();

    static byte[] pattern(int n, long seed) {
        byte[] b = new byte[n];
        new SplittableRandom(seed).nextBytes(b);
        return b;
    }

    /** An I/O queue (QID 1) of a fresh controller over a raw connection with both digests. */
    static RawNvmeTcpHost ioQueue(RawNvmeTcpHost admin, int cattr, boolean digests) throws Exception {
        int cntlid = admin.adminQueue(NQN);
        RawNvmeTcpHost io = RawNvmeTcpHost.connect(port());
        io.handshake(digests, digests);
        Cqe c = io.connect(NQN, 1, 31, cattr, cntlid);
        assertThat(c.success()).as("I/O Connect %s", c).isTrue();
        return io;
    }

    @Test
    void dataDigestErrorsFailOnlyTheCommand() throws Exception {
        try (RawNvmeTcpHost admin = RawNvmeTcpHost.connect(port())) {
            admin.handshake(true, true);
            try (RawNvmeTcpHost io = ioQueue(admin, 0, true)) {
                byte[] good = pattern(4096, 1), bad = pattern(4096, 2);
                io.send(new Pdu.CapsuleCmd(io.write(1, 5000, 1, 4096, true), ByteBuffer.wrap(good)));
                assertThat(io.response().status()).isEqualTo(Status.SUCCESS);

                // In-capsule data with a wrong DDGST.
                Sqe w = io.write(1, 5000, 1, 4096, true);
                io.sendCorrupted(new Pdu.CapsuleCmd(w, ByteBuffer.wrap(bad)), 1);
                Cqe cqe = io.response();
                assertThat(cqe.cid()).isEqualTo(w.cid());
                assertThat(cqe.status()).as("Transient Transport Error, retryable").isEqualTo(Status.TRANSIENT_TRANSPORT_ERROR);

                // R2T-served data (16 KiB, over the 8 KiB in-capsule size) with a wrong DDGST on the H2CData.
                byte[] big = pattern(16384, 3);
                Sqe w2 = io.write(1, 5000, 4, 16384, false);
                io.send(new Pdu.CapsuleCmd(w2, ByteBuffer.allocate(0)));
                Pdu.R2T r2t = (Pdu.R2T) io.receive();
                assertThat(r2t.r2tl()).isEqualTo(16384);
                io.sendCorrupted(new Pdu.H2CData(w2.cid(), r2t.ttag(), 0, true, ByteBuffer.wrap(big)), 1);
                Cqe cqe2 = io.response();
                assertThat(cqe2.cid()).isEqualTo(w2.cid());
                assertThat(cqe2.status()).isEqualTo(Status.TRANSIENT_TRANSPORT_ERROR);

                // The connection is still up and nothing was written.
                Sqe r = io.read(1, 5000, 1, 4096);
                io.send(new Pdu.CapsuleCmd(r, ByteBuffer.allocate(0)));
                Pdu.C2HData d = (Pdu.C2HData) io.receive();
                byte[] got = new byte[4096];
                d.data().get(got);
                assertThat(got).isEqualTo(good);
                assertThat(io.response().status()).isEqualTo(Status.SUCCESS);

                // Both failures are in the controller's error log (newest first).
                Sqe log = Sqe.allocate().opcode(Opcodes.ADMIN_GET_LOG_PAGE).cid(admin.cid())
                        .cdw(10, Opcodes.LOG_ERROR | (128 / 4 - 1) << 16).sglId(Sqe.SGL_TRANSPORT_DATA_BLOCK).sglLength(128);
                admin.send(new Pdu.CapsuleCmd(log, ByteBuffer.allocate(0)));
                byte[] entries = new byte[128];
                ((Pdu.C2HData) admin.receive()).data().get(entries);
                assertThat(admin.response().status()).isEqualTo(Status.SUCCESS);
                assertThat(Le.u16(entries, 10)).as("newest: the H2CData write").isEqualTo(w2.cid());
                assertThat(Le.u16(entries, 12) >> 1).isEqualTo(Status.TRANSIENT_TRANSPORT_ERROR);
                assertThat(Le.u16(entries, 64 + 10)).isEqualTo(w.cid());
                assertThat(Le.u16(entries, 64 + 8)).as("SQID").isEqualTo(1);
            }
        }
    }

    @Test
    void headerDigestErrorEndsTheConnectionWithC2HTermReq() throws Exception {
        try (RawNvmeTcpHost admin = RawNvmeTcpHost.connect(port())) {
            admin.handshake(true, true);
            admin.adminQueue(NQN);
            // Flip a byte of the header digest (right after the 72-byte CapsuleCmd header, no data).
            Sqe ka = Sqe.allocate().opcode(Opcodes.ADMIN_KEEP_ALIVE).cid(admin.cid());
            admin.sendCorrupted(new Pdu.CapsuleCmd(ka, ByteBuffer.allocate(0)), 1);
            Pdu p = admin.receive();
            assertThat(p).isInstanceOf(Pdu.TermReq.class);
            assertThat(((Pdu.TermReq) p).fes()).isEqualTo(PduException.FES_HEADER_DIGEST_ERROR);
            assertThat(admin.closedWithin(3000)).isTrue();
        }
    }

    /** CATTR bit 2: reads end with C2HData LAST|SUCCESS and no CapsuleResp; without it a CapsuleResp follows. */
    @Test
    void sqFlowControlDisabledReadsEndWithSuccessFlag() throws Exception {
        for (int cattr : new int[] {0, 1 << 2}) {
            try (RawNvmeTcpHost admin = RawNvmeTcpHost.connect(port())) {
                admin.handshake(false, false);
                try (RawNvmeTcpHost io = ioQueue(admin, cattr, false)) {
                    Sqe r = io.read(2, 0, 8, 4096);
                    io.send(new Pdu.CapsuleCmd(r, ByteBuffer.allocate(0)));
                    Pdu.C2HData d = (Pdu.C2HData) io.receive();
                    assertThat(d.last()).isTrue();
                    assertThat(d.success()).as("SUCCESS with CATTR %d", cattr).isEqualTo(cattr != 0);
                    Sqe flush = Sqe.allocate().opcode(Opcodes.IO_FLUSH).cid(io.cid()).nsid(2);
                    io.send(new Pdu.CapsuleCmd(flush, ByteBuffer.allocate(0)));
                    Cqe next = io.response();
                    if (cattr == 0) {
                        assertThat(next.cid()).as("read completion").isEqualTo(r.cid());
                        next = io.response();
                    }
                    assertThat(next.cid()).isEqualTo(flush.cid());
                    assertThat(next.status()).isEqualTo(Status.SUCCESS);
                }
            }
        }
        try (NvmeController c = connect(b -> b.disableSqFlowControl(true).ioQueues(2))) {
            byte[] d = pattern(64 * 1024, 7);
            c.write(1, 6000, d, 4096, false);
            assertThat(c.read(1, 6000, 16, 4096)).isEqualTo(d);
        }
    }

    @Test
    void ioQueueCountsAndSizesUpToMaxcmd() throws Exception {
        for (int n = 1; n <= 8; n++) {
            int queues = n;
            try (NvmeController c = connect(b -> b.ioQueues(queues).ioQueueSize(MAXCMD))) {
                assertThat(c.ioQueueCount()).isEqualTo(queues);
                for (int q = 1; q <= queues; q++) {
                    assertThat(c.io(q).depth()).isEqualTo(MAXCMD - 1);
                    c.io(q).write(2, q * 8, new byte[4096], 512, false);
                }
            }
        }
        try (NvmeController c = connect(b -> b.ioQueues(9))) {
            assertThat(c.ioQueueCount()).as("capped at the Number of Queues granted").isEqualTo(8);
        }
        try (NvmeController c = connect(b -> b.ioQueues(1).ioQueueSize(2))) {
            assertThat(c.io(1).depth()).isEqualTo(1);
            assertThat(c.read(1, 0, 1, 4096)).hasSize(4096);
        }
        // SQSIZE beyond CAP.MQES / MAXCMD: Connect Invalid Parameters at SQE offset 44 (IATTR 0).
        try (RawNvmeTcpHost admin = RawNvmeTcpHost.connect(port())) {
            admin.handshake(false, false);
            int cntlid = admin.adminQueue(NQN);
            try (RawNvmeTcpHost io = RawNvmeTcpHost.connect(port())) {
                io.handshake(false, false);
                Cqe c = io.connect(NQN, 1, MAXCMD, 0, cntlid);
                assertThat(c.status()).isEqualTo(Status.dnr(Status.CONNECT_INVALID_PARAMETERS));
                assertThat(c.dw0()).isEqualTo(44);
            }
        }
    }

    @Test
    void digestsEndToEnd() {
        try (NvmeController c = connect(b -> b.headerDigest(true).dataDigest(true).ioQueues(3))) {
            int mdts = ConformanceTarget.TRANSPORT.mdtsBytes();
            byte[] big = pattern(mdts, 11), small = pattern(2048, 12);
            c.write(1, 8000, big, 4096, false);
            c.write(2, 9000, small, 512, true);
            assertThat(c.read(1, 8000, mdts / 4096, 4096)).isEqualTo(big);
            assertThat(c.read(2, 9000, 4, 512)).isEqualTo(small);
            assertThat(c.compare(1, 8000, big, 4096).status()).isEqualTo(Status.SUCCESS);
            assertThat(Arrays.equals(c.read(1, 8000, 1, 4096), Arrays.copyOf(big, 4096))).isTrue();
        }
    }
}
