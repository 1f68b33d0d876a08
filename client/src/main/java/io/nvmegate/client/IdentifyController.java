package io.nvmegate.client;

import java.util.Arrays;

/**
 * The Identify Controller data structure (Identify CNS 01h, 4096 bytes; NVMe Base 2.0 section 5.17.2.1, Figure 275;
 * fabrics fields from NVMe-oF 1.1 section 4.1). Offsets are those of the Linux {@code struct nvme_id_ctrl}.
 *
 * @param vid       PCI Vendor ID (le16 @0)
 * @param ssvid     PCI Subsystem Vendor ID (le16 @2)
 * @param sn        Serial Number (ASCII @4..23, padding removed)
 * @param mn        Model Number (ASCII @24..63)
 * @param fr        Firmware Revision (ASCII @64..71)
 * @param cmic      Controller Multi-Path I/O and Namespace Sharing Capabilities (@76; bit 3 = ANA reporting)
 * @param mdts      Maximum Data Transfer Size (@77), a power of two in units of the minimum page size; 0 = no limit
 * @param cntlid    Controller ID (le16 @78)
 * @param ver       Version (le32 @80), e.g. 0x00010400 for 1.4
 * @param oaes      Optional Asynchronous Events Supported (le32 @92)
 * @param ctratt    Controller Attributes (le32 @96)
 * @param cntrltype Controller Type (@111): 1 I/O, 2 discovery, 3 administrative
 * @param oacs      Optional Admin Command Support (le16 @256)
 * @param aerl      Asynchronous Event Request Limit (@259, 0's based)
 * @param lpa       Log Page Attributes (@261; bit 2 = extended data / LPO supported)
 * @param kas       Keep Alive Support (le16 @320), granularity in 100 ms units; 0 = not supported
 * @param sqes      Submission Queue Entry Size (@512; 0x66 = 64 bytes)
 * @param cqes      Completion Queue Entry Size (@513; 0x44 = 16 bytes)
 * @param maxcmd    Maximum Outstanding Commands (le16 @514)
 * @param nn        Number of Namespaces (le32 @516)
 * @param oncs      Optional NVM Command Support (le16 @520; bit 2 DSM, bit 3 Write Zeroes, bit 5 reservations)
 * @param vwc       Volatile Write Cache (@525; bit 0 present)
 * @param sgls      SGL Support (le32 @536)
 * @param mnan      Maximum Number of Allowed Namespaces (le32 @540)
 * @param subnqn    NVM Subsystem NVMe Qualified Name (ASCII @768..1023)
 * @param ioccsz    I/O Queue Command Capsule Supported Size (le32 @1792), in 16-byte units
 * @param iorcsz    I/O Queue Response Capsule Supported Size (le32 @1796), in 16-byte units
 * @param icdoff    In Capsule Data Offset (le16 @1800), in 16-byte units
 * @param fcatt     Fabrics Controller Attributes (@1802)
 * @param msdbd     Maximum SGL Data Block Descriptors (@1803)
 * @param raw       the 4096 bytes as received
 */
public record IdentifyController(int vid, int ssvid, String sn, String mn, String fr, int cmic, int mdts, int cntlid,
                                 int ver, int oaes, int ctratt, int cntrltype, int oacs, int aerl, int lpa, int kas,
                                 int sqes, int cqes, int maxcmd, int nn, int oncs, int vwc, int sgls, int mnan,
                                 String subnqn, int ioccsz, int iorcsz, int icdoff, int fcatt, int msdbd, byte[] raw) {
    public static final int SIZE = 4096;

    /** Parses the 4096-byte data structure (the array is kept as {@link #raw()}, not copied). */
    public static IdentifyController parse(byte[] b) {
        if (b.length < SIZE) throw new IllegalArgumentException("Identify Controller data is " + b.length + " bytes, want 4096");
        return new IdentifyController(Bytes.u16(b, 0), Bytes.u16(b, 2), Bytes.ascii(b, 4, 20), Bytes.ascii(b, 24, 40),
                Bytes.ascii(b, 64, 8), Bytes.u8(b, 76), Bytes.u8(b, 77), Bytes.u16(b, 78), Bytes.u32(b, 80),
                Bytes.u32(b, 92), Bytes.u32(b, 96), Bytes.u8(b, 111), Bytes.u16(b, 256), Bytes.u8(b, 259),
                Bytes.u8(b, 261), Bytes.u16(b, 320), Bytes.u8(b, 512), Bytes.u8(b, 513), Bytes.u16(b, 514),
                Bytes.u32(b, 516), Bytes.u16(b, 520), Bytes.u8(b, 525), Bytes.u32(b, 536), Bytes.u32(b, 540),
                Bytes.ascii(b, 768, 256), Bytes.u32(b, 1792), Bytes.u32(b, 1796), Bytes.u16(b, 1800),
                Bytes.u8(b, 1802), Bytes.u8(b, 1803), b);
    }

    /**
     * In-capsule data the I/O queues accept, in bytes: {@code IOCCSZ * 16 - 64} (NVMe-oF 1.1 section 4.1), never
     * negative.
     */
    public int ioInCapsuleDataSize() {
        return Math.max(0, ioccsz * 16 - 64);
    }

    /**
     * Maximum data transfer size in bytes for a memory page size of {@code 2^(12 + mpsmin)}, or 0 if unlimited.
     *
     * @param capMpsmin CAP.MPSMIN (bits 51:48 of the CAP property)
     */
    public long maxDataTransferBytes(int capMpsmin) {
        return mdts == 0 ? 0 : (1L << mdts) << (12 + capMpsmin);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IdentifyController c && Arrays.equals(c.raw, raw);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(raw);
    }

    @Override
    public String toString() {
        return String.format("IdentifyController[cntlid=%d sn='%s' mn='%s' fr='%s' ver=0x%08x cntrltype=%d mdts=%d nn=%d "
                        + "maxcmd=%d kas=%d sgls=0x%x ioccsz=%d subnqn=%s]", cntlid, sn, mn, fr, ver, cntrltype, mdts, nn,
                maxcmd, kas, sgls, ioccsz, subnqn);
    }
}
