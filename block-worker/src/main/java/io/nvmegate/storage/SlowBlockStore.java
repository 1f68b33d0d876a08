package io.nvmegate.storage;

import io.vertx.core.buffer.Buffer;

import java.util.UUID;
import java.util.concurrent.locks.LockSupport;

/**
 * A test backend (catalog backend {@code "slow"}, issue 18): a {@link BlockStore} that delays every call by a fixed
 * latency before handing it to the store it decorates, like a disk slower than the hosts writing to it. A call
 * holds its storage thread for the delay, so a block worker with {@code nvmegate.storageThreads} threads serves at
 * most {@code threads / latency} calls per second whatever the hosts send: the overload tests use it to push the
 * gateway past what the backend takes (back-pressure, no errors). Not for production data.
 *
 * <p>Latency: system property {@value #LATENCY_PROPERTY} in microseconds (default {@value #DEFAULT_LATENCY_MICROS});
 * 0 = no delay. Semantics, units and errors are those of the decorated store ({@link BlockStore}).
 */
public final class SlowBlockStore implements BlockStore {
    /** System property: the delay of every call, microseconds. */
    public static final String LATENCY_PROPERTY = "nvmegate.test.storeLatencyMicros";
    public static final long DEFAULT_LATENCY_MICROS = 2000;

    private final BlockStore store;
    private final long latencyNanos;

    /** @param latencyMicros delay of every call, microseconds (≥ 0) */
    public SlowBlockStore(BlockStore store, long latencyMicros) {
        if (latencyMicros < 0) throw new IllegalArgumentException("latency " + latencyMicros + " us");
        this.store = store;
        this.latencyNanos = latencyMicros * 1000;
    }

    /** @return a slow store over {@code store} with the latency of {@value #LATENCY_PROPERTY} */
    public static SlowBlockStore fromProperty(BlockStore store) {
        return new SlowBlockStore(store, Long.getLong(LATENCY_PROPERTY, DEFAULT_LATENCY_MICROS));
    }

    /** @return the delay of every call, microseconds */
    public long latencyMicros() { return latencyNanos / 1000; }

    private void delay() {
        long until = System.nanoTime() + latencyNanos;
        for (long left = latencyNanos; left > 0; left = until - System.nanoTime()) LockSupport.parkNanos(left);
    }

    @Override
    public Buffer read(UUID ns, int blockSize, long slba, int nlb) {
        delay();
        return store.read(ns, blockSize, slba, nlb);
    }

    @Override
    public void write(UUID ns, int blockSize, long slba, int nlb, Buffer data, boolean sync) {
        delay();
        store.write(ns, blockSize, slba, nlb, data, sync);
    }

    @Override
    public void writeZeroes(UUID ns, int blockSize, long slba, int nlb) {
        delay();
        store.writeZeroes(ns, blockSize, slba, nlb);
    }

    @Override
    public void deallocate(UUID ns, int blockSize, long[] ranges) {
        delay();
        store.deallocate(ns, blockSize, ranges);
    }

    @Override
    public void flush() {
        delay();
        store.flush();
    }

    @Override
    public void close() {
        store.close();
    }
}
