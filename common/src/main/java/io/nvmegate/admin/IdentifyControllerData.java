package io.nvmegate.admin;

import io.nvmegate.controller.AsyncEvents;
import io.nvmegate.controller.Controller;
import io.nvmegate.controller.ErrorLog;
import io.nvmegate.controller.KeepAlive;
import io.nvmegate.controller.Subsystem;
import io.nvmegate.controller.TransportConfig;
import io.vertx.core.buffer.Buffer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The Identify Controller data structure (CNS 01h, 4096 bytes; NVMe Base 2.0 Figure 275, NVMe-oF 1.1 section
 * 4.1). Fields are named and placed as in the spec; offsets in the comments. String fields are ASCII, space
 * padded; SUBNQN is NUL padded.
 */
public final class IdentifyControllerData {
    public static final int SIZE = 4096;

    public int vid;              // @0  le16 PCI vendor ID (0 for fabrics)
    public int ssvid;            // @2  le16
    public String sn = "";       // @4  20 bytes
    public String mn = "";       // @24 40 bytes
    public String fr = "";       // @64 8 bytes
    public int rab = 6;          // @72 recommended arbitration burst
    public int ieee;             // @73 3 bytes IEEE OUI
    public int cmic;             // @76 bit0 multi-port, bit1 multi-controller, bit3 ANA reporting
    public int mdts;             // @77 2^MDTS * 4 KiB; 0 = no limit
    public int cntlid;           // @78 le16 must equal the Connect result
    public int ver;              // @80 le32 = VS property
    public int oaes;             // @92 le32 optional asynchronous events supported
    public int ctratt;           // @96 le32 bit0 128-bit host ID, bit6 TBKAS
    public int cntrltype;        // @111 1 I/O, 2 discovery, 3 administrative
    public int oacs;             // @256 le16
    public int acl = 3;          // @258 abort command limit, 0's based
    public int aerl = 3;         // @259 AER limit, 0's based
    public int frmw;             // @260
    public int lpa;              // @261 bit2 extended data for Get Log Page (LPO, 32-bit NUMD)
    public int elpe;             // @262 error log page entries, 0's based
    public int kas;              // @320 le16 keep alive support, 100 ms units (non-zero for fabrics I/O controllers)
    public int anatt;            // @342 ANA transition time, seconds
    public int anacap;           // @343 ANA capabilities: bit0 optimized, 1 non-optimized, 2 inaccessible, 3 persistent loss, 4 change, 6 ANAGRPID not changed while attached, 7 non-zero ANAGRPID
    public long anagrpmax;       // @344 le32 highest ANA group ID
    public long nanagrpid;       // @348 le32 number of ANA group IDs supported (sizes the host's ANA log buffer)
    public int sqes = 0x66;      // @512
    public int cqes = 0x44;      // @513
    public int maxcmd;           // @514 le16
    public long nn;              // @516 le32 number of namespaces (highest NSID)
    public int oncs;             // @520 le16 bit2 DSM, bit3 Write Zeroes
    public int fuses;            // @522 le16
    public int vwc;              // @525 bit0 volatile write cache present
    public int awun;             // @526 le16
    public int sgls;             // @536 le32 bit0 SGLs supported, bit20 offset-based SGL (in-capsule)
    public long mnan;            // @540 le32
    public String subnqn = "";   // @768 256 bytes
    public int ioccsz;           // @1792 le32 I/O queue command capsule size, 16-byte units
    public int iorcsz = 1;       // @1796 le32 I/O queue response capsule size, 16-byte units
    public int icdoff;           // @1800 le16 in-capsule data offset, 16-byte units (must be 0 for Linux)
    public int fcatt;            // @1802 bit0 0 = dynamic controller model
    public int msdbd = 1;        // @1803 max SGL data block descriptors

    /**
     * Identify Controller of {@code c}: the fields every nvmegate controller shares (SN, MN, FR from the subsystem;
     * CNTLID; VER 1.3; MDTS, MAXCMD, IOCCSZ from the transport; CTRATT bit 0 128-bit host identifier and bit 6
     * traffic-based keep alive; LPA bit 2 extended Get Log Page data; ELPE; AERL; KAS; SGLS bit 0 SGLs and bit 20
     * offset-based in-capsule SGLs; IORCSZ 1, ICDOFF 0, MSDBD 1), then the command set's.
     */
    public static IdentifyControllerData of(Controller c, AdminCommandSet cs) {
        Subsystem s = c.subsystem();
        TransportConfig t = c.transport();
        IdentifyControllerData id = new IdentifyControllerData();
        id.sn = s.identity().serial();
        id.mn = s.identity().model();
        id.fr = s.identity().firmware();
        id.cntlid = c.cntlid();
        id.ver = Controller.VERSION;
        id.mdts = t.mdts();
        id.ctratt = 1 | 1 << 6;
        id.lpa = 1 << 2;
        id.elpe = ErrorLog.ENTRIES - 1;
        id.aerl = AsyncEvents.AERL;
        id.kas = KeepAlive.KAS;
        id.maxcmd = t.maxQueueSize();
        id.sgls = 1 | 1 << 20;
        id.subnqn = s.nqn();
        id.ioccsz = t.ioccsz();
        id.iorcsz = 1;
        id.icdoff = 0;
        id.msdbd = 1;
        cs.identifyController(c, id);
        return id;
    }

    /** @return the 4096-byte structure. */
    public Buffer encode() {
        ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort(0, (short) vid).putShort(2, (short) ssvid);
        ascii(b, 4, 20, sn);
        ascii(b, 24, 40, mn);
        ascii(b, 64, 8, fr);
        b.put(72, (byte) rab);
        b.put(73, (byte) ieee).put(74, (byte) (ieee >> 8)).put(75, (byte) (ieee >> 16));
        b.put(76, (byte) cmic).put(77, (byte) mdts).putShort(78, (short) cntlid).putInt(80, ver);
        b.putInt(92, oaes).putInt(96, ctratt).put(111, (byte) cntrltype);
        b.putShort(256, (short) oacs).put(258, (byte) acl).put(259, (byte) aerl).put(260, (byte) frmw)
                .put(261, (byte) lpa).put(262, (byte) elpe);
        b.putShort(320, (short) kas);
        b.put(342, (byte) anatt).put(343, (byte) anacap).putInt(344, (int) anagrpmax).putInt(348, (int) nanagrpid);
        b.put(512, (byte) sqes).put(513, (byte) cqes).putShort(514, (short) maxcmd).putInt(516, (int) nn)
                .putShort(520, (short) oncs).putShort(522, (short) fuses).put(525, (byte) vwc).putShort(526, (short) awun)
                .putInt(536, sgls).putInt(540, (int) mnan);
        byte[] q = subnqn.getBytes(StandardCharsets.US_ASCII);
        b.put(768, q, 0, Math.min(q.length, 255));
        b.putInt(1792, ioccsz).putInt(1796, iorcsz).putShort(1800, (short) icdoff).put(1802, (byte) fcatt).put(1803, (byte) msdbd);
        return Buffer.buffer(b.array());
    }

    /** Writes {@code s} at {@code off}, space padded to {@code len} bytes. */
    public static void ascii(ByteBuffer b, int off, int len, String s) {
        byte[] v = s.getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < len; i++) b.put(off + i, i < v.length ? v[i] : (byte) ' ');
    }
}
