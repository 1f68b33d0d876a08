package io.nvmegate.transport;

import io.nvmegate.admin.AdminCommandSet;
import io.nvmegate.admin.IdentifyControllerData;
import io.nvmegate.admin.LogPageRequest;

import io.nvmegate.controller.Controller;
import io.nvmegate.controller.NvmeRequest;
import io.nvmegate.protocol.Cqe;
import io.nvmegate.protocol.Opcodes;
import io.nvmegate.protocol.Pdu;
import io.nvmegate.protocol.PduCodec;
import io.nvmegate.protocol.Sqe;
import io.nvmegate.protocol.Status;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
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

    /** A blocking host connection at the PDU level with a small receive buffer (set before connecting). */
    static final class SlowHost implements AutoCloseable {
        final Socket socket = new Socket();
        final OutputStream out;
        final DataInputStream in;
        int cid = 1;

        SlowHost(int port) throws Exception {
            socket.setReceiveBufferSize(8192);
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            socket.setSoTimeout(10_000);
            out = new BufferedOutputStream(socket.getOutputStream(), 1 << 16);
            in = new DataInputStream(socket.getInputStream());
        }

        void send(Pdu p) throws Exception {
            ByteBuffer b = PduCodec.encode(p, false, false);
            byte[] a = new byte[b.remaining()];
            b.get(a);
            out.write(a);
        }

        Pdu receive() throws Exception {
            out.flush();
            byte[] h = new byte[8];
            in.readFully(h);
            int plen = ByteBuffer.wrap(h).order(ByteOrder.LITTLE_ENDIAN).getInt(4);
            byte[] all = new byte[plen];
            System.arraycopy(h, 0, all, 0, 8);
            in.readFully(all, 8, plen - 8);
            return PduCodec.decode(ByteBuffer.wrap(all), false, false);
        }

        Cqe response() throws Exception {
            Pdu p = receive();
            assertThat(p).isInstanceOf(Pdu.CapsuleResp.class);
            return ((Pdu.CapsuleResp) p).cqe();
        }

        Cqe connect(int qid, int sqsize, int cntlid) throws Exception {
            ByteBuffer data = ByteBuffer.allocate(1024).order(ByteOrder.LITTLE_ENDIAN);
            UUID id = UUID.nameUUIDFromBytes(HOSTNQN.getBytes(StandardCharsets.US_ASCII));
            data.putLong(0, id.getMostSignificantBits()).putLong(8, id.getLeastSignificantBits()).putShort(16, (short) cntlid);
            data.put(256, NQN.getBytes(StandardCharsets.US_ASCII));
            data.put(512, HOSTNQN.getBytes(StandardCharsets.US_ASCII));
            send(new Pdu.CapsuleCmd(Sqe.allocate().opcode(Opcodes.FABRICS).cid(cid++).fctype(Opcodes.FCTYPE_CONNECT)
                    .u16(42, qid).u16(44, sqsize).u32(48, qid == 0 ? 30_000 : 0)
                    .sglId(Sqe.SGL_DATA_BLOCK_OFFSET).sglLength(1024), data));
            return response();
        }

        void handshake() throws Exception {
            send(new Pdu.ICReq(0, 0, false, false, 0));
            assertThat(receive()).isInstanceOf(Pdu.ICResp.class);
        }

        @Override
        public void close() throws Exception {
            socket.close();
        }
    }

    @Test
    void everyCommandIsServedAfterTheHostStopsAndResumesReading() throws Exception {
        int cntlid;
        try (SlowHost admin = new SlowHost(server.actualPort())) {
            admin.handshake();
            Cqe c = admin.connect(0, 31, 0xFFFF);
            assertThat(c.status()).isEqualTo(Status.SUCCESS);
            cntlid = c.dw0() & 0xFFFF;
            admin.send(new Pdu.CapsuleCmd(Sqe.allocate().opcode(Opcodes.FABRICS).cid(admin.cid++).fctype(Opcodes.FCTYPE_PROPERTY_SET)
                    .u32(44, 0x14).u64(48, 1 | 6 << 16 | 4 << 20), ByteBuffer.allocate(0)));
            assertThat(admin.response().status()).isEqualTo(Status.SUCCESS);

            try (SlowHost io = new SlowHost(server.actualPort())) {
                io.handshake();
                assertThat(io.connect(1, 127, cntlid).status()).isEqualTo(Status.SUCCESS);
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
                            io.out.flush();
                            Thread.sleep(300);
                        }
                    }
                    io.out.flush();
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
