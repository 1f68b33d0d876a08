package io.nvmegate.replication.it;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes and read-backs through a {@link MultipathHost}: {@code threads} threads, one command outstanding each,
 * thread i on NSID {@code 1 + i % namespaces}, LBAs {@code [64 i, 64 i + 64)} of its own, so every block has one
 * writer and a read must return that writer's last acknowledged write ({@link BlockValues}: a block holds its
 * write ID and LBA), or one of the writes that failed since. One read per three writes; {@value #PAUSE_MS} ms
 * between commands (a few hundred commands per second: fine-grained times, little CPU).
 */
public final class MultipathLoad {
    static final int SPAN = 64;
    static final long PAUSE_MS = 2;
    static final long SLOW_MS = 500;

    private final MultipathHost host;
    private final int threads;
    private final int namespaces;
    private final long t0;
    private final List<Thread> workers = new ArrayList<>();
    private final List<String> mismatches = Collections.synchronizedList(new ArrayList<>());
    private final List<String> slow = Collections.synchronizedList(new ArrayList<>());
    private final AtomicLong writes = new AtomicLong(), reads = new AtomicLong(), failed = new AtomicLong();
    private volatile boolean running = true;

    public MultipathLoad(MultipathHost host, int threads, int namespaces, long t0) {
        this.host = host;
        this.threads = threads;
        this.namespaces = namespaces;
        this.t0 = t0;
    }

    public MultipathLoad start() {
        for (int i = 0; i < threads; i++) {
            int idx = i;
            Thread t = new Thread(() -> loop(idx), "multipath-load-" + i);
            t.setDaemon(true);
            workers.add(t);
            t.start();
        }
        return this;
    }

    private void loop(int idx) {
        int bs = GatewayCluster.BLOCK_SIZE;
        int nsid = 1 + idx % namespaces;
        long base = (long) idx * SPAN;
        SplittableRandom rnd = new SplittableRandom(15 + idx);
        Map<Long, Set<Long>> expected = new HashMap<>();
        long seq = 0;
        while (running) {
            long lba = base + rnd.nextInt(SPAN);
            boolean read = rnd.nextInt(4) == 0;
            long start = System.nanoTime();
            String what = (read ? "read" : "write") + " NSID " + nsid + " LBA " + lba;
            try {
                if (read) {
                    byte[] data = host.run(what, nsid, false, c -> c.readAsync(nsid, lba, 1, bs));
                    long v = BlockValues.decode(data, lba, 1, bs)[0];
                    Set<Long> ok = expected.getOrDefault(lba, Set.of(BlockValues.INITIAL));
                    if (!ok.contains(v)) {
                        mismatches.add(String.format("t+%d ms %s returned write %d, expected one of %s", ms(System.nanoTime()), what, v, ok));
                    }
                    reads.incrementAndGet();
                } else {
                    long id = (idx + 1L) * 1_000_000_000L + ++seq;
                    byte[] data = BlockValues.encode(id, lba, 1, bs);
                    try {
                        host.run(what, nsid, true, c -> c.writeAsync(nsid, lba, data, bs, false));
                        expected.put(lba, Set.of(id));
                        writes.incrementAndGet();
                    } catch (MultipathHost.IoError e) {
                        Set<Long> ok = new HashSet<>(expected.getOrDefault(lba, Set.of(BlockValues.INITIAL)));
                        ok.add(id); // failed: it may or may not have landed
                        expected.put(lba, ok);
                        throw e;
                    }
                }
            } catch (MultipathHost.IoError e) {
                failed.incrementAndGet();
            } catch (InterruptedException e) {
                return;
            }
            long tookMs = (System.nanoTime() - start) / 1_000_000;
            if (tookMs >= SLOW_MS) slow.add(String.format("t+%d ms %s took %d ms", ms(start), what, tookMs));
            try {
                Thread.sleep(PAUSE_MS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private long ms(long nanos) { return (nanos - t0) / 1_000_000; }

    /** Stops the threads; @return whether all ended within {@code timeoutMs} (each finishes its command first) */
    public boolean stop(long timeoutMs) throws InterruptedException {
        running = false;
        long end = System.currentTimeMillis() + timeoutMs;
        for (Thread t : workers) t.join(Math.max(1, end - System.currentTimeMillis()));
        return workers.stream().noneMatch(Thread::isAlive);
    }

    public long writes() { return writes.get(); }

    public long reads() { return reads.get(); }

    /** @return commands that failed (also in {@link MultipathHost#errors()}) */
    public long failed() { return failed.get(); }

    /** @return reads that returned something else than the block's last acknowledged write */
    public List<String> mismatches() { return List.copyOf(mismatches); }

    /** @return commands that took at least {@value #SLOW_MS} ms (retries and waits included) */
    public List<String> slow() { return List.copyOf(slow); }
}
