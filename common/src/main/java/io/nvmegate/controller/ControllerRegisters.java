package io.nvmegate.controller;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controller properties (NVMe Base 2.0 section 3.1.3) and the state machine they drive: enable (CC.EN 0 → 1,
 * section 3.5.1), controller reset (CC.EN 1 → 0, section 3.7.2) and shutdown (CC.SHN, section 3.6). Reached by the
 * host through Fabrics Property Get/Set ({@code io.nvmegate.fabrics.Properties}).
 *
 * <ul>
 *   <li>CAP @00h (8 bytes): MQES 15:0 (0's based), CQR 16, TO 31:24 (500 ms units), CSS bit 37 (NVM),
 *       MPSMIN = MPSMAX = 0 (4 KiB)</li>
 *   <li>VS @08h: 1.3.0</li>
 *   <li>CC @14h: EN 0, CSS 6:4, MPS 10:7, AMS 13:11, SHN 15:14, IOSQES 19:16, IOCQES 23:20</li>
 *   <li>CSTS @1Ch: RDY 0, CFS 1, SHST 3:2</li>
 * </ul>
 */
public final class ControllerRegisters {
    private static final Logger log = LoggerFactory.getLogger(ControllerRegisters.class);
    public static final int CAP = 0x00, VS = 0x08, CC = 0x14, CSTS = 0x1C;
    static final int CSTS_RDY = 1, CSTS_CFS = 2, SHST_OCCURRING = 1 << 2, SHST_COMPLETE = 2 << 2;
    /** VS property and Identify VER: NVMe 1.3 (as nvmet; ≥ 2.0 would make Linux ask for CNS 05h/06h/08h data). */
    public static final int VERSION = 0x00010300;
    /** CAP.TO, in 500 ms units: how long the host waits for CSTS.RDY. */
    static final int CAP_TIMEOUT = 15;

    private final Controller c;
    private volatile int cc;
    private volatile int csts;

    ControllerRegisters(Controller c) {
        this.c = c;
    }

    /** CSTS.RDY and CC.EN: the controller processes admin and I/O commands. */
    public boolean ready() {
        return (csts & CSTS_RDY) != 0 && (cc & 1) != 0;
    }

    public long cap() {
        return (c.transport().maxQueueSize() - 1) | 1L << 16 | (long) CAP_TIMEOUT << 24 | 1L << 37;
    }

    public int cc() { return cc; }

    public int csts() { return csts; }

    /** CC write: enable (validating IOSQES/IOCQES/MPS as nvmet does, CSTS.CFS on error), reset, shutdown. */
    public void writeCc(int v) {
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
