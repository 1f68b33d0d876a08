package io.nvmegate.transport;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import com.code_intelligence.jazzer.api.BugDetectors;
import com.code_intelligence.jazzer.api.SilentCloseable;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.nvmegate.admin.AdminCommandSet;
import io.nvmegate.admin.IdentifyControllerData;
import io.nvmegate.admin.LogPageRequest;
import io.nvmegate.controller.Controller;
import io.nvmegate.controller.ControllerRegistry;
import io.nvmegate.controller.NvmeRequest;
import io.nvmegate.controller.Subsystem;
import io.nvmegate.controller.TransportConfig;
import io.nvmegate.fabrics.FabricsConnect;
import io.nvmegate.protocol.Cqe;
import io.nvmegate.protocol.Opcodes;
import io.nvmegate.protocol.Pdu;
import io.nvmegate.protocol.PduException;
import io.nvmegate.protocol.Status;
import io.nvmegate.testkit.RawNvmeTcpHost;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.slf4j.LoggerFactory;

import java.io.EOFException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Coverage-guided fuzzing (Jazzer) of a queue's state machine as a host drives it: a real {@link NvmeTcpServer} on
 * 127.0.0.1 (real Vert.x, real sockets, the real Fabrics/admin core), a valid ICReq, then the fuzzer's bytes
 * (in-capsule data, R2T/H2CData sequences, digests, H2CTermReq, anything) written in segments of its choosing, then
 * FIN. Each execution checks that
 * <ul>
 *   <li>the connection set-up works: every execution is a fresh connection, so a listener that stopped accepting
 *       fails the next one;</li>
 *   <li>everything the target sends back is a well-formed controller-to-host PDU (ICResp, CapsuleResp, C2HData, R2T,
 *       C2HTermReq: decoded by the host side of the codec with the negotiated digests), nothing follows a
 *       C2HTermReq, and the target ends the connection within 5 s of the host's FIN (no hang);</li>
 *   <li>no exception reached the Vert.x exception handler, and the target logged no ERROR (TcpQueue logs
 *       "internal error" for a RuntimeException it caught: a bug, never an answer to bad input).</li>
 * </ul>
 * After the run, every controller the fuzzer created is gone again (the admin fixture's is the only one left).
 *
 * <p>Input layout (so that seeds can be made from recorded sessions, {@code TcpQueueFuzzSeedsTest}):
 * <pre>
 *  @0  mode: value % 3; 0 = the stream follows ICReq/ICResp; 1 = also an admin Connect and CC.EN = 1 (an enabled
 *      controller's admin queue); 2 = an I/O queue (QID 1 or 2) of the enabled fixture controller
 *  @1  bit 0 HDGST, bit 1 DDGST asked for in the ICReq (the target grants what is asked)
 *  @2  segment size of the writes in bytes (0: the whole stream in one write)
 *  @3  reserved
 *  @4  the stream
 * </pre>
 * Regression inputs: {@code src/test/resources/io/nvmegate/transport/TcpQueueFuzzTestInputs/streamAfterICReq/}.
 */
class TcpQueueFuzzTest {
    static final String NQN = "nqn.2026-12.io.nvmegate:fuzz";
    /** Bytes of the input header before the stream. */
    static final int HEADER = 4;

    static Vertx vertx;
    static NvmeTcpServer server;
    static ControllerRegistry registry;
    static RawNvmeTcpHost admin;
    static int adminCntlid;
    static final Queue<String> uncaught = new ConcurrentLinkedQueue<>();
    static final Queue<String> errors = new ConcurrentLinkedQueue<>();
    static final AppenderBase<ILoggingEvent> ERRORS = new AppenderBase<>() {
        @Override
        protected void append(ILoggingEvent e) {
            if (e.getLevel().isGreaterOrEqual(Level.ERROR)) {
                errors.add(e.getLoggerName() + ": " + e.getFormattedMessage()
                        + (e.getThrowableProxy() != null ? " (" + e.getThrowableProxy().getClassName() + ": " + e.getThrowableProxy().getMessage() + ")" : ""));
            }
        }
    };

    /** Admin commands as every controller has them; I/O: Reads return zeros of the transfer length, everything else succeeds. */
    static final class FuzzCommandSet implements AdminCommandSet {
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
        ch.qos.logback.classic.Logger nvmegate = (ch.qos.logback.classic.Logger) LoggerFactory.getLogger("io.nvmegate");
        nvmegate.setLevel(Level.ERROR); // a WARN line per malformed PDU would be most of the run's output
        ERRORS.start();
        nvmegate.addAppender(ERRORS);
        vertx = Vertx.vertx();
        vertx.exceptionHandler(t -> uncaught.add(t.toString()));
        Subsystem s = new Subsystem(NQN, Subsystem.Identity.of("SN-FUZZ", "fuzz", "1"), new FuzzCommandSet(), h -> true);
        registry = new ControllerRegistry(1, 0xFFEF);
        FabricsConnect connect = new FabricsConnect(n -> n.equals(NQN) ? s : null, registry, TransportConfig.defaults(), vertx);
        server = new NvmeTcpServer(vertx, "127.0.0.1", 0, TransportConfig.defaults(), connect);
        server.listen().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    /**
     * The enabled controller whose I/O queues mode 2 connects, made at the first execution: its connect must run
     * inside {@link #loopbackOnly()}, which works only once Jazzer's agent is loaded (not yet in {@code @BeforeAll}
     * when fuzzing: BugDetectors then fails for good with "Failed to set network connection policy").
     */
    private static void adminFixture() throws IOException, PduException {
        if (admin != null) return;
        admin = RawNvmeTcpHost.connect(server.actualPort());
        admin.handshake();
        Cqe c = admin.connectAdmin(NQN, 0); // KATO 0: the fixture outlives any fuzzing run without keep-alives
        assertThat(c.success()).isTrue();
        assertThat(admin.enable().success()).isTrue();
        adminCntlid = c.dw0() & 0xFFFF;
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (admin == null) return; // start() failed
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (registry.controllers().size() > 1 && System.nanoTime() < deadline) Thread.sleep(20);
            assertThat(registry.controllers()).as("controllers left after the run").hasSize(1);
        } finally {
            if (admin != null) admin.close();
            ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger("io.nvmegate")).detachAppender(ERRORS);
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    /** Jazzer's SSRF detector reports every socket connect; this test's connects go to its own listener on loopback. */
    static SilentCloseable loopbackOnly() {
        return BugDetectors.allowNetworkConnections((host, port) -> host.equals("127.0.0.1") || host.equals("localhost"));
    }

    @FuzzTest
    void streamAfterICReq(byte[] input) throws Exception {
        if (input.length < HEADER) return;
        int mode = (input[0] & 0xFF) % 3;
        boolean hdgst = (input[1] & 1) != 0, ddgst = (input[1] & 2) != 0;
        int segment = input[2] & 0xFF;
        ByteBuffer stream = ByteBuffer.wrap(input, HEADER, input.length - HEADER);
        uncaught.clear();
        errors.clear();
        try (SilentCloseable net = loopbackOnly()) {
            adminFixture();
            run(mode, hdgst, ddgst, segment, stream);
        }
        assertThat(uncaught).as("exceptions that reached the Vert.x exception handler").isEmpty();
        assertThat(errors).as("ERROR log lines of the target").isEmpty();
    }

    private static void run(int mode, boolean hdgst, boolean ddgst, int segment, ByteBuffer stream) throws IOException, PduException {
        try (RawNvmeTcpHost h = open(mode, hdgst, ddgst)) {
            try {
                if (segment == 0) h.sendRaw(stream);
                else h.sendSegmented(stream, segment);
                h.socket().shutdownOutput();
            } catch (IOException closedByTheTarget) {
                // the target may end the connection (C2HTermReq, close) before it has read everything
            }
            drain(h);
        }
    }

    /** A fresh connection in the state {@code mode} names (see the class doc). */
    private static RawNvmeTcpHost open(int mode, boolean hdgst, boolean ddgst) throws IOException, PduException {
        RawNvmeTcpHost h = RawNvmeTcpHost.connect(server.actualPort(), RawNvmeTcpHost.Options.defaults().timeout(Duration.ofSeconds(5)));
        try {
            Pdu.ICResp r = h.handshake(hdgst, ddgst);
            assertThat(r.hdgst()).isEqualTo(hdgst);
            if (mode == 1) {
                Cqe c = h.connectAdmin(NQN, 0);
                assertThat(c.success()).as("admin Connect %s", c).isTrue();
                assertThat(h.enable().success()).isTrue();
            } else if (mode == 2) {
                for (int qid = 1; qid <= 2; qid++) {
                    if (h.connectIo(NQN, qid, 31, adminCntlid).success()) break;
                    // the queue of an earlier execution may not be released yet: try the other one; if both are
                    // busy the stream goes to a connection that is not bound to any controller (still fuzzing)
                }
            }
            return h;
        } catch (IOException | PduException | RuntimeException | Error e) {
            h.close();
            throw e;
        }
    }

    /** Reads the target's PDUs until it closes: each must decode; nothing may follow a C2HTermReq. */
    private static void drain(RawNvmeTcpHost h) throws PduException, IOException {
        Pdu.TermReq term = null;
        while (true) {
            Pdu p;
            try {
                p = h.receive();
            } catch (EOFException closed) {
                return;
            } catch (SocketTimeoutException hang) {
                throw new AssertionError("the target neither closed the connection nor sent anything for 5 s after the host's FIN");
            } catch (IOException reset) {
                return; // connection reset: the target closed with unread bytes, a close all the same
            }
            assertThat(term).as("a PDU after the C2HTermReq: %s", p).isNull();
            assertThat(p.type().hostToController).as("the target sent %s", p.type()).isFalse();
            if (p instanceof Pdu.TermReq t) term = t;
        }
    }
}
