package io.nvmegate.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.function.IntPredicate;
import java.util.zip.CRC32;

/**
 * The key part of the NVMe key interchange representations: {@code <prefix><hh>:<Base64(key || CRC-32(key))>:},
 * the CRC-32 being IEEE 802.3's (zlib's, {@link CRC32}) over the key bytes, stored little-endian. Shared by
 * DH-HMAC-CHAP secrets ({@code DHHC-1:}, NVMe Base 2.x section 8.3.4.5.8, {@code protocol.auth.DhchapSecret}) and
 * TLS PSKs ({@code NVMeTLSkey-1:}, NVMe/TCP 1.1 section 3.6.1.5, {@code protocol.tls.ConfiguredPsk}); each owns its
 * prefix, its {@code hh} values, its key lengths and its error messages. Key bytes never enter a message.
 */
public final class KeyInterchange {
    /** What is wrong with a key part, for the caller's own message. */
    public enum Fault {
        /** Not Base64. */
        BASE64,
        /** Decodes to a length the caller does not accept (key + 4 CRC bytes). */
        LENGTH,
        /** The stored CRC-32 is not the key's. */
        CRC
    }

    private KeyInterchange() {}

    /**
     * Decodes the Base64 key part (without its colons) and checks its CRC-32.
     *
     * @param rawLength accepts the decoded length (key + 4)
     * @param error     the exception to throw for a fault and the decoded length (0 for {@link Fault#BASE64})
     * @return the key bytes (the decoded buffer is wiped)
     */
    public static byte[] decode(String base64, IntPredicate rawLength, ErrorFactory error) {
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(base64.getBytes(StandardCharsets.US_ASCII));
        } catch (IllegalArgumentException e) {
            throw error.of(Fault.BASE64, 0);
        }
        try {
            if (raw.length < 5 || !rawLength.test(raw.length)) throw error.of(Fault.LENGTH, raw.length);
            byte[] key = Arrays.copyOf(raw, raw.length - 4);
            int n = key.length;
            long stored = (raw[n] & 0xFFL) | (raw[n + 1] & 0xFFL) << 8 | (raw[n + 2] & 0xFFL) << 16 | (raw[n + 3] & 0xFFL) << 24;
            if (stored != crc32(key)) {
                Arrays.fill(key, (byte) 0);
                throw error.of(Fault.CRC, raw.length);
            }
            return key;
        } finally {
            Arrays.fill(raw, (byte) 0);
        }
    }

    /** @return {@code <prefix><hh as two digits>:<Base64(key || CRC-32 little-endian)>:} */
    public static String encode(String prefix, int hh, byte[] key) {
        byte[] raw = Arrays.copyOf(key, key.length + 4);
        long crc = crc32(key);
        for (int i = 0; i < 4; i++) raw[key.length + i] = (byte) (crc >>> (8 * i));
        String s = String.format("%s%02d:%s:", prefix, hh, Base64.getEncoder().encodeToString(raw));
        Arrays.fill(raw, (byte) 0);
        return s;
    }

    private static long crc32(byte[] key) {
        CRC32 c = new CRC32();
        c.update(key);
        return c.getValue();
    }

    /** Makes the caller's exception for a {@link Fault}. */
    @FunctionalInterface
    public interface ErrorFactory {
        RuntimeException of(Fault fault, int decodedLength);
    }
}
