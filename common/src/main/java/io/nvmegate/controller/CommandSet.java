package io.nvmegate.controller;

import io.vertx.core.buffer.Buffer;

/**
 * What distinguishes one kind of controller from another: the I/O controller of an NVM subsystem and the
 * discovery controller share the controller core ({@link Controller}: Connect, properties, Keep Alive, AER,
 * common features, Identify Controller framing, Get Log Page slicing) and differ only in this.
 */
public interface CommandSet {
    /** Fills the fields of Identify Controller specific to this kind of controller (CNTRLTYPE, OAES, NN, ...). */
    void identifyController(Controller c, IdentifyControllerData id);

    /**
     * Identify with a CNS other than 01h (NVMe Base 2.0 section 5.17).
     *
     * @return the 4096-byte data structure, or {@code null} to fail with Invalid Field | DNR
     * @throws NvmeStatusException with the status to return (e.g. Invalid Namespace)
     */
    Buffer identify(Controller c, NvmeRequest r, int cns) throws NvmeStatusException;

    /**
     * The whole log page {@code lid}; the core returns the part the host asked for (LPO, NUMD) and zero-fills
     * beyond its end.
     *
     * @return the page, or {@code null} if this controller has no such log (Invalid Field | DNR)
     */
    Buffer logPage(Controller c, NvmeRequest r, int lid, int lsp) throws NvmeStatusException;

    /**
     * Get ({@code set} false) or Set Features of a feature the core does not know (e.g. the namespace-specific
     * reservation features 82h/83h): complete {@code r} (now or later) and return true, or return false to fail it
     * with Invalid Field | DNR. Get handles every SEL value itself (including 3, supported capabilities).
     */
    default boolean feature(Controller c, NvmeRequest r, int fid, boolean set) {
        return false;
    }

    /** Admin commands the core does not handle; default: Invalid Command Opcode | DNR. */
    default void admin(Controller c, NvmeRequest r) {
        r.fail(io.nvmegate.protocol.Status.INVALID_OPCODE);
    }

    /** A command on an I/O queue (QID ≥ 1), after the core checked the controller is ready. */
    void io(Controller c, NvmeRequest r);

    /**
     * A fused operation (NVMe Base 2.0 section 3.4.2): {@code first} (FUSE 01b) and {@code second} (FUSE 10b),
     * adjacent on one I/O queue. Default: both fail with Invalid Field | DNR (no fused operation supported).
     */
    default void fused(Controller c, NvmeRequest first, NvmeRequest second) {
        first.fail(io.nvmegate.protocol.Status.INVALID_FIELD);
        second.fail(io.nvmegate.protocol.Status.ABORTED_FAILED_FUSED);
    }

    /**
     * Shutdown notification (CC.SHN, NVMe Base 2.0 section 3.6): make everything acknowledged durable. CSTS.SHST
     * reads "occurring" until the future completes. Default: nothing to do.
     */
    default io.vertx.core.Future<Void> shutdown(Controller c) {
        return io.vertx.core.Future.succeededFuture();
    }

    /** Most I/O queues a controller may have (0 for discovery controllers). */
    int maxIoQueues();

    /** Called when a controller of this command set is torn down. */
    default void released(Controller c) {}
}
