package io.nvmegate.protocol.auth;

import java.util.Optional;

/**
 * The reason code explanation ({@code rescode_exp}, byte 7) of AUTH_Failure1/AUTH_Failure2 (NVMe Base 2.x section
 * 8.3.4.5 "DH-HMAC-CHAP protocol", Figure "AUTH_Failure1/2 Reason Code Explanations"; Linux
 * {@code NVME_AUTH_DHCHAP_FAILURE_*}). The reason code itself ({@code rescode}, byte 6) is always 01h
 * "authentication failure".
 */
public enum DhchapFailureReason {
    /** 01h: authentication failed (wrong response, missing key, timeout). */
    FAILED(0x01),
    /** 02h: authentication protocol not usable. */
    NOT_USABLE(0x02),
    /** 03h: secure channel concatenation mismatch (SC_C not supported or not allowed on this queue). */
    CONCAT_MISMATCH(0x03),
    /** 04h: hash function not usable (none offered is supported, or HL does not match the HashID). */
    HASH_UNUSABLE(0x04),
    /** 05h: DH group not usable (none offered is supported, or a DH value the group rejects). */
    DHGROUP_UNUSABLE(0x05),
    /** 06h: incorrect payload (a length, a reserved field, a transaction ID that does not fit). */
    INCORRECT_PAYLOAD(0x06),
    /** 07h: incorrect protocol message (unknown AUTH_Type/AUTH_Id, or not the message the step expects). */
    INCORRECT_MESSAGE(0x07);

    /** The value of the {@code rescode} field: 01h, authentication failure. */
    public static final int RESCODE_FAILED = 0x01;

    private final int code;

    DhchapFailureReason(int code) {
        this.code = code;
    }

    /** @return the {@code rescode_exp} byte */
    public int code() {
        return code;
    }

    /** @return the reason with this {@code rescode_exp}, empty for a value the spec does not define */
    public static Optional<DhchapFailureReason> fromCode(int code) {
        for (DhchapFailureReason r : values()) {
            if (r.code == code) return Optional.of(r);
        }
        return Optional.empty();
    }
}
