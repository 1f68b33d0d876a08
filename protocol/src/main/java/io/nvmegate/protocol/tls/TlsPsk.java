package io.nvmegate.protocol.tls;

/**
 * The external PSK of one TLS 1.3 handshake (RFC 8446 section 4.2.11): the identity sent in the ClientHello and the
 * TLS PSK ({@link TlsPskDerivation}). {@link #toString()} hides the key.
 *
 * @param identity the PSK identity
 * @param key      the TLS PSK, 32 or 48 bytes (the cipher suite's hash length)
 */
public record TlsPsk(PskIdentity identity, byte[] key) {
    public TlsPsk {
        key = key.clone();
    }

    /** @return a copy of the TLS PSK (callers may wipe it) */
    @Override
    public byte[] key() {
        return key.clone();
    }

    /** Cipher suite the PSK is for (TLS 1.3 IANA value): TLS_AES_128_GCM_SHA256 0x1301 or TLS_AES_256_GCM_SHA384 0x1302. */
    public int cipherSuite() {
        return identity.hash() == PskHash.SHA384 ? 0x1302 : 0x1301;
    }

    @Override
    public String toString() {
        return "TlsPsk[" + identity + "]";
    }
}
