package io.nvmegate.gateway.reservation;

import io.nvmegate.admin.IdentifyControllerData;
import io.nvmegate.blockio.BlockOp;
import io.nvmegate.blockio.BlockReply;
import io.nvmegate.blockio.BlockRequest;
import io.nvmegate.catalog.CatalogView;
import io.nvmegate.catalog.NamespaceSpec;
import io.nvmegate.controller.Controller;
import io.nvmegate.controller.ErrorLocation;
import io.nvmegate.controller.NvmeRequest;
import io.nvmegate.controller.StatusException;
import io.nvmegate.gateway.io.BlockClient;
import io.nvmegate.gateway.io.IoCommands;
import io.nvmegate.protocol.Opcodes;
import io.nvmegate.protocol.Status;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;

/**
 * Reservation Register 0Dh / Report 0Eh / Acquire 11h / Release 15h (NVMe Base 2.0 sections 7.2..7.5, 8.19),
 * parsed here and executed by the block worker owning the namespace (its reservation engine has the rules and
 * statuses; the message contract is in this package's documentation). Register and Acquire data: CRKEY @0,
 * NRKEY or PRKEY @8 (16 bytes); Release: CRKEY @0 (8 bytes); an SGL shorter than that → Data SGL Length Invalid |
 * DNR at SGL Length. The Report is returned up to the SGL length. Unknown or disabled NSID → Invalid Namespace or
 * Format | DNR at NSID.
 */
public final class ReservationCommands {
    private final CatalogView catalog;
    private final BlockClient blocks;

    public ReservationCommands(CatalogView catalog, BlockClient blocks) {
        this.catalog = catalog;
        this.blocks = blocks;
    }

    /** @return whether {@code opcode} is a reservation command */
    public static boolean handles(int opcode) {
        return opcode == Opcodes.IO_RESERVATION_REGISTER || opcode == Opcodes.IO_RESERVATION_ACQUIRE
                || opcode == Opcodes.IO_RESERVATION_RELEASE || opcode == Opcodes.IO_RESERVATION_REPORT;
    }

    /** Identify Controller ONCS bit 5: Reservations supported. */
    public static void identifyController(IdentifyControllerData id) {
        id.oncs |= 1 << 5;
    }

    /**
     * Identify Namespace RESCAP (@31, NVMe Base 2.0 Figure 277): bit 0 Persist Through Power Loss (backend {@code
     * rocksdb} only: the state is stored with the blocks), bits 1..6 the six reservation types, bit 7 IEKEY as
     * defined by revision 1.3 and later (IEKEY is not valid on Acquire / Release).
     */
    public static int capabilities(NamespaceSpec ns) {
        return 0xFE | ("rocksdb".equals(ns.backend()) ? 1 : 0);
    }

    /** @return the handler of reservation command {@code r} ({@link #handles} its opcode) */
    public NvmeRequest.Handler parse(Controller c, NvmeRequest r) throws StatusException {
        NamespaceSpec ns = IoCommands.namespace(catalog, c, r.nsid());
        switch (r.opcode()) {
            case Opcodes.IO_RESERVATION_REGISTER: return handler(c, ns, r, BlockOp.RESERVATION_REGISTER, 16);
            case Opcodes.IO_RESERVATION_ACQUIRE: return handler(c, ns, r, BlockOp.RESERVATION_ACQUIRE, 16);
            case Opcodes.IO_RESERVATION_RELEASE: return handler(c, ns, r, BlockOp.RESERVATION_RELEASE, 8);
            case Opcodes.IO_RESERVATION_REPORT: return handler(c, ns, r, BlockOp.RESERVATION_REPORT, 0);
            default: throw StatusException.dnr(Status.INVALID_OPCODE, ErrorLocation.OPCODE);
        }
    }

    private NvmeRequest.Handler handler(Controller c, NamespaceSpec ns, NvmeRequest r, BlockOp op, int dataBytes) throws StatusException {
        if (dataBytes > 0 && r.transferLength() < dataBytes) {
            throw StatusException.dnr(Status.SGL_DATA_LENGTH_INVALID, ErrorLocation.SGL_LENGTH);
        }
        int cdw10 = r.sqe().cdw(10), cdw11 = r.sqe().cdw(11);
        return x -> {
            Buffer d = dataBytes > 0 ? x.data().slice(0, dataBytes) : null;
            blocks.send(ns, BlockRequest.reservation(op, ns.uuid(), cdw10, cdw11, d, c.hostId(), c.cntlid())).onSuccess(reply -> {
                if (reply.status() == Status.SUCCESS && reply.data() != null) x.respond(reply.data());
                else x.complete(reply.status());
            });
        };
    }

    /**
     * Tells the block workers of subsystem {@code c}'s namespaces that controller {@code c} is gone, so their
     * Reservation Reports stop listing its CNTLID.
     */
    public void controllerGone(Controller c) {
        for (NamespaceSpec ns : catalog.current().namespaces(c.subsystem().nqn())) {
            blocks.post(ns, BlockRequest.controllerGone(ns.uuid(), c.hostId(), c.cntlid()));
        }
    }

    /** Reservation Persistence (feature 83h) of namespace {@code ns}: {@code ptpl} null reads it. */
    Future<BlockReply> persistence(Controller c, NamespaceSpec ns, Boolean ptpl) {
        Buffer d = ptpl == null ? null : Buffer.buffer(new byte[] {(byte) (ptpl ? 1 : 0)});
        return blocks.send(ns, BlockRequest.reservation(BlockOp.RESERVATION_PERSISTENCE, ns.uuid(), 0, 0, d, c.hostId(), c.cntlid()));
    }
}
