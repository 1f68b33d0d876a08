package io.nvmegate.protocol.auth;

/**
 * A message of the authentication protocol carried by Authentication Send (host to controller) and Authentication
 * Receive (controller to host), NVMe Base 2.x section 8.3.4.5 and Linux {@code include/linux/nvme.h}
 * ({@code struct nvmf_auth_dhchap_*_data}). All fields are little-endian. Common header, 6 bytes:
 * AUTH_Type @0 (00h common messages, 01h DH-HMAC-CHAP), AUTH_Id @1, reserved @2..3, T_ID (le16) @4..5.
 *
 * <table>
 *   <caption>Messages</caption>
 *   <tr><th>AUTH_Type</th><th>AUTH_Id</th><th>Message</th><th>Direction</th></tr>
 *   <tr><td>00h</td><td>00h</td><td>{@link AuthNegotiate}</td><td>host to controller (Send)</td></tr>
 *   <tr><td>01h</td><td>01h</td><td>{@link DhchapChallenge}</td><td>controller to host (Receive)</td></tr>
 *   <tr><td>01h</td><td>02h</td><td>{@link DhchapReply}</td><td>host to controller</td></tr>
 *   <tr><td>01h</td><td>03h</td><td>{@link DhchapSuccess1}</td><td>controller to host</td></tr>
 *   <tr><td>01h</td><td>04h</td><td>{@link DhchapSuccess2}</td><td>host to controller</td></tr>
 *   <tr><td>00h</td><td>F0h</td><td>{@link AuthFailure} Failure2</td><td>host to controller</td></tr>
 *   <tr><td>00h</td><td>F1h</td><td>{@link AuthFailure} Failure1</td><td>controller to host</td></tr>
 * </table>
 *
 * <p>Decoding is strict: every length is checked against the buffer, reserved fields and any padding after the
 * message must be zero (the Authentication Receive data is zero-padded to AL), and anything else raises a
 * {@link DhchapException} with the reason the Failure message must carry, never a runtime exception.
 */
public sealed interface AuthMessage permits AuthNegotiate, DhchapChallenge, DhchapReply, DhchapSuccess1, DhchapSuccess2, AuthFailure {
    /** SECP of Authentication Send/Receive for DH-HMAC-CHAP ({@code NVME_AUTH_DHCHAP_PROTOCOL_IDENTIFIER}). */
    int SECP_DHCHAP = 0xE9;
    /** SPSP0 and SPSP1 of Authentication Send/Receive for DH-HMAC-CHAP. */
    int SPSP0 = 0x01, SPSP1 = 0x01;
    /** AUTH_Type values. */
    int TYPE_COMMON = 0x00, TYPE_DHCHAP = 0x01;
    /** AUTH_Id values. */
    int ID_NEGOTIATE = 0x00, ID_CHALLENGE = 0x01, ID_REPLY = 0x02, ID_SUCCESS1 = 0x03, ID_SUCCESS2 = 0x04,
            ID_FAILURE2 = 0xF0, ID_FAILURE1 = 0xF1;
    /** The Linux host's Authentication Receive allocation length ({@code CHAP_BUF_SIZE}): enough for ffdhe8192. */
    int LINUX_RECEIVE_LENGTH = 4096;

    /** @return the transaction identifier T_ID (u16) */
    int tid();

    /** @return the message bytes, exactly its length (no padding) */
    byte[] encode();

    /**
     * Decodes one message; bytes after it must be zero (padding).
     *
     * @throws DhchapException {@link DhchapFailureReason#INCORRECT_MESSAGE} for an unknown AUTH_Type/AUTH_Id,
     *         {@link DhchapFailureReason#INCORRECT_PAYLOAD} for a bad length or reserved field, and the reasons
     *         each message's {@code decode} documents
     */
    static AuthMessage decode(byte[] data) throws DhchapException {
        AuthCodec.Reader r = new AuthCodec.Reader(data);
        r.need(AuthCodec.HEADER, "header");
        int type = r.u8(0), id = r.u8(1);
        if (type == TYPE_COMMON) {
            switch (id) {
                case ID_NEGOTIATE: return AuthNegotiate.decode(r);
                case ID_FAILURE1: return AuthFailure.decode(r, true);
                case ID_FAILURE2: return AuthFailure.decode(r, false);
                default: break;
            }
        } else if (type == TYPE_DHCHAP) {
            switch (id) {
                case ID_CHALLENGE: return DhchapChallenge.decode(r);
                case ID_REPLY: return DhchapReply.decode(r);
                case ID_SUCCESS1: return DhchapSuccess1.decode(r);
                case ID_SUCCESS2: return DhchapSuccess2.decode(r);
                default: break;
            }
        }
        throw new DhchapException(DhchapFailureReason.INCORRECT_MESSAGE,
                String.format("unknown message AUTH_Type %02xh AUTH_Id %02xh", type, id));
    }
}
