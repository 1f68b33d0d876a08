package io.nvmegate.embedded;

import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.internal.PlatformDependent;
import io.nvmegate.client.ConnectOptions;
import io.nvmegate.client.NvmeController;
import io.nvmegate.client.NvmeTcpHost;
import io.nvmegate.client.IoQueue;
import io.nvmegate.protocol.Opcodes;
import io.nvmegate.protocol.Pdu;
import io.nvmegate.protocol.Sqe;
import io.nvmegate.protocol.Status;
import io.nvmegate.storage.SlowBlockStore;
import io.nvmegate.testkit.RawNvmeTcpHost;
import io.nvmegate.transport.InflightBudget;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Overload without errors (issue 18): many hosts at a deep queue depth against a backend slower than they are
 * ({@link Backend#SLOW}: every store call delayed, {@code -Dnvmegate.test.storeLatencyMicros}), in one JVM with the
 * Java host library.
 *
 * <ul>
 *   <li>{@link #manyHostsDeepQueuesSlowStoreEveryCommandCompletes}: {@code controllers x queues} I/O connections
 *       (default 8 x 8 = 64), each keeping {@code qd} 128 KiB writes outstanding (default 32; 128 with
 *       {@code -Doverload.qd=128}) for {@code rounds} rounds, against a process {@link InflightBudget} of
 *       {@code budgetMiB} (default 16; 0 = no limit, to see what the bound saves). Every command must succeed (none
 *       failed, none timed out at the host: its 30 s command timeout stays in force); the bytes in flight never
 *       exceed the budget; heap and direct memory after the run stay within bounds of their figures before it.</li>
 *   <li>{@link #hostThatStopsReadingStaysBoundedAndOthersAreServed}: a host submits 128 reads of 128 KiB (16 MiB) on
 *       one I/O queue and reads nothing; direct memory stays bounded (the per-queue cap on unwritten read data,
 *       4 MiB) while another host on the same target keeps completing I/O; closing the stalled host gives its
 *       in-flight share back.</li>
 * </ul>
 *
 * Properties for the full size ({@code -Doverload.qd=128}, {@code overload.controllers}, {@code overload.queues},
 * {@code overload.rounds}, {@code overload.budgetMiB}, {@code overload.latencyMicros}, {@code overload.ioKiB}).
 * Figures are printed (one line per test, prefix {@code overload:}).
 */
class OverloadBackPressureTest {
    static final String NQN = "nqn.2026-12.io.nvmegate:overload";
    static final int BS = 4096;
    static final int CONTROLLERS = Integer.getInteger("overload.controllers", 8);
    static final int QUEUES = Integer.getInteger("overload.queues", 8);
    static final int QD = Integer.getInteger("overload.qd", 32);
    static final int ROUNDS = Integer.getInteger("overload.rounds", 1);
    static final int IO = Integer.getInteger("overload.ioKiB", 128) * 1024;
    static final long BUDGET = Long.getLong("overload.budgetMiB", 16) << 20;
    static final long LATENCY_US = Long.getLong("overload.latencyMicros", 2000);
    /** The host library's command timeout (ms): 30 s, as the Linux host's io_timeout. */
    static final int HOST_TIMEOUT_MS = Integer.getInteger("overload.hostTimeoutMs", 30_000);
    /** Written LBAs wrap at this many MiB (the memory store under the slow one keeps what is written on the heap). */
    static final long REGION_BLOCKS = (Long.getLong("overload.regionMiB", 16) << 20) / BS;
    /** {@code slow} (default) or {@code rocksdb} (a RocksDB burst: e.g. 1 GiB of 1 MiB writes to new LBAs). */
    static final String BACKEND = System.getProperty("overload.backend", "slow");
    static final long MIB = 1L << 20;

    static NvmegateTarget target;
    static long savedBytes;
    static int savedCommands;

    @BeforeAll
    static void start() throws Exception {
        System.setProperty(SlowBlockStore.LATENCY_PROPERTY, Long.toString(LATENCY_US));
        InflightBudget b = InflightBudget.process();
        savedBytes = b.maxBytes();
        savedCommands = b.maxCommands();
        Backend backend = BACKEND.equals("rocksdb")
                ? Backend.rocksdb(java.nio.file.Files.createTempDirectory("overload-rocksdb")) : Backend.SLOW;
        target = NvmegateTarget.builder()
                .transport(TcpTransportOptions.defaults().withMaxQueueDepth(Math.max(128, QD))
                        .withMaxIoSize(Math.max(IO, TcpTransportOptions.defaults().maxIoSize())))
                .namespace(NQN, 1, Math.max(1L << 30, REGION_BLOCKS * BS), BS, backend)
                .namespace(NQN, 2, 64L << 20, BS, Backend.MEMORY)
                .build();
        target.start().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() {
        InflightBudget.process().resize(savedBytes, savedCommands);
        System.clearProperty(SlowBlockStore.LATENCY_PROPERTY);
        if (target != null) target.close();
    }

    /** Direct memory now: the JDK's direct buffer pool and Netty's own count (no-cleaner buffers), bytes. */
    static long direct() {
        long jdk = 0;
        for (BufferPoolMXBean p : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if (p.getName().equals("direct")) jdk = p.getMemoryUsed();
        }
        return jdk + Math.max(0, PlatformDependent.usedDirectMemory());
    }

    /** Heap used after a full GC, bytes. */
    static long heapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** Samples peaks every 20 ms: direct memory, heap used (without GC) and the budget's bytes in flight. */
    static final class Sampler implements AutoCloseable {
        final AtomicLong peakDirect = new AtomicLong(), peakHeap = new AtomicLong();
        final Thread thread;
        volatile boolean running = true;

        Sampler() {
            thread = new Thread(() -> {
                while (running) {
                    peakDirect.accumulateAndGet(direct(), Math::max);
                    peakHeap.accumulateAndGet(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(), Math::max);
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "overload-sampler");
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            thread.join();
        }
    }

    static String mib(long bytes) {
        return String.format("%.1f", bytes / (double) MIB);
    }

    @Test
    void manyHostsDeepQueuesSlowStoreEveryCommandCompletes() throws Exception {
        InflightBudget budget = InflightBudget.process();
        budget.resize(BUDGET, InflightBudget.DEFAULT_COMMANDS);
        List<NvmeController> hosts = new ArrayList<>();
        try {
            for (int c = 0; c < CONTROLLERS; c++) {
                hosts.add(NvmeTcpHost.connect(ConnectOptions.builder(target.host(), target.port()).subsystemNqn(NQN)
                        .ioQueues(QUEUES).ioQueueSize(QD).commandTimeoutMs(HOST_TIMEOUT_MS).build()));
            }
            byte[] pattern = new byte[IO];
            new SplittableRandom(18).nextBytes(pattern);
            ByteBuffer data = ByteBuffer.allocateDirect(IO).put(pattern).flip().asReadOnlyBuffer();
            long heapBefore = heapAfterGc(), directBefore = direct();
            budget.resetPeaks();
            AtomicInteger ok = new AtomicInteger(), failed = new AtomicInteger();
            AtomicReference<Throwable> firstFailure = new AtomicReference<>();
            pathRetries.set(0);
            List<CompletableFuture<?>> lanes = new ArrayList<>();
            long t0 = System.nanoTime();
            try (Sampler sampler = new Sampler()) {
                int lane = 0;
                for (NvmeController h : hosts) {
                    for (IoQueue q : h.ioQueues()) {
                        for (int i = 0; i < QD; i++, lane++) {
                            lanes.add(writes(q, lane, QD * QUEUES * CONTROLLERS, data, ROUNDS, ok, failed, firstFailure));
                        }
                    }
                }
                CompletableFuture.allOf(lanes.toArray(CompletableFuture[]::new)).get(10, TimeUnit.MINUTES);
                long ms = (System.nanoTime() - t0) / 1_000_000;
                long heapAfter = heapAfterGc(), directAfter = direct();
                long commands = (long) lanes.size() * ROUNDS;
                System.out.printf("overload (" + BACKEND + "): %d connections x QD%d x %d KiB writes x %d rounds = %d commands (%d MiB) in %d ms, "
                                + "store latency %d us; %d ok, %d failed, %d path-status retries; budget %s MiB: in flight peak %s MiB, %d commands; "
                                + "direct %s -> %s MiB (peak %s); heap after GC %s -> %s MiB (peak used %s)%n",
                        lanes.size() / QD, QD, IO / 1024, ROUNDS, commands, commands * IO / MIB, ms, LATENCY_US, ok.get(), failed.get(), pathRetries.get(),
                        BUDGET == 0 ? "none" : mib(BUDGET), mib(budget.peakBytes()), budget.peakCommands(),
                        mib(directBefore), mib(directAfter), mib(sampler.peakDirect.get()),
                        mib(heapBefore), mib(heapAfter), mib(sampler.peakHeap.get()));
                assertThat(failed.get()).as("failed commands (first: %s)", firstFailure.get()).isZero();
                assertThat(ok.get()).isEqualTo((int) commands);
                if (BUDGET > 0) {
                    assertThat(budget.peakBytes()).as("bytes in flight never above the budget").isLessThanOrEqualTo(BUDGET);
                }
                assertThat(directAfter - directBefore).as("direct memory growth").isLessThan(64 * MIB);
                assertThat(heapAfter - heapBefore).as("heap growth after GC (the 16 MiB written region included)").isLessThan(256 * MIB);
            }
            // the data arrived whole: the pattern is at the first slot
            byte[] back = hosts.get(0).ioQueues().get(0).read(1, 0, IO / BS, BS);
            assertThat(back).isEqualTo(pattern);
            assertThat(budget.bytes()).as("nothing in flight at rest").isZero();
        } finally {
            for (NvmeController h : hosts) h.close();
        }
    }

    /** Commands answered with a path-related status (SCT 3h) and sent again, as a Linux multipath host requeues them. */
    static final AtomicInteger pathRetries = new AtomicInteger();

    /**
     * {@code rounds} writes of {@code data} on {@code q}, one after the other: lane {@code lane} of {@code lanes}
     * writes I/O slot {@code lane + round * lanes} (wrapping at the region), so a run writes new LBAs in order.
     */
    static CompletableFuture<Void> writes(IoQueue q, int lane, int lanes, ByteBuffer data, int rounds, AtomicInteger ok, AtomicInteger failed,
                                          AtomicReference<Throwable> firstFailure) {
        CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
        for (int r = 0; r < rounds; r++) {
            long slba = ((lane + (long) r * lanes) * (IO / BS)) % REGION_BLOCKS;
            chain = chain.thenCompose(v -> write(q, slba, data, ok, failed, firstFailure, 0));
        }
        return chain;
    }

    /**
     * One write; a path-related status (SCT 3h: the gateway's lease lapsed under CPU starvation, ANA Inaccessible) is
     * retried after 100 ms up to 100 times and counted ({@link #pathRetries}), as the Linux host's native multipath
     * requeues such a command instead of failing it; any other failure counts as failed.
     */
    static CompletableFuture<Void> write(IoQueue q, long slba, ByteBuffer data, AtomicInteger ok, AtomicInteger failed,
                                         AtomicReference<Throwable> firstFailure, int attempt) {
        return q.writeAsync(1, slba, data.duplicate(), BS, false).handle((cqe, e) -> {
            if (e == null) {
                ok.incrementAndGet();
                return CompletableFuture.<Void>completedFuture(null);
            }
            Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
            if (cause instanceof io.nvmegate.client.NvmeStatusException se && se.sct() == 3 && attempt < 100) {
                pathRetries.incrementAndGet();
                return CompletableFuture.runAsync(() -> { }, CompletableFuture.delayedExecutor(100, TimeUnit.MILLISECONDS))
                        .thenCompose(v -> write(q, slba, data, ok, failed, firstFailure, attempt + 1));
            }
            failed.incrementAndGet();
            firstFailure.compareAndSet(null, e);
            return CompletableFuture.<Void>completedFuture(null);
        }).thenCompose(f -> f);
    }

    @Test
    void hostThatStopsReadingStaysBoundedAndOthersAreServed() throws Exception {
        InflightBudget budget = InflightBudget.process();
        budget.resize(savedBytes, savedCommands);
        int reads = 128;
        try (NvmeController other = NvmeTcpHost.connect(ConnectOptions.builder(target.host(), target.port()).subsystemNqn(NQN)
                .ioQueues(1).ioQueueSize(32).build());
             RawNvmeTcpHost admin = RawNvmeTcpHost.connect(target.port())) {
            admin.handshake();
            int cntlid = admin.adminQueue(NQN);
            long heapBefore = heapAfterGc(), directBefore = direct();
            long served;
            long peakDirect;
            try (Sampler sampler = new Sampler();
                 RawNvmeTcpHost stalled = RawNvmeTcpHost.connect(target.port(), RawNvmeTcpHost.Options.defaults().slowReader(8192))) {
                stalled.handshake();
                assertThat(stalled.connectIo(NQN, 1, reads - 1, cntlid).status()).isEqualTo(Status.SUCCESS);
                for (int i = 0; i < reads; i++) {
                    stalled.send(new Pdu.CapsuleCmd(Sqe.allocate().opcode(Opcodes.IO_READ).cid(i).nsid(2).slba(0).nlb(IO / BS)
                            .sglId(Sqe.SGL_TRANSPORT_DATA_BLOCK).sglLength(IO), ByteBuffer.allocate(0)));
                }
                stalled.flush(); // 16 MiB of read data asked for, none read
                // meanwhile the other host keeps going: 4 KiB writes and reads for 3 s
                byte[] block = new byte[BS];
                new SplittableRandom(7).nextBytes(block);
                long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
                served = 0;
                while (System.nanoTime() < until) {
                    other.write(2, 100, block, BS, false);
                    assertThat(other.read(2, 100, 1, BS)).isEqualTo(block);
                    served += 2;
                }
                peakDirect = sampler.peakDirect.get();
            }
            long directAfter = direct();
            System.out.printf("overload: a host asked for %d reads of %d KiB and read nothing for 3 s: direct %s -> peak %s MiB "
                            + "(after its close %s MiB), heap after GC before %s MiB; another host completed %d I/Os meanwhile%n",
                    reads, IO / 1024, mib(directBefore), mib(peakDirect), mib(directAfter), mib(heapBefore), served);
            assertThat(served).as("I/Os of the other host while one stalls").isGreaterThan(50);
            assertThat(peakDirect - directBefore).as("direct memory while a host stalls").isLessThan(16 * MIB);
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (budget.bytes() != 0 && System.nanoTime() < until) Thread.sleep(20);
            assertThat(budget.bytes()).as("in flight after the stalled host closed").isZero();
        }
    }
}
