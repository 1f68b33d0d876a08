package io.nvmegate.protocol.auth;

import io.nvmegate.protocol.FuzzSeeds;
import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Seeds of {@link AuthMessageFuzzTest#decode} made by the real message encoders: every DH-HMAC-CHAP message the Linux
 * host and nvmet exchange (Negotiate offering every hash and group, Challenge with NULL and ffdhe2048, Reply uni- and
 * bidirectional, Success1 with and without R2, Success2, Failure1/2), and a Challenge zero-padded to the Linux host's
 * AL of 4096 bytes. With {@code -Dfuzz.writeSeeds=true} it (re)writes them; otherwise it checks that each committed
 * seed still decodes to the message it was made from. docs/fuzz-corpus.md.
 */
class AuthMessageFuzzSeedsTest {
    static Map<String, byte[]> seeds() {
        SecureRandom r = new SecureRandom(new byte[] {1}); // the values do not matter, only their shape
        byte[] c32 = new byte[32], c48 = new byte[48], dh = DhKeyExchange.start(DhGroup.FFDHE2048, r).publicValue();
        r.nextBytes(c32);
        r.nextBytes(c48);
        Map<String, byte[]> s = new TreeMap<>();
        s.put("negotiate-linux", AuthNegotiate.dhchap(1, List.of(DhchapHash.SHA256, DhchapHash.SHA384, DhchapHash.SHA512),
                List.of(DhGroup.NULL, DhGroup.FFDHE2048, DhGroup.FFDHE3072, DhGroup.FFDHE4096, DhGroup.FFDHE6144, DhGroup.FFDHE8192)).encode());
        s.put("challenge-null", new DhchapChallenge(1, DhchapHash.SHA256, DhGroup.NULL, 7, c32, new byte[0]).encode());
        byte[] ch = new DhchapChallenge(1, DhchapHash.SHA384, DhGroup.FFDHE2048, 7, c48, dh).encode();
        s.put("challenge-ffdhe2048", ch);
        s.put("challenge-ffdhe2048-padded-4096", java.util.Arrays.copyOf(ch, AuthMessage.LINUX_RECEIVE_LENGTH));
        s.put("reply-unidirectional", new DhchapReply(1, c32, null, 0, new byte[0]).encode());
        s.put("reply-bidirectional-ffdhe2048", new DhchapReply(1, c48, c48.clone(), 9, dh).encode());
        s.put("success1", new DhchapSuccess1(1, 32, null).encode());
        s.put("success1-r2", new DhchapSuccess1(1, 48, c48).encode());
        s.put("success2", new DhchapSuccess2(1).encode());
        s.put("failure1", AuthFailure.failure1(1, DhchapFailureReason.FAILED).encode());
        s.put("failure2", AuthFailure.failure2(1, DhchapFailureReason.HASH_UNUSABLE).encode());
        return s;
    }

    @Test
    void decodeSeeds() throws DhchapException {
        Map<String, byte[]> seeds = seeds();
        if (FuzzSeeds.writing()) {
            seeds.forEach((name, input) -> FuzzSeeds.write(AuthMessageFuzzTest.class, "decode", name, input));
            return;
        }
        Map<String, byte[]> committed = FuzzSeeds.read(AuthMessageFuzzTest.class, "decode");
        assertThat(committed.keySet()).as("regenerate: -Dfuzz.writeSeeds=true").hasSize(seeds.size());
        for (Map.Entry<String, byte[]> e : committed.entrySet()) {
            AuthMessage m = AuthMessage.decode(e.getValue());
            byte[] made = seeds.get(e.getKey().substring(FuzzSeeds.SEED_PREFIX.length()));
            assertThat(m.getClass()).as(e.getKey()).isEqualTo(AuthMessage.decode(made).getClass());
        }
    }
}
