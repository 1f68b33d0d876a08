package io.nvmegate.protocol.auth;

import java.util.Optional;

/**
 * DH-HMAC-CHAP_Reply (host to controller, Authentication Send), {@code struct nvmf_auth_dhchap_reply_data}:
 * header (01h, 02h, T_ID @4), HL @6, reserved @7, CVALID @8 (bit 0: C2 present; bits 7:1 reserved), reserved @9,
 * DHVLEN (le16) @10, SEQNUM S2 (le32) @12 (meaningful only with CVALID; the Linux host sets it anyway), R1 [HL] @16, C2 [HL] @16+HL (zero when
 * CVALID is 0), the host's DH value [DHVLEN] @16+2·HL. Length 16 + 2·HL + DHVLEN.
 *
 * @param tid       T_ID
 * @param response  R1, HL bytes (HL is 32, 48 or 64)
 * @param challenge C2 (HL bytes) when CVALID, else null
 * @param seqnum    S2 (u32 in an int); not 0 exactly when the host authenticates the controller
 * @param dhValue   the host's DH public value (empty for the NULL group)
 */
public record DhchapReply(int tid, byte[] response, byte[] challenge, int seqnum, byte[] dhValue) implements AuthMessage {
    /** Offset of R1. */
    public static final int RVAL = 16;

    public DhchapReply {
        if (DhchapHash.fromLength(response.length).isEmpty()) throw new IllegalArgumentException("R1 must be 32, 48 or 64 bytes");
        if (challenge != null && challenge.length != response.length) throw new IllegalArgumentException("C2 must be HL bytes");
        if (challenge == null && seqnum != 0) throw new IllegalArgumentException("SEQNUM without C2");
        if (dhValue.length > 0xFFFF) throw new IllegalArgumentException("DH value too long");
        response = response.clone();
        challenge = challenge == null ? null : challenge.clone();
        dhValue = dhValue.clone();
    }

    /** @return HL */
    public int hl() {
        return response.length;
    }

    /** @return C2 when the host sent one (CVALID) */
    public Optional<byte[]> c2() {
        return Optional.ofNullable(challenge).map(byte[]::clone);
    }

    /** @return true when the host asks the controller to authenticate itself: C2 present and S2 not 0 */
    public boolean bidirectional() {
        return challenge != null && seqnum != 0;
    }

    @Override
    public byte[] response() {
        return response.clone();
    }

    @Override
    public byte[] challenge() {
        return challenge == null ? null : challenge.clone();
    }

    @Override
    public byte[] dhValue() {
        return dhValue.clone();
    }

    @Override
    public byte[] encode() {
        int hl = hl();
        AuthCodec.Writer w = new AuthCodec.Writer(RVAL + 2 * hl + dhValue.length, TYPE_DHCHAP, ID_REPLY, tid).u8(6, hl)
                .u8(8, challenge != null ? 1 : 0).u16(10, dhValue.length).u32(12, seqnum).bytes(RVAL, response)
                .bytes(RVAL + 2 * hl, dhValue);
        if (challenge != null) w.bytes(RVAL + hl, challenge);
        return w.b;
    }

    /**
     * A SEQNUM without CVALID is read as 0 (unidirectional), as nvmet does.
     *
     * @throws DhchapException INCORRECT_PAYLOAD for an HL that is no hash's length, reserved bits set, C2 bytes
     *         without CVALID, a short message (nvmet: {@code 16 + 2·hl + dhvlen > tl}) or nonzero padding
     */
    static DhchapReply decode(AuthCodec.Reader r) throws DhchapException {
        r.need(RVAL, "DH-HMAC-CHAP_Reply");
        r.zero(2, 4, "reserved");
        r.zero(7, 8, "reserved");
        r.zero(9, 10, "reserved");
        int hl = r.u8(6), cvalid = r.u8(8), dhvlen = r.u16(10), seqnum = r.u32(12);
        if (DhchapHash.fromLength(hl).isEmpty()) throw new DhchapException(DhchapFailureReason.INCORRECT_PAYLOAD, "HL " + hl);
        if ((cvalid & ~1) != 0) throw new DhchapException(DhchapFailureReason.INCORRECT_PAYLOAD, "CVALID reserved bits set");
        int end = RVAL + 2 * hl + dhvlen;
        r.need(end, "DH-HMAC-CHAP_Reply with HL " + hl + " DHVLEN " + dhvlen);
        if (cvalid == 0) r.zero(RVAL + hl, RVAL + 2 * hl, "C2 without CVALID");
        r.padding(end);
        // SEQNUM counts only with CVALID: the Linux host sends its S2 in every Reply, and nvmet reads it only when
        // CVALID is set (fabrics-cmd-auth.c nvmet_auth_reply)
        return new DhchapReply(r.tid(), r.bytes(RVAL, hl), cvalid == 1 ? r.bytes(RVAL + hl, hl) : null, cvalid == 1 ? seqnum : 0,
                r.bytes(RVAL + 2 * hl, dhvlen));
    }
}
