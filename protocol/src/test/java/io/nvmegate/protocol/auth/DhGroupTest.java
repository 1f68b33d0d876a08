package io.nvmegate.protocol.auth;

import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The RFC 7919 groups: the primes, and a key agreement in every group through the JDK. */
class DhGroupTest {
    /**
     * SHA-256 of each prime's big-endian bytes as OpenSSL 3.0 has it ({@code openssl genpkey -genparam -algorithm DH
     * -pkeyopt group:ffdheNNNN}, then {@code openssl asn1parse}), computed with Python's hashlib.
     */
    static final Map<DhGroup, String> FINGERPRINTS = Map.of(
            DhGroup.FFDHE2048, "9cd3b7f336872f46c09428d1bbc19877a4d440512cda8d1c1cf0cd6e33698966",
            DhGroup.FFDHE3072, "0eaf67db3a839156d5013494a5318a772b5697d270d721f37f092efc69ea5a17",
            DhGroup.FFDHE4096, "4648414224ac881b3d0dc59b466f96d06a558278776807797ecf1f66ff397b3e",
            DhGroup.FFDHE6144, "227ac9066b3ddd9e193670cda2388fa884f65ba0cf98b742d1fe77a6687c79c7",
            DhGroup.FFDHE8192, "770b14efaf6f049929c523113b3fa99a8d11dab1b18af3609590122075d19833");

    @Test
    void identifiersAndSizes() {
        int[] sizes = {0, 256, 384, 512, 768, 1024};
        for (DhGroup g : DhGroup.values()) {
            assertThat(DhGroup.fromId(g.id())).contains(g);
            assertThat(g.valueLength()).isEqualTo(sizes[g.id()]);
        }
        assertThat(DhGroup.fromId(6)).isEmpty();
        assertThat(DhGroup.NULL.isNull()).isTrue();
        assertThat(DhGroup.FFDHE2048.linuxName()).isEqualTo("ffdhe2048");
        assertThat(DhchapHash.SHA384.linuxName()).isEqualTo("hmac(sha384)");
        assertThat(DhchapHash.fromId(0)).isEmpty();
        assertThat(DhchapHash.fromId(4)).isEmpty();
    }

    @Test
    void thePrimesAreRfc7919s() throws Exception {
        for (var e : FINGERPRINTS.entrySet()) {
            BigInteger p = e.getKey().prime();
            int bits = e.getKey().valueLength() * 8;
            assertThat(p.bitLength()).isEqualTo(bits);
            byte[] be = DhKeyExchange.unsigned(p, bits / 8);
            assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(be))).as("%s", e.getKey()).isEqualTo(e.getValue());
            // RFC 7919 Appendix A: the top and bottom 64 bits are all ones
            BigInteger ones = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);
            assertThat(p.and(ones)).isEqualTo(ones);
            assertThat(p.shiftRight(bits - 64)).isEqualTo(ones);
        }
        BigInteger p = DhGroup.FFDHE2048.prime();
        assertThat(p.isProbablePrime(20)).isTrue();
        assertThat(p.shiftRight(1).isProbablePrime(20)).as("a safe prime").isTrue();
    }

    @Test
    void bothSidesDeriveTheSameSessionKeyInEveryGroup() throws Exception {
        SecureRandom r = new SecureRandom();
        for (DhGroup g : DhGroup.values()) {
            if (g.isNull()) continue;
            DhKeyExchange host = DhKeyExchange.start(g, r), ctrl = DhKeyExchange.start(g, r);
            assertThat(host.publicValue()).hasSize(g.valueLength());
            assertThat(host.publicValue()).isNotEqualTo(ctrl.publicValue());
            byte[] ks = host.sessionKey(ctrl.publicValue());
            assertThat(ks).hasSize(g.valueLength()).isEqualTo(ctrl.sessionKey(host.publicValue()));
            assertThat(host.toString()).isEqualTo("DhKeyExchange[" + g.linuxName() + "]");
        }
    }

    @Test
    void rejectsBadPeerValues() {
        DhKeyExchange x = DhKeyExchange.start(DhGroup.FFDHE2048, new SecureRandom());
        BigInteger p = DhGroup.FFDHE2048.prime();
        for (BigInteger bad : new BigInteger[] {BigInteger.ZERO, BigInteger.ONE, p.subtract(BigInteger.ONE), p}) {
            assertThatThrownBy(() -> x.sessionKey(DhKeyExchange.unsigned(bad, 256)))
                    .isInstanceOfSatisfying(DhchapException.class, e -> assertThat(e.reason()).isEqualTo(DhchapFailureReason.DHGROUP_UNUSABLE));
        }
        byte[] all = new byte[256];
        java.util.Arrays.fill(all, (byte) 0xFF); // > p
        assertThatThrownBy(() -> x.sessionKey(all)).isInstanceOf(DhchapException.class);
        for (int len : new int[] {0, 255, 257, 384}) {
            assertThatThrownBy(() -> x.sessionKey(new byte[len]))
                    .isInstanceOfSatisfying(DhchapException.class, e -> assertThat(e.reason()).isEqualTo(DhchapFailureReason.INCORRECT_PAYLOAD));
        }
        assertThatThrownBy(() -> DhKeyExchange.start(DhGroup.NULL, new SecureRandom())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void sequenceNumbersIncrementAndSkipZero() {
        SecureRandom fixed = new SecureRandom() {
            private static final long serialVersionUID = 1L;
            @Override
            public int nextInt() {
                return -2;
            }
        };
        DhchapSequence s = new DhchapSequence(fixed);
        assertThat(s.next()).isEqualTo(-2);
        assertThat(s.next()).isEqualTo(-1);
        assertThat(s.next()).as("0 is skipped").isEqualTo(1);
    }
}
