package io.nvmegate.gateway.admin;

import io.nvmegate.admin.IdentifyControllerData;
import io.nvmegate.admin.LogPageRequest;
import io.nvmegate.catalog.NamespaceSpec;
import io.nvmegate.controller.Controller;
import io.nvmegate.controller.ErrorLocation;
import io.nvmegate.controller.HealthCounters;
import io.nvmegate.controller.NvmeRequest;
import io.nvmegate.controller.StatusException;
import io.nvmegate.gateway.ana.AnaLog;
import io.nvmegate.gateway.ana.AnaStates;
import io.nvmegate.gateway.reservation.ReservationNotices;
import io.nvmegate.protocol.Opcodes;
import io.vertx.core.buffer.Buffer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * The log pages of an I/O controller (NVMe Base 2.0 section 5.16.1). The controller core returns the part the
 * host asked for (LPO, NUMD) and unmasks the page's asynchronous events when RAE = 0 ({@link
 * io.nvmegate.admin.LogPages}); an unknown LID → Invalid Field | DNR at LID (as nvmet).
 *
 * <ul>
 *   <li>00h Supported Log Pages: 256 le32 entries, bit 0 LSUPP for each LID below</li>
 *   <li>01h Error Information: {@link io.nvmegate.controller.ErrorLog}</li>
 *   <li>02h SMART / Health Information (512 bytes): data units read/written and host read/write commands of
 *       this controller, number of error log entries; controller-wide only (LPA bit 0 = 0), so NSID must be 0
 *       or FFFFFFFFh, else Invalid Field | DNR at NSID. Temperature and spare are not measured and read 0 (as nvmet)</li>
 *   <li>03h Firmware Slot Information (512 bytes): AFI @0 = 1 (slot 1 active), FRS1 @8 = FR</li>
 *   <li>04h Changed Namespace List: {@link io.nvmegate.controller.ChangedNamespaces}, cleared by RAE = 0</li>
 *   <li>05h Commands Supported and Effects: {@link CommandEffects}</li>
 *   <li>0Ch Asymmetric Namespace Access: {@link AnaLog}, LSP bit 0 RGO</li>
 *   <li>80h Reservation Notification: {@link ReservationNotices}: one entry per read</li>
 * </ul>
 */
public final class NvmLogPages {
    private NvmLogPages() {}

    static final int[] SUPPORTED = {Opcodes.LOG_SUPPORTED, Opcodes.LOG_ERROR, Opcodes.LOG_SMART, Opcodes.LOG_FW_SLOT,
            Opcodes.LOG_CHANGED_NS, Opcodes.LOG_CMD_EFFECTS, Opcodes.LOG_ANA, Opcodes.LOG_RESERVATION_NOTIFICATION};

    /**
     * @param namespaces    the subsystem's namespaces (catalog snapshot)
     * @param ana           this gateway's ANA states (the ANA log page's states and change counts)
     * @param reservations  the gateway's Reservation Notification logs
     * @return the whole page, or {@code null} for an unsupported LID
     */
    public static Buffer page(Controller c, NvmeRequest r, LogPageRequest p, List<NamespaceSpec> namespaces,
                              AnaStates ana, ReservationNotices reservations) throws StatusException {
        switch (p.lid()) {
            case Opcodes.LOG_SUPPORTED: return supported();
            case Opcodes.LOG_ERROR: return c.errors().page();
            case Opcodes.LOG_SMART: {
                int nsid = r.nsid();
                if (nsid != 0 && nsid != 0xFFFFFFFF) throw StatusException.invalidField(ErrorLocation.NSID);
                return smart(c);
            }
            case Opcodes.LOG_FW_SLOT: return firmwareSlots(c);
            case Opcodes.LOG_CHANGED_NS: return c.changedNamespaces().page(!p.rae());
            case Opcodes.LOG_CMD_EFFECTS: return CommandEffects.page();
            case Opcodes.LOG_ANA: {
                String nqn = c.subsystem().nqn();
                return AnaLog.page(namespaces, ana.view(), g -> ana.state(nqn, g), (p.lsp() & 1) != 0);
            }
            case Opcodes.LOG_RESERVATION_NOTIFICATION: return reservations.page(c);
            default: return null;
        }
    }

    static Buffer supported() {
        ByteBuffer b = ByteBuffer.allocate(1024).order(ByteOrder.LITTLE_ENDIAN);
        for (int lid : SUPPORTED) b.putInt(lid * 4, 1);
        return Buffer.buffer(b.array());
    }

    /**
     * SMART / Health (Figure 207): Critical Warning @0, Composite Temperature le16 @1, Available Spare @3, Data
     * Units Read le128 @32, Data Units Written @48, Host Read Commands @64, Host Write Commands @80, Number of
     * Error Information Log Entries @176.
     */
    static Buffer smart(Controller c) {
        ByteBuffer b = ByteBuffer.allocate(512).order(ByteOrder.LITTLE_ENDIAN);
        HealthCounters h = c.health();
        b.putLong(32, HealthCounters.dataUnits(h.bytesRead()));
        b.putLong(48, HealthCounters.dataUnits(h.bytesWritten()));
        b.putLong(64, h.readCommands());
        b.putLong(80, h.writeCommands());
        b.putLong(176, c.errors().count());
        return Buffer.buffer(b.array());
    }

    /** Firmware Slot Information (Figure 209): AFI @0 (bits 2:0 active slot), FRS1..7 @8 (8 ASCII bytes each). */
    static Buffer firmwareSlots(Controller c) {
        ByteBuffer b = ByteBuffer.allocate(512).order(ByteOrder.LITTLE_ENDIAN);
        b.put(0, (byte) 1);
        IdentifyControllerData.ascii(b, 8, 8, c.subsystem().identity().firmware());
        return Buffer.buffer(b.array());
    }
}
