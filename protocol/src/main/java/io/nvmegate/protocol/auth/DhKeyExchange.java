package io.nvmegate.protocol.auth;

import javax.crypto.KeyAgreement;
import javax.crypto.interfaces.DHPublicKey;
import javax.crypto.spec.DHPrivateKeySpec;
import javax.crypto.spec.DHPublicKeySpec;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.util.Objects;

/**
 * One side of a DH-HMAC-CHAP Diffie-Hellman exchange in an RFC 7919 group (NVMe Base 2.x section 8.3.4.5: the
 * controller's value g^x mod p goes in DH-HMAC-CHAP_Challenge, the host's g^y mod p in DH-HMAC-CHAP_Reply, and both
 * derive the session key Ks = g^xy mod p). Everything runs through the JDK's {@code KeyPairGenerator},
 * {@code KeyFactory} and {@code KeyAgreement} "DH"; values are big-endian and zero-padded to
 * {@link DhGroup#valueLength()} bytes, as Linux ({@code nvme_auth_gen_pubkey}, {@code nvme_auth_gen_shared_secret}).
 * The private key never leaves this object and {@link #toString()} shows only the group.
 */
public final class DhKeyExchange {
    private final DhGroup group;
    private final PrivateKey privateKey;
    private final byte[] publicValue;

    private DhKeyExchange(DhGroup group, PrivateKey privateKey, byte[] publicValue) {
        this.group = group;
        this.privateKey = privateKey;
        this.publicValue = publicValue;
    }

    /**
     * Generates a fresh key pair (one per transaction).
     *
     * @throws IllegalArgumentException for the NULL group
     */
    public static DhKeyExchange start(DhGroup group, SecureRandom random) {
        requireGroup(group);
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("DH");
            g.initialize(group.parameters(), random);
            KeyPair kp = g.generateKeyPair();
            BigInteger y = ((DHPublicKey) kp.getPublic()).getY();
            return new DhKeyExchange(group, kp.getPrivate(), unsigned(y, group.valueLength()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JDK DH cannot generate a key pair for " + group, e);
        }
    }

    /**
     * An exchange with a given private exponent: for test vectors only. The public value is computed by the JDK's
     * key agreement with the generator as the peer value (g^x mod p).
     */
    public static DhKeyExchange withPrivateExponent(DhGroup group, BigInteger x) {
        requireGroup(group);
        try {
            PrivateKey pk = KeyFactory.getInstance("DH").generatePrivate(new DHPrivateKeySpec(x, group.prime(), DhGroup.GENERATOR));
            DhKeyExchange partial = new DhKeyExchange(group, pk, null);
            byte[] pub = partial.sessionKey(unsigned(DhGroup.GENERATOR, group.valueLength()));
            return new DhKeyExchange(group, pk, pub);
        } catch (GeneralSecurityException | DhchapException e) {
            throw new IllegalStateException("JDK DH rejected the test exponent", e);
        }
    }

    /** @return the group */
    public DhGroup group() {
        return group;
    }

    /** @return this side's public value, {@link DhGroup#valueLength()} bytes, big-endian */
    public byte[] publicValue() {
        return publicValue.clone();
    }

    /**
     * Computes the session key Ks from the peer's public value.
     *
     * @param peerValue the peer's DH value as received (big-endian)
     * @return Ks, {@link DhGroup#valueLength()} bytes, big-endian, zero-padded
     * @throws DhchapException {@link DhchapFailureReason#INCORRECT_PAYLOAD} when the value is not the group's size
     *         (nvmet checks {@code dhvlen == dh_keysize}); {@link DhchapFailureReason#DHGROUP_UNUSABLE} when it is
     *         not in 2..p-2 or the JDK rejects it (as nvmet answers a failed {@code nvmet_auth_ctrl_sesskey})
     */
    public byte[] sessionKey(byte[] peerValue) throws DhchapException {
        Objects.requireNonNull(peerValue, "peerValue");
        if (peerValue.length != group.valueLength()) {
            throw new DhchapException(DhchapFailureReason.INCORRECT_PAYLOAD,
                    "DH value is " + peerValue.length + " bytes, " + group.linuxName() + " needs " + group.valueLength());
        }
        BigInteger y = new BigInteger(1, peerValue);
        if (y.compareTo(BigInteger.ONE) <= 0 || y.compareTo(group.prime().subtract(BigInteger.ONE)) >= 0) {
            throw new DhchapException(DhchapFailureReason.DHGROUP_UNUSABLE, "DH value out of range for " + group.linuxName());
        }
        try {
            KeyFactory kf = KeyFactory.getInstance("DH");
            KeyAgreement ka = KeyAgreement.getInstance("DH");
            ka.init(privateKey);
            ka.doPhase(kf.generatePublic(new DHPublicKeySpec(y, group.prime(), DhGroup.GENERATOR)), true);
            return unsigned(new BigInteger(1, ka.generateSecret()), group.valueLength());
        } catch (GeneralSecurityException e) {
            throw new DhchapException(DhchapFailureReason.DHGROUP_UNUSABLE, "DH key agreement failed in " + group.linuxName());
        }
    }

    /** @return v as exactly {@code length} big-endian bytes (no sign byte, zero-padded on the left) */
    static byte[] unsigned(BigInteger v, int length) {
        byte[] b = v.toByteArray();
        int skip = b.length > 1 && b[0] == 0 ? 1 : 0;
        int n = b.length - skip;
        if (n > length) throw new IllegalArgumentException("value longer than " + length + " bytes");
        byte[] out = new byte[length];
        System.arraycopy(b, skip, out, length - n, n);
        return out;
    }

    private static void requireGroup(DhGroup group) {
        if (Objects.requireNonNull(group, "group").isNull()) {
            throw new IllegalArgumentException("the NULL DH group has no key exchange");
        }
    }

    @Override
    public String toString() {
        return "DhKeyExchange[" + group.linuxName() + "]";
    }
}
