package io.nvmegate.protocol.tls;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Base64;

/**
 * The key derivations of the NVMe/TCP secure channel (NVMe/TCP 1.1 section 3.6.1.3 "TLS PSK and PSK identity
 * derivation"; libnvme {@code derive_retained_key}, {@code derive_psk_digest}, {@code derive_tls_key}; the Linux
 * kernel's {@code nvme_auth_generate_digest} / {@code nvme_auth_derive_tls_psk}). HKDF is RFC 5869 with a zero salt
 * of the hash's length, HKDF-Expand-Label the TLS 1.3 one (RFC 8446 section 7.1: info = u16 length || u8 len ||
 * "tls13 " label || u8 len || context):
 *
 * <pre>
 * retained PSK = configured PSK                                          (hh 00)
 *              = HKDF-Expand-Label(HKDF-Extract(0, configured PSK), "HostNQN", NQNh, length(configured PSK))
 * PSK digest   = base64(HMAC(retained PSK, NQNh " " NQNc " NVMe-over-Fabrics"))       (identity version 1)
 * TLS PSK      = HKDF-Expand-Label(HKDF-Extract(0, retained PSK), "nvme-tls-psk", context, length(PSK))
 *   context    = the PSK identity string                                 (identity version 0)
 *              = hh " " PSK digest, hh two digits                        (identity version 1)
 * </pre>
 *
 * The transform hash of the retained PSK is the configured PSK's {@code hh}; every other step uses the identity's
 * (cipher suite's) hash. libnvme's pre-2024 "compat" derivation (HkdfLabel without its length bytes) is not offered.
 */
public final class TlsPskDerivation {
    private static final byte[] NVME_OVER_FABRICS = "NVMe-over-Fabrics".getBytes(StandardCharsets.US_ASCII);

    private TlsPskDerivation() {}

    /** @return the retained PSK of {@code psk} for host {@code hostNqn} */
    public static byte[] retainedPsk(ConfiguredPsk psk, String hostNqn) {
        byte[] configured = psk.key();
        if (psk.hash() == PskHash.NONE) return configured;
        try {
            byte[] prk = extract(psk.hash(), configured);
            return expandLabel(psk.hash(), prk, "HostNQN", ascii(hostNqn), configured.length);
        } finally {
            Arrays.fill(configured, (byte) 0);
        }
    }

    /** @return the PSK digest (base64, 44 or 64 characters) of {@code retained} for NQNh / NQNc with hash {@code hash} */
    public static String pskDigest(PskHash hash, byte[] retained, String hostNqn, String subNqn) {
        Mac mac = mac(hash, retained);
        mac.update(ascii(hostNqn));
        mac.update((byte) ' ');
        mac.update(ascii(subNqn));
        mac.update((byte) ' ');
        mac.update(NVME_OVER_FABRICS);
        return Base64.getEncoder().encodeToString(mac.doFinal());
    }

    /**
     * The PSK identity and TLS PSK a host with configured PSK {@code psk} uses toward subsystem {@code subNqn}.
     *
     * @param version identity version, 0 or 1
     */
    public static TlsPsk derive(ConfiguredPsk psk, String hostNqn, String subNqn, int version) {
        PskHash hash = psk.cipherHash();
        byte[] retained = retainedPsk(psk, hostNqn);
        try {
            PskIdentity id = new PskIdentity(version, false, hash, hostNqn, subNqn,
                    version == 1 ? pskDigest(hash, retained, hostNqn, subNqn) : null);
            return new TlsPsk(id, tlsPsk(id, retained));
        } finally {
            Arrays.fill(retained, (byte) 0);
        }
    }

    /**
     * The TLS PSK for an identity a host offered, if {@code psk} is the key behind it.
     *
     * @return null when the identity cannot come from {@code psk}: a generated PSK, another cipher-suite hash than
     * the PSK's, or (version 1) a PSK digest that does not match
     */
    public static TlsPsk forIdentity(ConfiguredPsk psk, PskIdentity offered) {
        if (offered.generated() || offered.hash() != psk.cipherHash()) return null;
        TlsPsk mine = derive(psk, offered.hostNqn(), offered.subNqn(), offered.version());
        if (!mine.identity().equals(offered)) return null; // version 1: digest mismatch (another key)
        return mine;
    }

    /** TLS PSK of {@code id} from its retained PSK. */
    static byte[] tlsPsk(PskIdentity id, byte[] retained) {
        String context = id.version() == 0 ? id.toString() : String.format("%02d %s", id.hash().id, id.digest());
        return expandLabel(id.hash(), extract(id.hash(), retained), "nvme-tls-psk", ascii(context), retained.length);
    }

    /** HKDF-Extract(salt = hash-length zeros, ikm) (RFC 5869 section 2.2). */
    static byte[] extract(PskHash hash, byte[] ikm) {
        return mac(hash, new byte[hash.length]).doFinal(ikm);
    }

    /** HKDF-Expand-Label(prk, label, context, length) (RFC 8446 section 7.1). */
    static byte[] expandLabel(PskHash hash, byte[] prk, String label, byte[] context, int length) {
        byte[] fullLabel = ascii("tls13 " + label);
        if (fullLabel.length > 255 || context.length > 255) throw new InvalidPskException("HKDF label or context longer than 255 bytes");
        ByteArrayOutputStream info = new ByteArrayOutputStream();
        info.write(length >> 8);
        info.write(length);
        info.write(fullLabel.length);
        info.writeBytes(fullLabel);
        info.write(context.length);
        info.writeBytes(context);
        return expand(hash, prk, info.toByteArray(), length);
    }

    /** HKDF-Expand (RFC 5869 section 2.3). */
    static byte[] expand(PskHash hash, byte[] prk, byte[] info, int length) {
        Mac mac = mac(hash, prk);
        byte[] out = new byte[length];
        byte[] t = new byte[0];
        for (int done = 0, i = 1; done < length; i++) {
            mac.update(t);
            mac.update(info);
            mac.update((byte) i);
            t = mac.doFinal();
            System.arraycopy(t, 0, out, done, Math.min(t.length, length - done));
            done += t.length;
        }
        return out;
    }

    private static Mac mac(PskHash hash, byte[] key) {
        try {
            Mac m = Mac.getInstance(hash.hmac);
            m.init(new SecretKeySpec(key, hash.hmac));
            return m;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(hash.hmac + " unavailable", e);
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
