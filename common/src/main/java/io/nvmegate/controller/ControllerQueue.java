package io.nvmegate.controller;

/** A queue bound to a controller by Fabrics Connect: where the transport sends its commands. */
public interface ControllerQueue {
    int qid();

    /** SQSIZE from Connect (0's based). */
    int sqsize();

    /** Connect CATTR bit 2: the host disabled SQ flow control (reads may end with C2HData SUCCESS, no CapsuleResp). */
    default boolean sqFlowControlDisabled() { return false; }

    Controller controller();

    /**
     * Completes {@code r} with {@code status} without executing it (e.g. a transport error in its data), recording
     * it in the controller's error log like any failed command.
     */
    default void reject(NvmeRequest r, int status) { r.complete(status); }

    /** Executes one command of this queue. */
    void submit(NvmeRequest request);

    /** The connection of this queue is gone. */
    void closed();
}
