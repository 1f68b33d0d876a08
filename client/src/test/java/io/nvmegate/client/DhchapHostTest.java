package io.nvmegate.client;

import io.nvmegate.protocol.auth.AuthFailure;
import io.nvmegate.protocol.auth.AuthMessage;
import io.nvmegate.protocol.auth.AuthNegotiate;
import io.nvmegate.protocol.auth.DhGroup;
import io.nvmegate.protocol.auth.DhchapChallenge;
import io.nvmegate.protocol.auth.DhchapException;
import io.nvmegate.protocol.auth.DhchapFailureReason;
import io.nvmegate.protocol.auth.DhchapHash;
import io.nvmegate.protocol.auth.DhchapReply;
import io.nvmegate.protocol.auth.DhchapResponse;
import io.nvmegate.protocol.auth.DhchapSecret;
import io.nvmegate.protocol.auth.DhchapSequence;
import io.nvmegate.protocol.auth.DhchapSuccess1;
import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The host side against hand-built controller messages (the target's transaction drives it end to end in
 * common's DhchapTransactionTest): what the host computes, and what it refuses.
 */
class DhchapHostTest {
    static final String HOST = "nqn.2014-08.org.nvmexpress:uuid:00000000-0000-0000-0000-000000000001";
    static final String SUBSYS = "nqn.2024-01.io.nvmegate:test";
    static final DhchapSecret KEY = DhchapSecret.parse("DHHC-1:01:ia6zGodOr4SEG0Zzaw398rpY0wqipUWj4jWjUh4HWUz6aQ2n:");
    static final byte[] C1 = new byte[32];

    @Test
    void negotiateOffersEverythingAndTheReplyCarriesR1() throws Exception {
        DhchapHost h = new DhchapHost(HOST, SUBSYS, KEY, null, 5);
        AuthNegotiate n = (AuthNegotiate) AuthMessage.decode(h.negotiate());
        assertThat(n.tid()).isEqualTo(5);
        assertThat(n.dhchapDescriptor().orElseThrow().hashIds()).containsExactly(1, 2, 3);
        assertThat(n.dhchapDescriptor().orElseThrow().dhGroupIds()).containsExactly(0, 1, 2, 3, 4, 5);
        assertThatThrownBy(h::negotiate).isInstanceOf(IllegalStateException.class);
        for (int i = 0; i < 32; i++) C1[i] = (byte) i;
        DhchapReply r = (DhchapReply) AuthMessage.decode(h.reply(new DhchapChallenge(5, DhchapHash.SHA256, DhGroup.NULL, 0x01020304, C1, new byte[0]).encode()));
        // the reference notes' R1 (hh 01, NULL DH, S1 01020304h, T_ID 5)
        assertThat(java.util.HexFormat.of().formatHex(r.response()))
                .isEqualTo("1369088a00d03e99b4f941d92591fa9d2f8fd742c780aeb6c9915745109a04fc");
        assertThat(r.bidirectional()).isFalse();
        assertThat(r.dhValue()).isEmpty();
        assertThat(h.success1(new DhchapSuccess1(5, 32, null).encode())).isEmpty();
        assertThat(h.authenticated()).isTrue();
    }

    @Test
    void refusesWhatItDidNotOffer() throws Exception {
        DhchapHost h = new DhchapHost(HOST, SUBSYS, KEY, null, 1, List.of(DhchapHash.SHA256), List.of(DhGroup.FFDHE2048),
                new SecureRandom(), DhchapSequence.SHARED);
        h.negotiate();
        expect(() -> h.reply(new DhchapChallenge(1, DhchapHash.SHA256, DhGroup.NULL, 1, C1, new byte[0]).encode()),
                DhchapFailureReason.DHGROUP_UNUSABLE, false);
        DhchapHost h2 = new DhchapHost(HOST, SUBSYS, KEY, null, 1, List.of(DhchapHash.SHA512), List.of(DhGroup.NULL),
                new SecureRandom(), DhchapSequence.SHARED);
        h2.negotiate();
        expect(() -> h2.reply(new DhchapChallenge(1, DhchapHash.SHA256, DhGroup.NULL, 1, C1, new byte[0]).encode()),
                DhchapFailureReason.HASH_UNUSABLE, false);
        assertThat(AuthMessage.decode(h2.failure2(DhchapFailureReason.HASH_UNUSABLE))).isEqualTo(new AuthFailure(false, 1, 4));
    }

    @Test
    void wrongTransactionOrMessageOrFailure1() throws Exception {
        DhchapHost h = new DhchapHost(HOST, SUBSYS, KEY, null, 1);
        h.negotiate();
        expect(() -> h.reply(new DhchapChallenge(2, DhchapHash.SHA256, DhGroup.NULL, 1, C1, new byte[0]).encode()),
                DhchapFailureReason.INCORRECT_MESSAGE, false);
        DhchapHost h2 = new DhchapHost(HOST, SUBSYS, KEY, null, 1);
        h2.negotiate();
        expect(() -> h2.reply(new DhchapSuccess1(1, 32, null).encode()), DhchapFailureReason.INCORRECT_MESSAGE, false);
        DhchapHost h3 = new DhchapHost(HOST, SUBSYS, KEY, null, 1);
        h3.negotiate();
        expect(() -> h3.reply(AuthFailure.failure1(1, DhchapFailureReason.HASH_UNUSABLE).encode()), DhchapFailureReason.HASH_UNUSABLE, true);
        assertThat(h3.authenticated()).isFalse();
    }

    @Test
    void bidirectionalNeedsACorrectR2() throws Exception {
        DhchapSecret ctrlKey = DhchapSecret.generate(2, 48, new SecureRandom());
        // no R2 at all: Linux accepts that silently; this host does not
        DhchapHost h = new DhchapHost(HOST, SUBSYS, KEY, ctrlKey, 3);
        h.negotiate();
        DhchapReply r = (DhchapReply) AuthMessage.decode(h.reply(new DhchapChallenge(3, DhchapHash.SHA256, DhGroup.NULL, 9, C1, new byte[0]).encode()));
        assertThat(r.bidirectional()).isTrue();
        assertThat(r.seqnum()).isNotZero();
        expect(() -> h.success1(new DhchapSuccess1(3, 32, null).encode()), DhchapFailureReason.FAILED, false);
        // the right R2 (computed here from the formula) is accepted, a wrong one is not, another HL is HASH_UNUSABLE
        for (int variant = 0; variant < 3; variant++) {
            DhchapHost b = new DhchapHost(HOST, SUBSYS, KEY, ctrlKey, 4);
            b.negotiate();
            DhchapReply br = (DhchapReply) AuthMessage.decode(b.reply(new DhchapChallenge(4, DhchapHash.SHA256, DhGroup.NULL, 9, C1, new byte[0]).encode()));
            byte[] r2 = DhchapResponse.controller(DhchapHash.SHA256, ctrlKey.transform(SUBSYS), br.challenge(), br.seqnum(), 4, 0, HOST, SUBSYS);
            if (variant == 0) {
                assertThat(b.success1(new DhchapSuccess1(4, 32, r2).encode())).isPresent();
                assertThat(b.authenticated()).isTrue();
            } else if (variant == 1) {
                r2[0] ^= 1;
                expect(() -> b.success1(new DhchapSuccess1(4, 32, r2).encode()), DhchapFailureReason.FAILED, false);
            } else {
                expect(() -> b.success1(new DhchapSuccess1(4, 48, new byte[48]).encode()), DhchapFailureReason.HASH_UNUSABLE, false);
            }
        }
    }

    interface Step {
        void run() throws Exception;
    }

    static void expect(Step s, DhchapFailureReason reason, boolean byPeer) {
        assertThatThrownBy(s::run).isInstanceOfSatisfying(DhchapException.class, e -> {
            assertThat(e.reason()).isEqualTo(reason);
            assertThat(e.reportedByPeer()).isEqualTo(byPeer);
        });
    }
}
