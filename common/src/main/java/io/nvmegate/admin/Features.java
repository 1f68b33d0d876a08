package io.nvmegate.admin;

import io.nvmegate.controller.Controller;
import io.nvmegate.controller.ErrorLocation;
import io.nvmegate.controller.NvmeRequest;
import io.nvmegate.controller.StatusException;
import io.nvmegate.protocol.Opcodes;
import io.nvmegate.protocol.Status;
import io.vertx.core.buffer.Buffer;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.TreeMap;

/**
 * Get/Set Features (NVMe Base 2.0 sections 5.15, 5.27 and 5.27.1): one {@link Feature} definition per FID — whether
 * it is namespace specific and changeable, its default, what Get returns and what Set accepts — in one table
 * ({@link #SHARED}, plus the command set's, {@link AdminCommandSet#feature}). Values live per controller in
 * {@link io.nvmegate.controller.FeatureValues} and return to their defaults on a controller reset (CC.EN 1 → 0),
 * except Keep Alive Timer (set by Connect) and Host Identifier.
 *
 * <p>CDW10: FID bits 7:0 (unknown → Invalid Field | DNR at FID), SEL bits 10:8 (Get: 0 current, 1 default, 2
 * saved, 3 supported capabilities; 4..7 → Invalid Field at SEL), SV bit 31 (Set: no feature is saveable → Feature
 * Identifier Not Saveable | DNR at SV). No feature is saveable, so SEL 2 returns the default; SEL 3 returns DW0 bit 0
 * saveable (0), bit 1 namespace specific, bit 2 changeable. A value the feature does not accept → Invalid Field |
 * DNR at that CDW11 field.
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
 *   <li>81h Host Identifier: Get with CDW11 bit 0 (EXHID) returns the 16-byte host ID, without it → Invalid
 *       Field; Set → Command Sequence Error (fabrics hosts give it in Connect, NVMe-oF 1.1 section 3.3); not
 *       changeable</li>
 *   <li>other FIDs: the command set's, e.g. 82h/83h of the NVM command set (reservations)</li>
 * </ul>
 */
public final class Features {
    private Features() {}

    static final int TEMP_OVER_DEFAULT = 0x0157;
    static final int LOC_FID = ErrorLocation.cdw(10, 0), LOC_SEL = ErrorLocation.cdw(10, 8), LOC_SV = ErrorLocation.cdw(10, 31);

    /** Get of one feature: completes {@code r} (now or later) with the current or ({@code dflt}) default value. */
    @FunctionalInterface
    public interface Get {
        void get(Controller c, NvmeRequest r, AdminCommandSet cs, boolean dflt) throws StatusException;
    }

    /** Set of one feature: checks CDW11 (throwing the status at the field at fault), stores it, completes {@code r}. */
    @FunctionalInterface
    public interface Set {
        void set(Controller c, NvmeRequest r, AdminCommandSet cs) throws StatusException;
    }

    /**
     * One feature (NVMe Base 2.0 Figure 316). None is saveable.
     *
     * @param fid               Feature Identifier
     * @param namespaceSpecific Get/Set name a namespace (SEL 3 DW0 bit 1)
     * @param changeable        Set may change it (SEL 3 DW0 bit 2)
     */
    public record Feature(int fid, boolean namespaceSpecific, boolean changeable, Get get, Set set) {
        /** SEL 3 (supported capabilities) DW0. */
        int capabilities() {
            return (namespaceSpecific ? 1 << 1 : 0) | (changeable ? 1 << 2 : 0);
        }
    }

    /** A controller-wide, changeable feature whose CDW11 is stored as {@code check} returns it (default {@code dflt}). */
    interface Check {
        int value(Controller c, int cdw11, AdminCommandSet cs) throws StatusException;
    }

    static Feature stored(int fid, int dflt, Check check) {
        return new Feature(fid, false, true,
                (c, r, cs, d) -> r.complete(Status.SUCCESS, d ? dflt : c.features().get(fid, dflt)),
                (c, r, cs) -> {
                    c.features().set(fid, check.value(c, r.sqe().cdw(11), cs));
                    r.complete(Status.SUCCESS);
                });
    }

    /** The features every controller shares, by FID. */
    static final Map<Integer, Feature> SHARED = table(
            stored(Opcodes.FEAT_ARBITRATION, 0, (c, v, cs) -> v & 0xFFFFFF07),
            stored(Opcodes.FEAT_POWER_MANAGEMENT, 0, (c, v, cs) -> {
                if ((v & 0x1F) != 0) throw StatusException.invalidField(ErrorLocation.cdw(11, 0)); // PS: only state 0
                return v & 0xFF;
            }),
            new Feature(Opcodes.FEAT_TEMPERATURE_THRESHOLD, false, true, Features::getTemperature, Features::setTemperature),
            stored(Opcodes.FEAT_ERROR_RECOVERY, 0, (c, v, cs) -> {
                if ((v & 1 << 16) != 0) throw StatusException.invalidField(ErrorLocation.cdw(11, 16)); // DULBE
                return v & 0xFFFF;
            }),
            stored(Opcodes.FEAT_VOLATILE_WRITE_CACHE, 1, (c, v, cs) -> v & 1),
            new Feature(Opcodes.FEAT_NUMBER_OF_QUEUES, false, true, Features::getQueues, Features::setQueues),
            stored(Opcodes.FEAT_ASYNC_EVENT_CONFIG, 0, (c, v, cs) -> {
                int unsupported = v & ~(0xFF | IdentifyControllerData.of(c, cs).oaes);
                if (unsupported != 0) throw StatusException.invalidField(ErrorLocation.cdw(11, Integer.numberOfTrailingZeros(unsupported)));
                return v;
            }),
            new Feature(Opcodes.FEAT_KEEP_ALIVE_TIMER, false, true,
                    (c, r, cs, d) -> r.complete(Status.SUCCESS, d ? c.keepAlive().connectTimeoutMs() : c.keepAlive().timeoutMs()),
                    (c, r, cs) -> {
                        c.keepAlive().setTimeout(r.sqe().cdw(11));
                        r.complete(Status.SUCCESS);
                    }),
            new Feature(Opcodes.FEAT_HOST_IDENTIFIER, false, false, Features::getHostId,
                    (c, r, cs) -> r.fail(Status.COMMAND_SEQUENCE_ERROR)));

    private static Map<Integer, Feature> table(Feature... features) {
        Map<Integer, Feature> m = new TreeMap<>();
        for (Feature f : features) m.put(f.fid(), f);
        return Map.copyOf(m);
    }

    private static Feature find(int fid, AdminCommandSet cs) throws StatusException {
        Feature f = SHARED.get(fid);
        if (f == null) f = cs.feature(fid);
        if (f == null) throw StatusException.invalidField(LOC_FID);
        return f;
    }

    static void set(Controller c, NvmeRequest r, AdminCommandSet cs) throws StatusException {
        int cdw10 = r.sqe().cdw(10);
        if ((cdw10 & 1 << 31) != 0) throw StatusException.dnr(Status.FEATURE_NOT_SAVEABLE, LOC_SV);
        find(cdw10 & 0xFF, cs).set().set(c, r, cs);
    }

    static void get(Controller c, NvmeRequest r, AdminCommandSet cs) throws StatusException {
        int cdw10 = r.sqe().cdw(10);
        int sel = (cdw10 >> 8) & 7;
        if (sel > 3) throw StatusException.invalidField(LOC_SEL);
        Feature f = find(cdw10 & 0xFF, cs);
        if (sel == 3) {
            r.complete(Status.SUCCESS, f.capabilities());
        } else {
            f.get().get(c, r, cs, sel != 0); // SEL 2 (saved): nothing is saveable, so the default
        }
    }

    // 04h: one value per threshold (THSEL), stored under FID | THSEL << 8.
    private static void setTemperature(Controller c, NvmeRequest r, AdminCommandSet cs) throws StatusException {
        int cdw11 = r.sqe().cdw(11);
        int tmpsel = (cdw11 >> 16) & 0xF, thsel = (cdw11 >> 20) & 3;
        if (tmpsel != 0 && tmpsel != 0xF) throw StatusException.invalidField(ErrorLocation.cdw(11, 16));
        if (thsel > 1) throw StatusException.invalidField(ErrorLocation.cdw(11, 20));
        c.features().set(Opcodes.FEAT_TEMPERATURE_THRESHOLD | thsel << 8, cdw11 & 0xFFFF);
        r.complete(Status.SUCCESS);
    }

    private static void getTemperature(Controller c, NvmeRequest r, AdminCommandSet cs, boolean dflt) throws StatusException {
        int cdw11 = r.sqe().cdw(11);
        int tmpsel = (cdw11 >> 16) & 0xF, thsel = (cdw11 >> 20) & 3;
        if (tmpsel != 0) throw StatusException.invalidField(ErrorLocation.cdw(11, 16));
        if (thsel > 1) throw StatusException.invalidField(ErrorLocation.cdw(11, 20));
        int def = thsel == 0 ? TEMP_OVER_DEFAULT : 0;
        int v = dflt ? def : c.features().get(Opcodes.FEAT_TEMPERATURE_THRESHOLD | thsel << 8, def);
        r.complete(Status.SUCCESS, v | (cdw11 & 0x3F0000));
    }

    // 07h: the number of I/O queues allocated (1-based count) is stored; DW0 is NSQA 15:0, NCQA 31:16, 0's based.
    private static void setQueues(Controller c, NvmeRequest r, AdminCommandSet cs) throws StatusException {
        int cdw11 = r.sqe().cdw(11);
        int nsqr = cdw11 & 0xFFFF, ncqr = cdw11 >>> 16;
        if (nsqr == 0xFFFF) throw StatusException.invalidField(ErrorLocation.cdw(11, 0));
        if (ncqr == 0xFFFF) throw StatusException.invalidField(ErrorLocation.cdw(11, 16));
        if (c.hasIoQueues()) throw new StatusException(Status.dnr(Status.COMMAND_SEQUENCE_ERROR));
        int max = c.subsystem().commandSet().maxIoQueues();
        int n = max == 0 ? 0 : Math.max(1, Math.min(max, Math.min(nsqr, ncqr) + 1));
        c.features().set(Opcodes.FEAT_NUMBER_OF_QUEUES, n);
        r.complete(Status.SUCCESS, queuesDw0(n));
    }

    private static void getQueues(Controller c, NvmeRequest r, AdminCommandSet cs, boolean dflt) {
        int max = c.subsystem().commandSet().maxIoQueues();
        r.complete(Status.SUCCESS, dflt ? Math.max(max - 1, 0) * 0x10001 : queuesDw0(ioQueues(c)));
    }

    private static int queuesDw0(int queues) {
        int n = Math.max(queues, 1) - 1;
        return n | n << 16;
    }

    // 81h: only the 128-bit form (EXHID, CDW11 bit 0) exists on fabrics.
    private static void getHostId(Controller c, NvmeRequest r, AdminCommandSet cs, boolean dflt) throws StatusException {
        if ((r.sqe().cdw(11) & 1) == 0) throw StatusException.invalidField(ErrorLocation.cdw(11, 0));
        ByteBuffer b = ByteBuffer.allocate(16);
        b.putLong(c.hostId().getMostSignificantBits()).putLong(c.hostId().getLeastSignificantBits());
        r.respond(Buffer.buffer(b.array()));
    }

    /** Number of I/O queues the host of {@code c} may connect (feature 07h; default the command set's maximum). */
    public static int ioQueues(Controller c) {
        return c.features().get(Opcodes.FEAT_NUMBER_OF_QUEUES, c.subsystem().commandSet().maxIoQueues());
    }

    /** Asynchronous Event Configuration of {@code c} (feature 0Bh): which notices the host wants. */
    public static int asyncEventConfig(Controller c) {
        return c.features().get(Opcodes.FEAT_ASYNC_EVENT_CONFIG, 0);
    }

    /** Volatile Write Cache enabled (feature 06h WCE): when false, writes must be durable before they complete. */
    public static boolean writeCacheEnabled(Controller c) {
        return c.features().get(Opcodes.FEAT_VOLATILE_WRITE_CACHE, 1) != 0;
    }
}
