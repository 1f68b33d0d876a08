package io.nvmegate.protocol;

import java.nio.ByteBuffer;

/**
 * A decoded NVMe/TCP PDU (NVMe/TCP 1.0 section 3.6.2). Data-carrying PDUs hold their data as a
 * {@link ByteBuffer} slice (position 0 .. limit = DATAL); digests and padding are not part of it.
 */
public sealed interface Pdu {
    PduType type();

    /** ICReq: PFV le16 @8, HPDA u8 @10 (0's based dwords), DGST u8 @11 (bit0 HDGST, bit1 DDGST), MAXR2T le32 @12. */
    record ICReq(int pfv, int hpda, boolean hdgst, boolean ddgst, int maxr2t) implements Pdu {
        public PduType type() { return PduType.IC_REQ; }
    }

    /** ICResp: PFV le16 @8, CPDA u8 @10, DGST u8 @11, MAXH2CDATA le32 @12 (bytes, ≥ 4096, multiple of 4). */
    record ICResp(int pfv, int cpda, boolean hdgst, boolean ddgst, int maxh2cdata) implements Pdu {
        public PduType type() { return PduType.IC_RESP; }
    }

    /**
     * H2CTermReq / C2HTermReq: FES le16 @8, FEI le32 @10, then the offending PDU header (≤ 128 bytes) as data.
     * @param hostToController true for H2CTermReq (0x02), false for C2HTermReq (0x03)
     */
    record TermReq(boolean hostToController, int fes, int fei, ByteBuffer errorData) implements Pdu {
        public PduType type() { return hostToController ? PduType.H2C_TERM_REQ : PduType.C2H_TERM_REQ; }
    }

    /** CapsuleCmd: the 64-byte SQE @8, then in-capsule data at PDO (may be empty). */
    record CapsuleCmd(Sqe sqe, ByteBuffer data) implements Pdu {
        public PduType type() { return PduType.CAPSULE_CMD; }
    }

    /** CapsuleResp: the 16-byte CQE @8. */
    record CapsuleResp(Cqe cqe) implements Pdu {
        public PduType type() { return PduType.CAPSULE_RESP; }
    }

    /** H2CData: CCCID le16 @8, TTAG le16 @10, DATAO le32 @12, DATAL le32 @16; flag LAST_PDU. */
    record H2CData(int cccid, int ttag, int datao, boolean last, ByteBuffer data) implements Pdu {
        public PduType type() { return PduType.H2C_DATA; }
    }

    /** C2HData: CCCID le16 @8, DATAO le32 @12, DATAL le32 @16; flags LAST_PDU and SUCCESS. */
    record C2HData(int cccid, int datao, boolean last, boolean success, ByteBuffer data) implements Pdu {
        public PduType type() { return PduType.C2H_DATA; }
    }

    /** R2T: CCCID le16 @8, TTAG le16 @10, R2TO le32 @12, R2TL le32 @16. */
    record R2T(int cccid, int ttag, int r2to, int r2tl) implements Pdu {
        public PduType type() { return PduType.R2T; }
    }
}
