package io.nvmegate.tls;

import io.nvmegate.protocol.tls.SecureChannel;

import java.util.Objects;

/**
 * A listener's secure-channel policy: its TREQ setting and where it finds PSKs.
 *
 * @param treq whether TLS is offered ({@code not-required}, {@code required}) and whether plaintext is refused
 * @param psks the configured PSKs of the hosts allowed on the port
 */
public record TlsPolicy(SecureChannel treq, TlsPskSource psks) {
    /** Plaintext only, TREQ not specified (the default). */
    public static final TlsPolicy NONE = new TlsPolicy(SecureChannel.NOT_SPECIFIED, TlsPskSource.NONE);

    public TlsPolicy {
        Objects.requireNonNull(treq, "treq");
        Objects.requireNonNull(psks, "psks");
    }
}
