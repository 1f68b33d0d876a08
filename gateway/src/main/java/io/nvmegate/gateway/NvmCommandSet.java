package io.nvmegate.gateway;

import io.nvmegate.catalog.CatalogView;
import io.nvmegate.catalog.NamespaceSpec;
import io.nvmegate.controller.CommandSet;
import io.nvmegate.controller.Controller;
import io.nvmegate.controller.IdentifyControllerData;
import io.nvmegate.controller.NvmeRequest;
import io.nvmegate.controller.NvmeStatusException;
import io.nvmegate.gateway.admin.NamespaceIdentify;
import io.nvmegate.gateway.io.NvmIo;
import io.nvmegate.protocol.Opcodes;
import io.nvmegate.protocol.Status;
import io.vertx.core.buffer.Buffer;

/**
 * The I/O controller command set of an NVM subsystem (nvmet admin-cmd.c for the NVM-specific parts): Identify
 * CNS 00h/02h/03h (and zeroed CNS 05h/06h for the NVM command set, which Linux may ask for), the log pages an
 * I/O controller has, and the NVM I/O commands ({@link NvmIo}).
 */
public final class NvmCommandSet implements CommandSet {
    /** NN and MNAN: highest NSID a subsystem may use (as nvmet's NVMET_MAX_NAMESPACES). */
    public static final int MAX_NAMESPACES = 1024;

    private final CatalogView catalog;
    private final NvmIo io;
    private final int maxIoQueues;

    public NvmCommandSet(CatalogView catalog, NvmIo io, int maxIoQueues) {
        this.catalog = catalog;
        this.io = io;
        this.maxIoQueues = maxIoQueues;
    }

    @Override
    public void identifyController(Controller c, IdentifyControllerData id) {
        id.cntrltype = 1;
        id.cmic = 1 | 1 << 1;        // may have several ports and several controllers
        id.oaes = 1 << 8;            // Namespace Attribute Notices
        id.nn = MAX_NAMESPACES;
        id.mnan = MAX_NAMESPACES;
        id.oncs = 1 << 2 | 1 << 3;   // Dataset Management, Write Zeroes
        id.vwc = 1;                  // volatile write cache: the host sends Flush, which syncs the RocksDB WAL
        id.frmw = 1 << 1 | 1;        // one firmware slot, read-only
    }

    @Override
    public Buffer identify(Controller c, NvmeRequest r, int cns) throws NvmeStatusException {
        String nqn = c.subsystem().nqn();
        int nsid = r.nsid();
        switch (cns) {
            case Opcodes.CNS_NAMESPACE: {
                if (nsid == 0 || nsid == 0xFFFFFFFF) throw new NvmeStatusException(Status.dnr(Status.INVALID_NAMESPACE));
                NamespaceSpec ns = catalog.current().namespace(nqn, nsid);
                // An inactive NSID returns a zero-filled structure (NVMe Base 2.0 section 5.17.2.1; nvmet).
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
    public Buffer logPage(Controller c, NvmeRequest r, int lid, int lsp) {
        switch (lid) {
            case Opcodes.LOG_ERROR: return Buffer.buffer(new byte[64]);
            case Opcodes.LOG_SMART: return Buffer.buffer(new byte[512]);
            case Opcodes.LOG_FW_SLOT: return Buffer.buffer(new byte[512]);
            case Opcodes.LOG_CHANGED_NS: return Buffer.buffer(new byte[4096]);
            default: return null;
        }
    }

    @Override
    public void io(Controller c, NvmeRequest r) {
        io.execute(c, r);
    }

    @Override
    public int maxIoQueues() {
        return maxIoQueues;
    }
}
