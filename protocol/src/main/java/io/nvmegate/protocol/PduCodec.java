package io.nvmegate.protocol;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Encodes and decodes NVMe/TCP PDUs (NVMe/TCP 1.0 section 3.6.2).
 *
 * <p>Layout: {@code [header (HLEN bytes)] [HDGST le32, if enabled] [pad to PDO] [data (DATAL)] [DDGST le32, if
 * enabled and DATAL > 0]}; {@code PLEN = PDO + DATAL + DDGST} (PDO = HLEN + HDGST, no padding since nvmegate
 * always uses CPDA/HPDA 0). ICReq, ICResp and TermReq PDUs never carry digests.
 */
public final class PduCodec {
    private PduCodec() {}

    public static final int FLAG_HDGST = 0x01;
    public static final int FLAG_DDGST = 0x02;
    public static final int FLAG_LAST_PDU = 0x04;
    public static final int FLAG_SUCCESS = 0x08;
    /** Largest error-data a TermReq carries: the offending PDU header, at most 128 bytes. */
    public static final int TERM_REQ_MAX_DATA = 128;

    /**
     * The three parts of an encoded PDU, ready for a gathering write: header (+HDGST), data (may be empty, not
     * copied), data digest (empty when absent).
     */
    public record Parts(ByteBuffer header, ByteBuffer data, ByteBuffer dataDigest) {
        public int length() { return header.remaining() + data.remaining() + dataDigest.remaining(); }

        /** @return the PDU as one buffer (copies the data). */
        public ByteBuffer join() {
            ByteBuffer all = ByteBuffer.allocate(length());
            all.put(header.duplicate()).put(data.duplicate()).put(dataDigest.duplicate()).flip();
            return all;
        }
    }

    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    /** Encodes {@code pdu} as one contiguous buffer (position 0, limit PLEN). */
    public static ByteBuffer encode(Pdu pdu, boolean hdgst, boolean ddgst) {
        return encodeParts(pdu, hdgst, ddgst).join();
    }

    /** Encodes {@code pdu}; digests are applied only to PDU types that carry them. */
    public static Parts encodeParts(Pdu pdu, boolean hdgst, boolean ddgst) {
        PduType t = pdu.type();
        boolean hd = hdgst && t.digestCapable();
        ByteBuffer data = dataOf(pdu);
        boolean dd = ddgst && t.digestCapable() && data.remaining() > 0;
        int hlen = t.hlen;
        int pdo = data.remaining() > 0 && t != PduType.H2C_TERM_REQ && t != PduType.C2H_TERM_REQ ? hlen + (hd ? 4 : 0) : 0;
        int plen = hlen + (hd ? 4 : 0) + data.remaining() + (dd ? 4 : 0);
        ByteBuffer h = ByteBuffer.allocate(hlen + (hd ? 4 : 0)).order(ByteOrder.LITTLE_ENDIAN);
        int flags = (hd ? FLAG_HDGST : 0) | (dd ? FLAG_DDGST : 0);
        h.put(0, (byte) t.code).put(2, (byte) hlen).put(3, (byte) pdo).putInt(4, plen);
        if (pdu instanceof Pdu.ICReq r) {
            h.putShort(8, (short) r.pfv()).put(10, (byte) r.hpda()).put(11, (byte) dgst(r.hdgst(), r.ddgst()))
                    .putInt(12, r.maxr2t());
        } else if (pdu instanceof Pdu.ICResp r) {
            h.putShort(8, (short) r.pfv()).put(10, (byte) r.cpda()).put(11, (byte) dgst(r.hdgst(), r.ddgst()))
                    .putInt(12, r.maxh2cdata());
        } else if (pdu instanceof Pdu.TermReq r) {
            h.putShort(8, (short) r.fes()).putInt(10, r.fei());
        } else if (pdu instanceof Pdu.CapsuleCmd r) {
            h.put(8, r.sqe().buffer(), 0, Sqe.SIZE);
        } else if (pdu instanceof Pdu.CapsuleResp r) {
            r.cqe().write(h.position(8));
            h.position(0);
        } else if (pdu instanceof Pdu.H2CData r) {
            flags |= r.last() ? FLAG_LAST_PDU : 0;
            h.putShort(8, (short) r.cccid()).putShort(10, (short) r.ttag()).putInt(12, r.datao())
                    .putInt(16, data.remaining());
        } else if (pdu instanceof Pdu.C2HData r) {
            flags |= (r.last() ? FLAG_LAST_PDU : 0) | (r.success() ? FLAG_SUCCESS : 0);
            h.putShort(8, (short) r.cccid()).putInt(12, r.datao()).putInt(16, data.remaining());
        } else if (pdu instanceof Pdu.R2T r) {
            h.putShort(8, (short) r.cccid()).putShort(10, (short) r.ttag()).putInt(12, r.r2to()).putInt(16, r.r2tl());
        }
        h.put(1, (byte) flags);
        if (hd) h.putInt(hlen, Crc32c.of(h, 0, hlen));
        h.clear();
        ByteBuffer dg = EMPTY;
        if (dd) {
            dg = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0, Crc32c.of(data));
        }
        return new Parts(h, data, dg);
    }

    private static int dgst(boolean h, boolean d) { return (h ? 1 : 0) | (d ? 2 : 0); }

    private static ByteBuffer dataOf(Pdu pdu) {
        ByteBuffer d = null;
        if (pdu instanceof Pdu.CapsuleCmd r) d = r.data();
        else if (pdu instanceof Pdu.H2CData r) d = r.data();
        else if (pdu instanceof Pdu.C2HData r) d = r.data();
        else if (pdu instanceof Pdu.TermReq r) {
            d = r.errorData();
            if (d != null && d.remaining() > TERM_REQ_MAX_DATA) d = d.slice(d.position(), TERM_REQ_MAX_DATA);
        }
        return d == null ? EMPTY : d.slice();
    }

    /**
     * Decodes one complete PDU ({@code pdu} holds exactly PLEN bytes from its position) with the digests the
     * connection negotiated. Data is returned as a slice of {@code pdu}, not a copy.
     *
     * @throws PduException FES 1 (invalid header field: type, HLEN, PLEN, flags, PDO, DATAL), FES 3 (header
     *         digest error); a data digest mismatch is a {@link DataDigestException}
     */
    public static Pdu decode(ByteBuffer pdu, boolean hdgst, boolean ddgst) throws PduException {
        ByteBuffer b = pdu.slice().order(ByteOrder.LITTLE_ENDIAN);
        int code = b.get(0) & 0xFF;
        PduType t = PduType.of(code);
        if (t == null) throw new PduException(PduException.FES_INVALID_HEADER_FIELD, 0, "unknown PDU type 0x" + Integer.toHexString(code));
        int flags = b.get(1) & 0xFF;
        int hlen = b.get(2) & 0xFF;
        int pdo = b.get(3) & 0xFF;
        int plen = b.getInt(4);
        if (hlen != t.hlen) throw new PduException(PduException.FES_INVALID_HEADER_FIELD, 2, t + " bad hlen " + hlen);
        if (plen != b.remaining() || plen < hlen) throw new PduException(PduException.FES_INVALID_HEADER_FIELD, 4, t + " bad plen " + plen);
        boolean hd = t.digestCapable() && hdgst;
        if (t.digestCapable() && ((flags & FLAG_HDGST) != 0) != hd) {
            throw new PduException(PduException.FES_INVALID_HEADER_FIELD, 1, t + " header digest flag " + ((flags & FLAG_HDGST) != 0) + " but negotiated " + hd);
        }
        int headerEnd = hlen + (hd ? 4 : 0);
        if (plen < headerEnd) throw new PduException(PduException.FES_INVALID_HEADER_FIELD, 4, t + " plen " + plen + " shorter than header");
        if (hd) {
            int want = Crc32c.of(b, 0, hlen);
            int got = b.getInt(hlen);
            if (want != got) throw new PduException(PduException.FES_HEADER_DIGEST_ERROR, 0, t + " header digest mismatch");
        }
        ByteBuffer data = EMPTY;
        String dataDigestError = null;
        boolean ddFlag = (flags & FLAG_DDGST) != 0;
        if (t == PduType.H2C_TERM_REQ || t == PduType.C2H_TERM_REQ) {
            data = b.slice(hlen, plen - hlen);
        } else if (plen > headerEnd) {
            if (t != PduType.CAPSULE_CMD && t != PduType.H2C_DATA && t != PduType.C2H_DATA) {
                throw new PduException(PduException.FES_INVALID_HEADER_FIELD, 4, t + " carries no data but plen " + plen);
            }
            if (pdo < headerEnd || pdo > plen) throw new PduException(PduException.FES_INVALID_HEADER_FIELD, 3, t + " bad pdo " + pdo);
            if (ddFlag != ddgst) {
                throw new PduException(PduException.FES_INVALID_HEADER_FIELD, 1, t + " data digest flag " + ddFlag + " but negotiated " + ddgst);
            }
            int dlen = plen - pdo - (ddFlag ? 4 : 0);
            if (dlen <= 0) throw new PduException(PduException.FES_INVALID_HEADER_FIELD, 4, t + " bad plen " + plen + " for pdo " + pdo);
            data = b.slice(pdo, dlen);
            if (ddFlag) {
                int got = b.getInt(pdo + dlen);
                if (Crc32c.of(data) != got) dataDigestError = t + " data digest mismatch";
            }
        } else if (ddFlag) {
            throw new PduException(PduException.FES_INVALID_HEADER_FIELD, 1, t + " data digest flag without data");
        }
        Pdu decoded = decodeBody(t, b, flags, data);
        if (dataDigestError != null) throw new DataDigestException(dataDigestError, decoded);
        return decoded;
    }

    private static Pdu decodeBody(PduType t, ByteBuffer b, int flags, ByteBuffer data) throws PduException {
        switch (t) {
            case IC_REQ: {
                int d = b.get(11) & 0xFF;
                return new Pdu.ICReq(b.getShort(8) & 0xFFFF, b.get(10) & 0xFF, (d & 1) != 0, (d & 2) != 0, b.getInt(12));
            }
            case IC_RESP: {
                int d = b.get(11) & 0xFF;
                return new Pdu.ICResp(b.getShort(8) & 0xFFFF, b.get(10) & 0xFF, (d & 1) != 0, (d & 2) != 0, b.getInt(12));
            }
            case H2C_TERM_REQ:
            case C2H_TERM_REQ:
                return new Pdu.TermReq(t == PduType.H2C_TERM_REQ, b.getShort(8) & 0xFFFF, b.getInt(10), data);
            case CAPSULE_CMD:
                return new Pdu.CapsuleCmd(new Sqe(b.position(8)), data);
            case CAPSULE_RESP:
                return new Pdu.CapsuleResp(Cqe.read(b.position(8)));
            case H2C_DATA:
            case C2H_DATA: {
                int datal = b.getInt(16);
                if (datal != data.remaining()) throw new PduException(PduException.FES_INVALID_HEADER_FIELD, 16, t + " DATAL " + datal + " but " + data.remaining() + " data bytes");
                if (datal == 0) throw new PduException(PduException.FES_INVALID_HEADER_FIELD, 16, t + " DATAL 0");
                boolean last = (flags & FLAG_LAST_PDU) != 0;
                if (t == PduType.H2C_DATA) return new Pdu.H2CData(b.getShort(8) & 0xFFFF, b.getShort(10) & 0xFFFF, b.getInt(12), last, data);
                return new Pdu.C2HData(b.getShort(8) & 0xFFFF, b.getInt(12), last, (flags & FLAG_SUCCESS) != 0, data);
            }
            case R2T:
                return new Pdu.R2T(b.getShort(8) & 0xFFFF, b.getShort(10) & 0xFFFF, b.getInt(12), b.getInt(16));
            default:
                throw new PduException(PduException.FES_INVALID_HEADER_FIELD, 0, "unhandled PDU type " + t);
        }
    }

    /**
     * A data digest mismatch in an otherwise valid PDU ({@link #pdu()}: the decoded PDU, its data not to be
     * trusted). NVMe/TCP 1.0 section 3.6.3.1 lets the controller fail just the command with Transient Transport
     * Error (SCT 0 SC 22h) rather than end the connection; the nvmegate target does so, the host library ends the
     * connection.
     */
    public static final class DataDigestException extends PduException {
        private static final long serialVersionUID = 1L;
        private final transient Pdu pdu;

        public DataDigestException(String message, Pdu pdu) {
            super(FES_DATA_DIGEST_ERROR_FALLBACK, 0, message);
            this.pdu = pdu;
        }

        /** The PDU whose data digest did not match. */
        public Pdu pdu() { return pdu; }
    }

    /** FES used when a data digest error ends a connection: NVMe/TCP 1.0 has no FES for it; 3 as nvmet/SPDK. */
    static final int FES_DATA_DIGEST_ERROR_FALLBACK = PduException.FES_HEADER_DIGEST_ERROR;
}
