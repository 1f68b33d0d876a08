package io.nvmegate.embedded;

import io.nvmegate.client.ConnectOptions;
import io.nvmegate.client.NvmeController;
import io.nvmegate.client.NvmeTcpHost;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Target and host library in one JVM cannot deadlock: 1,000 I/Os outstanding at once from the host library
 * against an in-process target, 50 rounds, each bounded in time, every read verified; no host-library callback
 * runs on a target thread and the target's futures complete off its event loops.
 */
class ConcurrentHostIoTest {
    static final String NQN = "nqn.2026-11.io.nvmegate:embedded-concurrency";
    static final int BS = 4096;
    static final int IOS = 1000;
    static final int ROUNDS = 50;
    static final long ROUND_LIMIT_S = 30;

    @Test
    void thousandConcurrentIosFiftyTimesWithoutStall() throws Exception {
        Set<Thread> before = Set.copyOf(Thread.getAllStackTraces().keySet());
        NvmegateTarget target = NvmegateTarget.builder()
                .transport(TcpTransportOptions.defaults().withMaxQueueDepth(1024))
                .namespace(NQN, 1, 64L << 20, BS, Backend.MEMORY)
                .build();
        Thread startCallback = target.start().thenApply(t -> Thread.currentThread()).toCompletableFuture().get(60, TimeUnit.SECONDS);
        try (target) {
            Set<Thread> targetThreads = Thread.getAllStackTraces().keySet().stream().filter(t -> !before.contains(t))
                    .filter(t -> !t.getName().startsWith("ForkJoinPool")).collect(Collectors.toSet());
            assertThat(targetThreads.stream().map(Thread::getName)).anyMatch(n -> n.startsWith("vert.x-eventloop-thread"));
            // start() completes on a CompletableFuture async thread: the common pool, or with fewer than 2 CPUs one
            // new "Thread-N" per task (CompletableFuture's ThreadPerTaskExecutor) -- never a Vert.x or Hazelcast thread.
            assertThat(startCallback.getName()).as("start() completes off the target's event loops and cluster threads")
                    .doesNotStartWith("vert.x-").doesNotStartWith("hz.");
            assertThat(targetThreads).doesNotContain(Thread.currentThread());

            Set<Thread> callbackThreads = ConcurrentHashMap.newKeySet();
            long worst = 0;
            try (NvmeController c = NvmeTcpHost.connect(ConnectOptions.builder(target.host(), target.port())
                    .subsystemNqn(NQN).ioQueues(2).ioQueueSize(1024).build())) {
                // 2 regions of 500 blocks: round r writes region r % 2 and reads the other, written in round r - 1
                for (int round = 0; round < ROUNDS; round++) {
                    int wRegion = round % 2, rRegion = 1 - wRegion;
                    List<CompletableFuture<?>> ios = new ArrayList<>(IOS);
                    long t0 = System.nanoTime();
                    for (int j = 0; j < IOS / 2; j++) {
                        ios.add(c.writeAsync(1, lba(wRegion, j), block(round, j), BS, false)
                                .thenRun(() -> callbackThreads.add(Thread.currentThread())));
                        final int jj = j, r = round;
                        ios.add(c.readAsync(1, lba(rRegion, j), 1, BS).thenAccept(data -> {
                            callbackThreads.add(Thread.currentThread());
                            byte[] want = r == 0 ? new byte[BS] : block(r - 1, jj).array();
                            if (!java.util.Arrays.equals(data, want)) throw new AssertionError("round " + r + " LBA " + lba(rRegion, jj) + " mismatch");
                        }));
                    }
                    assertThat(ios).hasSize(IOS);
                    try {
                        CompletableFuture.allOf(ios.toArray(CompletableFuture[]::new)).get(ROUND_LIMIT_S, TimeUnit.SECONDS);
                    } catch (TimeoutException e) {
                        long done = ios.stream().filter(CompletableFuture::isDone).count();
                        fail("round " + round + " stalled: " + done + " of " + IOS + " I/Os done after " + ROUND_LIMIT_S + " s");
                    }
                    worst = Math.max(worst, System.nanoTime() - t0);
                }
            }
            System.out.printf("%d rounds of %d concurrent I/Os: slowest round %.1f ms%n", ROUNDS, IOS, worst / 1e6);
            assertThat(callbackThreads).isNotEmpty();
            assertThat(callbackThreads).as("host-library completions never run on target threads").doesNotContainAnyElementsOf(targetThreads);
        }
    }

    static long lba(int region, int j) {
        return region * 1000L + j;
    }

    /** One block tagged with (round, j) so a stale or misplaced block is caught. */
    static ByteBuffer block(int round, int j) {
        ByteBuffer b = ByteBuffer.allocate(BS);
        for (int i = 0; i < BS; i += 8) b.putInt(i, round).putInt(i + 4, j);
        return b;
    }
}
