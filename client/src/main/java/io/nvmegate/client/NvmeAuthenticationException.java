package io.nvmegate.client;

import io.nvmegate.protocol.auth.DhchapFailureReason;

/**
 * DH-HMAC-CHAP authentication failed on a queue (NVMe Base 2.x section 8.3.4.5): the message names the queue, the
 * step (Negotiate, Challenge, Reply, Success1, Success2) and the reason (the AUTH_Failure reason code explanation),
 * and whether the controller refused the host (AUTH_Failure1) or this host refused the controller (it then sent
 * AUTH_Failure2, e.g. a wrong controller response in bidirectional authentication). Never contains key material.
 */
public class NvmeAuthenticationException extends NvmeException {
    private static final long serialVersionUID = 1L;

    private final int qid;
    private final String step;
    private final transient DhchapFailureReason reason;
    private final boolean byController;

    public NvmeAuthenticationException(int qid, String step, DhchapFailureReason reason, boolean byController, String detail, Throwable cause) {
        super("DH-HMAC-CHAP authentication failed on QID " + qid + " at " + step + ": "
                + (reason == null ? "" : reason.name().toLowerCase() + ", ")
                + (byController ? "the controller refused the host" : "the host refused the controller")
                + (detail == null || detail.isEmpty() ? "" : " (" + detail + ")"), cause);
        this.qid = qid;
        this.step = step;
        this.reason = reason;
        this.byController = byController;
    }

    /** The queue (0 = admin). */
    public int qid() { return qid; }

    /** The step that failed: "Negotiate", "Challenge", "Reply", "Success1" or "Success2". */
    public String step() { return step; }

    /** The reason code explanation, or null when the failure was not a protocol failure (e.g. a command error). */
    public DhchapFailureReason reason() { return reason; }

    /** True when the controller refused the host (AUTH_Failure1 or a failed command); false when the host refused the controller. */
    public boolean byController() { return byController; }
}
