package io.nvmegate.protocol.auth;

import io.nvmegate.protocol.KeyInterchange;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Optional;
import java.util.zip.CRC32;

/**
 * A DH-HMAC-CHAP secret in the NVMe representation {@code DHHC-1:hh:<base64(key || CRC-32(key) little-endian)>:}
 * (NVMe Base 2.x section 8.3.4.5.8 "DH-HMAC-CHAP secret representation"; Linux {@code nvme_auth_parse_key} /
 * {@code nvme_auth_extract_key}, nvme-cli {@code gen-dhchap-key}).
 *
 * <ul>
 *   <li>{@code hh}: the transformation hash, 00 none, 01 SHA-256, 02 SHA-384, 03 SHA-512 (nvmet rejects > 3);</li>
 *   <li>the key is 32, 48 or 64 bytes (the Base64 decodes to 36, 52 or 68); any {@code hh} goes with any length, as
 *       Linux since 2023 ("nvme-auth: allow mixing of secret and hash lengths");</li>
 *   <li>the CRC is the IEEE CRC-32 ({@link CRC32}, zlib's {@code crc32}) of the key, stored little-endian.</li>
 * </ul>
 *
 * <p>The key is transformed before use (see {@link #transform(String)}). The key bytes never appear in
 * {@link #toString()} or in exception messages; {@link #format()} is the only way out, for storage.
 */
public final class DhchapSecret {
    /** The version prefix of the representation. */
    public static final String PREFIX = "DHHC-1:";
    /** The 17 ASCII bytes appended to the NQN in the key transformation (no NUL). */
    static final byte[] TRANSFORM_SUFFIX = "NVMe-over-Fabrics".getBytes(StandardCharsets.US_ASCII);

    private static final SecureRandom RANDOM = new SecureRandom();

    private final int transformHashId;
    private final byte[] key;

    private DhchapSecret(int transformHashId, byte[] key) {
        this.transformHashId = transformHashId;
        this.key = key;
    }

    /**
     * @param transformHashId 0 (no transformation) or a {@link DhchapHash} id 1..3
     * @param key             32, 48 or 64 bytes (copied)
     * @throws InvalidSecretException for another hash id or key length
     */
    public static DhchapSecret of(int transformHashId, byte[] key) {
        if (transformHashId != 0 && DhchapHash.fromId(transformHashId).isEmpty()) {
            throw new InvalidSecretException("DH-HMAC-CHAP secret: transformation hash " + transformHashId + " is not 00..03");
        }
        if (key.length != 32 && key.length != 48 && key.length != 64) {
            throw new InvalidSecretException("DH-HMAC-CHAP secret: key is " + key.length + " bytes, must be 32, 48 or 64");
        }
        return new DhchapSecret(transformHashId, key.clone());
    }

    /**
     * The key length {@code nvme gen-dhchap-key} uses for a transformation hash when none is given: 32 bytes for
     * hh 00 and 01 (SHA-256), 48 for 02 (SHA-384), 64 for 03 (SHA-512) — the length of the hash's digest, which
     * nvme-cli also requires for hh 01..03.
     *
     * @throws InvalidSecretException for an hh other than 00..03
     */
    public static int defaultKeyLength(int transformHashId) {
        return switch (transformHashId) {
            case 0, 1 -> 32;
            case 2 -> 48;
            case 3 -> 64;
            default -> throw new InvalidSecretException("DH-HMAC-CHAP secret: transformation hash " + transformHashId + " is not 00..03");
        };
    }

    /**
     * A new random secret of {@link #defaultKeyLength} bytes from a {@link SecureRandom}, as
     * {@code nvme gen-dhchap-key --hmac=hh} makes it. (nvme-cli passes the random bytes through the key
     * transformation with the host NQN before encoding them for hh 01..03; the HMAC of uniformly random bytes is
     * itself uniformly random to anyone without them, so drawing the key directly gives secrets of the same
     * distribution, and they are not tied to a host NQN.) {@link #format()} gives the {@code DHHC-1} text with its
     * CRC-32.
     */
    public static DhchapSecret generate(int transformHashId) {
        return generate(transformHashId, defaultKeyLength(transformHashId), RANDOM);
    }

    /** @return a new random secret (what {@code nvme gen-dhchap-key} makes) */
    public static DhchapSecret generate(int transformHashId, int keyLength, SecureRandom random) {
        byte[] k = new byte[keyLength];
        random.nextBytes(k);
        DhchapSecret s = of(transformHashId, k);
        Arrays.fill(k, (byte) 0);
        return s;
    }

    /**
     * Parses {@code DHHC-1:hh:<base64>:} (the trailing colon is optional, as for the kernel's {@code sscanf}).
     *
     * @throws InvalidSecretException naming the defect: prefix, hash id, Base64, length or CRC
     */
    public static DhchapSecret parse(String secret) {
        if (secret == null || !secret.startsWith(PREFIX)) {
            throw new InvalidSecretException("DH-HMAC-CHAP secret must start with " + PREFIX);
        }
        int p = PREFIX.length();
        if (secret.length() < p + 3 || secret.charAt(p + 2) != ':'
                || !Character.isDigit(secret.charAt(p)) || !Character.isDigit(secret.charAt(p + 1))) {
            throw new InvalidSecretException("DH-HMAC-CHAP secret: expected two-digit hash id after " + PREFIX);
        }
        int hh = Integer.parseInt(secret.substring(p, p + 2));
        if (hh > 3) throw new InvalidSecretException("DH-HMAC-CHAP secret: transformation hash " + hh + " is not 00..03");
        String b64 = secret.substring(p + 3);
        if (b64.endsWith(":")) b64 = b64.substring(0, b64.length() - 1);
        return new DhchapSecret(hh, KeyInterchange.decode(b64, n -> n == 36 || n == 52 || n == 68, (fault, n) -> switch (fault) {
            case BASE64 -> new InvalidSecretException("DH-HMAC-CHAP secret: invalid Base64");
            case LENGTH -> new InvalidSecretException("DH-HMAC-CHAP secret: decodes to " + n + " bytes, must be 36, 52 or 68");
            case CRC -> new InvalidSecretException("DH-HMAC-CHAP secret: CRC mismatch");
        }));
    }

    /** @return {@code DHHC-1:hh:<base64>:}, the form {@link #parse} reads and nvme-cli prints */
    public String format() {
        return KeyInterchange.encode(PREFIX, transformHashId, key);
    }

    /** @return the transformation hash id hh: 0 none, 1..3 */
    public int transformHashId() {
        return transformHashId;
    }

    /** @return the transformation hash, empty for hh 00 */
    public Optional<DhchapHash> transformHash() {
        return DhchapHash.fromId(transformHashId);
    }

    /** @return the key length in bytes: 32, 48 or 64 */
    public int keyLength() {
        return key.length;
    }

    /**
     * The key transformation (NVMe Base 2.x section 8.3.4.5.8; Linux {@code nvme_auth_transform_key}):
     * {@code Kt = hh == 0 ? K : HMAC-H_hh(K, NQN || "NVMe-over-Fabrics")}. The host key is transformed with the host
     * NQN, the controller key with the subsystem NQN; the HMAC of a response is keyed with all of Kt.
     *
     * @param nqn the NQN, without NUL (UTF-8 bytes)
     * @return Kt: the key itself for hh 00, else the digest length of hh
     */
    public byte[] transform(String nqn) {
        Optional<DhchapHash> h = transformHash();
        if (h.isEmpty()) return key.clone();
        return h.get().hmac(key, nqn.getBytes(StandardCharsets.UTF_8), TRANSFORM_SUFFIX);
    }

    /** Constant-time comparison of hash id and key. */
    @Override
    public boolean equals(Object o) {
        return o instanceof DhchapSecret s && s.transformHashId == transformHashId && MessageDigest.isEqual(s.key, key);
    }

    @Override
    public int hashCode() {
        return 31 * transformHashId + key.length;
    }

    /** @return e.g. "DhchapSecret[hh=01, 32-byte key]": never the key */
    @Override
    public String toString() {
        return String.format("DhchapSecret[hh=%02d, %d-byte key]", transformHashId, key.length);
    }
}
