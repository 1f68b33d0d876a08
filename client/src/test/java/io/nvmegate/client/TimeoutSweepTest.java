package io.nvmegate.client;

import io.nvmegate.protocol.Sqe;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Command timeouts through the per-queue sweep (no timer task per command): commands the controller never
 * answers, sent or waiting in the backlog for a CID, fail with {@link NvmeTimeoutException} between their timeout
 * and their timeout plus one sweep period; the controller's timer holds a fixed number of tasks however many
 * commands are outstanding.
 */
@Timeout(60)
class TimeoutSweepTest {
    private FakeTarget target;

    @BeforeEach
    void start() throws Exception {
        target = new FakeTarget();
    }

    @AfterEach
    void stop() throws Exception {
        target.close();
        assertThat(target.violations).as("protocol violations seen by the target").isEmpty();
    }

    @Test
    void unansweredCommandsFailByTheSweep() throws Exception {
        // queue size 4: 3 CIDs, so 3 commands are sent and 2 wait in the backlog; all time out
        try (NvmeController c = NvmeTcpHost.connect(target.options().commandTimeoutMs(250).ioQueues(1).ioQueueSize(4).build())) {
            long period = QueueConnection.sweepPeriodMs(c.options());
            assertThat(period).isEqualTo(25);
            long t0 = System.nanoTime();
            List<CompletableFuture<Completion>> lost = new ArrayList<>();
            for (int i = 0; i < 5; i++) lost.add(c.submit(1, Sqe.allocate().opcode(FakeTarget.OPC_BLACKHOLE).nsid(1), null, 0));
            for (CompletableFuture<Completion> f : lost) {
                Throwable t = catchThrowable(() -> f.get(5, TimeUnit.SECONDS));
                assertThat(t).as("timed out through the sweep").isNotNull();
                assertThat(t.getCause()).isInstanceOf(NvmeTimeoutException.class).hasMessageContaining("no completion within 250 ms");
            }
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertThat(ms).isGreaterThanOrEqualTo(250).isLessThan(250 + 2000); // shared CI machine: generous upper bound
        }
    }

    @Test
    void answeredCommandsDoNotTimeOut() throws Exception {
        try (NvmeController c = NvmeTcpHost.connect(target.options().commandTimeoutMs(200).build())) {
            long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(600); // spans several timeouts and sweeps
            int n = 0;
            while (System.nanoTime() < end) {
                assertThat(c.read(1, n % 64, 1, 512)).hasSize(512);
                n++;
            }
            assertThat(n).isPositive();
        }
    }

    @Test
    void noTimerTaskPerOutstandingCommand() throws Exception {
        try (NvmeController c = NvmeTcpHost.connect(target.options().ioQueues(2).ioQueueSize(128).keepAliveTimeoutMs(10_000).build())) {
            int before = c.timerTasks(); // admin + 2 I/O queue sweeps, keep alive
            assertThat(before).isEqualTo(4);
            List<CompletableFuture<Completion>> lost = new ArrayList<>();
            for (int i = 0; i < 100; i++) lost.add(c.submit(1 + i % 2, Sqe.allocate().opcode(FakeTarget.OPC_BLACKHOLE).nsid(1), null, 0));
            assertThat(c.timerTasks()).isEqualTo(before);
            assertThat(lost).noneMatch(CompletableFuture::isDone);
        }
    }
}
