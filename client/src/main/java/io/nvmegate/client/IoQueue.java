package io.nvmegate.client;

import io.nvmegate.protocol.Sqe;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/** One I/O queue of a controller (its own TCP connection), from {@link NvmeController#io(int)}. Thread-safe. */
public final class IoQueue implements NvmeIo {
    private final QueueConnection q;
    private final long timeoutMs;

    IoQueue(QueueConnection q, long timeoutMs) {
        this.q = q;
        this.timeoutMs = timeoutMs;
    }

    /** Queue identifier (1-based). */
    public int qid() { return q.qid; }

    /** Most commands outstanding at once: the negotiated queue size - 1. */
    public int depth() { return q.depth(); }

    /** Largest write sent in-capsule (IOCCSZ * 16 - 64), bytes; larger writes use R2T. */
    public int inCapsuleDataSize() { return q.inCapsuleLimit(); }

    /** MAXH2CDATA from the ICResp, bytes. */
    public int maxH2CData() { return q.maxH2CData(); }

    /** True until the connection closes or fails. */
    public boolean isOpen() { return q.isOpen(); }

    @Override
    public CompletableFuture<Completion> submitIo(Sqe sqe, ByteBuffer dataOut, int dataInLength) {
        return q.submit(sqe, dataOut, dataInLength, timeoutMs, false);
    }

    @Override
    public String toString() {
        return "IoQueue[qid=" + q.qid + " depth=" + q.depth() + (q.isOpen() ? "" : " closed") + "]";
    }
}
