package io.nvmegate.client;

import io.nvmegate.protocol.Cqe;
import io.nvmegate.protocol.Opcodes;
import io.nvmegate.protocol.PduException;
import io.nvmegate.protocol.Sqe;
import io.nvmegate.protocol.Status;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/** The host library end to end against {@link FakeTarget} over loopback TCP. */
@Timeout(60)
class LoopbackTest {
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
    void connectIdentifyAndClose() {
        NvmeController c = NvmeTcpHost.connect(target.options().ioQueues(2).ioQueueSize(64).keepAliveTimeoutMs(15000).build());
        assertThat(c.cntlid()).isEqualTo(7);
        assertThat(c.ioQueueCount()).isEqualTo(2);
        assertThat(c.version()).isEqualTo(0x00010300);
        assertThat(c.controllerData().sn()).isEqualTo("FAKE0001");
        assertThat(c.controllerData().mn()).isEqualTo("nvmegate fake target");
        assertThat(c.controllerData().subnqn()).isEqualTo(FakeTarget.NQN);
        assertThat(c.identifyController().cntlid()).isEqualTo(7);
        IdentifyNamespace ns = c.identifyNamespace(1);
        assertThat(ns.blockSize()).isEqualTo(512);
        assertThat(ns.nsze()).isEqualTo(target.blocks);
        assertThat(c.identifyNamespace(2).active()).isFalse();
        assertThat(c.activeNamespaces(0)).containsExactly(1);
        assertThat(c.activeNamespaces(1)).isEmpty();
        List<NamespaceDescriptor> d = c.namespaceDescriptors(1);
        assertThat(d).extracting(NamespaceDescriptor::nidt).containsExactly(NamespaceDescriptor.NGUID, NamespaceDescriptor.CSI);
        assertThat(d.get(0).value()).isEqualTo(ns.nguid());
        assertThat(c.getFeatures(Opcodes.FEAT_VOLATILE_WRITE_CACHE, 0, 0).dw0()).isEqualTo(0x1234);
        c.keepAlive();
        assertThat(c.propertyGet(CommandBuilders.PROP_CSTS, false) & 1).isEqualTo(1);

        // Connect fields: admin SQSIZE 31 with KATO, I/O queues SQSIZE 63 with KATO 0 and the CNTLID.
        assertThat(target.connectQids).containsExactly(0, 1, 2);
        assertThat(target.connectSqsizes).containsExactly(31, 63, 63);
        assertThat(target.connectKatos).containsExactly(15000, 0, 0);
        assertThat(target.connectCntlids).containsExactly(0xFFFF, 7, 7);
        assertThat(target.lastHostNqn).isEqualTo(c.options().hostNqn());
        assertThat(target.propertySets.get(0)).isEqualTo(1 | 6 << 16 | 4 << 20);

        assertThat(Thread.getAllStackTraces().keySet()).extracting(Thread::getName).contains("nvme-host-q0-cntlid7", "nvme-host-q2-cntlid7");

        c.close();
        assertThat(target.propertySets).last().isEqualTo((long) (1 | 6 << 16 | 4 << 20 | 1 << 14));
        c.close(); // idempotent
        assertThat(c.isClosed()).isTrue();
        assertThatThrownBy(() -> c.read(1, 0, 1, 512)).isInstanceOf(NvmeException.class);
    }

    @ParameterizedTest(name = "hdgst={0} ddgst={1} queues={2} sqflowOff={3}")
    @CsvSource({"false,false,1,false", "true,false,2,false", "false,true,3,false", "true,true,2,true"})
    void writeReadVerifyRandomBlocks(boolean hd, boolean dd, int queues, boolean sqflowOff) throws Exception {
        try (NvmeController c = NvmeTcpHost.connect(target.options().headerDigest(hd).dataDigest(dd).ioQueues(queues)
                .ioQueueSize(32).disableSqFlowControl(sqflowOff).build())) {
            int bs = c.identifyNamespace(1).blockSize();
            long nblocks = target.blocks;
            SplittableRandom r = new SplittableRandom(hd ? 7 : 11);
            byte[] shadow = new byte[(int) (nblocks * bs)];
            // 1000 random writes, 100 in flight at a time (disjoint within a batch, since they complete in any
            // order), sizes from one block to 512 KiB: in-capsule, one R2T, several R2Ts of several H2CData each.
            List<CompletableFuture<Cqe>> writes = new ArrayList<>();
            boolean[] busy = new boolean[(int) nblocks];
            for (int i = 0; i < 1000; i++) {
                if (i % 100 == 0) {
                    for (CompletableFuture<Cqe> w : writes) w.get();
                    writes.clear();
                    Arrays.fill(busy, false);
                }
                int nlb = i % 50 == 0 ? 256 + r.nextInt(769) : 1 + r.nextInt(i % 7 == 0 ? 300 : 8);
                long slba;
                do {
                    slba = r.nextLong(nblocks - nlb);
                } while (overlaps(busy, slba, nlb));
                Arrays.fill(busy, (int) slba, (int) slba + nlb, true);
                byte[] data = new byte[nlb * bs];
                r.nextBytes(data);
                System.arraycopy(data, 0, shadow, (int) slba * bs, data.length);
                writes.add(c.writeAsync(1, slba, data, bs, i % 3 == 0));
            }
            for (CompletableFuture<Cqe> w : writes) w.get();
            c.flush(1);
            assertThat(target.r2tsSent.get()).isGreaterThan(0);
            assertThat(target.inCapsuleWrites.get()).isGreaterThan(0);

            // Read back: the whole namespace in 256 KiB reads, many outstanding.
            int chunkBlocks = 512;
            List<CompletableFuture<byte[]>> reads = new ArrayList<>();
            for (long lba = 0; lba < nblocks; lba += chunkBlocks) reads.add(c.readAsync(1, lba, chunkBlocks, bs));
            for (int i = 0; i < reads.size(); i++) {
                byte[] got = reads.get(i).get();
                byte[] want = Arrays.copyOfRange(shadow, i * chunkBlocks * bs, (i + 1) * chunkBlocks * bs);
                assertThat(got).as("blocks %d..", i * chunkBlocks).isEqualTo(want);
            }
            assertThat(c.read(1, 3, 1, bs)).isEqualTo(Arrays.copyOfRange(shadow, 3 * bs, 4 * bs));
        }
    }

    private static boolean overlaps(boolean[] busy, long slba, int nlb) {
        for (int k = 0; k < nlb; k++) if (busy[(int) slba + k]) return true;
        return false;
    }

    @Test
    void concurrentThreadsWithSmallQueueUseTheBacklog() throws Exception {
        target.maxH2CData = 4096;
        target.ioccsz = 4; // no in-capsule I/O data: every write uses R2T
        try (NvmeController c = NvmeTcpHost.connect(target.options().ioQueues(2).ioQueueSize(4).build())) {
            assertThat(c.io(1).depth()).isEqualTo(3);
            assertThat(c.io(1).inCapsuleDataSize()).isZero();
            ExecutorService pool = Executors.newFixedThreadPool(8);
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int thread = t;
                fs.add(pool.submit(() -> {
                    SplittableRandom r = new SplittableRandom(thread);
                    for (int i = 0; i < 40; i++) {
                        long slba = thread * 4000L + i * 40L;
                        byte[] data = new byte[512 * (1 + r.nextInt(40))];
                        r.nextBytes(data);
                        c.io(1 + (i & 1)).write(1, slba, data, 512, false);
                        assertThat(c.read(1, slba, data.length / 512, 512)).isEqualTo(data);
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) f.get(30, TimeUnit.SECONDS);
            pool.shutdown();
            // Also a burst far beyond the depth from one thread.
            List<CompletableFuture<byte[]>> burst = new ArrayList<>();
            for (int i = 0; i < 300; i++) burst.add(c.io(1).readAsync(1, i, 1, 512));
            for (CompletableFuture<byte[]> f : burst) assertThat(f.get()).hasSize(512);
        }
        assertThat(target.maxOutstanding.get()).isLessThanOrEqualTo(3);
    }

    @Test
    void dependentStagesMaySubmitFromTheReaderThread() throws Exception {
        try (NvmeController c = NvmeTcpHost.connect(target.options().ioQueueSize(4).build())) {
            byte[] data = new byte[256 * 1024];
            new SplittableRandom(5).nextBytes(data);
            // write -> (on the reader thread) large write needing R2T -> read back, chained without blocking.
            byte[] got = c.writeAsync(1, 0, data, 512, false)
                    .thenCompose(x -> c.writeAsync(1, 1000, data, 512, false))
                    .thenCompose(x -> c.readAsync(1, 1000, data.length / 512, 512))
                    .get(10, TimeUnit.SECONDS);
            assertThat(got).isEqualTo(data);
        }
    }

    @Test
    void blockingCallOnReaderThreadIsRefused() throws Exception {
        try (NvmeController c = NvmeTcpHost.connect(target.options().build())) {
            CompletableFuture<byte[]> nested = c.readAsync(1, 0, 1, 512).thenApply(x -> c.read(1, 1, 1, 512));
            Throwable t = catchThrowable(() -> nested.get(5, TimeUnit.SECONDS));
            assertThat(t).hasCauseInstanceOf(IllegalStateException.class);
            assertThat(t.getCause()).hasMessageContaining("reader thread");
        }
    }

    @Test
    void writeZeroesAndDeallocate() {
        try (NvmeController c = NvmeTcpHost.connect(target.options().build())) {
            byte[] ones = new byte[4096];
            Arrays.fill(ones, (byte) 1);
            c.write(1, 0, ones, 512, false);
            c.writeZeroes(1, 1, 2, false);
            c.deallocate(1, List.of(new DsmRange(5, 1), new DsmRange(7, 1)));
            byte[] back = c.read(1, 0, 8, 512);
            for (int b = 0; b < 8; b++) {
                byte want = (byte) (b == 1 || b == 2 || b == 5 || b == 7 ? 0 : 1);
                assertThat(back[b * 512]).as("block %d", b).isEqualTo(want);
            }
        }
    }

    @Test
    void errorStatusBecomesNvmeStatusException() {
        try (NvmeController c = NvmeTcpHost.connect(target.options().build())) {
            Throwable t = catchThrowable(() -> c.read(1, target.blocks, 1, 512));
            assertThat(t).isInstanceOf(NvmeStatusException.class).hasMessageContaining("LBA Out of Range").hasMessageContaining("Read NSID 1");
            NvmeStatusException e = (NvmeStatusException) t;
            assertThat(e.sc()).isEqualTo(Status.LBA_OUT_OF_RANGE);
            assertThat(e.dnr()).isTrue();
            assertThat(e.qid()).isEqualTo(1);
            // A large write rejected before any R2T also fails cleanly.
            Throwable w = catchThrowable(() -> c.write(1, target.blocks - 1, new byte[64 * 1024], 512, false));
            assertThat(w).isInstanceOf(NvmeStatusException.class);
            // The queue still works.
            assertThat(c.read(1, 0, 1, 512)).hasSize(512);
            assertThatThrownBy(() -> c.getLogPage(0x02, 0, false, 0, 512, 0)).isInstanceOf(NvmeStatusException.class)
                    .hasMessageContaining("Get Log Page LID 0x02");
        }
    }

    @Test
    void controllerTermReqFailsEveryOutstandingCommand() throws Exception {
        try (NvmeController c = NvmeTcpHost.connect(target.options().ioQueues(2).build())) {
            IoQueue q = c.io(1);
            CompletableFuture<Completion> hang = q.submitIo(Sqe.allocate().opcode(FakeTarget.OPC_BLACKHOLE).nsid(1), null, 0);
            CompletableFuture<Completion> term = q.submitIo(Sqe.allocate().opcode(FakeTarget.OPC_TERMINATE).nsid(1), null, 0);
            for (CompletableFuture<Completion> f : List.of(hang, term)) {
                Throwable t = catchThrowable(() -> f.get(5, TimeUnit.SECONDS));
                assertThat(t).isInstanceOf(ExecutionException.class);
                assertThat(t.getCause()).isInstanceOf(NvmeTransportException.class);
                NvmeTransportException e = (NvmeTransportException) t.getCause();
                assertThat(e.terminatedByController()).isTrue();
                assertThat(e.fes()).isEqualTo(PduException.FES_PDU_SEQUENCE_ERROR);
                assertThat(e.fei()).isZero();
                assertThat(e).hasMessageContaining("C2HTermReq FES 2");
            }
            assertThat(q.isOpen()).isFalse();
            assertThatThrownBy(() -> q.read(1, 0, 1, 512)).isInstanceOf(NvmeTransportException.class);
            // The other queue and the admin queue are unaffected.
            assertThat(c.io(2).read(1, 0, 1, 512)).hasSize(512);
            c.keepAlive();
        }
    }

    @Test
    void timeoutKeepsTheQueueUsable() throws Exception {
        try (NvmeController c = NvmeTcpHost.connect(target.options().commandTimeoutMs(300).ioQueueSize(3).build())) {
            CompletableFuture<Completion> f = c.submit(1, Sqe.allocate().opcode(FakeTarget.OPC_BLACKHOLE).nsid(1), null, 0);
            Throwable t = catchThrowable(() -> f.get(5, TimeUnit.SECONDS));
            assertThat(t.getCause()).isInstanceOf(NvmeTimeoutException.class).hasMessageContaining("300 ms");
            // One CID is still reserved for the lost command; the other works.
            for (int i = 0; i < 20; i++) assertThat(c.read(1, i, 1, 512)).hasSize(512);
        }
    }

    @Test
    void connectionLossFailsCommands() throws Exception {
        NvmeController c = NvmeTcpHost.connect(target.options().build());
        CompletableFuture<Completion> hang = c.submit(1, Sqe.allocate().opcode(FakeTarget.OPC_BLACKHOLE).nsid(1), null, 0);
        CompletableFuture<Integer> aer = c.asyncEventRequest();
        target.dropConnections();
        assertThat(catchThrowable(() -> hang.get(5, TimeUnit.SECONDS))).hasCauseInstanceOf(NvmeTransportException.class);
        assertThat(catchThrowable(() -> aer.get(5, TimeUnit.SECONDS))).hasCauseInstanceOf(NvmeTransportException.class);
        assertThat(c.isClosed()).isTrue();
        c.close(); // does not hang or throw
    }

    @Test
    void asyncEventRequestFailsOnClose() throws Exception {
        NvmeController c = NvmeTcpHost.connect(target.options().build());
        CompletableFuture<Integer> aer = c.asyncEventRequest();
        Thread.sleep(50);
        assertThat(aer).isNotDone();
        c.close();
        assertThat(catchThrowable(() -> aer.get(5, TimeUnit.SECONDS))).hasCauseInstanceOf(NvmeException.class);
    }

    @Test
    void keepAliveIsSentEveryHalfKato() throws Exception {
        try (NvmeController c = NvmeTcpHost.connect(target.options().keepAliveTimeoutMs(200).build())) {
            assertThat(c.options().keepAliveTimeoutMs()).isEqualTo(200);
            Thread.sleep(650);
            assertThat(target.keepAlives.get()).isBetween(2, 8);
        }
    }

    @Test
    void connectRejectedNamesTheStatusAndField() {
        Throwable t = catchThrowable(() -> NvmeTcpHost.connect(target.options().subsystemNqn("nqn.wrong").build()));
        assertThat(t).isInstanceOf(NvmeStatusException.class)
                .hasMessageContaining("Fabrics Connect")
                .hasMessageContaining("nqn.wrong")
                .hasMessageContaining("Connect Invalid Parameters")
                .hasMessageContaining("Connect data offset 256 (SUBNQN)");
        assertThat(((NvmeStatusException) t).status()).isEqualTo(Status.dnr(Status.CONNECT_INVALID_PARAMETERS));
    }

    @Test
    void badIcRespIsRejected() {
        target.cpda = 1;
        assertThatThrownBy(() -> NvmeTcpHost.connect(target.options().build()))
                .isInstanceOf(NvmeTransportException.class).hasMessageContaining("CPDA");
        target.cpda = 0;
        target.maxH2CData = 2048;
        assertThatThrownBy(() -> NvmeTcpHost.connect(target.options().build()))
                .isInstanceOf(NvmeTransportException.class).hasMessageContaining("MAXH2CDATA");
    }

    @Test
    void queueSizeClampedToMqes() {
        target.mqes = 15; // CAP.MQES 0's based: 16 entries
        try (NvmeController c = NvmeTcpHost.connect(target.options().ioQueueSize(128).build())) {
            assertThat(c.io(1).depth()).isEqualTo(15);
            assertThat(target.connectSqsizes).containsExactly(31, 15);
        }
    }

    @Test
    void discovery() {
        target.discoveryRecords = 9; // 9 KiB of entries: three Get Log Page commands of <= 4 KiB
        DiscoveryLog log = NvmeTcpHost.discover("127.0.0.1", target.port());
        assertThat(log.entries()).hasSize(9);
        assertThat(log.entries().get(8).subnqn()).isEqualTo(FakeTarget.NQN + 8);
        assertThat(log.entries().get(8).traddr()).isEqualTo("127.0.0.9");
        assertThat(log.entries().get(8).port()).isEqualTo(4428);
        assertThat(log.entries().get(0).subtype()).isEqualTo(DiscoveryLogEntry.SUBTYPE_NVM);
        assertThat(target.connectKatos).containsExactly(0);

        // The log changes between reads: the host re-reads it.
        target.bumpGenctrTimes = 2;
        long before = target.genctr.get();
        DiscoveryLog again = NvmeTcpHost.discover(ConnectOptions.builder("127.0.0.1", target.port()).build());
        assertThat(again.genctr()).isEqualTo(before + 2);
        assertThat(again.entries()).hasSize(9);

        target.discoveryRecords = 0;
        assertThat(NvmeTcpHost.discover("127.0.0.1", target.port()).entries()).isEmpty();
    }

    @Test
    void adminOnlyController() {
        try (NvmeController c = NvmeTcpHost.connect(target.options().ioQueues(0).keepAliveTimeoutMs(0).build())) {
            assertThat(c.ioQueueCount()).isZero();
            assertThatThrownBy(() -> c.read(1, 0, 1, 512)).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> c.io(1)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void rawSubmitOnAdminQueue() throws Exception {
        try (NvmeController c = NvmeTcpHost.connect(target.options().build())) {
            Completion id = c.submit(0, CommandBuilders.identify(Opcodes.CNS_CONTROLLER, 0, 0), null, 4096).get();
            assertThat(IdentifyController.parse(id.bytes()).cntlid()).isEqualTo(7);
            assertThatThrownBy(() -> c.submit(0, CommandBuilders.read(1, 0, 1), ByteBuffer.allocate(8), 8))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }
}
