package io.nvmegate.admin;

import io.nvmegate.controller.CommandSet;
import io.nvmegate.controller.Controller;
import io.nvmegate.controller.ErrorLocation;
import io.nvmegate.controller.NvmeRequest;
import io.nvmegate.controller.StatusException;
import io.nvmegate.protocol.Status;
import io.vertx.core.buffer.Buffer;

/**
 * A command set whose admin commands are the shared ones ({@link AdminCommands}: Keep Alive, Asynchronous Event
 * Request, Abort, Identify, Get Log Page, Get/Set Features) plus what this kind of controller adds through the
 * hooks below: its Identify Controller fields, its other Identify CNS values, its log pages, its features and its
 * other admin opcodes. The NVM I/O controller ({@code io.nvmegate.gateway.NvmCommandSet}) and the discovery
 * controller ({@code io.nvmegate.discovery.DiscoveryCommandSet}) are both built this way.
 */
public interface AdminCommandSet extends CommandSet {
    /** Fills the fields of Identify Controller specific to this kind of controller (CNTRLTYPE, OAES, NN, ...). */
    void identifyController(Controller c, IdentifyControllerData id);

    /**
     * Identify with a CNS other than 01h (NVMe Base 2.0 section 5.17).
     *
     * @return the 4096-byte data structure, or {@code null} to fail with Invalid Field | DNR at CNS (CDW10 7:0)
     * @throws StatusException with the status to return (e.g. Invalid Namespace at NSID)
     */
    Buffer identify(Controller c, NvmeRequest r, int cns) throws StatusException;

    /**
     * The whole log page {@code p.lid()}; {@link LogPages} returns the part the host asked for (LPO, NUMD) and
     * zero-fills beyond its end.
     *
     * @return the page, or {@code null} if this controller has no such log (Invalid Field | DNR at LID)
     */
    Buffer logPage(Controller c, NvmeRequest r, LogPageRequest p) throws StatusException;

    /** A feature of this command set that the shared table does not define ({@link Features}), or {@code null}. */
    default Features.Feature feature(int fid) {
        return null;
    }

    /** Admin opcodes the shared ones do not include; default: Invalid Command Opcode | DNR at OPC. */
    default NvmeRequest.Handler parseOtherAdmin(Controller c, NvmeRequest r) throws StatusException {
        throw StatusException.dnr(Status.INVALID_OPCODE, ErrorLocation.OPCODE);
    }

    @Override
    default NvmeRequest.Handler parseAdmin(Controller c, NvmeRequest r) throws StatusException {
        return AdminCommands.parse(c, r, this);
    }
}
