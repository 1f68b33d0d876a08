package io.nvmegate.protocol;

/**
 * NVMe/TCP PDU types and their fixed header lengths (NVMe/TCP Transport Specification 1.0, section 3.6.2).
 *
 * <p>Every PDU starts with the 8-byte common header: {@code type u8 @0, flags u8 @1, hlen u8 @2, pdo u8 @3,
 * plen le32 @4}. The header length of each type is fixed; a PDU whose HLEN differs is a fatal transport error
 * (Fatal Error Status 1, "invalid PDU header field", FEI = 2, the offset of HLEN).
 */
public enum PduType {
    IC_REQ(0x00, 128, true),
    IC_RESP(0x01, 128, false),
    H2C_TERM_REQ(0x02, 24, true),
    C2H_TERM_REQ(0x03, 24, false),
    CAPSULE_CMD(0x04, 72, true),
    CAPSULE_RESP(0x05, 24, false),
    H2C_DATA(0x06, 24, true),
    C2H_DATA(0x07, 24, false),
    R2T(0x09, 24, false);

    /** Wire value of the type byte. */
    public final int code;
    /** Fixed header length in bytes (HLEN). */
    public final int hlen;
    /** True if the host sends this PDU to the controller. */
    public final boolean hostToController;

    PduType(int code, int hlen, boolean hostToController) {
        this.code = code;
        this.hlen = hlen;
        this.hostToController = hostToController;
    }

    /** @return the type for a wire code, or {@code null} if the code is not a PDU type. */
    public static PduType of(int code) {
        for (PduType t : values()) {
            if (t.code == code) return t;
        }
        return null;
    }

    /** @return true if this PDU type may carry header and data digests (all but ICReq/ICResp/TermReq). */
    public boolean digestCapable() {
        return this != IC_REQ && this != IC_RESP && this != H2C_TERM_REQ && this != C2H_TERM_REQ;
    }
}
