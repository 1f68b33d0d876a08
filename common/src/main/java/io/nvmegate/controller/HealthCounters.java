package io.nvmegate.controller;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The I/O counters of one controller reported in the SMART / Health Information log page (LID 02h, NVMe Base
 * 2.0 section 5.16.1.3): bytes and commands of completed host reads (Read, Compare, Verify) and writes (Write,
 * Write Zeroes, the write of a fused Compare and Write). Updated from every I/O queue; thread-safe.
 */
public final class HealthCounters {
    private final AtomicLong bytesRead = new AtomicLong();
    private final AtomicLong bytesWritten = new AtomicLong();
    private final AtomicLong readCommands = new AtomicLong();
    private final AtomicLong writeCommands = new AtomicLong();

    /** A host read command completed successfully, transferring (or comparing/verifying) {@code bytes}. */
    public void read(long bytes) {
        readCommands.incrementAndGet();
        bytesRead.addAndGet(bytes);
    }

    /** A host write command completed successfully, writing {@code bytes}. */
    public void written(long bytes) {
        writeCommands.incrementAndGet();
        bytesWritten.addAndGet(bytes);
    }

    public long bytesRead() { return bytesRead.get(); }
    public long bytesWritten() { return bytesWritten.get(); }
    public long readCommands() { return readCommands.get(); }
    public long writeCommands() { return writeCommands.get(); }

    /**
     * SMART "Data Units Read/Written": thousands of 512-byte units, rounded up (a value of 1 = 1..1000 units of
     * 512 bytes; 0 only if nothing was transferred).
     */
    public static long dataUnits(long bytes) {
        long units = (bytes + 511) / 512;
        return (units + 999) / 1000;
    }
}
