package io.nvmegate.protocol.auth;

/**
 * DH-HMAC-CHAP_Success2 (host to controller, Authentication Send, only after bidirectional authentication),
 * {@code struct nvmf_auth_dhchap_success2_data}: header (01h, 04h, T_ID @4), reserved @6..15. Length 16.
 *
 * @param tid T_ID
 */
public record DhchapSuccess2(int tid) implements AuthMessage {
    /** Length of the message. */
    public static final int LENGTH = 16;

    @Override
    public byte[] encode() {
        return new AuthCodec.Writer(LENGTH, TYPE_DHCHAP, ID_SUCCESS2, tid).b;
    }

    /** @throws DhchapException INCORRECT_PAYLOAD for a short message, reserved bytes or padding */
    static DhchapSuccess2 decode(AuthCodec.Reader r) throws DhchapException {
        r.need(LENGTH, "DH-HMAC-CHAP_Success2");
        r.zero(2, 4, "reserved");
        r.zero(6, LENGTH, "reserved");
        r.padding(LENGTH);
        return new DhchapSuccess2(r.tid());
    }
}
