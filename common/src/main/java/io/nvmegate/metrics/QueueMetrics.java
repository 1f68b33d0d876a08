package io.nvmegate.metrics;

import io.nvmegate.controller.NvmeRequest;
import io.nvmegate.protocol.ConnectData;
import io.nvmegate.protocol.Opcodes;
import io.vertx.core.buffer.Buffer;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The meters' view of one NVMe/TCP connection (one queue): created when the connection is accepted, told when
 * Connect bound it to a controller and when it closed, and observing every command it receives
 * ({@link #started}). Commands before the queue is bound (the Connect itself) are labelled with the SUBNQN the
 * Connect names (bounded, see {@link LabelLimiter}).
 */
public final class QueueMetrics implements NvmeRequest.Observer {
    /** A queue that records nothing. */
    public static final QueueMetrics NOOP = new QueueMetrics(null);

    private final TargetMetrics target;
    private final AtomicInteger inFlight = new AtomicInteger();
    /** The meters of the subsystem Connect bound this queue to (set before {@link #qid}). */
    private volatile SubsystemMeters meters;
    private volatile int qid = -1;
    private volatile boolean closed;

    QueueMetrics(TargetMetrics target) {
        this.target = target;
    }

    /** A command arrived (with its data): it is counted in flight until it completes. */
    public void started(NvmeRequest r) {
        if (target == null) return;
        r.observe(this);
        if (!longLived(r)) inFlight.incrementAndGet();
    }

    @Override
    public void completed(NvmeRequest r, int status) {
        if (target == null) return;
        long nanos = System.nanoTime() - r.startedNanos();
        if (!longLived(r)) inFlight.decrementAndGet();
        SubsystemMeters m = qid >= 0 ? meters : target.commands().meters(target.role(), connectSubsystem(r));
        m.completed(r, status, nanos);
    }

    /** Connect bound this queue as queue {@code qid} of a controller of subsystem {@code nqn}. */
    public void bound(int qid, String nqn) {
        if (target == null || this.qid >= 0 || closed) return;
        meters = target.commands().meters(target.role(), target.commands().subsystem(nqn));
        this.qid = qid;
        target.queueBound(this, qid);
    }

    /** The connection closed. Idempotent. */
    public void closed() {
        if (target == null || closed) return;
        closed = true;
        target.connectionClosed(this, qid);
    }

    /** Commands of this queue in flight (Asynchronous Event Requests excluded: they wait by design). */
    int inFlight() {
        return Math.max(0, inFlight.get());
    }

    /** Asynchronous Event Requests stay outstanding until an event occurs: not "in flight". */
    private static boolean longLived(NvmeRequest r) {
        return r.qid() == 0 && r.opcode() == Opcodes.ADMIN_ASYNC_EVENT_REQUEST;
    }

    private String connectSubsystem(NvmeRequest r) {
        Buffer d = r.data();
        if (r.opcode() != Opcodes.FABRICS || r.sqe().fctype() != Opcodes.FCTYPE_CONNECT || d == null
                || d.length() < ConnectData.OFF_HOSTNQN) {
            return "";
        }
        int end = ConnectData.OFF_SUBNQN;
        while (end < ConnectData.OFF_HOSTNQN && d.getByte(end) != 0) end++;
        String nqn = new String(d.getBytes(ConnectData.OFF_SUBNQN, end), StandardCharsets.US_ASCII).trim();
        return target.commands().subsystem(nqn);
    }
}
