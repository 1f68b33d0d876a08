package io.nvmegate.controller;

import io.nvmegate.protocol.Opcodes;
import io.nvmegate.protocol.Status;
import io.vertx.core.buffer.Buffer;

import java.nio.ByteBuffer;

/**
 * Get/Set Features shared by every controller (NVMe Base 2.0 sections 5.15, 5.27 and 5.27.1). CDW10: FID bits
 * 7:0, SEL bits 10:8 (Get: 0 current, 1 default, 2 saved, 3 supported capabilities, 4..7 → Invalid Field), SV bit
 * 31 (Set: no feature is saveable → Feature Identifier Not Saveable | DNR). No feature is saveable, so SEL 2
 * returns the default value; SEL 3 returns DW0 bit 0 saveable (0), bit 1 namespace specific (0), bit 2
 * changeable. Unknown FIDs → Invalid Field | DNR. Values are reset to their defaults by a controller reset
 * (CC.EN 1 → 0), except Keep Alive Timer (set by Connect) and Host Identifier.
 *
 * <ul>
 *   <li>01h Arbitration: CDW11 AB 2:0, LPW 15:8, MPW 23:16, HPW 31:24, stored and returned (default 0)</li>
 *   <li>02h Power Management: CDW11 PS 4:0, WH 7:5; only power state 0 exists (NPSS 0), PS &gt; 0 → Invalid
 *       Field</li>
 *   <li>04h Temperature Threshold: CDW11 TMPTH 15:0 (kelvin), TMPSEL 19:16 (0 composite; Set also 0Fh = all;
 *       1..8 → Invalid Field: no other sensors), THSEL 21:20 (0 over, 1 under; others → Invalid Field). Defaults:
 *       over 343 K (0157h), under 0</li>
 *   <li>05h Error Recovery: CDW11 TLER 15:0 (100 ms units) stored; DULBE bit 16 → Invalid Field (NSFEAT bit 2
 *       is 0)</li>
 *   <li>06h Volatile Write Cache: CDW11 WCE bit 0 (default 1); with WCE 0 every write is made durable before it
 *       completes (as FUA)</li>
 *   <li>07h Number of Queues: CDW11 NSQR 15:0, NCQR 31:16 (0's based; FFFFh → Invalid Field); DW0 returns what
 *       is allocated, capped at the controller's maximum; after an I/O queue was connected → Command Sequence
 *       Error (section 5.27.1.5)</li>
 *   <li>0Bh Asynchronous Event Configuration: CDW11; bits other than the SMART critical warnings (7:0) and the
 *       notices of OAES → Invalid Field (as nvmet)</li>
 *   <li>0Fh Keep Alive Timer: CDW11 KATO in ms</li>
 *   <li>other FIDs: the command set's ({@link CommandSet#feature}), e.g. 82h/83h of the NVM command set</li>
 *   <li>81h Host Identifier: Get with CDW11 bit 0 (EXHID) returns the 16-byte host ID, without it → Invalid
 *       Field; Set → Command Sequence Error (fabrics hosts give it in Connect, NVMe-oF 1.1 section 3.3)</li>
 * </ul>
 */
public final class Features {
    static final int TEMP_OVER_DEFAULT = 0x0157;

    private final Controller c;
    private final int maxIoQueues;
    private volatile int ioQueues;
    private volatile int asyncEventConfig;
    private volatile int volatileWriteCache = 1;
    private volatile int arbitration;
    private volatile int powerManagement;
    private volatile int tempOver = TEMP_OVER_DEFAULT;
    private volatile int tempUnder;
    private volatile int errorRecovery;

    Features(Controller c, int maxIoQueues) {
        this.c = c;
        this.maxIoQueues = maxIoQueues;
        this.ioQueues = maxIoQueues;
    }

    /** Number of I/O queues the host may connect. */
    public int ioQueues() { return ioQueues; }

    /** Asynchronous Event Configuration (which notices the host wants). */
    public int asyncEventConfig() { return asyncEventConfig; }

    /** Volatile Write Cache enabled (WCE): when false, writes must be durable before they complete. */
    public boolean writeCacheEnabled() { return volatileWriteCache != 0; }

    /** Controller reset: every feature but KATO and Host Identifier back to its default. */
    void reset() {
        ioQueues = maxIoQueues;
        asyncEventConfig = 0;
        volatileWriteCache = 1;
        arbitration = 0;
        powerManagement = 0;
        tempOver = TEMP_OVER_DEFAULT;
        tempUnder = 0;
        errorRecovery = 0;
    }

    void set(NvmeRequest r) {
        int cdw10 = r.sqe().cdw(10), cdw11 = r.sqe().cdw(11);
        int fid = cdw10 & 0xFF;
        if ((cdw10 & 1 << 31) != 0) {
            r.fail(Status.FEATURE_NOT_SAVEABLE);
            return;
        }
        switch (fid) {
            case Opcodes.FEAT_ARBITRATION:
                arbitration = cdw11 & 0xFFFFFF07;
                break;
            case Opcodes.FEAT_POWER_MANAGEMENT:
                if ((cdw11 & 0x1F) != 0) {
                    r.fail(Status.INVALID_FIELD);
                    return;
                }
                powerManagement = cdw11 & 0xFF;
                break;
            case Opcodes.FEAT_TEMPERATURE_THRESHOLD: {
                int tmpsel = (cdw11 >> 16) & 0xF, thsel = (cdw11 >> 20) & 3;
                if ((tmpsel != 0 && tmpsel != 0xF) || thsel > 1) {
                    r.fail(Status.INVALID_FIELD);
                    return;
                }
                if (thsel == 0) tempOver = cdw11 & 0xFFFF;
                else tempUnder = cdw11 & 0xFFFF;
                break;
            }
            case Opcodes.FEAT_ERROR_RECOVERY:
                if ((cdw11 & 1 << 16) != 0) {
                    r.fail(Status.INVALID_FIELD);
                    return;
                }
                errorRecovery = cdw11 & 0xFFFF;
                break;
            case Opcodes.FEAT_VOLATILE_WRITE_CACHE:
                volatileWriteCache = cdw11 & 1;
                break;
            case Opcodes.FEAT_NUMBER_OF_QUEUES: {
                int nsqr = cdw11 & 0xFFFF, ncqr = cdw11 >>> 16;
                if (nsqr == 0xFFFF || ncqr == 0xFFFF) {
                    r.fail(Status.INVALID_FIELD);
                    return;
                }
                if (c.hasIoQueues()) {
                    r.fail(Status.COMMAND_SEQUENCE_ERROR);
                    return;
                }
                int n = Math.max(1, Math.min(maxIoQueues, Math.min(nsqr, ncqr) + 1));
                ioQueues = maxIoQueues == 0 ? 0 : n;
                r.complete(Status.SUCCESS, queuesDw0());
                return;
            }
            case Opcodes.FEAT_ASYNC_EVENT_CONFIG: {
                int supported = 0xFF | c.identifyController().oaes;
                if ((cdw11 & ~supported) != 0) {
                    r.fail(Status.INVALID_FIELD);
                    return;
                }
                asyncEventConfig = cdw11;
                break;
            }
            case Opcodes.FEAT_KEEP_ALIVE_TIMER:
                c.keepAlive().setTimeout(cdw11);
                break;
            case Opcodes.FEAT_HOST_IDENTIFIER:
                r.fail(Status.COMMAND_SEQUENCE_ERROR);
                return;
            default:
                if (c.subsystem().commandSet().feature(c, r, fid, true)) return;
                r.fail(Status.INVALID_FIELD);
                return;
        }
        r.complete(Status.SUCCESS);
    }

    void get(NvmeRequest r) {
        int cdw10 = r.sqe().cdw(10), cdw11 = r.sqe().cdw(11);
        int fid = cdw10 & 0xFF, sel = (cdw10 >> 8) & 7;
        if (sel > 3) {
            r.fail(Status.INVALID_FIELD);
            return;
        }
        if (sel == 3) { // supported capabilities: bit 2 changeable (nothing saveable or namespace specific)
            switch (fid) {
                case Opcodes.FEAT_ARBITRATION:
                case Opcodes.FEAT_POWER_MANAGEMENT:
                case Opcodes.FEAT_TEMPERATURE_THRESHOLD:
                case Opcodes.FEAT_ERROR_RECOVERY:
                case Opcodes.FEAT_VOLATILE_WRITE_CACHE:
                case Opcodes.FEAT_NUMBER_OF_QUEUES:
                case Opcodes.FEAT_ASYNC_EVENT_CONFIG:
                case Opcodes.FEAT_KEEP_ALIVE_TIMER:
                    r.complete(Status.SUCCESS, 1 << 2);
                    return;
                case Opcodes.FEAT_HOST_IDENTIFIER:
                    r.complete(Status.SUCCESS, 0);
                    return;
                default:
                    if (c.subsystem().commandSet().feature(c, r, fid, false)) return;
                    r.fail(Status.INVALID_FIELD);
                    return;
            }
        }
        boolean dflt = sel != 0; // SEL 2 (saved): nothing is saveable, so the default
        switch (fid) {
            case Opcodes.FEAT_ARBITRATION:
                r.complete(Status.SUCCESS, dflt ? 0 : arbitration);
                return;
            case Opcodes.FEAT_POWER_MANAGEMENT:
                r.complete(Status.SUCCESS, dflt ? 0 : powerManagement);
                return;
            case Opcodes.FEAT_TEMPERATURE_THRESHOLD: {
                int tmpsel = (cdw11 >> 16) & 0xF, thsel = (cdw11 >> 20) & 3;
                if (tmpsel != 0 || thsel > 1) {
                    r.fail(Status.INVALID_FIELD);
                    return;
                }
                int v = thsel == 0 ? (dflt ? TEMP_OVER_DEFAULT : tempOver) : (dflt ? 0 : tempUnder);
                r.complete(Status.SUCCESS, v | (cdw11 & 0x3F0000));
                return;
            }
            case Opcodes.FEAT_ERROR_RECOVERY:
                r.complete(Status.SUCCESS, dflt ? 0 : errorRecovery);
                return;
            case Opcodes.FEAT_NUMBER_OF_QUEUES:
                r.complete(Status.SUCCESS, dflt ? Math.max(maxIoQueues - 1, 0) * 0x10001 : queuesDw0());
                return;
            case Opcodes.FEAT_ASYNC_EVENT_CONFIG:
                r.complete(Status.SUCCESS, dflt ? 0 : asyncEventConfig);
                return;
            case Opcodes.FEAT_KEEP_ALIVE_TIMER:
                r.complete(Status.SUCCESS, dflt ? c.keepAlive().connectTimeoutMs() : c.keepAlive().timeoutMs());
                return;
            case Opcodes.FEAT_VOLATILE_WRITE_CACHE:
                r.complete(Status.SUCCESS, dflt ? 1 : volatileWriteCache);
                return;
            case Opcodes.FEAT_HOST_IDENTIFIER: {
                if ((cdw11 & 1) == 0) { // only the 128-bit form (EXHID) exists on fabrics
                    r.fail(Status.INVALID_FIELD);
                    return;
                }
                ByteBuffer b = ByteBuffer.allocate(16);
                b.putLong(c.hostId().getMostSignificantBits()).putLong(c.hostId().getLeastSignificantBits());
                r.respond(Buffer.buffer(b.array()));
                return;
            }
            default:
                if (c.subsystem().commandSet().feature(c, r, fid, false)) return;
                r.fail(Status.INVALID_FIELD);
        }
    }

    private int queuesDw0() {
        int n = Math.max(ioQueues, 1) - 1;
        return n | n << 16;
    }
}
