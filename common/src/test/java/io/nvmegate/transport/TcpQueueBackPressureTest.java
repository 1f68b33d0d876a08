package io.nvmegate.transport;

import io.nvmegate.admin.AdminCommandSet;
import io.nvmegate.admin.IdentifyControllerData;
import io.nvmegate.admin.LogPageRequest;

import io.nvmegate.controller.Controller;
import io.nvmegate.controller.NvmeRequest;
import io.nvmegate.protocol.Cqe;
import io.nvmegate.protocol.Opcodes;
import io.nvmegate.protocol.Pdu;
import io.nvmegate.protocol.Sqe;
import io.nvmegate.protocol.Status;
import io.nvmegate.testkit.RawNvmeTcpHost;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Back-pressure on a queue whose host stops reading (NVMe/TCP 1.0 section 3.3: a queue is one TCP connection).
 * The host submits 96 Reads of 128 KiB (12 MiB, far more than the socket buffers hold; its receive buffer is
 * 8 KiB) and reads nothing for a while, so the target's write queue fills and {@link TcpQueue} stops reading; the
 * second half of the commands waits in the target's receive buffer. Once the host reads again, every command must
 * be answered exactly once with all its data: no PDU may stay behind in the outbound queue after the drain, and
 * reading must resume. Four rounds, so pause/drain/resume cycles repeat. Real Vert.x server, real sockets.
 */
class TcpQueueBackPressureTest {
    static final String NQN = "nqn.2026-11.io.nvmegate:backpressure";
    static final String HOSTNQN = "nqn.2014-08.org.nvmexpress:uuid:0c0ffee0-0000-4000-8000-0000000000bb";
    static final int READ_LEN = 128 * 1024;
    static Vertx vertx;
    static NvmeTcpServer server;

    /** Reads return READ_LEN zero bytes at once; writes succeed. */
    static final class InstantCommandSet implements AdminCommandSet {
        public void identifyController(Controller c, IdentifyControllerData id) { id.cntrltype = 1; id.kas = 10; }
        public Buffer identify(Controller c, NvmeRequest r, int cns) { return null; }
        public Buffer logPage(Controller c, NvmeRequest r, LogPageRequest p) { return null; }
        public NvmeRequest.Handler parseIo(Controller c, NvmeRequest r) {
            return x -> {
                if (x.opcode() == Opcodes.IO_READ) x.respond(Buffer.buffer(new byte[x.transferLength()]));
                else x.complete(Status.SUCCESS);
            };
        }
        public int maxIoQueues() { return 2; }
    }

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        server = TestTargets.listen(vertx, NQN, new InstantCommandSet());
    }

    @AfterAll
    static void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** A host that reads nothing until it wants to: 8 KiB receive buffer, sends batched until it reads. */
    static RawNvmeTcpHost slowHost() throws Exception {
        return RawNvmeTcpHost.connect(server.actualPort(), RawNvmeTcpHost.Options.defaults().hostNqn(HOSTNQN).slowReader(8192));
    }

    @Test
    void everyCommandIsServedAfterTheHostStopsAndResumesReading() throws Exception {
        int cntlid;
        try (RawNvmeTcpHost admin = slowHost()) {
            admin.handshake();
            cntlid = admin.adminQueue(NQN);

            try (RawNvmeTcpHost io = slowHost()) {
                io.handshake();
                assertThat(io.connectIo(NQN, 1, 127, cntlid).status()).isEqualTo(Status.SUCCESS);
                int rounds = 4, depth = 96; // 12 MiB of read data per round: far more than the socket buffers hold
                for (int round = 0; round < rounds; round++) {
                    Set<Integer> outstanding = new HashSet<>();
                    // The first half fills the path to the host (who is not reading yet): the target's write queue
                    // fills and it stops reading; the second half waits in the target's receive buffer.
                    for (int i = 0; i < depth; i++) {
                        int cid = 1000 + i;
                        io.send(new Pdu.CapsuleCmd(Sqe.allocate().opcode(Opcodes.IO_READ).cid(cid).nsid(1).slba(0).nlb(READ_LEN / 4096)
                                .sglId(Sqe.SGL_TRANSPORT_DATA_BLOCK).sglLength(READ_LEN), ByteBuffer.allocate(0)));
                        outstanding.add(cid);
                        if (i == depth / 2) {
                            io.flush();
                            Thread.sleep(300);
                        }
                    }
                    io.flush();
                    Thread.sleep(300);
                    long data = 0;
                    while (!outstanding.isEmpty()) {
                        Pdu p;
                        try {
                            p = io.receive();
                        } catch (SocketTimeoutException e) {
                            fail("round " + round + ": stalled with " + outstanding.size() + " of " + depth + " reads outstanding after "
                                    + data + " data bytes");
                            return;
                        }
                        if (p instanceof Pdu.C2HData d) data += d.data().remaining();
                        else if (p instanceof Pdu.CapsuleResp r) {
                            assertThat(r.cqe().status()).isEqualTo(Status.SUCCESS);
                            assertThat(outstanding.remove(r.cqe().cid())).as("CID %d answered once", r.cqe().cid()).isTrue();
                        } else fail("unexpected " + p.type());
                    }
                    assertThat(data).isEqualTo((long) depth * READ_LEN);
                }
            }
        }
    }
}
