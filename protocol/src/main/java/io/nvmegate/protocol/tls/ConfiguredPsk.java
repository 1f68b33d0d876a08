package io.nvmegate.protocol.tls;

import io.nvmegate.protocol.KeyInterchange;

import java.security.SecureRandom;
import java.util.Arrays;

/**
 * A configured PSK in the PSK interchange format (NVMe/TCP 1.1 section 3.6.1.5; libnvme {@code nvme_import_tls_key},
 * {@code nvme gen-tls-key} prints it):
 *
 * <pre>
 * NVMeTLSkey-1:&lt;hh&gt;:&lt;base64( PSK || CRC-32(PSK) little-endian )&gt;:
 *   hh  00: no transform (the configured PSK is the retained PSK), PSK 32 or 48 bytes
 *       01: transform with SHA-256, PSK 32 bytes
 *       02: transform with SHA-384, PSK 48 bytes
 *   CRC-32: IEEE 802.3 (zlib's and {@code java.util.zip.CRC32}'s), over the PSK bytes
 * </pre>
 *
 * Parsing fails with {@link InvalidPskException} (never echoing the key) on another prefix or version, an unknown
 * hash, bad base64, a PSK length that does not fit the hash, or a CRC mismatch. {@link #toString()} hides the key.
 */
public final class ConfiguredPsk {
    public static final String PREFIX = "NVMeTLSkey-1:";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final PskHash hash;
    private final byte[] key;

    private ConfiguredPsk(PskHash hash, byte[] key) {
        this.hash = hash;
        this.key = key;
    }

    /** @return a PSK of {@code key} (32 or 48 bytes) with transform {@code hash} */
    public static ConfiguredPsk of(PskHash hash, byte[] key) {
        checkLength(hash, key.length);
        return new ConfiguredPsk(hash, key.clone());
    }

    /** @return a new random PSK: 32 bytes, or 48 for {@link PskHash#SHA384} */
    public static ConfiguredPsk generate(PskHash hash) {
        byte[] k = new byte[hash == PskHash.SHA384 ? 48 : 32];
        RANDOM.nextBytes(k);
        return new ConfiguredPsk(hash, k);
    }

    /** @throws InvalidPskException naming what is wrong (never the key) */
    public static ConfiguredPsk parse(String s) {
        if (s == null) throw new InvalidPskException("no TLS PSK given");
        if (!s.startsWith(PREFIX)) throw new InvalidPskException("a TLS PSK must start with " + PREFIX + " (PSK interchange format)");
        String rest = s.substring(PREFIX.length());
        if (rest.length() < 4 || rest.charAt(2) != ':' || !rest.endsWith(":")) {
            throw new InvalidPskException("a TLS PSK must have the form NVMeTLSkey-1:<hh>:<base64>:");
        }
        PskHash hash = hexDigits(rest.substring(0, 2));
        if (hash == null) throw new InvalidPskException("TLS PSK hash identifier must be 00 (none), 01 (SHA-256) or 02 (SHA-384)");
        byte[] key = KeyInterchange.decode(rest.substring(3, rest.length() - 1), n -> n == 36 || n == 52, (fault, n) -> switch (fault) {
            case BASE64 -> new InvalidPskException("TLS PSK: the key part is not valid base64");
            case LENGTH -> new InvalidPskException("TLS PSK: the key part must decode to 36 or 52 bytes (a 32- or 48-byte PSK and its CRC-32), got " + n);
            case CRC -> new InvalidPskException("TLS PSK: CRC-32 mismatch (the key was mistyped or truncated)");
        });
        checkLength(hash, key.length);
        return new ConfiguredPsk(hash, key);
    }

    private static PskHash hexDigits(String hh) {
        if (hh.length() != 2 || !Character.isDigit(hh.charAt(0)) || !Character.isDigit(hh.charAt(1))) return null;
        return PskHash.of(Integer.parseInt(hh));
    }

    private static void checkLength(PskHash hash, int len) {
        boolean ok = switch (hash) {
            case NONE -> len == 32 || len == 48;
            case SHA256 -> len == 32;
            case SHA384 -> len == 48;
        };
        if (!ok) throw new InvalidPskException("TLS PSK: a " + len + "-byte PSK does not fit hash " + String.format("%02d", hash.id)
                + " (00: 32 or 48 bytes, 01: 32, 02: 48)");
    }

    /** The transform hash ({@code hh}). */
    public PskHash hash() { return hash; }

    /** @return a copy of the configured PSK bytes */
    public byte[] key() { return key.clone(); }

    /** Length of the PSK, bytes (32 or 48). */
    public int length() { return key.length; }

    /** The hash of the cipher suite this PSK is used with: the transform hash, else by length (libnvme). */
    public PskHash cipherHash() {
        return hash != PskHash.NONE ? hash : PskHash.forKeyLength(key.length);
    }

    /** @return the interchange representation (a secret: store it as such) */
    public String encode() {
        return KeyInterchange.encode(PREFIX, hash.id, key);
    }

    /** No key material: the hash and length only. */
    @Override
    public String toString() {
        return "ConfiguredPsk[hash " + String.format("%02d", hash.id) + ", " + key.length + " bytes]";
    }
}
