package io.nvmegate.controller;

import io.nvmegate.protocol.Opcodes;
import io.nvmegate.protocol.Status;
import io.vertx.core.buffer.Buffer;

import java.nio.ByteBuffer;

/**
 * Get/Set Features shared by every controller (NVMe Base 2.0 section 5.27 and 5.15). CDW10: FID bits 7:0,
 * SEL bits 10:8 (Get: 0 current, 1 default, 2 saved, 3 supported capabilities), SV bit 31 (Set: not
 * saveable → Feature Identifier Not Saveable). Unknown FIDs → Invalid Field | DNR.
 *
 * <ul>
 *   <li>07h Number of Queues: CDW11 NSQR 15:0, NCQR 31:16 (0's based; 0xFFFF → Invalid Field); DW0 returns
 *       what is allocated, capped at the controller's maximum</li>
 *   <li>0Bh Asynchronous Event Configuration: CDW11 stored and returned</li>
 *   <li>0Fh Keep Alive Timer: CDW11 KATO in ms</li>
 *   <li>06h Volatile Write Cache: CDW11 bit 0 WCE (cache present, reported enabled)</li>
 *   <li>81h Host Identifier: Get with CDW11 bit 0 (EXHID) returns the 16-byte host ID; Set → Command Sequence
 *       Error (fabrics hosts give it in Connect)</li>
 * </ul>
 */
public final class Features {
    private final Controller c;
    private final int maxIoQueues;
    private volatile int ioQueues;
    private volatile int asyncEventConfig;
    private volatile int volatileWriteCache = 1;

    Features(Controller c, int maxIoQueues) {
        this.c = c;
        this.maxIoQueues = maxIoQueues;
        this.ioQueues = maxIoQueues;
    }

    /** Number of I/O queues the host may connect. */
    public int ioQueues() { return ioQueues; }

    /** Asynchronous Event Configuration (which notices the host wants). */
    public int asyncEventConfig() { return asyncEventConfig; }

    void set(NvmeRequest r) {
        int cdw10 = r.sqe().cdw(10), cdw11 = r.sqe().cdw(11);
        int fid = cdw10 & 0xFF;
        if ((cdw10 & 1 << 31) != 0) {
            r.complete(Status.dnr(Status.FEATURE_NOT_SAVEABLE));
            return;
        }
        switch (fid) {
            case Opcodes.FEAT_NUMBER_OF_QUEUES: {
                int nsqr = cdw11 & 0xFFFF, ncqr = cdw11 >>> 16;
                if (nsqr == 0xFFFF || ncqr == 0xFFFF) {
                    r.fail(Status.INVALID_FIELD);
                    return;
                }
                int n = Math.max(1, Math.min(maxIoQueues, Math.min(nsqr, ncqr) + 1));
                ioQueues = maxIoQueues == 0 ? 0 : n;
                r.complete(Status.SUCCESS, queuesDw0());
                return;
            }
            case Opcodes.FEAT_ASYNC_EVENT_CONFIG:
                asyncEventConfig = cdw11;
                r.complete(Status.SUCCESS);
                return;
            case Opcodes.FEAT_KEEP_ALIVE_TIMER:
                c.keepAlive().setTimeout(cdw11);
                r.complete(Status.SUCCESS);
                return;
            case Opcodes.FEAT_VOLATILE_WRITE_CACHE:
                volatileWriteCache = cdw11 & 1;
                r.complete(Status.SUCCESS);
                return;
            case Opcodes.FEAT_HOST_IDENTIFIER:
                r.fail(Status.COMMAND_SEQUENCE_ERROR);
                return;
            default:
                r.fail(Status.INVALID_FIELD);
        }
    }

    void get(NvmeRequest r) {
        int cdw10 = r.sqe().cdw(10), cdw11 = r.sqe().cdw(11);
        int fid = cdw10 & 0xFF, sel = (cdw10 >> 8) & 7;
        if (sel == 3) { // supported capabilities: bit 2 changeable (none saveable or namespace specific)
            switch (fid) {
                case Opcodes.FEAT_NUMBER_OF_QUEUES:
                case Opcodes.FEAT_ASYNC_EVENT_CONFIG:
                case Opcodes.FEAT_KEEP_ALIVE_TIMER:
                case Opcodes.FEAT_VOLATILE_WRITE_CACHE:
                    r.complete(Status.SUCCESS, 1 << 2);
                    return;
                case Opcodes.FEAT_HOST_IDENTIFIER:
                    r.complete(Status.SUCCESS, 0);
                    return;
                default:
                    r.fail(Status.INVALID_FIELD);
                    return;
            }
        }
        boolean dflt = sel == 1;
        switch (fid) {
            case Opcodes.FEAT_NUMBER_OF_QUEUES:
                r.complete(Status.SUCCESS, dflt ? (maxIoQueues - 1) * 0x10001 : queuesDw0());
                return;
            case Opcodes.FEAT_ASYNC_EVENT_CONFIG:
                r.complete(Status.SUCCESS, dflt ? 0 : asyncEventConfig);
                return;
            case Opcodes.FEAT_KEEP_ALIVE_TIMER:
                r.complete(Status.SUCCESS, dflt ? 0 : c.keepAlive().timeoutMs());
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
                r.fail(Status.INVALID_FIELD);
        }
    }

    private int queuesDw0() {
        int n = Math.max(ioQueues, 1) - 1;
        return n | n << 16;
    }
}
