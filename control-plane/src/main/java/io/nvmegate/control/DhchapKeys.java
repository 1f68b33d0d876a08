package io.nvmegate.control;

import io.nvmegate.protocol.auth.DhchapSecret;

import java.security.SecureRandom;

/**
 * DH-HMAC-CHAP secrets in the NVMe representation (NVMe Base 2.0 section 8.13.5.8, as {@code nvme gen-dhchap-key}
 * prints them): {@code DHHC-1:<hh>:<base64(key || CRC-32(key) little-endian)>:}, where {@code hh} is the hash the
 * key is transformed with: 00 none, 01 SHA-256, 02 SHA-384, 03 SHA-512. Key length: 32 bytes (00, 01), 48 (02),
 * 64 (03) unless given (32, 48 or 64).
 */
public final class DhchapKeys {
    private static final SecureRandom RANDOM = new SecureRandom();

    private DhchapKeys() {}

    /** @param hash 0..3 (none, sha256, sha384, sha512); @param length 0 (default for the hash), 32, 48 or 64 */
    public static String generate(int hash, int length) {
        if (hash < 0 || hash > 3) throw ApiException.invalid("hash", "hash must be 0..3 or none, sha256, sha384, sha512");
        int len = length != 0 ? length : DhchapSecret.defaultKeyLength(hash);
        if (len != 32 && len != 48 && len != 64) throw ApiException.invalid("length", "length must be 32, 48 or 64 bytes");
        return DhchapSecret.generate(hash, len, RANDOM).format();
    }

    /**
     * Checks what the format's shape check in {@code HostSpec} cannot: the hash id, the key length and the CRC-32
     * ({@link DhchapSecret#parse}); a key that fails them would leave its host refused at every Connect.
     *
     * @throws ApiException 400 naming {@code field} and the defect, never the value
     */
    public static void check(String field, String secret) {
        if (secret == null) return;
        try {
            DhchapSecret.parse(secret);
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid(field, field + ": " + e.getMessage());
        }
    }

    /** @return the DHHC-1 representation of {@code key} with transform {@code hash} (0..3). */
    public static String encode(int hash, byte[] key) {
        return DhchapSecret.of(hash, key).format();
    }

    /** @return the hash number for a name ("none", "sha256", "sha384", "sha512") or digits "0".."3". */
    public static int hashId(String name) {
        return switch (name == null ? "none" : name.toLowerCase()) {
            case "none", "0", "00" -> 0;
            case "sha256", "1", "01" -> 1;
            case "sha384", "2", "02" -> 2;
            case "sha512", "3", "03" -> 3;
            default -> throw ApiException.invalid("hash", "hash must be none, sha256, sha384 or sha512, got " + name);
        };
    }
}
