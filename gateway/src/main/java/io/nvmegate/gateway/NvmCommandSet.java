package io.nvmegate.gateway;

import io.nvmegate.catalog.CatalogView;
import io.nvmegate.catalog.NamespaceSpec;
import io.nvmegate.controller.CommandSet;
import io.nvmegate.controller.Controller;
import io.nvmegate.controller.IdentifyControllerData;
import io.nvmegate.controller.NvmeRequest;
import io.nvmegate.controller.NvmeStatusException;
import io.nvmegate.gateway.admin.NamespaceIdentify;
import io.nvmegate.gateway.admin.NvmLogPages;
import io.nvmegate.gateway.admin.ReservationNotices;
import io.nvmegate.gateway.io.NvmIo;
import io.nvmegate.protocol.Opcodes;
import io.nvmegate.protocol.Status;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;

/**
 * The I/O controller command set of an NVM subsystem (nvmet admin-cmd.c for the NVM-specific parts): the
 * Identify Controller fields of a fabrics I/O controller, Identify CNS 00h/02h/03h (and zeroed CNS 05h/06h for the
 * NVM command set, which Linux may ask for), the log pages ({@link NvmLogPages}) and the NVM I/O commands
 * ({@link NvmIo}), including the fused Compare and Write.
 */
public final class NvmCommandSet implements CommandSet {
    /** NN and MNAN: highest NSID a subsystem may use (as nvmet's NVMET_MAX_NAMESPACES). */
    public static final int MAX_NAMESPACES = 1024;
    /** ANATT: seconds a host waits for an ANA transition. */
    public static final int ANA_TRANSITION_TIME = 10;

    private final CatalogView catalog;
    private final NvmIo io;
    private final int maxIoQueues;
    private final ReservationNotices reservationNotices;

    public NvmCommandSet(CatalogView catalog, NvmIo io, int maxIoQueues) {
        this(catalog, io, maxIoQueues, null);
    }

    /** @param reservationNotices the gateway's Reservation Notification logs (null: the log page stays empty) */
    public NvmCommandSet(CatalogView catalog, NvmIo io, int maxIoQueues, ReservationNotices reservationNotices) {
        this.catalog = catalog;
        this.io = io;
        this.maxIoQueues = maxIoQueues;
        this.reservationNotices = reservationNotices;
    }

    /**
     * Identify Controller, I/O controller part (NVMe Base 2.0 Figure 275): CNTRLTYPE 1; CMIC bit 0 multi-port, bit
     * 1 multi-controller, bit 3 ANA reporting; OAES bit 8 Namespace Attribute Notices, bit 11 ANA Change Notices;
     * NN = MNAN = the subsystem's maxNamespaces (≤ 1024); IEEE from ieeeOui; ONCS bit 0 Compare, bit 2 Dataset Management, bit 3 Write Zeroes, bit 5 Reservations, bit 7 Verify; FUSES bit 0
     * Compare and Write; VWC bit 0 present, bits 2:1 = 11b Flush with NSID FFFFFFFFh supported; LPA adds bit 1
     * (Commands Supported and Effects log); ANATT 10 s; ANACAP bit 0 (only the optimized state is reported) ;
     * ANAGRPMAX = NANAGRPID = 128. The ANA log page (16 + 128 × 32 + 1024 × 4 = 8208 bytes) fits in MDTS.
     */
    @Override
    public void identifyController(Controller c, IdentifyControllerData id) {
        id.cntrltype = 1;
        id.cmic = 1 | 1 << 1 | 1 << 3;
        id.oaes = 1 << 8 | 1 << 11;
        id.nn = c.subsystem().identity().maxNamespaces();  // NN and MNAN: the subsystem's maxNamespaces (≤ 1024)
        id.mnan = c.subsystem().identity().maxNamespaces();
        id.ieee = c.subsystem().identity().ieeeOui();
        id.oncs = 1 | 1 << 2 | 1 << 3 | 1 << 7;
        id.oncs |= 1 << 5; // Reservations (NVMe Base 2.0 section 8.19)
        id.fuses = 1;
        id.vwc = 1 | 3 << 1;
        id.frmw = 1 << 1 | 1;        // one firmware slot, read-only
        id.lpa |= 1 << 1;
        id.anatt = ANA_TRANSITION_TIME;
        id.anacap = 1;
        id.anagrpmax = NamespaceSpec.MAX_ANA_GROUP;
        id.nanagrpid = NamespaceSpec.MAX_ANA_GROUP;
    }

    /**
     * Identify CNS 00h (NSID 0 or FFFFFFFFh → Invalid Namespace | DNR; inactive NSID → zero-filled, NVMe Base 2.0
     * section 5.17.2.1), 02h (NSID FFFFFFFEh/FFFFFFFFh → Invalid Namespace | DNR), 03h (inactive → Invalid
     * Namespace | DNR, as nvmet), 05h/06h with CSI 0 (NVM: zero-filled); any other CNS → Invalid Field | DNR.
     */
    @Override
    public Buffer identify(Controller c, NvmeRequest r, int cns) throws NvmeStatusException {
        String nqn = c.subsystem().nqn();
        int nsid = r.nsid();
        switch (cns) {
            case Opcodes.CNS_NAMESPACE: {
                if (nsid == 0 || nsid == 0xFFFFFFFF) throw new NvmeStatusException(Status.dnr(Status.INVALID_NAMESPACE));
                NamespaceSpec ns = catalog.current().namespace(nqn, nsid);
                return ns == null || !ns.enabled() ? Buffer.buffer(new byte[NamespaceIdentify.SIZE]) : NamespaceIdentify.namespace(ns);
            }
            case Opcodes.CNS_ACTIVE_NS_LIST:
                if (nsid == 0xFFFFFFFE || nsid == 0xFFFFFFFF) throw new NvmeStatusException(Status.dnr(Status.INVALID_NAMESPACE));
                return NamespaceIdentify.activeList(catalog.current().namespaces(nqn), nsid);
            case Opcodes.CNS_NS_DESCRIPTORS: {
                NamespaceSpec ns = catalog.current().namespace(nqn, nsid);
                if (ns == null || !ns.enabled()) throw new NvmeStatusException(Status.dnr(Status.INVALID_NAMESPACE));
                return NamespaceIdentify.descriptors(ns);
            }
            case Opcodes.CNS_CS_NAMESPACE:
            case Opcodes.CNS_CS_CONTROLLER: {
                int csi = r.sqe().cdw(11) >>> 24;
                return csi == 0 ? Buffer.buffer(new byte[NamespaceIdentify.SIZE]) : null; // NVM command set: all zero
            }
            default:
                return null;
        }
    }

    @Override
    public Buffer logPage(Controller c, NvmeRequest r, int lid, int lsp) throws NvmeStatusException {
        if (lid == Opcodes.LOG_RESERVATION_NOTIFICATION) {
            return reservationNotices == null ? Buffer.buffer(new byte[64]) : reservationNotices.page(c);
        }
        CatalogView.Snapshot snap = catalog.current();
        return NvmLogPages.page(c, r, lid, lsp, snap.namespaces(c.subsystem().nqn()), snap.generation());
    }

    @Override
    public void io(Controller c, NvmeRequest r) {
        io.execute(c, r);
    }

    @Override
    public void fused(Controller c, NvmeRequest first, NvmeRequest second) {
        io.compareAndWrite(c, first, second);
    }

    /** Shutdown: every namespace of the subsystem flushed (RocksDB WAL synced) before CSTS.SHST reads complete. */
    @Override
    public Future<Void> shutdown(Controller c) {
        return io.flushAll(c.subsystem().nqn()).mapEmpty();
    }

    /**
     * Namespace-specific reservation features (NVMe Base 2.0 sections 5.27.1.22/23), NSID an active namespace
     * (else Invalid Namespace | DNR; Set of 82h also takes FFFFFFFFh): 82h Reservation Notification Mask
     * ({@link ReservationNotices}, per controller) and 83h Reservation Persistence (CDW11 / DW0 bit 0 PTPL, kept by
     * the block worker; turning it on for a namespace whose backend cannot persist → Invalid Field | DNR). SEL 1
     * (default) reads 0, SEL 3 reads 110b: namespace specific and changeable, not saveable.
     */
    @Override
    public boolean feature(Controller c, NvmeRequest r, int fid, boolean set) {
        if (fid != Opcodes.FEAT_RESERVATION_NOTIFICATION_MASK && fid != Opcodes.FEAT_RESERVATION_PERSISTENCE) return false;
        int sel = (r.sqe().cdw(10) >> 8) & 7;
        if (!set && sel == 3) {
            r.complete(Status.SUCCESS, 1 << 1 | 1 << 2);
            return true;
        }
        if (!set && sel == 1) {
            r.complete(Status.SUCCESS, 0);
            return true;
        }
        int nsid = r.nsid();
        boolean all = set && fid == Opcodes.FEAT_RESERVATION_NOTIFICATION_MASK && nsid == 0xFFFFFFFF;
        NamespaceSpec ns = all ? null : catalog.current().namespace(c.subsystem().nqn(), nsid);
        if (!all && (ns == null || !ns.enabled())) {
            r.fail(Status.INVALID_NAMESPACE);
            return true;
        }
        if (fid == Opcodes.FEAT_RESERVATION_NOTIFICATION_MASK) {
            if (reservationNotices == null) return false;
            if (set) reservationNotices.setMask(c, r, nsid);
            else reservationNotices.getMask(c, r, nsid);
            return true;
        }
        io.persistence(c, ns, set ? (Boolean) ((r.sqe().cdw(11) & 1) != 0) : null).onSuccess(reply -> {
            if (reply.status() != Status.SUCCESS) r.complete(reply.status());
            else if (set) r.complete(Status.SUCCESS);
            else r.complete(Status.SUCCESS, reply.data() == null || reply.data().length() == 0 ? 0 : reply.data().getByte(0) & 1);
        });
        return true;
    }

    /** A controller is gone: its reservation log goes, and the workers stop reporting its CNTLID. */
    @Override
    public void released(Controller c) {
        if (reservationNotices != null) reservationNotices.forget(c);
        io.controllerGone(c);
    }

    @Override
    public int maxIoQueues() {
        return maxIoQueues;
    }
}
