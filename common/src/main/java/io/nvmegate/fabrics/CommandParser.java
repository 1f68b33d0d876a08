package io.nvmegate.fabrics;

import io.nvmegate.auth.AuthCommands;
import io.nvmegate.controller.CommandSet;
import io.nvmegate.controller.Controller;
import io.nvmegate.controller.ControllerQueue;
import io.nvmegate.controller.ErrorLocation;
import io.nvmegate.controller.NvmeRequest;
import io.nvmegate.controller.QueueAuthentication;
import io.nvmegate.controller.StatusException;
import io.nvmegate.controller.TransportConfig;
import io.nvmegate.protocol.Opcodes;
import io.nvmegate.protocol.Sqe;
import io.nvmegate.protocol.Status;

import java.util.function.Consumer;

/**
 * Picks the handler of every command a queue receives, once, when its capsule arrives and before its data is
 * gathered (nvmet's {@code nvmet_req_init}): Fabrics commands first (Connect on a queue not yet connected,
 * Property Get/Set, Disconnect, and — next to Connect — Authentication Send/Receive), then admin commands (QID 0)
 * and I/O commands (QID ≥ 1), which the controller's command set parses ({@link CommandSet#parseAdmin},
 * {@link CommandSet#parseIo}). A command that fails a check completes here, naming the SQE field at fault; one that
 * passes gets its {@link NvmeRequest.Handler}, which the transport runs ({@link NvmeRequest#execute}) once the data
 * is there.
 *
 * <p>Checks made for every command: PSDT must select SGLs (NVMe-oF 1.1 section 2.2; else Invalid Field | DNR at
 * PSDT); the SGL length must not exceed MDTS, in either direction and on every queue, admin and discovery included
 * (Invalid Field in Command | DNR at SGL Length: NVMe Base 2.0 Figure 275, MDTS, "If a command is submitted that
 * exceeds this transfer size, then the command is aborted with a status code of Invalid Field in Command"; an admin
 * read is answered with at most its SGL length, so without this check a host chose the size of the reply buffer,
 * up to 4 GiB); a command other
 * than Connect before Connect, or a Connect on a connected queue → Command Sequence Error | DNR; admin and I/O
 * commands before CC.EN = 1 and CSTS.RDY = 1 → Command Sequence Error | DNR; admin and I/O commands on a queue
 * whose host must authenticate and has not (yet) completed DH-HMAC-CHAP on it → Authentication Required | DNR
 * (nvmet {@code nvmet_check_auth_status} in {@code nvmet_parse_admin_cmd}/{@code nvmet_parse_io_cmd}: every Fabrics
 * command — Property Get/Set, Disconnect, Authentication Send/Receive — passes, nothing else). Command-specific checks (NSID,
 * transfer length against NLB and MDTS, LBA range) are the command set's parse.
 *
 * <p>Fused operations (NVMe Base 2.0 section 3.4.2) on I/O queues: a first command (FUSE 01b) waits for the next
 * command of the same SQ, which must be its second (FUSE 10b); then the command set runs both as one atomic unit.
 * A first not followed by a second, or a second without a first, completes with Command Aborted due to Missing
 * Fused Command | DNR; FUSE 11b → Invalid Field at FUSE.
 */
public final class CommandParser {
    private final FabricsConnect connect;

    public CommandParser(FabricsConnect connect) {
        this.connect = connect;
    }

    public FabricsConnect connect() { return connect; }

    /**
     * Parses {@code r}, received on {@code queue} ({@code null} before Connect bound the connection).
     *
     * @param transport the transport limits of the queue (MDTS)
     * @param bound     told the queue a Connect bound, when {@code r} is a successful Connect
     * @return true if {@code r} has a handler to execute once its data arrived; false if it was completed
     */
    public boolean parse(ControllerQueue queue, NvmeRequest r, TransportConfig transport, Consumer<ControllerQueue> bound) {
        if (queue != null) {
            queue.controller().activity();
            if (!queue.accept(r)) return false;
        }
        try {
            r.handler(choose(queue, r, transport, bound));
            return true;
        } catch (StatusException e) {
            if (queue != null && queue.qid() != 0 && r.opcode() != Opcodes.FABRICS) {
                NvmeRequest first = queue.swapFusedFirst(null);
                if (first != null) first.fail(Status.ABORTED_MISSING_FUSED);
            }
            r.fail(e);
            return false;
        }
    }

    private NvmeRequest.Handler choose(ControllerQueue queue, NvmeRequest r, TransportConfig transport,
                                       Consumer<ControllerQueue> bound) throws StatusException {
        Sqe sqe = r.sqe();
        if (sqe.psdt() != 1) throw StatusException.invalidField(ErrorLocation.PSDT);
        long length = Integer.toUnsignedLong(sqe.sglLength());
        if (length > transport.mdtsBytes()) {
            throw StatusException.invalidField(ErrorLocation.SGL_LENGTH);
        }
        if (queue == null) {
            if (sqe.opcode() != Opcodes.FABRICS || sqe.fctype() != Opcodes.FCTYPE_CONNECT) {
                throw StatusException.dnr(Status.COMMAND_SEQUENCE_ERROR, ErrorLocation.NONE);
            }
            return x -> {
                ControllerQueue q = connect.connect(x);
                if (q != null) bound.accept(q);
            };
        }
        Controller c = queue.controller();
        if (sqe.opcode() == Opcodes.FABRICS) return fabrics(queue, r);
        QueueAuthentication auth = queue.authentication();
        if (auth != null && !auth.authenticated()) throw StatusException.dnr(Status.AUTHENTICATION_REQUIRED, ErrorLocation.NONE);
        if (!c.ready()) throw StatusException.dnr(Status.COMMAND_SEQUENCE_ERROR, ErrorLocation.NONE);
        CommandSet cs = c.subsystem().commandSet();
        return queue.qid() == 0 ? cs.parseAdmin(c, r) : io(queue, c, cs, r);
    }

    /** Fabrics commands on a connected queue (NVMe-oF 1.1 section 3). */
    private static NvmeRequest.Handler fabrics(ControllerQueue queue, NvmeRequest r) throws StatusException {
        Controller c = queue.controller();
        Sqe sqe = r.sqe();
        switch (sqe.fctype()) {
            case Opcodes.FCTYPE_PROPERTY_GET:
            case Opcodes.FCTYPE_PROPERTY_SET:
                return x -> Properties.execute(c, x);
            case Opcodes.FCTYPE_DISCONNECT:
                return x -> Disconnect.execute(c, x);
            case Opcodes.FCTYPE_CONNECT:
                throw StatusException.dnr(Status.COMMAND_SEQUENCE_ERROR, ErrorLocation.FCTYPE);
            case Opcodes.FCTYPE_AUTH_SEND:
            case Opcodes.FCTYPE_AUTH_RECEIVE:
                return AuthCommands.parse(queue, r); // DH-HMAC-CHAP, every queue (fabrics-cmd-auth.c)
            default:
                throw StatusException.dnr(Status.INVALID_OPCODE, ErrorLocation.FCTYPE);
        }
    }

    private static NvmeRequest.Handler io(ControllerQueue q, Controller c, CommandSet cs, NvmeRequest r) throws StatusException {
        switch (r.sqe().fuse()) {
            case Opcodes.FUSE_FIRST:
                return x -> {
                    NvmeRequest previous = q.swapFusedFirst(x);
                    if (previous != null) previous.fail(Status.ABORTED_MISSING_FUSED);
                };
            case Opcodes.FUSE_SECOND:
                return x -> {
                    NvmeRequest first = q.swapFusedFirst(null);
                    if (first == null) x.fail(Status.ABORTED_MISSING_FUSED);
                    else cs.fused(c, first, x);
                };
            case Opcodes.FUSE_NONE: {
                NvmeRequest.Handler h = cs.parseIo(c, r);
                return x -> {
                    NvmeRequest first = q.swapFusedFirst(null);
                    if (first != null) first.fail(Status.ABORTED_MISSING_FUSED);
                    h.execute(x);
                };
            }
            default:
                throw StatusException.invalidField(ErrorLocation.FUSE);
        }
    }

    /** Data direction from the opcode's bits 1:0 (01b host to controller); Fabrics commands use FCTYPE. */
    public static boolean hostToController(Sqe sqe) {
        int code = sqe.opcode() == Opcodes.FABRICS ? sqe.fctype() : sqe.opcode();
        return (code & 1) != 0;
    }
}
