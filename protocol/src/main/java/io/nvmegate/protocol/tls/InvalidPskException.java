package io.nvmegate.protocol.tls;

/**
 * A PSK in the interchange format, or a PSK identity, that cannot be used. The message says what is wrong and never
 * contains the key material.
 */
public final class InvalidPskException extends IllegalArgumentException {
    public InvalidPskException(String message) {
        super(message);
    }
}
