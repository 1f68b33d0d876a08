package io.nvmegate.bench;

import io.nvmegate.client.NvmeController;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.lang.management.ManagementFactory;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A closed-loop load generator on the project's host library: keeps {@link Workload#depth()} commands in flight;
 * each completion submits the next. Latency is recorded per command in an HdrHistogram (1 µs .. 60 s, 3 significant digits).
 */
public final class LoadGenerator {
    private final NvmeController controller;
    private final java.util.function.LongSupplier cpuNanos;

    /** CPU time per I/O counts this process only. */
    public LoadGenerator(NvmeController controller) {
        this(controller, LoadGenerator::cpuNanos);
    }

    /** @param cpuNanos CPU time counter (ns) for the CPU-per-I/O column, e.g. this process plus a worker process */
    public LoadGenerator(NvmeController controller, java.util.function.LongSupplier cpuNanos) {
        this.controller = controller;
        this.cpuNanos = cpuNanos;
    }

    public Result run(Workload w) throws InterruptedException {
        Recorder recorder = new Recorder(1, 60_000_000L, 3);
        AtomicLong errors = new AtomicLong();
        AtomicLong completed = new AtomicLong();
        AtomicLong sequential = new AtomicLong();
        byte[] payload = new byte[w.ioSize()];
        new SplittableRandom(1).nextBytes(payload);
        long slots = w.span() / w.ioSize();
        int nlb = w.ioSize() / w.blockSize();
        long start = System.nanoTime();
        long measureFrom = start + w.warmup().toNanos();
        long end = measureFrom + w.duration().toNanos();
        CountDownLatch done = new CountDownLatch(w.depth());
        Runnable[] loops = new Runnable[w.depth()];
        for (int i = 0; i < w.depth(); i++) {
            SplittableRandom rnd = new SplittableRandom(1000 + i);
            loops[i] = new Runnable() {
                @Override
                public void run() {
                    long now = System.nanoTime();
                    if (now >= end) {
                        done.countDown();
                        return;
                    }
                    long slot = w.random() ? rnd.nextLong(slots) : sequential.getAndIncrement() % slots;
                    long slba = slot * nlb;
                    boolean read = rnd.nextInt(100) < w.readPct();
                    CompletableFuture<?> f = read ? controller.readAsync(w.nsid(), slba, nlb, w.blockSize())
                            : controller.writeAsync(w.nsid(), slba, payload, w.blockSize(), false);
                    f.whenComplete((r, t) -> {
                        long t1 = System.nanoTime();
                        if (t != null) errors.incrementAndGet();
                        if (now >= measureFrom && t1 <= end) {
                            recorder.recordValue(Math.max(1, (t1 - now) / 1000));
                            completed.incrementAndGet();
                        }
                        resubmit(this);
                    });
                }
            };
        }
        for (Runnable r : loops) r.run();
        long sleep = (measureFrom - System.nanoTime()) / 1_000_000;
        if (sleep > 0) Thread.sleep(sleep);
        recorder.getIntervalHistogram(); // drop warm-up samples
        long cpu0 = cpuNanos.getAsLong(), own0 = cpuNanos();
        long t0 = System.nanoTime();
        // CPU counters read at the end of the window, before the commands still in flight drain
        long left = (end - System.nanoTime()) / 1_000_000;
        if (left > 0) done.await(left, TimeUnit.MILLISECONDS);
        long cpu = cpuNanos.getAsLong() - cpu0, own = cpuNanos() - own0;
        double secs = (Math.min(System.nanoTime(), end) - t0) / 1e9;
        done.await(w.warmup().toMillis() + w.duration().toMillis() + 60_000, TimeUnit.MILLISECONDS);
        Histogram h = recorder.getIntervalHistogram();
        long ios = h.getTotalCount();
        return new Result(ios, ios / secs, ios * (double) w.ioSize() / secs / (1 << 20),
                h.getValueAtPercentile(50), h.getValueAtPercentile(99), h.getValueAtPercentile(99.9),
                ios == 0 ? 0 : cpu / 1000.0 / ios, errors.get(), ios == 0 ? 0 : own / 1000.0 / ios);
    }

    private static final ThreadLocal<int[]> DEPTH = ThreadLocal.withInitial(() -> new int[1]);
    private static final java.util.concurrent.ExecutorService SPILL = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "loadgen-spill");
        t.setDaemon(true);
        return t;
    });

    /** Runs the next command; a completion that arrived before its callback was attached runs inline, so bound the stack. */
    private static void resubmit(Runnable next) {
        int[] d = DEPTH.get();
        if (d[0] > 32) {
            SPILL.execute(next);
            return;
        }
        d[0]++;
        try {
            next.run();
        } finally {
            d[0]--;
        }
    }

    static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }
}
