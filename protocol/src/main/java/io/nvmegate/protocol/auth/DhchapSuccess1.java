package io.nvmegate.protocol.auth;

/**
 * DH-HMAC-CHAP_Success1 (controller to host, Authentication Receive), {@code struct
 * nvmf_auth_dhchap_success1_data}: header (01h, 03h, T_ID @4), HL @6, reserved @7, RVALID @8 (bit 0: R2 present;
 * bits 7:1 reserved), reserved @9..15, R2 [HL] @16 only when RVALID. Length 16, or 16 + HL with R2 (nvmet's
 * {@code nvmet_auth_receive_data_len}).
 *
 * @param tid      T_ID
 * @param hl       HL, the negotiated hash's length
 * @param response R2 (HL bytes) for bidirectional authentication, else null
 */
public record DhchapSuccess1(int tid, int hl, byte[] response) implements AuthMessage {
    /** Offset of R2. */
    public static final int RVAL = 16;

    public DhchapSuccess1 {
        if (DhchapHash.fromLength(hl).isEmpty()) throw new IllegalArgumentException("HL must be 32, 48 or 64");
        if (response != null && response.length != hl) throw new IllegalArgumentException("R2 must be HL bytes");
        response = response == null ? null : response.clone();
    }

    /** @return R2, or null when RVALID is 0 */
    @Override
    public byte[] response() {
        return response == null ? null : response.clone();
    }

    /** @return the length of this message */
    public int length() {
        return RVAL + (response == null ? 0 : hl);
    }

    @Override
    public byte[] encode() {
        AuthCodec.Writer w = new AuthCodec.Writer(length(), TYPE_DHCHAP, ID_SUCCESS1, tid).u8(6, hl);
        if (response != null) w.u8(8, 1).bytes(RVAL, response);
        return w.b;
    }

    /** @throws DhchapException INCORRECT_PAYLOAD for a bad HL, reserved bits, a short message or padding */
    static DhchapSuccess1 decode(AuthCodec.Reader r) throws DhchapException {
        r.need(RVAL, "DH-HMAC-CHAP_Success1");
        r.zero(2, 4, "reserved");
        r.zero(7, 8, "reserved");
        r.zero(9, RVAL, "reserved");
        int hl = r.u8(6), rvalid = r.u8(8);
        if (DhchapHash.fromLength(hl).isEmpty()) throw new DhchapException(DhchapFailureReason.INCORRECT_PAYLOAD, "HL " + hl);
        if ((rvalid & ~1) != 0) throw new DhchapException(DhchapFailureReason.INCORRECT_PAYLOAD, "RVALID reserved bits set");
        int end = RVAL + (rvalid == 1 ? hl : 0);
        r.need(end, "DH-HMAC-CHAP_Success1 with R2");
        r.padding(end);
        return new DhchapSuccess1(r.tid(), hl, rvalid == 1 ? r.bytes(RVAL, hl) : null);
    }
}
