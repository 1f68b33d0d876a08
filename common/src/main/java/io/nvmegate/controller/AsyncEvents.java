package io.nvmegate.controller;

import io.nvmegate.protocol.Status;

import java.util.ArrayDeque;

/**
 * Asynchronous Event Requests and their completions (NVMe Base 2.0 section 5.2). Up to AERL + 1 requests are
 * held outstanding (more → Asynchronous Event Request Limit Exceeded); an event with no request waiting is kept
 * until the next one. An event type stays masked from when it is reported until the host reads the
 * associated log page with RAE = 0 ({@link #unmask}). Completion DW0: type 2:0, info 15:8, log page 23:16.
 * Runs on the admin queue's event loop.
 */
public final class AsyncEvents {
    /** AERL of Identify Controller: 4 outstanding requests (0's based 3), as nvmet. */
    public static final int AERL = 3;

    private final ArrayDeque<NvmeRequest> waiting = new ArrayDeque<>();
    private final ArrayDeque<Integer> pending = new ArrayDeque<>();
    private int maskedLogPages; // bit per log page ID < 32, plus discovery (0x70) as bit 31
    private boolean discoveryMasked;
    private boolean reservationMasked; // Reservation Notification log (0x80)

    /** Asynchronous Event Request {@code r}: completed with a pending event, held, or failed over the limit. */
    public void request(NvmeRequest r) {
        if (!pending.isEmpty()) {
            r.complete(Status.SUCCESS, pending.poll());
            return;
        }
        if (waiting.size() > AERL) {
            r.fail(Status.AER_LIMIT_EXCEEDED);
            return;
        }
        waiting.add(r);
    }

    /**
     * Reports an event (DW0 layout above) unless its log page is masked; must be called on the admin queue's
     * context ({@link QueueTransport#runOnContext}). @return false if it was masked (not reported)
     */
    public boolean notify(int dw0) {
        int lid = (dw0 >> 16) & 0xFF;
        if (masked(lid)) return false;
        mask(lid);
        NvmeRequest r = waiting.poll();
        if (r != null) {
            r.complete(Status.SUCCESS, dw0);
        } else {
            pending.add(dw0);
        }
        return true;
    }

    /** The host read log page {@code lid} with RAE = 0: its events may be reported again. */
    public void unmask(int lid) {
        if (lid == 0x70) discoveryMasked = false;
        else if (lid == 0x80) reservationMasked = false;
        else if (lid < 32) maskedLogPages &= ~(1 << lid);
    }

    private boolean masked(int lid) {
        if (lid == 0x80) return reservationMasked;
        return lid == 0x70 ? discoveryMasked : lid < 32 && (maskedLogPages & 1 << lid) != 0;
    }

    private void mask(int lid) {
        if (lid == 0x70) discoveryMasked = true;
        else if (lid == 0x80) reservationMasked = true;
        else if (lid < 32) maskedLogPages |= 1 << lid;
    }

    /**
     * Abort (NVMe Base 2.0 section 5.1) of an outstanding Asynchronous Event Request: it completes with Command
     * Abort Requested. @return whether a request with CID {@code cid} was waiting
     */
    public boolean abort(int cid) {
        for (NvmeRequest r : waiting) {
            if (r.cid() == cid) {
                waiting.remove(r);
                r.complete(Status.ABORT_REQUESTED);
                return true;
            }
        }
        return false;
    }

    /** Number of requests held outstanding. */
    public int outstanding() { return waiting.size(); }

    /** Controller reset: outstanding requests are aborted (NVMe Base 2.0 section 3.7.2). */
    void reset() {
        NvmeRequest r;
        while ((r = waiting.poll()) != null) r.complete(Status.ABORT_SQ_DELETION);
        pending.clear();
    }
}
