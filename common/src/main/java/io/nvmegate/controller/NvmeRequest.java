package io.nvmegate.controller;

import io.nvmegate.protocol.Sqe;
import io.nvmegate.protocol.Status;
import io.vertx.core.buffer.Buffer;

/**
 * One command received on a queue, with its host-to-controller data (in-capsule or gathered through R2T/H2CData)
 * and the length of controller-to-host data the host expects (the SGL length). Completing it sends the
 * C2HData (if any) and the CapsuleResp; a request completes exactly once, later calls are ignored.
 */
public final class NvmeRequest {
    private final Sqe sqe;
    private final Buffer data;
    private final int transferLength;
    private final int qid;
    private final QueueTransport queue;
    private boolean completed;
    private Controller controller;
    private Observer observer;
    private long startedNanos;

    /** Sees every command complete (metrics, {@code io.nvmegate.metrics}); runs on the completing thread. */
    public interface Observer {
        /** {@code r} completed with {@code status} (its C2HData, if any, and CapsuleResp are being sent). */
        void completed(NvmeRequest r, int status);
    }

    /**
     * @param data           host-to-controller data, or {@code null}
     * @param transferLength SGL data length in bytes (for reads: how many bytes to return)
     */
    public NvmeRequest(Sqe sqe, Buffer data, int transferLength, int qid, QueueTransport queue) {
        this.sqe = sqe;
        this.data = data;
        this.transferLength = transferLength;
        this.qid = qid;
        this.queue = queue;
    }

    public Sqe sqe() { return sqe; }
    public int cid() { return sqe.cid(); }
    public int opcode() { return sqe.opcode(); }
    public int nsid() { return sqe.nsid(); }
    public int qid() { return qid; }
    public QueueTransport queue() { return queue; }
    /** Host-to-controller data, or {@code null} when the command carried none. */
    public Buffer data() { return data; }
    /** SGL length in bytes. */
    public int transferLength() { return transferLength; }
    public boolean completed() { return completed; }

    /** Reports this command's completion to {@code o}; its latency is measured from now ({@link #startedNanos}). */
    public void observe(Observer o) { observer = o; startedNanos = System.nanoTime(); }
    /** {@link System#nanoTime()} when {@link #observe} was called. */
    public long startedNanos() { return startedNanos; }

    /** The controller whose queue received this command (after Connect), whose error log records its failure. */
    void bind(Controller c) { this.controller = c; }

    public void complete(int status) { complete(status, 0, 0); }

    public void complete(int status, int dw0) { complete(status, dw0, 0); }

    public void complete(int status, int dw0, int dw1) {
        if (completed) return;
        completed = true;
        if (status != Status.SUCCESS && controller != null) controller.errors().record(qid, sqe, status);
        if (observer != null) observer.completed(this, status);
        queue.sendCompletion(sqe.cid(), status, dw0, dw1);
    }

    /** Fails with {@code status} and Do Not Retry. */
    public void fail(int status) { complete(Status.dnr(status)); }

    /**
     * Returns {@code out} to the host, zero-padded or truncated to the SGL length, followed by a successful
     * completion. A command whose SGL length is 0 gets only the completion.
     */
    public void respond(Buffer out) {
        if (completed) return;
        completed = true;
        if (observer != null) observer.completed(this, Status.SUCCESS);
        if (transferLength == 0) {
            queue.sendCompletion(sqe.cid(), Status.SUCCESS, 0, 0);
            return;
        }
        Buffer b = out;
        if (b.length() > transferLength) {
            b = b.slice(0, transferLength);
        } else if (b.length() < transferLength) {
            b = Buffer.buffer(transferLength).appendBuffer(out).appendBytes(new byte[transferLength - out.length()]);
        }
        queue.sendData(sqe.cid(), b);
    }

    @Override
    public String toString() {
        return "qid " + qid + " " + sqe;
    }
}
