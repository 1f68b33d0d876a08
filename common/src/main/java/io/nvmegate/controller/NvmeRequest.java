package io.nvmegate.controller;

import io.nvmegate.protocol.Cqe;
import io.nvmegate.protocol.Sqe;
import io.nvmegate.protocol.Status;
import io.vertx.core.buffer.Buffer;

/**
 * One command received on a queue (nvmet's {@code struct nvmet_req}): its SQE, its host-to-controller data
 * (in-capsule, or gathered through R2T/H2CData after it was parsed), the length of controller-to-host data the
 * host expects (the SGL length), the handler the command parser chose for it, and its completion.
 *
 * <p>Lifecycle: the transport builds it from a CapsuleCmd; the command parser ({@code io.nvmegate.fabrics.
 * CommandParser}, as nvmet's {@code nvmet_req_init}) checks it once and picks its {@link Handler} (or fails it);
 * the transport gathers its data, if any; {@link #execute} runs the handler; and every path ends in ONE completion
 * ({@link #complete}, {@link #fail}, {@link #respond}), which fills the CQE (DW0, DW1, SQHD, SQID, CID, status) and,
 * for a failure, records an Error Information log entry with the Parameter Error Location
 * ({@link ErrorLocation}). A request completes exactly once; later calls are ignored.
 */
public final class NvmeRequest {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(NvmeRequest.class);
    private final Sqe sqe;
    private final int transferLength;
    private final QueueTransport queue;
    private Buffer data;
    private int sqid;
    private boolean completed;
    private Controller controller;
    private Handler handler;
    private Observer observer;
    private long startedNanos;

    /** What executes a parsed command: completes {@code r} now or later, or throws the status it fails with. */
    @FunctionalInterface
    public interface Handler {
        void execute(NvmeRequest r) throws StatusException;
    }

    /** Sees every command complete (metrics, {@code io.nvmegate.metrics}); runs on the completing thread. */
    public interface Observer {
        /** {@code r} completed with {@code status} (its C2HData, if any, and CapsuleResp are being sent). */
        void completed(NvmeRequest r, int status);
    }

    /**
     * @param data           host-to-controller data, or {@code null} (none, or still to be gathered)
     * @param transferLength SGL data length in bytes (for reads: how many bytes to return)
     * @param sqid           SQID of the queue (0 until Connect bound it; a Connect's own SQID is set when it binds)
     */
    public NvmeRequest(Sqe sqe, Buffer data, int transferLength, int sqid, QueueTransport queue) {
        this.sqe = sqe;
        this.data = data;
        this.transferLength = transferLength;
        this.sqid = sqid;
        this.queue = queue;
    }

    public Sqe sqe() { return sqe; }
    public int cid() { return sqe.cid(); }
    public int opcode() { return sqe.opcode(); }
    public int nsid() { return sqe.nsid(); }
    /** SQID of the queue that received this command (the CQE's SQID). */
    public int qid() { return sqid; }
    public QueueTransport queue() { return queue; }
    /** Host-to-controller data, or {@code null} when the command carried none. */
    public Buffer data() { return data; }
    /** SGL length in bytes. */
    public int transferLength() { return transferLength; }
    public boolean completed() { return completed; }
    /** The controller whose queue received this command; {@code null} before Connect. */
    public Controller controller() { return controller; }
    /** The handler the parser chose; {@code null} before parsing. */
    public Handler handler() { return handler; }

    /** Data gathered by the transport (R2T/H2CData) after the command was parsed. */
    public void attachData(Buffer gathered) { this.data = gathered; }

    /** Reports this command's completion to {@code o}; its latency is measured from now ({@link #startedNanos}). */
    public void observe(Observer o) { observer = o; startedNanos = System.nanoTime(); }
    /** {@link System#nanoTime()} when {@link #observe} was called. */
    public long startedNanos() { return startedNanos; }

    /** The queue {@code sqid} of controller {@code c} received this command (its failures go to c's error log). */
    void bind(Controller c, int sqid) {
        this.controller = c;
        this.sqid = sqid;
    }

    /** Sets the handler chosen by the command parser ({@link #execute} runs it). */
    public void handler(Handler h) { this.handler = h; }

    /**
     * Runs the handler; a {@link StatusException} it throws fails the command with that status and location, an
     * unexpected exception with Internal Error (retryable, as nvmet's NVME_SC_INTERNAL).
     */
    public void execute() {
        if (completed) return;
        try {
            handler.execute(this);
        } catch (StatusException e) {
            fail(e);
        } catch (RuntimeException e) {
            log.error("{}: command failed", this, e);
            complete(Status.INTERNAL_ERROR);
        }
    }

    public void complete(int status) { finish(status, 0, 0, ErrorLocation.NONE, null); }

    public void complete(int status, int dw0) { finish(status, dw0, 0, ErrorLocation.NONE, null); }

    public void complete(int status, int dw0, int dw1) { finish(status, dw0, dw1, ErrorLocation.NONE, null); }

    /** Fails with {@code status} and Do Not Retry; no single SQE field is at fault (location FFFFh). */
    public void fail(int status) { finish(Status.dnr(status), 0, 0, ErrorLocation.NONE, null); }

    /** Fails with {@code status} and Do Not Retry, naming the SQE field at fault ({@link ErrorLocation}). */
    public void fail(int status, int location) { finish(Status.dnr(status), 0, 0, location, null); }

    /** Fails with the exception's status (as given, DNR included or not) and location. */
    public void fail(StatusException e) { finish(e.status, 0, 0, e.location, null); }

    /**
     * Returns {@code out} to the host, zero-padded or truncated to the SGL length, followed by a successful
     * completion. A command whose SGL length is 0 gets only the completion.
     */
    public void respond(Buffer out) {
        Buffer b = out;
        if (transferLength == 0) {
            b = null;
        } else if (b.length() > transferLength) {
            b = b.slice(0, transferLength);
        } else if (b.length() < transferLength) {
            b = Buffer.buffer(transferLength).appendBuffer(out).appendBytes(new byte[transferLength - out.length()]);
        }
        finish(Status.SUCCESS, 0, 0, ErrorLocation.NONE, b);
    }

    /**
     * The one completion path (nvmet's {@code __nvmet_req_complete}): records a failure in the controller's Error
     * Information log, tells the observer, and hands the CQE (SQHD from the queue, this request's SQID and CID)
     * with the controller-to-host data, if any, to the transport.
     */
    private void finish(int status, int dw0, int dw1, int location, Buffer c2h) {
        if (completed) return;
        completed = true;
        if (status != Status.SUCCESS && controller != null) controller.errors().record(sqid, sqe, status, location);
        if (observer != null) observer.completed(this, status);
        queue.sendResponse(new Cqe(dw0, dw1, queue.sqHead(), sqid, sqe.cid(), status), c2h);
    }

    @Override
    public String toString() {
        return "qid " + sqid + " " + sqe;
    }
}
