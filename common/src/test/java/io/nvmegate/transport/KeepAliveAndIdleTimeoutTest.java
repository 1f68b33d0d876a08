package io.nvmegate.transport;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nvmegate.metrics.NodeMetrics;
import io.nvmegate.protocol.Cqe;
import io.nvmegate.protocol.Opcodes;
import io.nvmegate.protocol.Sqe;
import io.nvmegate.protocol.Status;
import io.nvmegate.testkit.RawNvmeTcpHost;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keep Alive Timer (NVMe Base 2.0 section 3.9) and the idle limits of {@link IdleTimeouts}, over real sockets:
 * <ul>
 *   <li>a host silent after its admin Connect with KATO 2000 ms is dropped 2000 ms after that Connect, not later
 *       (the periodic check it replaced dropped it after 4015 ms: up to 2 × KATO);</li>
 *   <li>the timer counts from the last command: a Keep Alive at 1500 ms moves the end to 3500 ms;</li>
 *   <li>a controller with KATO 0 and no I/O queue is closed after {@code nvmegate.idle.adminNoIoMs};</li>
 *   <li>a connection with no Connect (nothing sent, or ICReq only) is closed after {@code nvmegate.idle.preConnectMs}.</li>
 * </ul>
 * Short limits through the system properties (600 ms and 400 ms here); about 12 s.
 */
class KeepAliveAndIdleTimeoutTest {
    static final String NQN = "nqn.2026-11.io.nvmegate:idle";
    static final int ADMIN_NO_IO_MS = 600, PRE_CONNECT_MS = 400;
    /** Timer and scheduling slack allowed past a limit on a shared 2-core machine. */
    static final int SLACK_MS = 400;
    static Vertx vertx;
    static NvmeTcpServer server;
    static SimpleMeterRegistry meters = new SimpleMeterRegistry();

    @BeforeAll
    static void start() throws Exception {
        System.setProperty(IdleTimeouts.ADMIN_NO_IO_PROPERTY, String.valueOf(ADMIN_NO_IO_MS));
        System.setProperty(IdleTimeouts.PRE_CONNECT_PROPERTY, String.valueOf(PRE_CONNECT_MS));
        vertx = Vertx.vertx();
        new NodeMetrics(meters).attach(vertx);
        server = TestTargets.listen(vertx, NQN, new TcpQueueFatalErrorTest.EmptyCommandSet());
    }

    @AfterAll
    static void stop() throws Exception {
        System.clearProperty(IdleTimeouts.ADMIN_NO_IO_PROPERTY);
        System.clearProperty(IdleTimeouts.PRE_CONNECT_PROPERTY);
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** @return ms from {@code sinceNanos} until the target closed {@code h} (fails after {@code maxMs}) */
    private static long closedAfter(RawNvmeTcpHost h, long sinceNanos, int maxMs) throws Exception {
        assertThat(h.closedWithin(maxMs)).as("closed within %d ms", maxMs).isTrue();
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sinceNanos);
    }

    private static double idleCloses(String reason) {
        var c = meters.find("nvmegate.idle.closes").tag("reason", reason).counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void silentHostIsDroppedOneKatoAfterItsLastCommand() throws Exception {
        int kato = 2000;
        try (RawNvmeTcpHost h = RawNvmeTcpHost.connect(server.actualPort())) {
            h.handshake();
            Cqe c = h.connectAdmin(NQN, kato);
            long connected = System.nanoTime();
            assertThat(c.status()).isEqualTo(Status.SUCCESS);
            long ms = closedAfter(h, connected, 3 * kato);
            assertThat(ms).as("KATO %d ms: dropped after %d ms", kato, ms).isBetween(kato - 100L, (long) kato + SLACK_MS);
        }
    }

    @Test
    void keepAliveCommandRestartsTheTimer() throws Exception {
        int kato = 2000;
        try (RawNvmeTcpHost h = RawNvmeTcpHost.connect(server.actualPort())) {
            h.handshake();
            assertThat(h.connectAdmin(NQN, kato).status()).isEqualTo(Status.SUCCESS);
            assertThat(h.enable().status()).isEqualTo(Status.SUCCESS); // Keep Alive needs CC.EN = 1
            Thread.sleep(1500);
            assertThat(h.command(Sqe.allocate().opcode(Opcodes.ADMIN_KEEP_ALIVE).cid(h.cid())).status()).isEqualTo(Status.SUCCESS);
            long last = System.nanoTime();
            long ms = closedAfter(h, last, 3 * kato);
            assertThat(ms).as("dropped %d ms after the Keep Alive", ms).isBetween(kato - 100L, (long) kato + SLACK_MS);
        }
    }

    @Test
    void controllerWithoutKatoOrIoQueueIsClosedWhenIdle() throws Exception {
        double before = idleCloses("admin_no_io");
        try (RawNvmeTcpHost h = RawNvmeTcpHost.connect(server.actualPort())) {
            h.handshake();
            assertThat(h.connectAdmin(NQN, 0).status()).isEqualTo(Status.SUCCESS);
            long connected = System.nanoTime();
            long ms = closedAfter(h, connected, 5 * ADMIN_NO_IO_MS);
            assertThat(ms).isBetween(ADMIN_NO_IO_MS - 100L, (long) ADMIN_NO_IO_MS + SLACK_MS);
        }
        assertThat(idleCloses("admin_no_io")).isEqualTo(before + 1);
    }

    @Test
    void controllerWithAnIoQueueIsNotClosedWhenIdle() throws Exception {
        try (RawNvmeTcpHost h = RawNvmeTcpHost.connect(server.actualPort())) {
            h.handshake();
            Cqe c = h.connectAdmin(NQN, 0);
            assertThat(c.status()).isEqualTo(Status.SUCCESS);
            try (RawNvmeTcpHost io = RawNvmeTcpHost.connect(server.actualPort())) {
                io.handshake();
                assertThat(io.connectIo(NQN, 1, 31, c.dw0() & 0xFFFF).status()).isEqualTo(Status.SUCCESS);
                assertThat(h.closedWithin(3 * ADMIN_NO_IO_MS)).isFalse();
                assertThat(io.closedWithin(10)).isFalse();
            }
        }
    }

    @Test
    void connectionWithoutConnectIsClosed() throws Exception {
        double before = idleCloses("pre_connect");
        try (RawNvmeTcpHost silent = RawNvmeTcpHost.connect(server.actualPort());
             RawNvmeTcpHost icreqOnly = RawNvmeTcpHost.connect(server.actualPort())) {
            long opened = System.nanoTime();
            icreqOnly.handshake();
            assertThat(closedAfter(silent, opened, 5 * PRE_CONNECT_MS)).isBetween(PRE_CONNECT_MS - 100L, (long) PRE_CONNECT_MS + SLACK_MS);
            assertThat(closedAfter(icreqOnly, opened, 5 * PRE_CONNECT_MS)).isBetween(PRE_CONNECT_MS - 100L, (long) PRE_CONNECT_MS + SLACK_MS);
        }
        assertThat(idleCloses("pre_connect")).isEqualTo(before + 2);
    }

    @Test
    void connectedQueueIsNotClosedByThePreConnectLimit() throws Exception {
        try (RawNvmeTcpHost h = RawNvmeTcpHost.connect(server.actualPort())) {
            h.handshake();
            assertThat(h.connectAdmin(NQN, 30_000).status()).isEqualTo(Status.SUCCESS);
            assertThat(h.closedWithin(3 * PRE_CONNECT_MS)).isFalse();
        }
    }
}
