package io.nvmegate.transport;

import io.nvmegate.protocol.Pdu;
import io.nvmegate.protocol.Sqe;
import io.nvmegate.protocol.Status;
import io.nvmegate.testkit.RawNvmeTcpHost;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The process's {@link InflightBudget} on a real queue ({@link TcpQueue}, {@link QueueFlow}): with room for two
 * 128 KiB writes, four writes get two R2Ts (NVMe/TCP 1.0 section 3.3.3) and the others wait; answering one lets the
 * third R2T go; a host that never answers its R2Ts holds its share only until its connection closes, and the close
 * gives every share back (R2Ts outstanding, commands waiting). Real Vert.x server, raw host on real sockets.
 */
class TcpQueueBudgetTest {
    static final String NQN = "nqn.2026-12.io.nvmegate:budget";
    static final int LEN = 128 * 1024;
    static Vertx vertx;
    static NvmeTcpServer server;
    static long savedBytes;
    static int savedCommands;

    @BeforeAll
    static void start() throws Exception {
        InflightBudget b = InflightBudget.process();
        savedBytes = b.maxBytes();
        savedCommands = b.maxCommands();
        b.resize(2L * LEN, 100);
        vertx = Vertx.vertx();
        server = TestTargets.listen(vertx, NQN, new TcpQueueBackPressureTest.InstantCommandSet());
    }

    @AfterAll
    static void stop() throws Exception {
        InflightBudget.process().resize(savedBytes, savedCommands);
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    static Sqe write(int cid) {
        return Sqe.allocate().opcode(io.nvmegate.protocol.Opcodes.IO_WRITE).cid(cid).nsid(1).slba(0).nlb(LEN / 4096)
                .sglId(Sqe.SGL_TRANSPORT_DATA_BLOCK).sglLength(LEN);
    }

    @Test
    void r2tsArePacedByTheBudgetAndCloseGivesEverythingBack() throws Exception {
        InflightBudget budget = InflightBudget.process();
        try (RawNvmeTcpHost admin = RawNvmeTcpHost.connect(server.actualPort())) {
            admin.handshake();
            int cntlid = admin.adminQueue(NQN);
            RawNvmeTcpHost io = RawNvmeTcpHost.connect(server.actualPort());
            io.handshake();
            assertThat(io.connectIo(NQN, 1, 31, cntlid).status()).isEqualTo(Status.SUCCESS);
            for (int cid = 1; cid <= 4; cid++) io.send(new Pdu.CapsuleCmd(write(cid), ByteBuffer.allocate(0)));
            io.flush();
            List<Pdu.R2T> r2ts = new ArrayList<>();
            r2ts.add((Pdu.R2T) io.receive());
            r2ts.add((Pdu.R2T) io.receive());
            io.timeout(Duration.ofMillis(500));
            try {
                Pdu extra = io.receive();
                fail("budget of 2 x 128 KiB, but a third PDU came: " + extra);
            } catch (SocketTimeoutException expected) {
                // the third and fourth writes wait for budget
            }
            assertThat(budget.bytes()).isEqualTo(2L * LEN);
            assertThat(budget.commands()).isEqualTo(2);

            io.timeout(Duration.ofSeconds(10));
            io.answer(r2ts.get(0), new byte[LEN]);
            io.flush();
            boolean answered = false;
            Pdu.R2T third = null;
            while (!answered || third == null) {
                Pdu p = io.receive();
                if (p instanceof Pdu.CapsuleResp r) {
                    assertThat(r.cqe().cid()).isEqualTo(r2ts.get(0).cccid());
                    assertThat(r.cqe().status()).isEqualTo(Status.SUCCESS);
                    answered = true;
                } else if (p instanceof Pdu.R2T r) {
                    third = r;
                } else {
                    fail("unexpected " + p);
                }
            }
            assertThat(third.cccid()).as("R2Ts in command order").isEqualTo(3);
            assertThat(budget.bytes()).isEqualTo(2L * LEN);

            // two R2Ts never answered, one command waiting: all held until the close, and all given back by it
            io.close();
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while ((budget.bytes() != 0 || budget.commands() != 0 || budget.waiting() != 0) && System.nanoTime() < until) Thread.sleep(10);
            assertThat(budget.bytes()).as("bytes in flight after the close").isZero();
            assertThat(budget.commands()).as("commands in flight after the close").isZero();
            assertThat(budget.waiting()).isZero();
        }
    }
}
