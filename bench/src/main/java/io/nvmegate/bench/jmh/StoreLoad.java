package io.nvmegate.bench.jmh;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.nvmegate.storage.RocksDbBlockStore;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * A closed-loop load on the RocksDB block store as the block worker drives it: {@code threads} storage threads
 * (the worker's pool is max(4, 2 x cores)), each calling the store back to back, for {@code seconds}; prints
 * ops/s and the process CPU per op (every thread of the JVM, RocksDB's flush and compaction threads included).
 * Not a JMH benchmark: the CPU of background work is what write jobs are about.
 *
 * <pre>
 * java -cp nvmegate-bench.jar io.nvmegate.bench.jmh.StoreLoad JOB [threads] [seconds] [MiB pre-filled]
 * JOB: write4k, fua4k, writeflush4k (write, then flush), write128k, read4k, read128k, mixed4k (70 % reads, 30 % writes)
 * java -cp nvmegate-bench.jar io.nvmegate.bench.jmh.StoreLoad burst1m [threads] [MiB to write]
 * </pre>
 * {@code burst1m} writes MiB of 1 MiB writes (a file copy into a fresh namespace: the write-stall case)
 * as fast as the store takes them and prints MiB/s, the longest write and the CPU per MiB.
 * Reads copy the result into a pooled direct buffer, as the transport does with heap data (a direct result is
 * only sliced), so heap and direct results are compared at the same point.
 */
public final class StoreLoad {
    static final int BS = 4096;

    public static void main(String[] args) throws Exception {
        String job = args[0];
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        long mib = args.length > 3 ? Long.parseLong(args[3]) : 256;
        long blocks = (mib << 20) / BS;
        if (job.equals("burst1m")) {
            burst(threads, args.length > 2 ? Long.parseLong(args[2]) : 1024);
            return;
        }
        Path dir = Files.createTempDirectory("nvmegate-storeload");
        RocksDbBlockStore store = new RocksDbBlockStore(dir);
        UUID ns = UUID.randomUUID();
        SplittableRandom rnd = new SplittableRandom(3);
        byte[] fill = new byte[BS * 256];
        rnd.nextBytes(fill);
        for (long lba = 0; lba + 256 <= blocks; lba += 256) store.write(ns, BS, lba, 256, Buffer.buffer(fill), false);
        int nlb = job.endsWith("128k") ? 32 : 1;
        byte[] d = new byte[BS * nlb];
        rnd.nextBytes(d);
        LongAdder ops = new LongAdder();
        AtomicBoolean measuring = new AtomicBoolean();
        AtomicBoolean stop = new AtomicBoolean();
        Thread[] ts = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            ts[t] = new Thread(() -> {
                ThreadLocalRandom r = ThreadLocalRandom.current();
                // request data arrives in a direct Netty buffer (H2CData / in-capsule data)
                ByteBuf src = PooledByteBufAllocator.DEFAULT.directBuffer(d.length);
                src.writeBytes(d);
                Buffer data = BufferInternal.buffer(src);
                while (!stop.get()) {
                    long lba = r.nextLong(blocks - nlb);
                    switch (job) {
                        case "write4k", "write128k" -> store.write(ns, BS, lba, nlb, data, false);
                        case "fua4k" -> store.write(ns, BS, lba, nlb, data, true);
                        case "writeflush4k" -> {
                            store.write(ns, BS, lba, nlb, data, false);
                            store.flush();
                        }
                        case "read4k", "read128k" -> consume(store.read(ns, BS, lba, nlb));
                        case "mixed4k" -> {
                            if (r.nextInt(10) < 3) store.write(ns, BS, lba, nlb, data, false);
                            else consume(store.read(ns, BS, lba, nlb));
                        }
                        default -> throw new IllegalArgumentException(job);
                    }
                    if (measuring.get()) ops.increment();
                }
            }, "storage-" + t);
            ts[t].start();
        }
        Thread.sleep(2000);
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpu0 = os.getProcessCpuTime();
        long t0 = System.nanoTime();
        measuring.set(true);
        Thread.sleep(seconds * 1000L);
        measuring.set(false);
        long t1 = System.nanoTime();
        long cpu1 = os.getProcessCpuTime();
        stop.set(true);
        for (Thread t : ts) t.join();
        long n = ops.sum();
        System.out.printf("%s threads=%d ops/s=%.0f cpu_us/op=%.1f ops=%d%n", job, threads, n / ((t1 - t0) / 1e9),
                (cpu1 - cpu0) / 1e3 / Math.max(1, n), n);
        store.close();
        try (var s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    static void burst(int threads, long mib) throws Exception {
        Path dir = Files.createTempDirectory("nvmegate-storeload");
        RocksDbBlockStore store = new RocksDbBlockStore(dir);
        UUID ns = UUID.randomUUID();
        byte[] d = new byte[1 << 20];
        new SplittableRandom(5).nextBytes(d);
        java.util.concurrent.atomic.AtomicLong next = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.atomic.AtomicLong maxNanos = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.ConcurrentLinkedQueue<Long> slow = new java.util.concurrent.ConcurrentLinkedQueue<>();
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpu0 = os.getProcessCpuTime();
        long t0 = System.nanoTime();
        Thread[] ts = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            ts[t] = new Thread(() -> {
                ByteBuf src = PooledByteBufAllocator.DEFAULT.directBuffer(d.length);
                src.writeBytes(d);
                Buffer data = BufferInternal.buffer(src);
                for (long i; (i = next.getAndIncrement()) < mib; ) {
                    long s0 = System.nanoTime();
                    store.write(ns, BS, i * 256, 256, data, false);
                    long took = System.nanoTime() - s0;
                    maxNanos.accumulateAndGet(took, Math::max);
                    if (took > 100_000_000L) slow.add(took / 1_000_000);
                }
            });
            ts[t].start();
        }
        for (Thread t : ts) t.join();
        long t1 = System.nanoTime();
        long cpu1 = os.getProcessCpuTime();
        System.out.printf("burst1m threads=%d MiB=%d MiB/s=%.0f max_write_ms=%.0f writes_over_100ms=%d cpu_ms/MiB=%.2f%n", threads, mib,
                mib / ((t1 - t0) / 1e9), maxNanos.get() / 1e6, slow.size(), (cpu1 - cpu0) / 1e6 / mib);
        store.close();
        try (var s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static void consume(Buffer b) {
        ByteBuf bb = ((BufferInternal) b).getByteBuf();
        if (bb.isDirect()) {
            bb.nioBuffer(); // the transport wraps a slice
        } else {
            ByteBuf copy = PooledByteBufAllocator.DEFAULT.directBuffer(bb.readableBytes());
            copy.writeBytes(bb, bb.readerIndex(), bb.readableBytes());
            copy.release();
        }
    }
}
