package io.nvmegate.protocol.auth;

import java.util.Optional;

/**
 * AUTH_Failure1 (controller to host, AUTH_Id F1h) and AUTH_Failure2 (host to controller, AUTH_Id F0h),
 * {@code struct nvmf_auth_dhchap_failure_data}: header (AUTH_Type 00h, AUTH_Id, T_ID @4), REASON CODE @6 (01h
 * authentication failure), REASON CODE EXPLANATION @7 ({@link DhchapFailureReason}). Length 8.
 *
 * @param failure1    true for Failure1 (from the controller), false for Failure2 (from the host)
 * @param tid         T_ID
 * @param explanation the REASON CODE EXPLANATION byte as received (may be a value the spec does not define)
 */
public record AuthFailure(boolean failure1, int tid, int explanation) implements AuthMessage {
    /** Length of the message. */
    public static final int LENGTH = 8;

    /** @return the Failure1 a controller sends */
    public static AuthFailure failure1(int tid, DhchapFailureReason reason) {
        return new AuthFailure(true, tid, reason.code());
    }

    /** @return the Failure2 a host sends */
    public static AuthFailure failure2(int tid, DhchapFailureReason reason) {
        return new AuthFailure(false, tid, reason.code());
    }

    /** @return the explanation as a reason, empty for an undefined value */
    public Optional<DhchapFailureReason> reason() {
        return DhchapFailureReason.fromCode(explanation);
    }

    @Override
    public byte[] encode() {
        return new AuthCodec.Writer(LENGTH, TYPE_COMMON, failure1 ? ID_FAILURE1 : ID_FAILURE2, tid)
                .u8(6, DhchapFailureReason.RESCODE_FAILED).u8(7, explanation).b;
    }

    /** @throws DhchapException INCORRECT_PAYLOAD for a short message, a reserved byte, a REASON CODE other than 01h */
    static AuthFailure decode(AuthCodec.Reader r, boolean failure1) throws DhchapException {
        r.need(LENGTH, "AUTH_Failure");
        r.zero(2, 4, "reserved");
        if (r.u8(6) != DhchapFailureReason.RESCODE_FAILED) {
            throw new DhchapException(DhchapFailureReason.INCORRECT_PAYLOAD, "REASON CODE " + r.u8(6));
        }
        r.padding(LENGTH);
        return new AuthFailure(failure1, r.tid(), r.u8(7));
    }
}
