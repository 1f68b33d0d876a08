package io.nvmegate.protocol.auth;

/**
 * A DH-HMAC-CHAP secret string that is not a valid {@code DHHC-1:hh:<base64>:} representation (bad prefix, hash
 * identifier, Base64, key length or CRC). The message names what is wrong, never the secret or its key bytes.
 */
public class InvalidSecretException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public InvalidSecretException(String message) {
        super(message);
    }
}
