package io.nvmegate.gateway;

import io.nvmegate.admin.AdminCommandSet;
import io.nvmegate.admin.Features;
import io.nvmegate.admin.IdentifyControllerData;
import io.nvmegate.admin.LogPageRequest;
import io.nvmegate.catalog.CatalogView;
import io.nvmegate.catalog.NamespaceSpec;
import io.nvmegate.controller.Controller;
import io.nvmegate.controller.NvmeRequest;
import io.nvmegate.controller.StatusException;
import io.nvmegate.gateway.admin.NvmIdentify;
import io.nvmegate.gateway.admin.NvmLogPages;
import io.nvmegate.gateway.ana.AnaGate;
import io.nvmegate.gateway.ana.AnaIdentify;
import io.nvmegate.gateway.ana.AnaStates;
import io.nvmegate.gateway.io.IoCommands;
import io.nvmegate.gateway.reservation.ReservationCommands;
import io.nvmegate.gateway.reservation.ReservationFeatures;
import io.nvmegate.gateway.reservation.ReservationNotices;
import io.nvmegate.protocol.Opcodes;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;

/**
 * The I/O controller command set of an NVM subsystem: a composition of the shared admin commands ({@link
 * io.nvmegate.admin}) with the NVM command set's parts, each in the package of its spec concept — NVM admin
 * (Identify, log pages: {@link io.nvmegate.gateway.admin}), NVM I/O ({@link IoCommands}), reservations ({@link
 * io.nvmegate.gateway.reservation}) and ANA ({@link io.nvmegate.gateway.ana}).
 */
public final class NvmCommandSet implements AdminCommandSet {
    private final CatalogView catalog;
    private final IoCommands io;
    private final ReservationCommands reservations;
    private final ReservationNotices reservationNotices;
    private final ReservationFeatures reservationFeatures;
    private final int maxIoQueues;
    private final AnaStates ana;
    private final AnaGate gate;

    /** @param ana this gateway's ANA states: the ANA log page, and the path check of every I/O command ({@link AnaGate}) */
    public NvmCommandSet(CatalogView catalog, IoCommands io, ReservationCommands reservations,
                         ReservationNotices reservationNotices, int maxIoQueues, AnaStates ana) {
        this.catalog = catalog;
        this.ana = ana;
        this.gate = new AnaGate(ana);
        this.io = io;
        this.reservations = reservations;
        this.reservationNotices = reservationNotices;
        this.reservationFeatures = new ReservationFeatures(catalog, reservationNotices, reservations);
        this.maxIoQueues = maxIoQueues;
    }

    @Override
    public void identifyController(Controller c, IdentifyControllerData id) {
        NvmIdentify.controller(c, id);
        ReservationCommands.identifyController(id);
        AnaIdentify.controller(id);
    }

    @Override
    public Buffer identify(Controller c, NvmeRequest r, int cns) throws StatusException {
        return NvmIdentify.identify(catalog, c, r, cns);
    }

    @Override
    public Buffer logPage(Controller c, NvmeRequest r, LogPageRequest p) throws StatusException {
        CatalogView.Snapshot snap = catalog.current();
        return NvmLogPages.page(c, r, p, snap.namespaces(c.subsystem().nqn()), ana, reservationNotices);
    }

    @Override
    public Features.Feature feature(int fid) {
        return reservationFeatures.feature(fid);
    }

    /**
     * I/O and reservation commands: the NSID is checked first (Invalid Namespace or Format | DNR), then the path
     * ({@link AnaGate}: ANA Inaccessible / Transition without DNR), then the command; the path is checked again
     * when the command executes (its data gathered), right before it is forwarded.
     */
    @Override
    public NvmeRequest.Handler parseIo(Controller c, NvmeRequest r) throws StatusException {
        NamespaceSpec ns = null; // null: Flush of every namespace (NSID FFFFFFFFh)
        if (r.opcode() == Opcodes.IO_FLUSH && r.nsid() == 0xFFFFFFFF) gate.checkAll(c, catalog);
        else gate.check(c, ns = IoCommands.namespace(catalog, c, r.nsid()));
        NvmeRequest.Handler h = ReservationCommands.handles(r.opcode()) ? reservations.parse(c, r) : io.parse(c, r);
        NamespaceSpec checked = ns;
        return x -> {
            if (checked == null) gate.checkAll(c, catalog);
            else gate.check(c, checked);
            h.execute(x);
        };
    }

    /** Fused Compare and Write: both commands get the path status when the path cannot serve ({@link AnaGate}). */
    @Override
    public void fused(Controller c, NvmeRequest first, NvmeRequest second) {
        NamespaceSpec ns = catalog.current().namespace(c.subsystem().nqn(), first.nsid());
        if (ns != null && ns.enabled()) {
            try {
                gate.check(c, ns);
            } catch (StatusException e) {
                first.fail(e);
                second.fail(e);
                return;
            }
        }
        io.compareAndWrite(c, first, second);
    }

    /** Shutdown: every namespace of the subsystem flushed (RocksDB WAL synced) before CSTS.SHST reads complete. */
    @Override
    public Future<Void> shutdown(Controller c) {
        return io.flushAll(c.subsystem().nqn()).mapEmpty();
    }

    /** A controller is gone: its reservation log goes, and the workers stop reporting its CNTLID. */
    @Override
    public void released(Controller c) {
        reservationNotices.forget(c);
        reservations.controllerGone(c);
    }

    @Override
    public int maxIoQueues() {
        return maxIoQueues;
    }
}
