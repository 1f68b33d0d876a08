package io.nvmegate.controller;

import io.nvmegate.protocol.Status;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Controller properties over Fabrics Property Get/Set (NVMe-oF 1.1 sections 3.4 and 3.5; properties in NVMe
 * Base 2.0 section 3.1.3). SQE: ATTRIB u8 @40 (bits 2:0: 0 = 4 bytes, 1 = 8 bytes), OFST le32 @44, VALUE le64
 * @48 (Set). Get returns the value in CQE DW0 (and DW1 for 8 bytes). Unknown offsets → Invalid Field | DNR.
 *
 * <ul>
 *   <li>CAP @00h (8 bytes): MQES 15:0 (0's based), CQR 16, TO 31:24 (500 ms units), CSS bit 37 (NVM),
 *       MPSMIN = MPSMAX = 0 (4 KiB)</li>
 *   <li>VS @08h: 1.3.0</li>
 *   <li>CC @14h: EN 0, CSS 6:4, MPS 10:7, AMS 13:11, SHN 15:14, IOSQES 19:16, IOCQES 23:20</li>
 *   <li>CSTS @1Ch: RDY 0, CFS 1, SHST 3:2</li>
 * </ul>
 */
final class Properties {
    private static final Logger log = LoggerFactory.getLogger(Properties.class);
    static final int CAP = 0x00, VS = 0x08, CC = 0x14, CSTS = 0x1C;
    static final int CSTS_RDY = 1, CSTS_CFS = 2, SHST_OCCURRING = 1 << 2, SHST_COMPLETE = 2 << 2;

    private volatile int cc;
    private volatile int csts;

    boolean ready() {
        return (csts & CSTS_RDY) != 0 && (cc & 1) != 0;
    }

    void execute(Controller c, NvmeRequest r) {
        boolean set = r.sqe().fctype() == io.nvmegate.protocol.Opcodes.FCTYPE_PROPERTY_SET;
        int ofst = r.sqe().u32(44);
        if (set) {
            if (ofst != CC) {
                r.fail(Status.INVALID_FIELD);
                return;
            }
            setCc(c, (int) r.sqe().u64(48));
            r.complete(Status.SUCCESS);
            return;
        }
        long v;
        switch (ofst) {
            case CAP: v = cap(c); break;
            case VS: v = Controller.VERSION; break;
            case CC: v = cc; break;
            case CSTS: v = csts; break;
            default:
                r.fail(Status.INVALID_FIELD);
                return;
        }
        r.complete(Status.SUCCESS, (int) v, (int) (v >>> 32));
    }

    static long cap(Controller c) {
        return (c.transport().maxQueueSize() - 1) | 1L << 16 | (long) Controller.CAP_TIMEOUT << 24 | 1L << 37;
    }

    /** CC write: enable (validating IOSQES/IOCQES/MPS as nvmet does, CSTS.CFS on error), reset, shutdown. */
    private void setCc(Controller c, int v) {
        int old = cc;
        cc = v;
        boolean en = (v & 1) != 0, wasEn = (old & 1) != 0;
        int shn = (v >> 14) & 3, oldShn = (old >> 14) & 3;
        if (en && !wasEn) {
            int iosqes = (v >> 16) & 0xF, iocqes = (v >> 20) & 0xF, mps = (v >> 7) & 0xF, css = (v >> 4) & 7;
            if (iosqes != 6 || iocqes != 4 || mps != 0 || (css != 0 && css != 6)) {
                log.warn("{}: CC.EN with unsupported IOSQES {} IOCQES {} MPS {} CSS {}: controller fatal status", c, iosqes, iocqes, mps, css);
                csts = CSTS_CFS;
            } else {
                csts = CSTS_RDY;
            }
        } else if (!en && wasEn) {
            csts = 0; // controller reset (CC.EN 1 → 0)
            c.reset();
        }
        if (shn != 0 && oldShn == 0) {
            // Shutdown (NVMe Base 2.0 section 3.6.1): SHST 01b while acknowledged data is made durable, then 10b.
            csts = (csts & ~(3 << 2)) | SHST_OCCURRING;
            log.debug("{}: shutdown (CC.SHN {})", c, shn);
            c.subsystem().commandSet().shutdown(c).onComplete(ar -> {
                if (ar.failed()) log.warn("{}: shutdown: {}", c, ar.cause().toString());
                if (((cc >> 14) & 3) != 0) csts = (csts & ~(3 << 2)) | SHST_COMPLETE;
            });
        } else if (shn == 0 && oldShn != 0) {
            csts &= ~(3 << 2);
        }
    }
}
