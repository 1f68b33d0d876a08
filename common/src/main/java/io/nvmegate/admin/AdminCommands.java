package io.nvmegate.admin;

import io.nvmegate.controller.Controller;
import io.nvmegate.controller.ErrorLocation;
import io.nvmegate.controller.NvmeRequest;
import io.nvmegate.controller.StatusException;
import io.nvmegate.protocol.Opcodes;
import io.nvmegate.protocol.Status;
import io.vertx.core.buffer.Buffer;

/**
 * The admin commands every controller shares (NVMe Base 2.0 section 5; the generic part of nvmet's admin-cmd.c,
 * {@code nvmet_parse_admin_cmd}): picks the handler of an admin command; opcodes it does not know go to the
 * command set ({@link AdminCommandSet#parseOtherAdmin}).
 *
 * <ul>
 *   <li>Keep Alive 18h: success (any command restarts the keep-alive period, CTRATT.TBKAS)</li>
 *   <li>Asynchronous Event Request 0Ch: {@link io.nvmegate.controller.AsyncEvents}</li>
 *   <li>Abort 08h: CDW10 SQID 15:0, CID 31:16 ({@link #abort})</li>
 *   <li>Identify 06h: CNS CDW10 7:0; 01h here ({@link IdentifyControllerData#of}), others by the command set</li>
 *   <li>Get Log Page 02h: {@link LogPages}</li>
 *   <li>Set Features 09h / Get Features 0Ah: {@link Features}</li>
 * </ul>
 */
public final class AdminCommands {
    private AdminCommands() {}

    /** Identify CDW10 bits 7:0: CNS. */
    static final int LOC_CNS = ErrorLocation.cdw(10, 0);

    public static NvmeRequest.Handler parse(Controller c, NvmeRequest r, AdminCommandSet cs) throws StatusException {
        switch (r.opcode()) {
            case Opcodes.ADMIN_KEEP_ALIVE:
                return x -> x.complete(Status.SUCCESS);
            case Opcodes.ADMIN_ASYNC_EVENT_REQUEST:
                return c.events()::request;
            case Opcodes.ADMIN_SET_FEATURES:
                return x -> Features.set(c, x, cs);
            case Opcodes.ADMIN_GET_FEATURES:
                return x -> Features.get(c, x, cs);
            case Opcodes.ADMIN_IDENTIFY:
                return x -> identify(c, x, cs);
            case Opcodes.ADMIN_GET_LOG_PAGE: {
                LogPageRequest p = LogPageRequest.parse(r.sqe());
                return x -> LogPages.execute(c, x, p, cs);
            }
            case Opcodes.ADMIN_ABORT:
                return x -> abort(c, x);
            default:
                return cs.parseOtherAdmin(c, r);
        }
    }

    /**
     * Abort (NVMe Base 2.0 section 5.1): CDW10 SQID 15:0, CID 31:16. An Asynchronous Event Request waiting on the
     * admin queue is aborted (it completes with Command Abort Requested; DW0 bit 0 = 0). Any other command is
     * executing or unknown and is not aborted (DW0 bit 0 = 1, as nvmet); an I/O command waiting for its in-flight
     * share under overload ({@code transport.QueueFlow}) is not aborted either: it starts as shares free up.
     */
    static void abort(Controller c, NvmeRequest r) {
        int cdw10 = r.sqe().cdw(10);
        int sqid = cdw10 & 0xFFFF, cid = cdw10 >>> 16;
        boolean aborted = sqid == 0 && c.events().abort(cid);
        r.complete(Status.SUCCESS, aborted ? 0 : 1);
    }

    /** Identify (CNS in CDW10 bits 7:0): CNS 01h here, the rest by the command set; unknown → Invalid Field at CNS. */
    static void identify(Controller c, NvmeRequest r, AdminCommandSet cs) throws StatusException {
        int cns = r.sqe().cdw(10) & 0xFF;
        Buffer data = cns == Opcodes.CNS_CONTROLLER ? IdentifyControllerData.of(c, cs).encode() : cs.identify(c, r, cns);
        if (data == null) throw StatusException.invalidField(LOC_CNS);
        r.respond(data);
    }
}
