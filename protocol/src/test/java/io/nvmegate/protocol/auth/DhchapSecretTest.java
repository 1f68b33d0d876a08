package io.nvmegate.protocol.auth;

import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The {@code DHHC-1:hh:...:} parser and formatter; reference strings from dhchap_vectors.py and the spec example. */
class DhchapSecretTest {
    /** The NVMe spec example secret (quoted in the Linux patch "nvme-auth: allow mixing of secret and hash lengths"). */
    static final String SPEC = "DHHC-1:00:ia6zGodOr4SEG0Zzaw398rpY0wqipUWj4jWjUh4HWUz6aQ2n:";
    static final String SPEC_KEY = "89aeb31a874eaf84841b46736b0dfdf2ba58d30aa2a545a3e235a3521e07594c";
    /** dhchap_vectors.py: keys 00 01 .. 2f and 00 01 .. 3f. */
    static final String SECRET48 = "DHHC-1:02:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vcSEgBQ==:";
    static final String SECRET64 = "DHHC-1:03:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+P4zODhA=:";

    @Test
    void parsesTheSpecExampleWithEveryTransformationHash() {
        for (int hh = 0; hh <= 3; hh++) {
            DhchapSecret s = DhchapSecret.parse(SPEC.replace(":00:", ":0" + hh + ":"));
            assertThat(s.transformHashId()).isEqualTo(hh);
            assertThat(s.keyLength()).isEqualTo(32);
            assertThat(s.transformHash().map(DhchapHash::id).orElse(0)).isEqualTo(hh);
        }
        assertThat(DhchapSecret.parse(SPEC).transform("any")).containsExactly(HexFormat.of().parseHex(SPEC_KEY));
    }

    @Test
    void roundTripsEveryKeyLength() {
        assertThat(DhchapSecret.parse(SPEC).format()).isEqualTo(SPEC);
        assertThat(DhchapSecret.parse(SECRET48).format()).isEqualTo(SECRET48);
        assertThat(DhchapSecret.parse(SECRET64).format()).isEqualTo(SECRET64);
        assertThat(DhchapSecret.parse(SECRET48).keyLength()).isEqualTo(48);
        assertThat(DhchapSecret.parse(SECRET64).keyLength()).isEqualTo(64);
        byte[] k = new byte[48];
        for (int i = 0; i < k.length; i++) k[i] = (byte) i;
        assertThat(DhchapSecret.of(2, k).format()).isEqualTo(SECRET48);
        SecureRandom r = new SecureRandom();
        for (int hh = 0; hh <= 3; hh++) {
            for (int len : new int[] {32, 48, 64}) {
                DhchapSecret s = DhchapSecret.generate(hh, len, r);
                assertThat(DhchapSecret.parse(s.format())).isEqualTo(s);
            }
        }
        // the trailing colon is optional, as for the kernel's sscanf
        assertThat(DhchapSecret.parse(SPEC.substring(0, SPEC.length() - 1))).isEqualTo(DhchapSecret.parse(SPEC));
    }

    @Test
    void rejectsABadCrc() {
        byte[] raw = Base64.getDecoder().decode(SPEC.substring(10, SPEC.length() - 1));
        raw[35] ^= 1;
        assertInvalid("DHHC-1:00:" + Base64.getEncoder().encodeToString(raw) + ":", "CRC");
        raw[35] ^= 1;
        raw[0] ^= 1; // a flipped key bit
        assertInvalid("DHHC-1:00:" + Base64.getEncoder().encodeToString(raw) + ":", "CRC");
    }

    @Test
    void rejectsABadLength() {
        byte[] raw = Base64.getDecoder().decode(SPEC.substring(10, SPEC.length() - 1));
        for (int n : new int[] {0, 4, 35, 37, 51, 53, 67, 69}) {
            byte[] b = new byte[n];
            System.arraycopy(raw, 0, b, 0, Math.min(n, raw.length));
            assertInvalid("DHHC-1:01:" + Base64.getEncoder().encodeToString(b) + ":", "bytes");
        }
        assertThatThrownBy(() -> DhchapSecret.of(1, new byte[16])).isInstanceOf(InvalidSecretException.class);
    }

    @Test
    void rejectsABadHashIdOrPrefix() {
        assertInvalid(SPEC.replace(":00:", ":04:"), "transformation hash");
        assertInvalid(SPEC.replace(":00:", ":99:"), "transformation hash");
        assertInvalid(SPEC.replace(":00:", ":0x:"), "hash id");
        assertInvalid(SPEC.replace(":00:", ":1:"), "hash id");
        assertInvalid(SPEC.replace("DHHC-1", "DHHC-2"), "DHHC-1");
        assertInvalid("", "DHHC-1");
        assertInvalid(null, "DHHC-1");
        assertInvalid("DHHC-1:", "hash id");
        assertInvalid(SPEC.replace("ia6z", "ia!z"), "Base64");
        assertThatThrownBy(() -> DhchapSecret.of(4, new byte[32])).isInstanceOf(InvalidSecretException.class);
    }

    @Test
    void neverShowsTheKey() {
        DhchapSecret s = DhchapSecret.parse(SPEC);
        assertThat(s.toString()).isEqualTo("DhchapSecret[hh=00, 32-byte key]").doesNotContain("ia6z");
        byte[] raw = Base64.getDecoder().decode(SPEC.substring(10, SPEC.length() - 1));
        raw[35] ^= 1;
        String bad = "DHHC-1:00:" + Base64.getEncoder().encodeToString(raw) + ":";
        assertThatThrownBy(() -> DhchapSecret.parse(bad)).message().doesNotContain(bad.substring(10, 30)).doesNotContain("89ae");
    }

    private static void assertInvalid(String secret, String what) {
        assertThatThrownBy(() -> DhchapSecret.parse(secret)).isInstanceOf(InvalidSecretException.class).hasMessageContaining(what);
    }
}
