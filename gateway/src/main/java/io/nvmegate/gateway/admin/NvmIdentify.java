package io.nvmegate.gateway.admin;

import io.nvmegate.admin.IdentifyControllerData;
import io.nvmegate.catalog.CatalogView;
import io.nvmegate.catalog.NamespaceSpec;
import io.nvmegate.controller.Controller;
import io.nvmegate.controller.ErrorLocation;
import io.nvmegate.controller.NvmeRequest;
import io.nvmegate.controller.StatusException;
import io.nvmegate.protocol.Opcodes;
import io.nvmegate.protocol.Status;
import io.vertx.core.buffer.Buffer;

/**
 * Identify for an NVM subsystem's I/O controllers (NVMe Base 2.0 section 5.17; nvmet admin-cmd.c): the I/O
 * controller fields of Identify Controller and the namespace CNS values ({@link NamespaceIdentify}).
 */
public final class NvmIdentify {
    private NvmIdentify() {}

    /** NN and MNAN: highest NSID a subsystem may use (as nvmet's NVMET_MAX_NAMESPACES). */
    public static final int MAX_NAMESPACES = 1024;

    /**
     * Identify Controller, I/O controller part (NVMe Base 2.0 Figure 275): CNTRLTYPE 1; CMIC bit 0 multi-port, bit
     * 1 multi-controller; OAES bit 8 Namespace Attribute Notices; NN = MNAN = the subsystem's maxNamespaces (≤
     * 1024); IEEE from ieeeOui; ONCS bit 0 Compare, bit 2 Dataset Management, bit 3 Write Zeroes, bit 7 Verify;
     * FUSES bit 0 Compare and Write; VWC bit 0 present, bits 2:1 = 11b Flush with NSID FFFFFFFFh supported; FRMW
     * one read-only slot; LPA adds bit 1 (Commands Supported and Effects log). (ANA and reservation fields: their
     * packages.)
     */
    public static void controller(Controller c, IdentifyControllerData id) {
        id.cntrltype = 1;
        id.cmic |= 1 | 1 << 1;
        id.oaes |= 1 << 8;
        id.nn = c.subsystem().identity().maxNamespaces();
        id.mnan = c.subsystem().identity().maxNamespaces();
        id.ieee = c.subsystem().identity().ieeeOui();
        id.oncs |= 1 | 1 << 2 | 1 << 3 | 1 << 7;
        id.fuses = 1;
        id.vwc = 1 | 3 << 1;
        id.frmw = 1 << 1 | 1;
        id.lpa |= 1 << 1;
    }

    /**
     * Identify CNS 00h (NSID 0 or FFFFFFFFh → Invalid Namespace | DNR; inactive NSID → zero-filled, NVMe Base 2.0
     * section 5.17.2.1), 02h (NSID FFFFFFFEh/FFFFFFFFh → Invalid Namespace | DNR), 03h (inactive → Invalid
     * Namespace | DNR, as nvmet), 05h/06h with CSI 0 (NVM: zero-filled; other CSI → Invalid Field at CSI); any
     * other CNS → null (Invalid Field | DNR at CNS). Namespace errors name the NSID.
     */
    public static Buffer identify(CatalogView catalog, Controller c, NvmeRequest r, int cns) throws StatusException {
        String nqn = c.subsystem().nqn();
        int nsid = r.nsid();
        switch (cns) {
            case Opcodes.CNS_NAMESPACE: {
                if (nsid == 0 || nsid == 0xFFFFFFFF) throw StatusException.dnr(Status.INVALID_NAMESPACE, ErrorLocation.NSID);
                NamespaceSpec ns = catalog.current().namespace(nqn, nsid);
                return ns == null || !ns.enabled() ? Buffer.buffer(new byte[NamespaceIdentify.SIZE]) : NamespaceIdentify.namespace(ns);
            }
            case Opcodes.CNS_ACTIVE_NS_LIST:
                if (nsid == 0xFFFFFFFE || nsid == 0xFFFFFFFF) throw StatusException.dnr(Status.INVALID_NAMESPACE, ErrorLocation.NSID);
                return NamespaceIdentify.activeList(catalog.current().namespaces(nqn), nsid);
            case Opcodes.CNS_NS_DESCRIPTORS: {
                NamespaceSpec ns = catalog.current().namespace(nqn, nsid);
                if (ns == null || !ns.enabled()) throw StatusException.dnr(Status.INVALID_NAMESPACE, ErrorLocation.NSID);
                return NamespaceIdentify.descriptors(ns);
            }
            case Opcodes.CNS_CS_NAMESPACE:
            case Opcodes.CNS_CS_CONTROLLER: {
                int csi = r.sqe().cdw(11) >>> 24;
                if (csi != 0) throw StatusException.invalidField(ErrorLocation.cdw(11, 24));
                return Buffer.buffer(new byte[NamespaceIdentify.SIZE]); // NVM command set: all zero
            }
            default:
                return null;
        }
    }
}
