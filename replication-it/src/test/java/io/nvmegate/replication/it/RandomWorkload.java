package io.nvmegate.replication.it;

import io.nvmegate.client.NvmeController;
import io.nvmegate.client.NvmeStatusException;
import io.nvmegate.protocol.Status;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A seeded random workload through the host library: {@code depth} commands outstanding at all times, half writes
 * and half reads, of 1..4 blocks mostly and 5..32 blocks (up to 128 KiB) otherwise, at random LBAs of the first
 * {@code spanBlocks} blocks (a small span, so that blocks are rewritten and read often). Every command goes into a
 * {@link History}; errors are counted by status.
 */
public final class RandomWorkload {
    private final NvmeController controller;
    private final History history;
    private final int nsid, blockSize, depth;
    private final long spanBlocks;
    private final long seed;
    private final AtomicLong writeIds = new AtomicLong();
    private final AtomicLong writesOk = new AtomicLong(), readsOk = new AtomicLong();
    private final Map<String, Long> errors = new TreeMap<>();
    /** {invoke, complete} of every acknowledged write, for failover times. */
    private final ConcurrentLinkedQueue<long[]> acknowledged = new ConcurrentLinkedQueue<>();
    private final ExecutorService loop = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "workload");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean stopping;
    private CountDownLatch drained;

    public RandomWorkload(NvmeController controller, History history, int nsid, int blockSize, long spanBlocks, int depth, long seed) {
        this.controller = controller;
        this.history = history;
        this.nsid = nsid;
        this.blockSize = blockSize;
        this.spanBlocks = spanBlocks;
        this.depth = depth;
        this.seed = seed;
    }

    /** Starts {@code depth} loops, each issuing its next command when the previous one completes. */
    public void start() {
        drained = new CountDownLatch(depth);
        SplittableRandom master = new SplittableRandom(seed);
        for (int i = 0; i < depth; i++) {
            SplittableRandom rnd = master.split();
            loop.execute(() -> next(rnd));
        }
    }

    private void next(SplittableRandom rnd) {
        if (stopping) {
            drained.countDown();
            return;
        }
        int nlb = rnd.nextInt(10) < 7 ? 1 + rnd.nextInt(4) : 5 + rnd.nextInt(28);
        long slba = rnd.nextLong(spanBlocks - nlb + 1);
        CompletableFuture<?> f;
        try {
            f = issue(rnd, slba, nlb);
        } catch (RuntimeException e) { // e.g. the connection is gone: count it, go on a little later
            error("submit", e);
            CompletableFuture.delayedExecutor(100, TimeUnit.MILLISECONDS, loop).execute(() -> next(rnd));
            return;
        }
        f.whenCompleteAsync((x, t) -> next(rnd), loop);
    }

    private CompletableFuture<?> issue(SplittableRandom rnd, long slba, int nlb) {
        CompletableFuture<?> f;
        if (rnd.nextBoolean()) {
            long id = writeIds.incrementAndGet();
            byte[] data = BlockValues.encode(id, slba, nlb, blockSize);
            long invoke = System.nanoTime();
            f = controller.writeAsync(nsid, slba, data, blockSize, rnd.nextInt(8) == 0).whenComplete((cqe, t) -> {
                long complete = System.nanoTime();
                if (t == null) {
                    writesOk.incrementAndGet();
                    acknowledged.add(new long[]{invoke, complete});
                    history.write(new History.Write(id, slba, nlb, invoke, complete, 0));
                } else {
                    history.write(new History.Write(id, slba, nlb, invoke, History.NEVER, error("write", t)));
                }
            });
        } else {
            long invoke = System.nanoTime();
            f = controller.readAsync(nsid, slba, nlb, blockSize).whenComplete((data, t) -> {
                long complete = System.nanoTime();
                if (t == null) {
                    readsOk.incrementAndGet();
                    history.read(new History.Read(slba, nlb, invoke, complete, BlockValues.decode(data, slba, nlb, blockSize)));
                } else {
                    error("read", t);
                }
            });
        }
        return f;
    }

    private int error(String op, Throwable t) {
        Throwable c = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
        int status = c instanceof NvmeStatusException s ? s.status() : -1;
        String key = op + " " + (status >= 0 ? Status.describe(status) : c.getClass().getSimpleName());
        synchronized (errors) {
            errors.merge(key, 1L, Long::sum);
        }
        return status;
    }

    /** Stops issuing and waits (at most {@code seconds}) for the outstanding commands. @return whether they all ended */
    public boolean stop(int seconds) throws InterruptedException {
        stopping = true;
        boolean done = drained.await(seconds, TimeUnit.SECONDS);
        loop.shutdown();
        return done;
    }

    /**
     * Reads every block of the span, {@code nlb} at a time, after everything else ended: the final reads of the
     * history ("every acknowledged write is readable afterwards"). A read that fails is counted and retried, for at
     * most {@code retrySeconds} per read.
     */
    public void readAll(int nlb, int retrySeconds) throws InterruptedException {
        for (long slba = 0; slba < spanBlocks; slba += nlb) {
            int n = (int) Math.min(nlb, spanBlocks - slba);
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(retrySeconds);
            while (true) {
                long invoke = System.nanoTime();
                try {
                    byte[] data = controller.read(nsid, slba, n, blockSize);
                    history.read(new History.Read(slba, n, invoke, System.nanoTime(), BlockValues.decode(data, slba, n, blockSize)));
                    break;
                } catch (RuntimeException e) {
                    error("final read", e);
                    if (System.nanoTime() > end) throw e;
                    Thread.sleep(500);
                }
            }
        }
    }

    public long writesOk() { return writesOk.get(); }

    public long readsOk() { return readsOk.get(); }

    /** @return error counts by "op status" */
    public Map<String, Long> errors() {
        synchronized (errors) {
            return new TreeMap<>(errors);
        }
    }

    public long errorCount() {
        return errors().values().stream().mapToLong(Long::longValue).sum();
    }

    /**
     * @return the time from {@code atNanos} to the completion of the first acknowledged write invoked at or after
     *         it, ms; -1 if none
     */
    public double firstWriteAfterMs(long atNanos) {
        long best = Long.MAX_VALUE;
        for (long[] w : acknowledged) if (w[0] >= atNanos && w[1] < best) best = w[1];
        return best == Long.MAX_VALUE ? -1 : (best - atNanos) / 1e6;
    }

    /** A snapshot of the acknowledged writes' {invoke, complete}. */
    List<long[]> acknowledgedWrites() {
        return new ArrayList<>(acknowledged);
    }
}
