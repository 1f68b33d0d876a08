package io.nvmegate.controller;

/** A queue bound to a controller by Fabrics Connect: where the transport's commands go. */
public interface ControllerQueue {
    int qid();

    /** SQSIZE from Connect (0's based). */
    int sqsize();

    /** Connect CATTR bit 2: the host disabled SQ flow control (reads may end with C2HData SUCCESS, no CapsuleResp). */
    default boolean sqFlowControlDisabled() { return false; }

    Controller controller();

    /**
     * The queue's in-band authentication (DH-HMAC-CHAP transaction and gate), or {@code null} when the controller
     * was created without an authentication policy (e.g. the discovery controller, which nvmet never
     * authenticates).
     */
    default QueueAuthentication authentication() { return null; }

    /**
     * Takes command {@code r} in: binds it to this queue's controller (its SQID, its failures to the controller's
     * Error Information log). @return false if the controller is gone ({@code r} completed with Command Aborted due
     * to SQ Deletion)
     */
    boolean accept(NvmeRequest r);

    /**
     * The first command of a fused operation (NVMe Base 2.0 section 3.4.2) waiting for its second: sets it to
     * {@code r} (null: none) and returns the previous one. Only on this queue's event loop.
     */
    NvmeRequest swapFusedFirst(NvmeRequest r);

    /** The connection of this queue is gone. */
    void closed();
}
