package io.nvmegate.controller;

/** A queue bound to a controller by Fabrics Connect: where the transport sends its commands. */
public interface ControllerQueue {
    int qid();

    /** SQSIZE from Connect (0's based). */
    int sqsize();

    Controller controller();

    /** Executes one command of this queue. */
    void submit(NvmeRequest request);

    /** The connection of this queue is gone. */
    void closed();
}
