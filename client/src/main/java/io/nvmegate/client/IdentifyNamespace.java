package io.nvmegate.client;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * The Identify Namespace data structure for the NVM command set (Identify CNS 00h, 4096 bytes; NVM Command Set
 * 1.0 section 4.1.5.1, Figure 114). An inactive NSID yields all zeros ({@link #active()} false).
 *
 * @param nsze     Namespace Size in logical blocks (le64 @0)
 * @param ncap     Namespace Capacity in logical blocks (le64 @8)
 * @param nuse     Namespace Utilization in logical blocks (le64 @16)
 * @param nsfeat   Namespace Features (@24)
 * @param nlbaf    Number of LBA Formats (@25, 0's based)
 * @param flbas    Formatted LBA Size (@26): format index bits 3:0 (+ bits 6:5 as index bits 5:4)
 * @param nmic     Namespace Multi-path I/O and Sharing Capabilities (@30; bit 0 shared)
 * @param rescap   Reservation Capabilities (@31)
 * @param anagrpid ANA Group Identifier (le32 @92)
 * @param lbads    LBA Data Size of the format in use, as a power of two (LBAF[n] byte 2, LBAF0 @128)
 * @param ms       Metadata Size of the format in use, bytes (LBAF[n] le16 @0)
 * @param nguid    Namespace Globally Unique Identifier (16 bytes @104)
 * @param eui64    IEEE Extended Unique Identifier (8 bytes @120)
 * @param raw      the 4096 bytes as received
 */
public record IdentifyNamespace(long nsze, long ncap, long nuse, int nsfeat, int nlbaf, int flbas, int nmic,
                                int rescap, int anagrpid, int lbads, int ms, byte[] nguid, byte[] eui64, byte[] raw) {

    /** Parses the 4096-byte data structure (the array is kept as {@link #raw()}, not copied). */
    public static IdentifyNamespace parse(byte[] b) {
        if (b.length < 4096) throw new IllegalArgumentException("Identify Namespace data is " + b.length + " bytes, want 4096");
        int flbas = Bytes.u8(b, 26);
        int fmt = (flbas & 0xF) | ((flbas >> 5) & 0x3) << 4;
        int lbaf = 128 + fmt * 4;
        return new IdentifyNamespace(Bytes.u64(b, 0), Bytes.u64(b, 8), Bytes.u64(b, 16), Bytes.u8(b, 24),
                Bytes.u8(b, 25), flbas, Bytes.u8(b, 30), Bytes.u8(b, 31), Bytes.u32(b, 92), Bytes.u8(b, lbaf + 2),
                Bytes.u16(b, lbaf), Bytes.slice(b, 104, 16), Bytes.slice(b, 120, 8), b);
    }

    /** Logical block size in bytes, {@code 2^LBADS} (0 for an inactive namespace). */
    public int blockSize() {
        return lbads == 0 ? 0 : 1 << lbads;
    }

    /** Capacity in bytes, {@code NSZE * blockSize()}. */
    public long sizeBytes() {
        return nsze * blockSize();
    }

    /** True unless the structure is all zeros (NSZE 0 means the NSID is not active on this controller). */
    public boolean active() {
        return nsze != 0;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IdentifyNamespace n && Arrays.equals(n.raw, raw);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(raw);
    }

    @Override
    public String toString() {
        return String.format("IdentifyNamespace[nsze=%d ncap=%d nuse=%d blockSize=%d nmic=%d anagrpid=%d nguid=%s eui64=%s]",
                nsze, ncap, nuse, blockSize(), nmic, anagrpid, HexFormat.of().formatHex(nguid), HexFormat.of().formatHex(eui64));
    }
}
