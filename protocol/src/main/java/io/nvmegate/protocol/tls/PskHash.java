package io.nvmegate.protocol.tls;

/**
 * The hash identifiers of the NVMe/TCP PSK formats (NVMe/TCP 1.1 section 3.6.1; libnvme {@code NVME_HMAC_ALG_*}).
 *
 * <p>In the interchange format ({@code NVMeTLSkey-1:<hh>:...}) it is the hash that transforms the configured PSK
 * into the retained PSK ({@link #NONE}: the configured PSK is the retained PSK). In a PSK identity
 * ({@code NVMe<v>R<hh> ...}) it is the hash of the TLS cipher suite the PSK is for: 01 SHA-256 with
 * TLS_AES_128_GCM_SHA256, 02 SHA-384 with TLS_AES_256_GCM_SHA384 (never 00).
 */
public enum PskHash {
    NONE(0, null, 0),
    SHA256(1, "HmacSHA256", 32),
    SHA384(2, "HmacSHA384", 48);

    /** The two-digit identifier (00, 01, 02). */
    public final int id;
    /** JCA HMAC algorithm name; null for {@link #NONE}. */
    public final String hmac;
    /** Digest length, bytes (0 for {@link #NONE}). */
    public final int length;

    PskHash(int id, String hmac, int length) {
        this.id = id;
        this.hmac = hmac;
        this.length = length;
    }

    /** @return the hash with identifier {@code id}, or null when there is none */
    public static PskHash of(int id) {
        for (PskHash h : values()) if (h.id == id) return h;
        return null;
    }

    /** @return the cipher-suite hash of a PSK of {@code keyLength} bytes with no transform: 32 SHA-256, 48 SHA-384 */
    public static PskHash forKeyLength(int keyLength) {
        return keyLength == 48 ? SHA384 : SHA256;
    }
}
