package io.nvmegate.protocol.auth;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

/** The message codecs: byte layouts, round trips and strict decoding of malformed input. */
class AuthMessageTest {
    static final byte[] C32 = fill(32, 0x11), C48 = fill(48, 0x22), C64 = fill(64, 0x33);

    /** The Linux host's AUTH_Negotiate ({@code nvme_auth_set_dhchap_negotiate_data}): 72 bytes. */
    @Test
    void negotiateLayoutIsTheLinuxHosts() throws Exception {
        byte[] b = AuthNegotiate.dhchap(0x1234, List.of(DhchapHash.values()), List.of(DhGroup.values())).encode();
        assertThat(b).hasSize(72);
        assertThat(Arrays.copyOfRange(b, 0, 12)).containsExactly(0x00, 0x00, 0, 0, 0x34, 0x12, 0, 1, 1, 0, 3, 6);
        assertThat(Arrays.copyOfRange(b, 12, 15)).containsExactly(1, 2, 3);
        assertThat(Arrays.copyOfRange(b, 42, 48)).containsExactly(0, 1, 2, 3, 4, 5);
        AuthNegotiate n = (AuthNegotiate) AuthMessage.decode(b);
        assertThat(n.tid()).isEqualTo(0x1234);
        assertThat(n.scC()).isZero();
        assertThat(n.dhchapDescriptor().orElseThrow().hashIds()).containsExactly(1, 2, 3);
        assertThat(n.dhchapDescriptor().orElseThrow().dhGroupIds()).containsExactly(0, 1, 2, 3, 4, 5);
        // two descriptors, the second DH-HMAC-CHAP
        AuthNegotiate two = new AuthNegotiate(7, 1, List.of(new AuthNegotiate.Descriptor(9, List.of(), List.of()),
                new AuthNegotiate.Descriptor(1, List.of(3), List.of(5))));
        AuthNegotiate back = (AuthNegotiate) AuthMessage.decode(two.encode());
        assertThat(back).isEqualTo(two);
        assertThat(back.dhchapDescriptor().orElseThrow().hashIds()).containsExactly(3);
    }

    @Test
    void challengeRoundTripAndLayout() throws Exception {
        byte[] dh = fill(256, 0x44);
        DhchapChallenge c = new DhchapChallenge(5, DhchapHash.SHA256, DhGroup.FFDHE2048, 0x01020304, C32, dh);
        byte[] b = c.encode();
        assertThat(b).hasSize(16 + 32 + 256);
        assertThat(Arrays.copyOfRange(b, 0, 16)).containsExactly(1, 1, 0, 0, 5, 0, 32, 0, 1, 1, 0x00, 0x01, 4, 3, 2, 1);
        DhchapChallenge d = (DhchapChallenge) AuthMessage.decode(padded(b, 4096));
        assertThat(d.hash()).isEqualTo(DhchapHash.SHA256);
        assertThat(d.group()).isEqualTo(DhGroup.FFDHE2048);
        assertThat(d.seqnum()).isEqualTo(0x01020304);
        assertThat(d.challenge()).isEqualTo(C32);
        assertThat(d.dhValue()).isEqualTo(dh);
        assertThat(d.encode()).isEqualTo(b);
        DhchapChallenge nul = new DhchapChallenge(0xFFFF, DhchapHash.SHA512, DhGroup.NULL, -1, C64, new byte[0]);
        assertThat(AuthMessage.decode(nul.encode()).encode()).isEqualTo(nul.encode()).hasSize(80);
    }

    @Test
    void replyRoundTripAndLayout() throws Exception {
        DhchapReply uni = new DhchapReply(3, C48, null, 0, new byte[0]);
        byte[] b = uni.encode();
        assertThat(b).hasSize(16 + 96);
        assertThat(Arrays.copyOfRange(b, 0, 16)).containsExactly(1, 2, 0, 0, 3, 0, 48, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        DhchapReply d = (DhchapReply) AuthMessage.decode(b);
        assertThat(d.bidirectional()).isFalse();
        assertThat(d.c2()).isEmpty();
        assertThat(d.response()).isEqualTo(C48);
        DhchapReply bi = new DhchapReply(3, C32, C32, 0x0A0B0C0D, fill(384, 7));
        byte[] bb = bi.encode();
        assertThat(bb).hasSize(16 + 64 + 384);
        assertThat(bb[8]).isEqualTo((byte) 1);
        assertThat(Arrays.copyOfRange(bb, 10, 16)).containsExactly(0x80, 0x01, 0x0D, 0x0C, 0x0B, 0x0A);
        DhchapReply e = (DhchapReply) AuthMessage.decode(bb);
        assertThat(e.bidirectional()).isTrue();
        assertThat(e.seqnum()).isEqualTo(0x0A0B0C0D);
        assertThat(e.challenge()).isEqualTo(C32);
        assertThat(e.dhValue()).isEqualTo(fill(384, 7));
    }

    @Test
    void successAndFailureRoundTrip() throws Exception {
        byte[] s1 = new DhchapSuccess1(9, 64, null).encode();
        assertThat(s1).hasSize(16).startsWith(1, 3, 0, 0, 9, 0, 64, 0, 0);
        assertThat(((DhchapSuccess1) AuthMessage.decode(padded(s1, 4096))).response()).isNull();
        byte[] s1r = new DhchapSuccess1(9, 64, C64).encode();
        assertThat(s1r).hasSize(80);
        assertThat(s1r[8]).isEqualTo((byte) 1);
        assertThat(((DhchapSuccess1) AuthMessage.decode(s1r)).response()).isEqualTo(C64);
        byte[] s2 = new DhchapSuccess2(9).encode();
        assertThat(s2).hasSize(16).startsWith(1, 4, 0, 0, 9, 0);
        assertThat(AuthMessage.decode(s2)).isEqualTo(new DhchapSuccess2(9));
        byte[] f1 = AuthFailure.failure1(9, DhchapFailureReason.INCORRECT_MESSAGE).encode();
        assertThat(f1).containsExactly(0, 0xF1, 0, 0, 9, 0, 1, 7);
        byte[] f2 = AuthFailure.failure2(9, DhchapFailureReason.FAILED).encode();
        assertThat(f2).containsExactly(0, 0xF0, 0, 0, 9, 0, 1, 1);
        assertThat(AuthMessage.decode(padded(f1, 4096))).isEqualTo(new AuthFailure(true, 9, 7));
        assertThat(((AuthFailure) AuthMessage.decode(f2)).reason()).contains(DhchapFailureReason.FAILED);
        assertThat(new AuthFailure(true, 1, 0x42).reason()).isEmpty();
        for (DhchapFailureReason r : DhchapFailureReason.values()) {
            assertThat(DhchapFailureReason.fromCode(r.code())).contains(r);
            assertThat(((AuthFailure) AuthMessage.decode(AuthFailure.failure1(1, r).encode())).reason()).contains(r);
        }
    }

    @Test
    void unknownMessagesAreIncorrectMessage() {
        reject(new byte[] {2, 0, 0, 0, 0, 0, 0, 0}, DhchapFailureReason.INCORRECT_MESSAGE);
        reject(new byte[] {0, 1, 0, 0, 0, 0, 0, 0}, DhchapFailureReason.INCORRECT_MESSAGE);
        reject(new byte[] {1, 0, 0, 0, 0, 0, 0, 0}, DhchapFailureReason.INCORRECT_MESSAGE);
        reject(new byte[] {1, 5, 0, 0, 0, 0, 0, 0}, DhchapFailureReason.INCORRECT_MESSAGE);
        reject(new byte[] {1, (byte) 0xF1, 0, 0, 0, 0, 0, 0}, DhchapFailureReason.INCORRECT_MESSAGE);
    }

    @Test
    void malformedNegotiate() {
        byte[] ok = AuthNegotiate.dhchap(1, List.of(DhchapHash.SHA256), List.of(DhGroup.NULL)).encode();
        reject(Arrays.copyOf(ok, 71), DhchapFailureReason.INCORRECT_PAYLOAD);
        reject(Arrays.copyOf(ok, 7), DhchapFailureReason.INCORRECT_PAYLOAD);
        reject(set(ok, 7, 0), DhchapFailureReason.INCORRECT_PAYLOAD);            // NAPD 0
        reject(set(ok, 7, 2), DhchapFailureReason.INCORRECT_PAYLOAD);            // NAPD 2, one descriptor
        reject(set(ok, 2, 1), DhchapFailureReason.INCORRECT_PAYLOAD);            // reserved
        reject(set(ok, 9, 1), DhchapFailureReason.INCORRECT_PAYLOAD);            // descriptor reserved
        reject(set(ok, 10, 31), DhchapFailureReason.INCORRECT_PAYLOAD);          // HALEN
        reject(set(ok, 11, 31), DhchapFailureReason.INCORRECT_PAYLOAD);          // DHLEN
        reject(padded(set(padded(ok, 80), 75, 1), 80), DhchapFailureReason.INCORRECT_PAYLOAD); // padding
    }

    @Test
    void malformedChallenge() {
        byte[] ok = new DhchapChallenge(5, DhchapHash.SHA256, DhGroup.FFDHE2048, 1, C32, fill(256, 1)).encode();
        reject(set(ok, 6, 48), DhchapFailureReason.HASH_UNUSABLE);               // HL not the hash's
        reject(set(ok, 8, 4), DhchapFailureReason.HASH_UNUSABLE);                // unknown HASHID
        reject(set(ok, 9, 6), DhchapFailureReason.DHGROUP_UNUSABLE);             // unknown DHGID
        reject(set(ok, 9, 0), DhchapFailureReason.INCORRECT_PAYLOAD);            // NULL with a DH value
        reject(set(ok, 9, 2), DhchapFailureReason.INCORRECT_PAYLOAD);            // DHVLEN not the group's
        reject(set(set(ok, 10, 0), 11, 0), DhchapFailureReason.DHGROUP_UNUSABLE); // empty DH value
        reject(Arrays.copyOf(ok, ok.length - 1), DhchapFailureReason.INCORRECT_PAYLOAD);
        reject(set(ok, 7, 1), DhchapFailureReason.INCORRECT_PAYLOAD);
        reject(Arrays.copyOf(ok, 15), DhchapFailureReason.INCORRECT_PAYLOAD);
    }

    /**
     * The Linux host (6.12, {@code nvme_auth_set_dhchap_reply_data}) fills SEQNUM with its S2 even when it does not
     * authenticate the controller (CVALID 0, C2 zeroed); nvmet reads S2 only when CVALID is set. Refusing it refused
     * every unidirectional connect of the kernel host (e2e/auth.sh).
     */
    @Test
    void replyWithSeqnumButNoC2IsUnidirectional() throws DhchapException {
        byte[] b = set(new DhchapReply(3, C32, null, 0, new byte[0]).encode(), 12, 0x2A);
        DhchapReply d = (DhchapReply) AuthMessage.decode(b);
        assertThat(d.bidirectional()).isFalse();
        assertThat(d.c2()).isEmpty();
        assertThat(d.seqnum()).isZero();
    }

    @Test
    void malformedReplyAndSuccess() {
        byte[] ok = new DhchapReply(3, C32, null, 0, new byte[0]).encode();
        reject(set(ok, 6, 33), DhchapFailureReason.INCORRECT_PAYLOAD);           // HL
        reject(set(ok, 8, 2), DhchapFailureReason.INCORRECT_PAYLOAD);            // CVALID reserved bit
        reject(set(ok, 16 + 32, 1), DhchapFailureReason.INCORRECT_PAYLOAD);      // C2 bytes without CVALID
        reject(set(ok, 10, 1), DhchapFailureReason.INCORRECT_PAYLOAD);           // DHVLEN beyond the data
        reject(Arrays.copyOf(ok, 79), DhchapFailureReason.INCORRECT_PAYLOAD);
        reject(set(ok, 9, 1), DhchapFailureReason.INCORRECT_PAYLOAD);
        byte[] s1 = new DhchapSuccess1(1, 32, C32).encode();
        reject(Arrays.copyOf(s1, 47), DhchapFailureReason.INCORRECT_PAYLOAD);
        reject(set(s1, 8, 3), DhchapFailureReason.INCORRECT_PAYLOAD);
        reject(set(s1, 12, 1), DhchapFailureReason.INCORRECT_PAYLOAD);
        reject(set(s1, 6, 20), DhchapFailureReason.INCORRECT_PAYLOAD);
        reject(set(new DhchapSuccess2(1).encode(), 10, 1), DhchapFailureReason.INCORRECT_PAYLOAD);
        reject(Arrays.copyOf(new DhchapSuccess2(1).encode(), 15), DhchapFailureReason.INCORRECT_PAYLOAD);
        reject(set(AuthFailure.failure2(1, DhchapFailureReason.FAILED).encode(), 6, 2), DhchapFailureReason.INCORRECT_PAYLOAD);
        reject(Arrays.copyOf(AuthFailure.failure2(1, DhchapFailureReason.FAILED).encode(), 7), DhchapFailureReason.INCORRECT_PAYLOAD);
        reject(null, DhchapFailureReason.INCORRECT_PAYLOAD);
        reject(new byte[0], DhchapFailureReason.INCORRECT_PAYLOAD);
        reject(new byte[5], DhchapFailureReason.INCORRECT_PAYLOAD);
    }

    /** Random bytes, truncations and bit flips of valid messages: a DhchapException or a message, nothing else. */
    @Test
    void fuzzNeverThrowsAnythingElse() {
        Random r = new Random(42);
        List<byte[]> valid = List.of(
                AuthNegotiate.dhchap(1, List.of(DhchapHash.values()), List.of(DhGroup.values())).encode(),
                new DhchapChallenge(1, DhchapHash.SHA384, DhGroup.FFDHE3072, 1, C48, fill(384, 9)).encode(),
                new DhchapReply(1, C64, C64, 5, fill(256, 3)).encode(),
                new DhchapSuccess1(1, 32, C32).encode(), new DhchapSuccess2(1).encode(),
                AuthFailure.failure1(1, DhchapFailureReason.FAILED).encode());
        for (int i = 0; i < 20_000; i++) {
            byte[] b;
            if (i % 2 == 0) {
                b = new byte[r.nextInt(120)];
                r.nextBytes(b);
                if (b.length > 0) b[0] = (byte) r.nextInt(2);
                if (b.length > 1) b[1] = (byte) new int[] {0, 1, 2, 3, 4, 0xF0, 0xF1}[r.nextInt(7)];
            } else {
                byte[] v = valid.get(r.nextInt(valid.size()));
                b = Arrays.copyOf(v, r.nextInt(v.length + 8));
                for (int k = r.nextInt(3); k > 0 && b.length > 0; k--) b[r.nextInt(b.length)] ^= (byte) (1 << r.nextInt(8));
            }
            try {
                AuthMessage.decode(b);
            } catch (DhchapException e) {
                assertThat(e.reason()).isNotNull();
            } catch (RuntimeException e) {
                fail("input " + Arrays.toString(b) + " threw " + e);
            }
        }
    }

    static void reject(byte[] b, DhchapFailureReason reason) {
        assertThatThrownBy(() -> AuthMessage.decode(b))
                .isInstanceOfSatisfying(DhchapException.class, e -> assertThat(e.reason()).isEqualTo(reason));
    }

    static byte[] set(byte[] b, int off, int v) {
        byte[] c = b.clone();
        c[off] = (byte) v;
        return c;
    }

    static byte[] padded(byte[] b, int len) {
        return Arrays.copyOf(b, len);
    }

    static byte[] fill(int n, int v) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) v);
        return b;
    }
}
