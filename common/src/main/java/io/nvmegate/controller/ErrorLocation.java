package io.nvmegate.controller;

/**
 * Parameter Error Location of an Error Information log entry (NVMe Base 2.0 Figure 198, bytes 15:14): bits 7:0
 * the byte offset within the SQE of the field that made the command fail, bits 10:8 the bit within that byte
 * where the field starts; {@link #NONE} (FFFFh) when no single SQE field is at fault (e.g. a transport error, or an
 * error in the command's data). Values are plain {@code int}s so a failure can carry one without allocation.
 */
public final class ErrorLocation {
    private ErrorLocation() {}

    /** Not applicable / not known (FFFFh). */
    public static final int NONE = 0xFFFF;

    /** SQE byte 0: OPC. */
    public static final int OPCODE = at(0, 0);
    /** SQE byte 1 bits 1:0: FUSE. */
    public static final int FUSE = at(1, 0);
    /** SQE byte 1 bits 7:6: PSDT. */
    public static final int PSDT = at(1, 6);
    /** SQE bytes 7:4: NSID (Fabrics commands: FCTYPE, byte 4). */
    public static final int NSID = at(4, 0);
    /** Byte 4 of a Fabrics command: FCTYPE. */
    public static final int FCTYPE = at(4, 0);
    /** SGL1 Address, SQE bytes 31:24 (in-capsule data: the offset). */
    public static final int SGL_ADDRESS = at(24, 0);
    /** SGL1 Length, SQE bytes 35:32. */
    public static final int SGL_LENGTH = at(32, 0);
    /** SGL1 SGL Identifier, SQE byte 39. */
    public static final int SGL_IDENTIFIER = at(39, 0);

    /**
     * @param byteOffset offset of the field's first byte in the 64-byte SQE (0..63)
     * @param bit        bit of that byte where the field starts (0..7)
     * @return the Parameter Error Location
     */
    public static int at(int byteOffset, int bit) {
        if (byteOffset < 0 || byteOffset > 63 || bit < 0 || bit > 7) {
            throw new IllegalArgumentException("SQE byte " + byteOffset + " bit " + bit);
        }
        return bit << 8 | byteOffset;
    }

    /**
     * The field at bit {@code bit} (0..31) of command dword {@code n} (10..15, SQE bytes 40..63): e.g. {@code
     * cdw(10, 31)} for the SV bit of Set Features, {@code cdw(12, 0)} for NLB.
     */
    public static int cdw(int n, int bit) {
        if (n < 10 || n > 15 || bit < 0 || bit > 31) throw new IllegalArgumentException("CDW" + n + " bit " + bit);
        return at(40 + (n - 10) * 4 + bit / 8, bit % 8);
    }

    /** @return "byte B bit b", or "n/a" for {@link #NONE} (for logs) */
    public static String describe(int location) {
        return location == NONE ? "n/a" : "SQE byte " + (location & 0xFF) + " bit " + ((location >> 8) & 7);
    }
}
