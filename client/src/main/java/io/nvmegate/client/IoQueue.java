package io.nvmegate.client;

import io.nvmegate.protocol.Cqe;
import io.nvmegate.protocol.Opcodes;
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

    /**
     * Fused Compare and Write (NVMe Base 2.0 section 3.4.2; Identify Controller FUSES bit 0): Compare (FUSE 01b) of
     * {@code compare} and Write (FUSE 10b) of {@code write} at the same SLBA, sent as adjacent capsules. The
     * controller writes only if the compare matched, atomically. The future yields both completions (a compare
     * failure is not an exception); it fails only on transport errors or timeouts.
     *
     * @param compare expected current content, a whole number of blocks
     * @param write   new content, as many bytes as {@code compare}
     */
    public CompletableFuture<FusedResult> compareAndWriteAsync(int nsid, long slba, byte[] compare, byte[] write, int blockSize, boolean fua) {
        if (blockSize <= 0 || compare.length == 0 || compare.length % blockSize != 0 || write.length != compare.length) {
            throw new IllegalArgumentException("compare and write data must be the same whole number of " + blockSize + "-byte blocks");
        }
        int nlb = compare.length / blockSize;
        Sqe c = CommandBuilders.compare(nsid, slba, nlb).fuse(Opcodes.FUSE_FIRST);
        Sqe w = CommandBuilders.write(nsid, slba, nlb, fua).fuse(Opcodes.FUSE_SECOND);
        CompletableFuture<Completion>[] f = q.submitFused(c, ByteBuffer.wrap(compare), w, ByteBuffer.wrap(write), timeoutMs);
        CompletableFuture<Cqe> fc = cqeOf(f[0]), fw = cqeOf(f[1]);
        return fc.thenCombine(fw, FusedResult::new);
    }

    /** Blocking {@link #compareAndWriteAsync}. */
    public FusedResult compareAndWrite(int nsid, long slba, byte[] compare, byte[] write, int blockSize, boolean fua) {
        return Await.get(compareAndWriteAsync(nsid, slba, compare, write, blockSize, fua));
    }

    /** The CQE of a command, successful or not; other failures (transport, timeout) stay failures. */
    private static CompletableFuture<Cqe> cqeOf(CompletableFuture<Completion> f) {
        return f.handle((c, e) -> {
            if (e == null) return CompletableFuture.completedFuture(c.cqe());
            Throwable t = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
            if (t instanceof NvmeStatusException s) return CompletableFuture.completedFuture(s.cqe());
            return CompletableFuture.<Cqe>failedFuture(t);
        }).thenCompose(x -> x);
    }

    /**
     * Fabrics Disconnect (NVMe-oF 1.1 section 3.4) on this queue: the controller completes it and closes the
     * queue's connection. The future completes with the CQE.
     */
    public CompletableFuture<Cqe> disconnectAsync() {
        return q.submit(CommandBuilders.disconnect(), null, 0, timeoutMs, false).thenApply(Completion::cqe);
    }

    @Override
    public CompletableFuture<Completion> submitIo(Sqe sqe, ByteBuffer dataOut, int dataInLength) {
        return q.submit(sqe, dataOut, dataInLength, timeoutMs, false);
    }

    @Override
    public String toString() {
        return "IoQueue[qid=" + q.qid + " depth=" + q.depth() + (q.isOpen() ? "" : " closed") + "]";
    }
}
