package io.nvmegate.controller;

import io.nvmegate.protocol.Status;
import io.vertx.core.Future;

/**
 * The command-set SPI: what distinguishes one kind of controller from another (nvmet's per-type parse functions,
 * e.g. {@code nvmet_parse_discovery_cmd} vs {@code nvmet_parse_admin_cmd}/{@code nvmet_parse_io_cmd}). The
 * command parser ({@code io.nvmegate.fabrics.CommandParser}) handles the Fabrics commands itself and asks the
 * command set for a handler of every admin command (on QID 0, once the controller is enabled) and every I/O
 * command (QID ≥ 1). A parse method checks the command once — opcode, NSID, transfer length, LBA range — and
 * throws a {@link StatusException} naming the SQE field at fault, or returns the handler that executes it (after
 * the transport gathered its data). The admin commands every controller shares are in {@code io.nvmegate.admin}
 * ({@code AdminCommandSet} composes them with a command set's own).
 */
public interface CommandSet {
    /** @return the handler of admin command {@code r} */
    NvmeRequest.Handler parseAdmin(Controller c, NvmeRequest r) throws StatusException;

    /** @return the handler of I/O command {@code r}; default: Invalid Command Opcode | DNR (no I/O queues) */
    default NvmeRequest.Handler parseIo(Controller c, NvmeRequest r) throws StatusException {
        throw StatusException.dnr(Status.INVALID_OPCODE, ErrorLocation.OPCODE);
    }

    /**
     * A fused operation (NVMe Base 2.0 section 3.4.2): {@code first} (FUSE 01b) and {@code second} (FUSE 10b),
     * adjacent on one I/O queue, both with their data. Default: the first fails with Invalid Field | DNR at FUSE, the
     * second with Command Aborted due to Failed Fused Command (no fused operation supported).
     */
    default void fused(Controller c, NvmeRequest first, NvmeRequest second) {
        first.fail(Status.INVALID_FIELD, ErrorLocation.FUSE);
        second.fail(Status.ABORTED_FAILED_FUSED);
    }

    /**
     * Shutdown notification (CC.SHN, NVMe Base 2.0 section 3.6): make everything acknowledged durable. CSTS.SHST
     * reads "occurring" until the future completes. Default: nothing to do.
     */
    default Future<Void> shutdown(Controller c) {
        return Future.succeededFuture();
    }

    /** Most I/O queues a controller may have (0 for discovery controllers). */
    int maxIoQueues();

    /** Called when a controller of this command set is torn down. */
    default void released(Controller c) {}
}
