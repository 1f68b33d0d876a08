package io.nvmegate.launcher.conformance;

import io.nvmegate.client.CommandBuilders;
import io.nvmegate.client.IoQueue;
import io.nvmegate.client.NvmeController;
import io.nvmegate.client.NvmeStatusException;
import io.nvmegate.controller.ControllerRegistry;
import io.nvmegate.protocol.Opcodes;
import io.nvmegate.protocol.Status;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static io.nvmegate.launcher.conformance.ConformanceTarget.connect;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Controller life cycle: reset by CC.EN 1 → 0 → 1 (NVMe Base 2.0 section 3.7.2), shutdown by CC.SHN (3.6),
 * Fabrics Disconnect of an I/O queue and of the admin queue (NVMe-oF 1.1 section 3.4), Keep Alive Timer expiry
 * and traffic-based keep alive (NVMe Base 2.0 section 3.9).
 */
@ExtendWith(ConformanceTarget.class)
class LifecycleConformanceTest {
    static final int CC_ENABLED = 1 | 6 << 16 | 4 << 20;

    static ControllerRegistry registry() { return ConformanceTarget.node().gateway().controllers(); }

    static void await(String what, long ms, BooleanSupplier cond) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > end) throw new AssertionError("not within " + ms + " ms: " + what);
            Thread.sleep(20);
        }
    }

    @Test
    void resetDeletesIoQueuesAbortsAersAndKeepsTheAssociation() throws Exception {
        try (NvmeController c = connect()) {
            byte[] data = new byte[8 * 4096];
            new SplittableRandom(3).nextBytes(data);
            c.write(1, 4000, data, 4096, true);
            int cntlid = c.cntlid();
            List<IoQueue> before = c.ioQueues();
            CompletableFuture<Integer> aer = c.asyncEventRequest();
            c.reset();
            assertThatThrownBy(() -> aer.get(2, TimeUnit.SECONDS)).hasCauseInstanceOf(NvmeStatusException.class)
                    .satisfies(t -> assertThat(((NvmeStatusException) t.getCause()).status()).isEqualTo(Status.ABORT_SQ_DELETION));
            await("old I/O queues closed", 2000, () -> before.stream().noneMatch(IoQueue::isOpen));
            assertThat(c.cntlid()).isEqualTo(cntlid);
            assertThat(registry().get(cntlid)).isNotNull();
            assertThat(c.ioQueueCount()).isEqualTo(2);
            assertThat(c.read(1, 4000, 8, 4096)).isEqualTo(data);
            assertThat(c.propertyGet(CommandBuilders.PROP_CSTS, false) & 1).isEqualTo(1);
        }
    }

    @Test
    void commandsWhileDisabledAreACommandSequenceError() {
        try (NvmeController c = connect(b -> b.ioQueues(0))) {
            c.propertySet(CommandBuilders.PROP_CC, CC_ENABLED & ~1, false);
            assertThat(c.propertyGet(CommandBuilders.PROP_CSTS, false) & 1).as("CSTS.RDY").isZero();
            ConformanceTarget.assertStatus(c::identifyController, Status.dnr(Status.COMMAND_SEQUENCE_ERROR));
            c.propertySet(CommandBuilders.PROP_CC, CC_ENABLED, false);
            assertThat(c.identifyController().cntlid()).isEqualTo(c.cntlid());
        }
    }

    /** CC.SHN = 01b: CSTS.SHST goes to 10b once every namespace is flushed. */
    @Test
    void shutdownNotification() throws Exception {
        try (NvmeController c = connect()) {
            c.write(1, 10, new byte[4096], 4096, false);
            c.propertySet(CommandBuilders.PROP_CC, CC_ENABLED | 1 << 14, false);
            await("CSTS.SHST = complete", 5000, () -> (c.propertyGet(CommandBuilders.PROP_CSTS, false) >> 2 & 3) == 2);
        }
    }

    @Test
    void disconnectOfAnIoQueueClosesOnlyThatQueue() throws Exception {
        try (NvmeController c = connect()) {
            IoQueue q2 = c.io(2);
            assertThat(q2.disconnectAsync().get(5, TimeUnit.SECONDS).status()).isEqualTo(Status.SUCCESS);
            await("queue 2 closed", 3000, () -> !q2.isOpen());
            c.io(1).write(1, 0, new byte[4096], 4096, false);
            assertThat(registry().get(c.cntlid())).isNotNull();
        }
    }

    @Test
    void disconnectOfTheAdminQueueDestroysTheController() throws Exception {
        NvmeController c = connect();
        try {
            int cntlid = c.cntlid();
            assertThat(c.submit(0, CommandBuilders.disconnect(), null, 0).get(5, TimeUnit.SECONDS).cqe().status()).isEqualTo(Status.SUCCESS);
            await("controller destroyed", 3000, () -> registry().get(cntlid) == null);
            await("host sees every queue closed", 3000, c::isClosed);
        } finally {
            c.close();
        }
    }

    /** KATO expiry: the controller is torn down and every queue closed (NVMe Base 2.0 section 3.9.5). */
    @Test
    void keepAliveTimeoutTearsTheControllerDown() throws Exception {
        try (NvmeController c = connect()) {
            int cntlid = c.cntlid();
            c.setFeatures(Opcodes.FEAT_KEEP_ALIVE_TIMER, 300, false); // the host keeps sending every 5 s
            await("controller destroyed after KATO", 3000, () -> registry().get(cntlid) == null);
            await("admin and I/O connections closed", 3000, () -> c.isClosed() && c.ioQueues().stream().noneMatch(IoQueue::isOpen));
        }
    }

    /** CTRATT.TBKAS: any command restarts the keep-alive timer. */
    @Test
    void trafficBasedKeepAlive() throws Exception {
        try (NvmeController c = connect(b -> b.keepAliveTimeoutMs(0))) {
            int cntlid = c.cntlid();
            c.setFeatures(Opcodes.FEAT_KEEP_ALIVE_TIMER, 400, false);
            long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1600);
            while (System.nanoTime() < end) {
                c.read(1, 0, 1, 4096);
                Thread.sleep(100);
            }
            assertThat(registry().get(cntlid)).as("alive on I/O traffic alone").isNotNull();
            await("destroyed once silent", 2000, () -> registry().get(cntlid) == null);
        }
    }
}
