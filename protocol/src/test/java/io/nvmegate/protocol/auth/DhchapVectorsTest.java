package io.nvmegate.protocol.auth;

import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The key transformation, the augmented challenge, R1 and R2 for every hash, and a Diffie-Hellman exchange in
 * ffdhe2048, against values computed independently: {@code src/test/resources/dhchap/dhchap_vectors.py} (Python 3
 * hashlib/hmac/zlib and pow(), from the formulas of NVMe Base 2.x 8.3.4.5 as Linux implements them). Its output is
 * pasted below (and kept as dhchap_vectors.out). R1/R2 for SHA-256 with hh 00/01 and NULL DH, Kt_host/Kt_ctrl(hh 01),
 * Ca1 and R1 with the dummy Ks also match the values in the project's reference notes (section 3.7).
 */
class DhchapVectorsTest {
    static final String HOST_NQN = "nqn.2014-08.org.nvmexpress:uuid:00000000-0000-0000-0000-000000000001";
    static final String SUBSYS_NQN = "nqn.2024-01.io.nvmegate:test";
    static final int S1 = 0x01020304, S2 = 0x0A0B0C0D, TID = 5;

    /** python3 dhchap_vectors.py */
    static final String OUTPUT = """
            spec secret DHHC-1:00:ia6zGodOr4SEG0Zzaw398rpY0wqipUWj4jWjUh4HWUz6aQ2n:
            secret48 DHHC-1:02:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vcSEgBQ==:
            secret64 DHHC-1:03:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+P4zODhA=:
            Kt_host hh=1 30ec326a9164ef751470fc129b83a2f17593c43d19f4c615c46e65ba3ff72021
            Kt_ctrl hh=1 fbeb57b52731314b6f764a10cbee9e3410923d2b8a11260f5394fb2428d91f92
            Kt_host hh=2 b1b647e1306a77ca73842f3252bd58ee3b705e14d89a961238c7d245f628a363ce6fc0ea1e94b21b6143761b782ecfe2
            Kt_ctrl hh=2 510ab15811965b85641fb2ce317b80657270bae4a61c17ea12cc52d3eeda2bc67e5d7a52c09f32b4ca2998976c6917d8
            Kt_host hh=3 d28594811af5960537d638225d32c07086413bdc3ddda6bb58369e6290b0e05079e20d5edc605aa61f1c9d7e6fd9ed9bdb556ebd87a002fc39e7fdf64f57b480
            Kt_ctrl hh=3 224486a30c25ef2d01dead0f33e15d20f9bac24b343102ad989415b60d6af4fdbed02b750895d1122625f758250104569d8a7f3c8ce57514d172454a5568beb0
            R1 hash=1 hh=0 dh=null a6310a98f0bb69daf5bf380cde9f1a9d315799b5fbdb5928a3248a84ae6fe855
            R2 hash=1 hh=0 dh=null ffef79a874f33d1536fc9c14cf24734307a54e07f720cf44b71f877e5b659603
            R1 hash=1 hh=0 dh=ks5a b81559b61b54f986a0feaffcc514d2cf419bebf1dc2b40b70d5e458287d187f6
            R2 hash=1 hh=0 dh=ks5a 99a2465736fc3e3dd01e29c087898bee0d1ecd725d941a5d07c84d7c6d397987
            R1 hash=1 hh=1 dh=null 1369088a00d03e99b4f941d92591fa9d2f8fd742c780aeb6c9915745109a04fc
            R2 hash=1 hh=1 dh=null 6b8d11d2765264838edb93856d3be6b49e89b133c4a9bfc0e65a05d11e8da6b1
            R1 hash=1 hh=1 dh=ks5a 547d2225cf0da860b9ca33ed56d6f4b3199cadbb1efebf2537328ac87dda3b8e
            R2 hash=1 hh=1 dh=ks5a dab58f235e842373e2be2471d35e68fc3f0a3bf336d596f8beeb99384cec7757
            Ca1 hash=1 d00649fc11f5d2bb24338cbe30fb60208018bd8b23462dff57090bfd7c744883
            R1 hash=2 hh=0 dh=null c12cb077aba6ecbd8711dc3f526cb3c286dbaedb97706b2505cbf29d252449f0bdf626954a57489cb07a0b68d18ff2fa
            R2 hash=2 hh=0 dh=null 3eaf205cf282f3319cb2d134a81e9a2de5866a3c3568c6b6ff98f3f12012826fa7af235f2719e7fe92b7a9e3a6d337d8
            R1 hash=2 hh=0 dh=ks5a 9ff16bbd447cc3329ddfa8c60227467039ec97dad443af53408bfaac4aa31c0f1abf1a6c6064504bb949172758a6c9e6
            R2 hash=2 hh=0 dh=ks5a 5370cc8b02f05644709c252ca59908cbc8d39e89b05236620f0ebfc745d9ae090c1867cc9df65c0f34855326a673bb25
            R1 hash=2 hh=2 dh=null 69614fad8b99d8bf8e14b289c0050af4b2258078ab9870273dba6f915bfa17736548da6783f755003936c30d3daca8ca
            R2 hash=2 hh=2 dh=null 80b210b8eadb4b7d2faa1c1b6f9b608a8d67e8b7c3e96adb53f77572a9266c7f9ac7e0c4c8b05b54635ae7c27c282a98
            R1 hash=2 hh=2 dh=ks5a 7e73fc4867859a2037236741eab0b6478eecbf271f49db43fab9eae42eecd9415aa655111f62cc1767eff9f08cf71abe
            R2 hash=2 hh=2 dh=ks5a 4741b914a213f7b5b4ab473332ecdd8a4961991a9f126eadeb2f486fe359241d1eb3f92d4b33a7a967ae92bc2bd74829
            Ca1 hash=2 527b39b700009b20e6e4d43e38155866492c952da402c5f1bc5d968c2f0017a2c883288ad1c6adb327b3356cf2f947bb
            R1 hash=3 hh=0 dh=null 8de69b9ee4ac7ca3d725f92f6da3f065fa965cd4a2a8d2a4708d66804797da098800b4a9e4c8397d23988af90df6500be69bb64102408c7963dec1e0482b2d36
            R2 hash=3 hh=0 dh=null 6eb351006ea0665c698e5a27000cfbf6fb8382f13c174fef40f55b5d094d8276d3b259eba8f505e8c4eef679bd211886650709a339a1141ce74e918efedee091
            R1 hash=3 hh=0 dh=ks5a 6e8ee0c32c048cef92fc9ba97615070d1417ff4e232d2ee2bedfe050dbec1e95adf7fa4e8f2581ada2b8bc1999e3181749e07f64a907fa95169b5fbe312810c4
            R2 hash=3 hh=0 dh=ks5a 4ab79bd3f271915e2a93a772dc485b4590b182811c30ee309f7d77ec54d35280ef03a6af3152a6fae4ce973b566f80be13e85583e2aa18acc641a00def9f00bf
            R1 hash=3 hh=3 dh=null df0d1e78efa067d1a834c92c7ec8a2a90e433f74d429f6efebf79debf4cc8c2e0a991b086280cb30259b10ce83d6d4ea25772b60d04184438e1b171e4fad7b8d
            R2 hash=3 hh=3 dh=null 297b8eddf40a8c8342821aa9fbc29fca89354d28167856b9d1f84833a0a9ccc725d183308bfecebdd0b20b8865f451057ea86fcb430f1e43ff51a75d9894ab98
            R1 hash=3 hh=3 dh=ks5a 8585905902437d43484486d97d084e7f4c8a69b1d1c3be2976d77671a1ee2818cd6e58199c8cbe22c012d317a06f11abeee211352de640c5bcef8d1078228f1c
            R2 hash=3 hh=3 dh=ks5a 54e64008c1171acfc63a5d31fb6b78e77318eee5034841cc829eafe1933053b65d1cfd1b82f1f365e2faac66b918bffa6031a6e1a8e7fc2412cefec9036f142d
            Ca1 hash=3 e3991f6c026790d3ba1f8d1598c87215a089212f502e200b5e068785defb42bd873c0e3006ca212858021757676cc3b77c7e1a86532fd669144c57043a8fa943
            dh x_peer 0x10000000000000000000000000000000000000000000000001c
            dh own_pub sha256 cd67b11f8ea867d0a3e545359feafacad7a268cd2f5295920a69ca429fa15b02
            dh peer_pub c570471dce03224ffa19e02e7c2f899ebe15049bdee948a8f24fc04853e20602360c2d7227ad087058aa77fd2d29f34c800c6d64fe9f97b0f8c6404c09951e6651b62a8aac6349a47e8c2812df66cfcdf1f053b5740393aaf7ba28a7ef83d7fba48fd8a96aea927567426ee96d342a460ea6c6d60ab2880577cb63f8bc3f5acdb2dcd5998032ed2126f45ebfe1d3590d2b3f07aac53015f521861e11cf37bc1675bceec2d3886e9f8c2501e5715d98f5383ff1eb5ee3f2639118c24589c2bf859915f6a9ecda2852e55fa54477a933ff7bf34a2fc9d4a7a95470b30b07b69c7c349a89133c2c5dfa3832d8b690af68ec5fafc6a143044e6417d94632f00d1d45
            dh ks sha256 504a28dc28673451583544e680dd619956821bbd0508d4e9fab2576ded5d84a5 ks[0] 0
            """;

    static final Map<String, String> V = new HashMap<>();

    static {
        for (String line : OUTPUT.strip().split("\n")) {
            String l = line.strip();
            if (l.startsWith("dh ks sha256")) {
                String[] p = l.split(" ");
                V.put("dh ks sha256", p[3]);
                V.put("dh ks[0]", p[5]);
                continue;
            }
            int sp = l.lastIndexOf(' ');
            V.put(l.substring(0, sp), l.substring(sp + 1));
        }
    }

    static final HexFormat HEX = HexFormat.of();

    @Test
    void theSecretsMatch() {
        assertThat(DhchapSecret.parse(V.get("spec secret")).format()).isEqualTo(DhchapSecretTest.SPEC);
        assertThat(V.get("secret48")).isEqualTo(DhchapSecretTest.SECRET48);
        assertThat(V.get("secret64")).isEqualTo(DhchapSecretTest.SECRET64);
    }

    @Test
    void keyTransformation() {
        for (int hh = 1; hh <= 3; hh++) {
            DhchapSecret s = DhchapSecret.parse(DhchapSecretTest.SPEC.replace(":00:", ":0" + hh + ":"));
            assertThat(HEX.formatHex(s.transform(HOST_NQN))).as("Kt_host hh=%d", hh).isEqualTo(V.get("Kt_host hh=" + hh));
            assertThat(HEX.formatHex(s.transform(SUBSYS_NQN))).as("Kt_ctrl hh=%d", hh).isEqualTo(V.get("Kt_ctrl hh=" + hh));
        }
    }

    @Test
    void augmentedChallenge() {
        byte[] ks = ks5a();
        for (DhchapHash h : DhchapHash.values()) {
            assertThat(HEX.formatHex(DhchapResponse.challenge(h, ks, c1(h)))).isEqualTo(V.get("Ca1 hash=" + h.id()));
            assertThat(DhchapResponse.challenge(h, null, c1(h))).isEqualTo(c1(h));
        }
    }

    @Test
    void hostAndControllerResponses() {
        int checked = 0;
        for (DhchapHash h : DhchapHash.values()) {
            for (int hh : new int[] {0, h.id()}) {
                DhchapSecret key = DhchapSecret.parse(DhchapSecretTest.SPEC.replace(":00:", ":0" + hh + ":"));
                for (String dh : new String[] {"null", "ks5a"}) {
                    byte[] ks = dh.equals("null") ? null : ks5a();
                    byte[] r1 = DhchapResponse.host(h, key.transform(HOST_NQN), DhchapResponse.challenge(h, ks, c1(h)), S1, TID, 0,
                            HOST_NQN, SUBSYS_NQN);
                    byte[] r2 = DhchapResponse.controller(h, key.transform(SUBSYS_NQN), DhchapResponse.challenge(h, ks, c2(h)), S2, TID, 0,
                            HOST_NQN, SUBSYS_NQN);
                    String k = " hash=" + h.id() + " hh=" + hh + " dh=" + dh;
                    assertThat(HEX.formatHex(r1)).as("R1" + k).isEqualTo(V.get("R1" + k));
                    assertThat(HEX.formatHex(r2)).as("R2" + k).isEqualTo(V.get("R2" + k));
                    checked += 2;
                }
            }
        }
        assertThat(checked).isEqualTo(24);
        // the reference notes' values (section 3.7), independently of the script
        DhchapSecret k1 = DhchapSecret.parse(DhchapSecretTest.SPEC.replace(":00:", ":01:"));
        assertThat(HEX.formatHex(DhchapResponse.host(DhchapHash.SHA256, k1.transform(HOST_NQN), c1(DhchapHash.SHA256), S1, TID, 0,
                HOST_NQN, SUBSYS_NQN))).isEqualTo("1369088a00d03e99b4f941d92591fa9d2f8fd742c780aeb6c9915745109a04fc");
    }

    @Test
    void aResponseDependsOnEveryInput() {
        DhchapHash h = DhchapHash.SHA256;
        byte[] kt = DhchapSecret.parse(DhchapSecretTest.SPEC).transform(HOST_NQN);
        String r = HEX.formatHex(DhchapResponse.host(h, kt, c1(h), S1, TID, 0, HOST_NQN, SUBSYS_NQN));
        assertThat(HEX.formatHex(DhchapResponse.host(h, kt, c1(h), S1 + 1, TID, 0, HOST_NQN, SUBSYS_NQN))).isNotEqualTo(r);
        assertThat(HEX.formatHex(DhchapResponse.host(h, kt, c1(h), S1, TID + 1, 0, HOST_NQN, SUBSYS_NQN))).isNotEqualTo(r);
        assertThat(HEX.formatHex(DhchapResponse.host(h, kt, c1(h), S1, TID, 1, HOST_NQN, SUBSYS_NQN))).isNotEqualTo(r);
        assertThat(HEX.formatHex(DhchapResponse.host(h, kt, c1(h), S1, TID, 0, SUBSYS_NQN, HOST_NQN))).isNotEqualTo(r);
        assertThat(HEX.formatHex(DhchapResponse.controller(h, kt, c1(h), S1, TID, 0, HOST_NQN, SUBSYS_NQN))).isNotEqualTo(r);
    }

    /** ffdhe2048 with fixed exponents: the JDK's key agreement against Python's pow(), padding included. */
    @Test
    void diffieHellmanAgainstPython() throws Exception {
        BigInteger xOwn = new BigInteger("0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF", 16);
        DhKeyExchange own = DhKeyExchange.withPrivateExponent(DhGroup.FFDHE2048, xOwn);
        assertThat(sha256(own.publicValue())).isEqualTo(V.get("dh own_pub sha256"));
        byte[] peerPub = HEX.parseHex(V.get("dh peer_pub"));
        byte[] ks = own.sessionKey(peerPub);
        assertThat(ks).hasSize(256);
        assertThat(ks[0]).as("the shared secret has a leading zero byte: padded, not stripped").isEqualTo((byte) 0);
        assertThat(V.get("dh ks[0]")).isEqualTo("0");
        assertThat(sha256(ks)).isEqualTo(V.get("dh ks sha256"));
        DhKeyExchange peer = DhKeyExchange.withPrivateExponent(DhGroup.FFDHE2048, new BigInteger(V.get("dh x_peer").substring(2), 16));
        assertThat(peer.publicValue()).isEqualTo(peerPub);
        assertThat(peer.sessionKey(own.publicValue())).isEqualTo(ks);
    }

    static byte[] c1(DhchapHash h) {
        byte[] c = new byte[h.length()];
        for (int i = 0; i < c.length; i++) c[i] = (byte) i;
        return c;
    }

    static byte[] c2(DhchapHash h) {
        byte[] c = new byte[h.length()];
        for (int i = 0; i < c.length; i++) c[i] = (byte) (0xFF - i);
        return c;
    }

    static byte[] ks5a() {
        byte[] ks = new byte[256];
        java.util.Arrays.fill(ks, (byte) 0x5A);
        return ks;
    }

    static String sha256(byte[] b) throws Exception {
        return HEX.formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }
}
