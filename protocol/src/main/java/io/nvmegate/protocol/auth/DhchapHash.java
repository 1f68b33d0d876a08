package io.nvmegate.protocol.auth;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;

/**
 * The DH-HMAC-CHAP hash functions (NVMe Base 2.x section 8.3.4.5, HashID: 01h SHA-256, 02h SHA-384, 03h SHA-512;
 * Linux {@code NVME_AUTH_HASH_*}), through the JDK's {@link MessageDigest} and {@link Mac}. The same identifiers
 * select the key transformation hash of a {@code DHHC-1:hh:} secret (where 00h means "no transformation").
 */
public enum DhchapHash {
    SHA256(0x01, 32, "SHA-256", "HmacSHA256"),
    SHA384(0x02, 48, "SHA-384", "HmacSHA384"),
    SHA512(0x03, 64, "SHA-512", "HmacSHA512");

    private final int id;
    private final int length;
    private final String digestName;
    private final String macName;

    DhchapHash(int id, int length, String digestName, String macName) {
        this.id = id;
        this.length = length;
        this.digestName = digestName;
        this.macName = macName;
    }

    /** @return the HashID (01h..03h) */
    public int id() {
        return id;
    }

    /** @return the digest length HL in bytes: 32, 48 or 64 */
    public int length() {
        return length;
    }

    /** @return the hash with this HashID, empty for an unknown one */
    public static Optional<DhchapHash> fromId(int id) {
        for (DhchapHash h : values()) {
            if (h.id == id) return Optional.of(h);
        }
        return Optional.empty();
    }

    /** @return the hash whose digest is {@code length} bytes, empty if none */
    public static Optional<DhchapHash> fromLength(int length) {
        for (DhchapHash h : values()) {
            if (h.length == length) return Optional.of(h);
        }
        return Optional.empty();
    }

    /** @return H(data) */
    public byte[] digest(byte[] data) {
        try {
            return MessageDigest.getInstance(digestName).digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(digestName + " is a mandatory JDK algorithm", e);
        }
    }

    /** @return HMAC-H(key, parts[0] || parts[1] || ...) */
    public byte[] hmac(byte[] key, byte[]... parts) {
        try {
            Mac mac = Mac.getInstance(macName);
            mac.init(new SecretKeySpec(key, macName));
            for (byte[] p : parts) mac.update(p);
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(macName + " is a mandatory JDK algorithm", e);
        }
    }

    /** @return e.g. "hmac(sha256)", the Linux name (nvmet configfs {@code dhchap_hash}) */
    public String linuxName() {
        return "hmac(" + digestName.toLowerCase().replace("-", "") + ")";
    }
}
