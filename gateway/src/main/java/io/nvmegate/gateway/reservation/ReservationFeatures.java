package io.nvmegate.gateway.reservation;

import io.nvmegate.admin.Features;
import io.nvmegate.catalog.CatalogView;
import io.nvmegate.catalog.NamespaceSpec;
import io.nvmegate.controller.Controller;
import io.nvmegate.controller.NvmeRequest;
import io.nvmegate.controller.StatusException;
import io.nvmegate.gateway.io.IoCommands;
import io.nvmegate.protocol.Opcodes;
import io.nvmegate.protocol.Status;

/**
 * The namespace-specific reservation features (NVMe Base 2.0 sections 5.27.1.22/23), as {@link Features.Feature}
 * definitions: namespace specific and changeable, not saveable (SEL 3 reads 110b), default 0 (SEL 1). NSID must
 * be an active namespace (else Invalid Namespace | DNR at NSID; Set of 82h also takes FFFFFFFFh).
 *
 * <ul>
 *   <li>82h Reservation Notification Mask: per controller, kept by {@link ReservationNotices}</li>
 *   <li>83h Reservation Persistence: CDW11 / DW0 bit 0 PTPL, kept by the block worker; turning it on for a
 *       namespace whose backend cannot persist → Invalid Field | DNR (the worker's answer)</li>
 * </ul>
 */
public final class ReservationFeatures {
    private final CatalogView catalog;
    private final ReservationNotices notices;
    private final ReservationCommands commands;
    private final Features.Feature mask;
    private final Features.Feature persistence;

    public ReservationFeatures(CatalogView catalog, ReservationNotices notices, ReservationCommands commands) {
        this.catalog = catalog;
        this.notices = notices;
        this.commands = commands;
        this.mask = new Features.Feature(Opcodes.FEAT_RESERVATION_NOTIFICATION_MASK, true, true,
                (c, r, cs, dflt) -> {
                    if (dflt) {
                        r.complete(Status.SUCCESS, 0);
                        return;
                    }
                    IoCommands.namespace(catalog, c, r.nsid());
                    notices.getMask(c, r, r.nsid());
                },
                (c, r, cs) -> {
                    if (r.nsid() != 0xFFFFFFFF) IoCommands.namespace(catalog, c, r.nsid());
                    notices.setMask(c, r, r.nsid());
                });
        this.persistence = new Features.Feature(Opcodes.FEAT_RESERVATION_PERSISTENCE, true, true,
                (c, r, cs, dflt) -> {
                    if (dflt) {
                        r.complete(Status.SUCCESS, 0);
                        return;
                    }
                    persist(c, r, null);
                },
                (c, r, cs) -> persist(c, r, (r.sqe().cdw(11) & 1) != 0));
    }

    /** @return the definition of feature {@code fid}, or null if it is not a reservation feature */
    public Features.Feature feature(int fid) {
        if (fid == Opcodes.FEAT_RESERVATION_NOTIFICATION_MASK) return mask;
        if (fid == Opcodes.FEAT_RESERVATION_PERSISTENCE) return persistence;
        return null;
    }

    private void persist(Controller c, NvmeRequest r, Boolean ptpl) throws StatusException {
        NamespaceSpec ns = IoCommands.namespace(catalog, c, r.nsid());
        commands.persistence(c, ns, ptpl).onSuccess(reply -> {
            if (reply.status() != Status.SUCCESS) r.complete(reply.status());
            else if (ptpl != null) r.complete(Status.SUCCESS);
            else r.complete(Status.SUCCESS, reply.data() == null || reply.data().length() == 0 ? 0 : reply.data().getByte(0) & 1);
        });
    }
}
