package io.nvmegate.protocol.tls;

import org.junit.jupiter.api.Test;

import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * PSK interchange format, identities and derivations against reference values computed independently with this
 * Python 3 script (hashlib/hmac only; RFC 5869 HKDF, RFC 8446 HkdfLabel, NVMe/TCP 1.1 section 3.6.1.3 as libnvme
 * implements it):
 *
 * <pre>
 * import hmac, hashlib, base64, zlib, struct
 * def hkdf_extract(h, ikm): return hmac.new(b"\0"*h().digest_size, ikm, h).digest()
 * def hkdf_expand(h, prk, info, L):
 *     out=b""; t=b""; i=1
 *     while len(out)&lt;L: t=hmac.new(prk, t+info+bytes([i]), h).digest(); out+=t; i+=1
 *     return out[:L]
 * def expand_label(h, prk, label, ctx, L):
 *     lab=b"tls13 "+label
 *     return hkdf_expand(h, prk, struct.pack("&gt;H",L)+bytes([len(lab)])+lab+bytes([len(ctx)])+ctx, L)
 * H={1:hashlib.sha256,2:hashlib.sha384}
 * def interchange(hh,key): return "NVMeTLSkey-1:%02x:%s:"%(hh, base64.b64encode(key+struct.pack("&lt;I",zlib.crc32(key))).decode())
 * def derive(hh, key, hostnqn, subnqn, version):
 *     cipher = hh if hh else (1 if len(key)==32 else 2); h=H[cipher]
 *     retained = key if hh==0 else expand_label(H[hh], hkdf_extract(H[hh], key), b"HostNQN", hostnqn.encode(), len(key))
 *     if version==0: ident="NVMe0R%02d %s %s"%(cipher,hostnqn,subnqn); ctx=ident.encode()
 *     else:
 *         dig=base64.b64encode(hmac.new(retained,(hostnqn+" "+subnqn+" NVMe-over-Fabrics").encode(),h).digest()).decode()
 *         ident="NVMe1R%02d %s %s %s"%(cipher,hostnqn,subnqn,dig); ctx=("%02d %s"%(cipher,dig)).encode()
 *     return retained, ident, expand_label(h, hkdf_extract(h, retained), b"nvme-tls-psk", ctx, len(key))
 * </pre>
 */
class TlsPskTest {
    static final String HOST = "nqn.2014-08.org.nvmexpress:uuid:00000000-0000-0000-0000-000000000001";
    static final String SUB = "nqn.2024-01.io.nvmegate:test";
    /** bytes 00..1f */
    static final String K32_00 = "NVMeTLSkey-1:00:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh+KfiaR:";
    static final String K32_01 = "NVMeTLSkey-1:01:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh+KfiaR:";
    /** bytes 00..2f */
    static final String K48_00 = "NVMeTLSkey-1:00:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vcSEgBQ==:";
    static final String K48_02 = "NVMeTLSkey-1:02:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vcSEgBQ==:";
    /** The example key of the NVMe/TCP specification (TP 8011) and nvme-cli's documentation. */
    static final String SPEC_EXAMPLE = "NVMeTLSkey-1:01:VRLbtnN9AQb2WXW3c9+wEf/DRLz0QuLdbYvEhwtdWwNf9LrZ:";

    static String hex(byte[] b) { return HexFormat.of().formatHex(b); }

    @Test
    void parsesAndEncodesTheInterchangeFormat() {
        ConfiguredPsk k = ConfiguredPsk.parse(K32_00);
        assertThat(k.hash()).isEqualTo(PskHash.NONE);
        assertThat(hex(k.key())).isEqualTo("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
        assertThat(k.encode()).isEqualTo(K32_00);
        assertThat(ConfiguredPsk.parse(K48_02).encode()).isEqualTo(K48_02);
        assertThat(ConfiguredPsk.parse(K48_02).length()).isEqualTo(48);
        ConfiguredPsk spec = ConfiguredPsk.parse(SPEC_EXAMPLE);
        assertThat(spec.hash()).isEqualTo(PskHash.SHA256);
        assertThat(spec.length()).isEqualTo(32);
        assertThat(spec.toString()).doesNotContain("VRLb").contains("32 bytes");
        ConfiguredPsk g = ConfiguredPsk.generate(PskHash.SHA384);
        assertThat(ConfiguredPsk.parse(g.encode()).key()).isEqualTo(g.key());
    }

    @Test
    void rejectsBadKeysWithoutEchoingThem() {
        String badCrc = "NVMeTLSkey-1:01:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh+KfiaS:";
        assertThatThrownBy(() -> ConfiguredPsk.parse(badCrc)).isInstanceOf(InvalidPskException.class)
                .hasMessageContaining("CRC-32 mismatch").message().doesNotContain("AAECAw");
        // 01 (SHA-256) needs 32 bytes: a 48-byte PSK is refused, and so is 02 with 32 bytes
        assertThatThrownBy(() -> ConfiguredPsk.parse(K48_00.replace(":00:", ":01:"))).hasMessageContaining("48-byte PSK does not fit hash 01");
        assertThatThrownBy(() -> ConfiguredPsk.parse(K32_00.replace(":00:", ":02:"))).hasMessageContaining("32-byte PSK does not fit hash 02");
        // 20 bytes + CRC: bad length
        assertThatThrownBy(() -> ConfiguredPsk.parse("NVMeTLSkey-1:00:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGw==:"))
                .hasMessageContaining("36 or 52 bytes");
        assertThatThrownBy(() -> ConfiguredPsk.parse(K32_00.replace(":00:", ":03:"))).hasMessageContaining("hash identifier");
        assertThatThrownBy(() -> ConfiguredPsk.parse(K32_00.replace(":00:", ":0x:"))).hasMessageContaining("hash identifier");
        assertThatThrownBy(() -> ConfiguredPsk.parse(K32_00.replace("NVMeTLSkey-1", "NVMeTLSkey-2"))).hasMessageContaining("must start with");
        assertThatThrownBy(() -> ConfiguredPsk.parse("DHHC-1:00:ia6zGodOr4SEG0Zzaw398rpY0wqipUWj4jWjUh4HWUz6aQ2n:")).hasMessageContaining("must start with");
        assertThatThrownBy(() -> ConfiguredPsk.parse(K32_00.substring(0, K32_00.length() - 1))).hasMessageContaining("form");
        assertThatThrownBy(() -> ConfiguredPsk.parse("NVMeTLSkey-1:00:AAEC*wQF:")).hasMessageContaining("base64");
        assertThatThrownBy(() -> ConfiguredPsk.parse(null)).isInstanceOf(InvalidPskException.class);
    }

    @Test
    void identityStringsRoundTrip() {
        PskIdentity v0 = PskIdentity.parse("NVMe0R01 " + HOST + " " + SUB);
        assertThat(v0.version()).isZero();
        assertThat(v0.hash()).isEqualTo(PskHash.SHA256);
        assertThat(v0.hostNqn()).isEqualTo(HOST);
        assertThat(v0.subNqn()).isEqualTo(SUB);
        assertThat(v0.toString()).isEqualTo("NVMe0R01 " + HOST + " " + SUB);
        String s1 = "NVMe1R02 " + HOST + " " + SUB + " 8CA2zvE+WRIfn+HUwmJV+plvi/CqqoYmYEmRBM8D63t5Gpqy/M9pwMEFb2tiYqUi";
        assertThat(PskIdentity.parse(s1).toString()).isEqualTo(s1);
        assertThat(PskIdentity.parse("NVMe1G01 h s d").generated()).isTrue();
        for (String bad : new String[]{"NVMe0R00 h s", "NVMe0R03 h s", "NVMe2R01 h s", "NVMe0X01 h s", "NVMe0R01 h", "NVMe0R01 h s d",
                "NVMe1R01 h s", "client_identity", "NVMe0R01  s"}) {
            assertThatThrownBy(() -> PskIdentity.parse(bad)).as(bad).isInstanceOf(InvalidPskException.class);
        }
    }

    @Test
    void retainedPskMatchesReference() {
        assertThat(hex(TlsPskDerivation.retainedPsk(ConfiguredPsk.parse(K32_00), HOST)))
                .isEqualTo("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
        assertThat(hex(TlsPskDerivation.retainedPsk(ConfiguredPsk.parse(K32_01), HOST)))
                .isEqualTo("f3930cbb56b7a6b7cfc81dce792c0bb2e66aed4e48035f4ebe624d9a07aa681d");
        assertThat(hex(TlsPskDerivation.retainedPsk(ConfiguredPsk.parse(K48_02), HOST)))
                .isEqualTo("dcb68c2c52576b7c19a488d07c1dc319fb62f9563a936b5f3839fe4b33f0cc8679e0003ec5877cb62c4016de36840245");
    }

    @Test
    void tlsPskAndIdentityMatchReference() {
        check(K32_00, 0, "NVMe0R01 " + HOST + " " + SUB, "c333350096f5089623a85807b38f6f5c545b1e565c7045848ced292fc51c2b43");
        check(K32_00, 1, "NVMe1R01 " + HOST + " " + SUB + " n5OErggjkXFk7i9eayel7AFjIWAoF8ZVmG3JvE6osTU=",
                "ac9e5a77744e658ef19eecf0ca870e27dd81b0fd0d1b9b23750cb9d9ce6a8603");
        check(K32_01, 0, "NVMe0R01 " + HOST + " " + SUB, "12de3df9e4184747a1df1b7c05db1b5e7bc70e3a49960b0e0abd4781f3033945");
        check(K32_01, 1, "NVMe1R01 " + HOST + " " + SUB + " iB5M/E/5+BLWd+IJj94uL74rUejmxKggFupYBn+C07c=",
                "20da4d1ee3a41e5e38d08b0015c4a527336571ac532f49d985f8f2be2fda0304");
        check(K48_00, 0, "NVMe0R02 " + HOST + " " + SUB,
                "e697a8ef264f4600e4c03cf9647dcaa0150fa4249d7924680bf6fbf52de0bda94166fd77346c66bbe92647ba83c13042");
        check(K48_02, 1, "NVMe1R02 " + HOST + " " + SUB + " AO8heHh2BULEW/syq1hL1D1lr9F9peo18Oz4SVOgfx5V1sZIpwkvQoTQ8ghLrcYJ",
                "3e02c1ea502021672cef54f152f75951a132a7a4a8adf65df94a1fad37958e647a556d519c40955524d5aac4cd56d4b7");
        check(K48_02, 0, "NVMe0R02 " + HOST + " " + SUB,
                "10b4366a6f9c1338b74f5a194c133b4dbdefaf3f7c9e8fdfdccd9caaa2817deffa95eb84d0a467415509da075d58531d");
    }

    private static void check(String key, int version, String identity, String tlsPsk) {
        TlsPsk p = TlsPskDerivation.derive(ConfiguredPsk.parse(key), HOST, SUB, version);
        assertThat(p.identity().toString()).isEqualTo(identity);
        assertThat(hex(p.key())).isEqualTo(tlsPsk);
        assertThat(p.toString()).doesNotContain(tlsPsk.substring(0, 8));
        java.util.Arrays.fill(p.key(), (byte) 0); // a caller wiping its copy leaves the PSK intact (reused per connection)
        assertThat(hex(p.key())).isEqualTo(tlsPsk);
    }

    @Test
    void serverSideAcceptsOnlyIdentitiesOfItsKey() {
        ConfiguredPsk k = ConfiguredPsk.parse(K32_01);
        TlsPsk host = TlsPskDerivation.derive(k, HOST, SUB, 1);
        TlsPsk server = TlsPskDerivation.forIdentity(k, PskIdentity.parse(host.identity().toString()));
        assertThat(server).isNotNull();
        assertThat(server.key()).isEqualTo(host.key());
        assertThat(TlsPskDerivation.forIdentity(k, PskIdentity.parse("NVMe0R01 " + HOST + " " + SUB)).key())
                .isEqualTo(TlsPskDerivation.derive(k, HOST, SUB, 0).key());
        // the digest of another key, the other hash, a generated PSK: no PSK
        TlsPsk other = TlsPskDerivation.derive(ConfiguredPsk.parse(K32_00), HOST, SUB, 1);
        assertThat(TlsPskDerivation.forIdentity(k, other.identity())).isNull();
        assertThat(TlsPskDerivation.forIdentity(k, PskIdentity.parse("NVMe0R02 " + HOST + " " + SUB))).isNull();
        assertThat(TlsPskDerivation.forIdentity(k, PskIdentity.parse("NVMe0G01 " + HOST + " " + SUB))).isNull();
    }

    @Test
    void secureChannelSettings() {
        assertThat(SecureChannel.of("required").treq).isEqualTo(1);
        assertThat(SecureChannel.of("not-required").treq).isEqualTo(2);
        assertThat(SecureChannel.of("not-specified").sectype()).isEqualTo(SecureChannel.SECTYPE_NONE);
        assertThat(SecureChannel.REQUIRED.sectype()).isEqualTo(SecureChannel.SECTYPE_TLS13);
        assertThatThrownBy(() -> SecureChannel.of("tls")).hasMessageContaining("treq must be one of");
    }
}
