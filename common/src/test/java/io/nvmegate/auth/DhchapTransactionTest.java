package io.nvmegate.auth;

import io.nvmegate.auth.DhchapTransaction.Step;
import io.nvmegate.client.DhchapHost;
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
import io.nvmegate.protocol.auth.DhchapSuccess2;
import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The target's DH-HMAC-CHAP transaction driven by the Java host library's {@link DhchapHost}, in memory: the data
 * of each Authentication Send goes to {@link DhchapTransaction#send}, each Authentication Receive returns
 * {@link DhchapTransaction#receive} zero-padded to AL 4096 as nvmet does for the Linux host.
 */
class DhchapTransactionTest {
    static final String HOST_NQN = "nqn.2014-08.org.nvmexpress:uuid:6d3a2b6c-5b0e-4f43-9f7a-0c1f1e4d2a11";
    static final String SUBSYS_NQN = "nqn.2024-01.io.nvmegate:auth-test";
    static final SecureRandom RANDOM = new SecureRandom();
    static final DhchapSecret HOST_KEY = DhchapSecret.generate(1, 32, RANDOM);
    static final DhchapSecret CTRL_KEY = DhchapSecret.generate(3, 64, RANDOM);

    static DhchapCredentials creds(DhchapHash hash, DhGroup group, DhchapSecret ctrlKey) {
        return new DhchapCredentials(HOST_NQN, SUBSYS_NQN, HOST_KEY, ctrlKey, hash, group);
    }

    static DhchapTransaction target(DhchapCredentials c) {
        return new DhchapTransaction(c, 0);
    }

    static DhchapHost host(DhchapSecret hostKey, DhchapSecret ctrlKey, int tid) {
        return new DhchapHost(HOST_NQN, SUBSYS_NQN, hostKey, ctrlKey, tid);
    }

    /** Authentication Receive with the Linux host's AL: the data, zero-padded to 4096. */
    static byte[] receive(DhchapTransaction t) {
        int len = t.receiveLength();
        assertThat(len).isLessThanOrEqualTo(AuthMessage.LINUX_RECEIVE_LENGTH);
        byte[] m = t.receive();
        assertThat(m).hasSize(len);
        return Arrays.copyOf(m, AuthMessage.LINUX_RECEIVE_LENGTH);
    }

    /** The whole exchange, the host's side as nvme_queue_auth_work; returns the host's exception, if any. */
    static Optional<DhchapException> run(DhchapHost h, DhchapTransaction t) {
        assertThat(t.send(h.negotiate())).isIn(Step.CHALLENGE, Step.FAILURE1);
        try {
            byte[] reply = h.reply(receive(t));
            t.send(reply);
            Optional<byte[]> s2 = h.success1(receive(t));
            s2.ifPresent(t::send);
            return Optional.empty();
        } catch (DhchapException e) {
            if (!e.reportedByPeer()) t.send(h.failure2(e.reason()));
            return Optional.of(e);
        }
    }

    @Test
    void everyHashWithNullFfdhe2048AndFfdhe8192UniAndBidirectional() {
        List<String> done = new ArrayList<>();
        int tid = 0;
        for (DhchapHash hash : DhchapHash.values()) {
            for (DhGroup group : List.of(DhGroup.NULL, DhGroup.FFDHE2048, DhGroup.FFDHE8192)) {
                for (boolean bidirectional : new boolean[] {false, true}) {
                    DhchapTransaction t = target(creds(hash, group, bidirectional ? CTRL_KEY : null));
                    DhchapHost h = host(HOST_KEY, bidirectional ? CTRL_KEY : null, tid++);
                    String what = hash + "/" + group + (bidirectional ? "/bi" : "/uni");
                    assertThat(run(h, t)).as(what).isEmpty();
                    assertThat(t.authenticated()).as(what).isTrue();
                    assertThat(t.step()).as(what).isEqualTo(Step.AUTHENTICATED);
                    assertThat(t.awaitingHost()).isFalse();
                    assertThat(h.authenticated()).as(what).isTrue();
                    assertThat(h.hash()).contains(hash);
                    assertThat(t.hash()).contains(hash);
                    assertThat(h.dhGroup()).contains(group);
                    done.add(what);
                }
            }
        }
        assertThat(done).hasSize(18);
    }

    @Test
    void theOtherGroupsToo() {
        for (DhGroup group : List.of(DhGroup.FFDHE3072, DhGroup.FFDHE4096, DhGroup.FFDHE6144)) {
            DhchapTransaction t = target(creds(DhchapHash.SHA384, group, CTRL_KEY));
            assertThat(run(host(HOST_KEY, CTRL_KEY, 9), t)).isEmpty();
            assertThat(t.authenticated()).isTrue();
            assertThat(t.dhGroup()).contains(group);
        }
    }

    @Test
    void aKeyLengthOtherThanTheHashWorks() {
        DhchapSecret k48 = DhchapSecret.generate(0, 48, RANDOM);
        DhchapTransaction t = target(new DhchapCredentials(HOST_NQN, SUBSYS_NQN, k48, k48, DhchapHash.SHA256, DhGroup.FFDHE2048));
        assertThat(run(host(k48, k48, 1), t)).isEmpty();
        assertThat(t.authenticated()).isTrue();
    }

    @Test
    void wrongHostKeyGetsFailure1() {
        DhchapTransaction t = target(creds(DhchapHash.SHA256, DhGroup.FFDHE2048, null));
        DhchapHost h = host(DhchapSecret.generate(1, 32, RANDOM), null, 1);
        Optional<DhchapException> e = run(h, t);
        assertThat(e).isPresent();
        assertThat(e.get().reportedByPeer()).isTrue();
        assertThat(e.get().reason()).isEqualTo(DhchapFailureReason.FAILED);
        assertThat(t.authenticated()).isFalse();
        assertThat(t.failed()).isTrue();
        assertThat(t.failure()).contains(DhchapFailureReason.FAILED);
        assertThat(h.authenticated()).isFalse();
        // the same key with another transformation hash is another key
        DhchapTransaction t2 = target(creds(DhchapHash.SHA256, DhGroup.NULL, null));
        DhchapSecret sameBytesHh0 = DhchapSecret.parse(HOST_KEY.format().replace("DHHC-1:01:", "DHHC-1:00:"));
        assertThat(run(host(sameBytesHh0, null, 2), t2)).isPresent();
        assertThat(t2.authenticated()).isFalse();
    }

    @Test
    void wrongControllerKeyMakesTheHostRejectTheController() {
        DhchapTransaction t = target(creds(DhchapHash.SHA512, DhGroup.FFDHE2048, DhchapSecret.generate(3, 64, RANDOM)));
        DhchapHost h = host(HOST_KEY, CTRL_KEY, 1);
        Optional<DhchapException> e = run(h, t);
        assertThat(e).isPresent();
        assertThat(e.get().reportedByPeer()).isFalse();
        assertThat(e.get().reason()).isEqualTo(DhchapFailureReason.FAILED);
        assertThat(h.authenticated()).isFalse();
        // the host's Failure2 ends the transaction on the target
        assertThat(t.failed()).isTrue();
        assertThat(t.authenticated()).isFalse();
        assertThat(t.failureReportedByHost()).isTrue();
    }

    @Test
    void bidirectionalWithoutAControllerKeyFails() {
        DhchapTransaction t = target(creds(DhchapHash.SHA256, DhGroup.NULL, null));
        Optional<DhchapException> e = run(host(HOST_KEY, CTRL_KEY, 1), t);
        assertThat(e).isPresent();
        assertThat(e.get().reportedByPeer()).isTrue();
        assertThat(t.authenticated()).isFalse();
        assertThat(t.failed()).isTrue();
    }

    @Test
    void aReplayedReplyFails() throws Exception {
        DhchapTransaction t = target(creds(DhchapHash.SHA256, DhGroup.FFDHE2048, null));
        DhchapHost h = host(HOST_KEY, null, 4);
        t.send(h.negotiate());
        byte[] reply = h.reply(receive(t));
        assertThat(t.send(reply)).isEqualTo(Step.SUCCESS1);
        assertThat(t.authenticated()).isTrue();
        assertThat(t.send(reply)).as("replayed before Success1").isEqualTo(Step.FAILURE1);
        assertThat(t.authenticated()).isFalse();
        assertFailure1(receive(t), 4, DhchapFailureReason.INCORRECT_MESSAGE);
        assertThat(t.failed()).isTrue();

        // after a successful transaction, a replayed Reply ends the authentication
        DhchapTransaction t2 = target(creds(DhchapHash.SHA256, DhGroup.NULL, null));
        DhchapHost h2 = host(HOST_KEY, null, 5);
        t2.send(h2.negotiate());
        byte[] reply2 = h2.reply(receive(t2));
        t2.send(reply2);
        assertThat(h2.success1(receive(t2))).isEmpty();
        assertThat(t2.step()).isEqualTo(Step.AUTHENTICATED);
        assertThat(t2.send(reply2)).isEqualTo(Step.FAILURE1);
        assertThat(t2.authenticated()).isFalse();

        // a Reply recorded in one transaction does not verify in the next (new C1 and S1)
        DhchapTransaction t3 = target(creds(DhchapHash.SHA256, DhGroup.NULL, null));
        DhchapHost h3 = host(HOST_KEY, null, 6);
        t3.send(h3.negotiate());
        byte[] old = h3.reply(receive(t3));
        t3.send(AuthNegotiate.dhchap(6, DhchapHost.ALL_HASHES, DhchapHost.ALL_GROUPS).encode());
        receive(t3);
        assertThat(t3.send(old)).isEqualTo(Step.FAILURE1);
        assertThat(t3.failure()).contains(DhchapFailureReason.FAILED);
    }

    @Test
    void outOfOrderMessagesFail() throws Exception {
        // a Reply before any Negotiate
        DhchapTransaction t = target(creds(DhchapHash.SHA256, DhGroup.NULL, null));
        assertThat(t.send(new DhchapReply(1, new byte[32], null, 0, new byte[0]).encode())).isEqualTo(Step.FAILURE1);
        assertFailure1(receive(t), 0xFFFF, DhchapFailureReason.INCORRECT_MESSAGE);
        assertThat(t.failed()).isTrue();

        // a Receive before any Negotiate
        DhchapTransaction t2 = target(creds(DhchapHash.SHA256, DhGroup.NULL, null));
        assertThat(AuthMessage.decode(receive(t2))).isInstanceOf(AuthFailure.class);
        assertThat(t2.failed()).isTrue();

        // a second Send where a Receive is due (Negotiate, then Success2 instead of receiving the Challenge)
        DhchapTransaction t3 = target(creds(DhchapHash.SHA256, DhGroup.NULL, null));
        t3.send(AuthNegotiate.dhchap(3, DhchapHost.ALL_HASHES, DhchapHost.ALL_GROUPS).encode());
        assertThat(t3.send(new DhchapSuccess2(3).encode())).isEqualTo(Step.FAILURE1);
        assertFailure1(receive(t3), 3, DhchapFailureReason.INCORRECT_MESSAGE);

        // Success2 after unidirectional authentication
        DhchapTransaction t4 = target(creds(DhchapHash.SHA256, DhGroup.NULL, null));
        assertThat(run(host(HOST_KEY, null, 8), t4)).isEmpty();
        assertThat(t4.send(new DhchapSuccess2(8).encode())).isEqualTo(Step.FAILURE1);
        assertThat(t4.authenticated()).isFalse();

        // a controller's message sent by the host
        DhchapTransaction t5 = target(creds(DhchapHash.SHA256, DhGroup.NULL, null));
        t5.send(AuthNegotiate.dhchap(2, DhchapHost.ALL_HASHES, DhchapHost.ALL_GROUPS).encode());
        receive(t5);
        assertThat(t5.send(new DhchapSuccess1(2, 32, null).encode())).isEqualTo(Step.FAILURE1);
        assertThat(t5.failure()).contains(DhchapFailureReason.INCORRECT_MESSAGE);
    }

    @Test
    void aWrongTransactionIdIsIncorrectPayload() throws Exception {
        DhchapTransaction t = target(creds(DhchapHash.SHA256, DhGroup.NULL, null));
        DhchapHost h = host(HOST_KEY, null, 10);
        t.send(h.negotiate());
        DhchapReply r = (DhchapReply) AuthMessage.decode(h.reply(receive(t)));
        DhchapReply other = new DhchapReply(11, r.response(), null, 0, new byte[0]);
        assertThat(t.send(other.encode())).isEqualTo(Step.FAILURE1);
        assertFailure1(receive(t), 10, DhchapFailureReason.INCORRECT_PAYLOAD);
    }

    @Test
    void garbageGetsTheDecodersReason() {
        DhchapTransaction t = target(creds(DhchapHash.SHA256, DhGroup.NULL, null));
        assertThat(t.send(new byte[] {7, 7, 0, 0, 0, 0})).isEqualTo(Step.FAILURE1);
        assertThat(t.failure()).contains(DhchapFailureReason.INCORRECT_MESSAGE);
        assertThat(t.send(new byte[3])).isEqualTo(Step.FAILURE1);
        assertThat(t.failure()).contains(DhchapFailureReason.INCORRECT_PAYLOAD);
        assertThat(t.receiveLength()).isEqualTo(AuthFailure.LENGTH);
    }

    @Test
    void negotiationFailures() {
        DhchapTransaction t = target(creds(DhchapHash.SHA256, DhGroup.NULL, null));
        t.send(new AuthNegotiate(1, 1, List.of(new AuthNegotiate.Descriptor(1, List.of(1), List.of(0)))).encode());
        assertThat(t.failure()).contains(DhchapFailureReason.CONCAT_MISMATCH);
        t.send(new AuthNegotiate(1, 0, List.of(new AuthNegotiate.Descriptor(1, List.of(4, 9), List.of(0)))).encode());
        assertThat(t.failure()).contains(DhchapFailureReason.HASH_UNUSABLE);
        t.send(new AuthNegotiate(1, 0, List.of(new AuthNegotiate.Descriptor(1, List.of(1), List.of(6, 7)))).encode());
        assertThat(t.failure()).contains(DhchapFailureReason.DHGROUP_UNUSABLE);
        t.send(new AuthNegotiate(1, 0, List.of(new AuthNegotiate.Descriptor(2, List.of(1), List.of(0)))).encode());
        assertThat(t.failure()).contains(DhchapFailureReason.INCORRECT_PAYLOAD);
        DhchapTransaction none = new DhchapTransaction(() -> null, 0, RANDOM, DhchapSequence.SHARED);
        none.send(AuthNegotiate.dhchap(1, DhchapHost.ALL_HASHES, DhchapHost.ALL_GROUPS).encode());
        assertThat(none.failure()).contains(DhchapFailureReason.NOT_USABLE);
    }

    @Test
    void theConfiguredHashAndGroupWinWhenOfferedElseTheHostsFirst() throws Exception {
        DhchapTransaction t = target(creds(DhchapHash.SHA512, DhGroup.FFDHE4096, null));
        t.send(AuthNegotiate.dhchap(1, DhchapHost.ALL_HASHES, DhchapHost.ALL_GROUPS).encode());
        DhchapChallenge c = (DhchapChallenge) AuthMessage.decode(receive(t));
        assertThat(c.hash()).isEqualTo(DhchapHash.SHA512);
        assertThat(c.group()).isEqualTo(DhGroup.FFDHE4096);
        assertThat(c.dhValue()).hasSize(512);
        t.send(AuthNegotiate.dhchap(2, List.of(DhchapHash.SHA384, DhchapHash.SHA256), List.of(DhGroup.FFDHE3072, DhGroup.NULL)).encode());
        c = (DhchapChallenge) AuthMessage.decode(receive(t));
        assertThat(c.tid()).isEqualTo(2);
        assertThat(c.hash()).isEqualTo(DhchapHash.SHA384);
        assertThat(c.group()).isEqualTo(DhGroup.FFDHE3072);
        assertThat(c.seqnum()).isNotZero();
    }

    @Test
    void aNewNegotiateRestartsWithTheCurrentKeys() {
        AtomicReference<DhchapCredentials> current = new AtomicReference<>(creds(DhchapHash.SHA256, DhGroup.NULL, null));
        DhchapTransaction t = new DhchapTransaction(current::get, 0, RANDOM, DhchapSequence.SHARED);
        assertThat(run(host(HOST_KEY, null, 1), t)).isEmpty();
        assertThat(t.authenticated()).isTrue();
        DhchapSecret rotated = DhchapSecret.generate(2, 48, RANDOM);
        current.set(new DhchapCredentials(HOST_NQN, SUBSYS_NQN, rotated, null, DhchapHash.SHA256, DhGroup.FFDHE2048));
        // while a re-authentication runs, the queue stays usable
        DhchapHost again = host(rotated, null, 7);
        t.send(again.negotiate());
        assertThat(t.step()).isEqualTo(Step.CHALLENGE);
        assertThat(t.authenticated()).as("during re-authentication").isTrue();
        // re-authentication with the old key fails; with the new one it succeeds
        assertThat(run(host(HOST_KEY, null, 2), t)).isPresent();
        assertThat(t.authenticated()).isFalse();
        assertThat(run(host(rotated, null, 3), t)).isEmpty();
        assertThat(t.authenticated()).isTrue();
        assertThat(t.dhGroup()).contains(DhGroup.FFDHE2048);
    }

    @Test
    void aReflectedChallengeFails() throws Exception {
        DhchapTransaction t = target(creds(DhchapHash.SHA256, DhGroup.NULL, CTRL_KEY));
        t.send(AuthNegotiate.dhchap(1, DhchapHost.ALL_HASHES, DhchapHost.ALL_GROUPS).encode());
        DhchapChallenge c = (DhchapChallenge) AuthMessage.decode(receive(t));
        byte[] r1 = DhchapResponse.host(DhchapHash.SHA256, HOST_KEY.transform(HOST_NQN), c.challenge(), c.seqnum(), 1, 0, HOST_NQN, SUBSYS_NQN);
        assertThat(t.send(new DhchapReply(1, r1, c.challenge(), 77, new byte[0]).encode())).isEqualTo(Step.FAILURE1);
        assertThat(t.failure()).contains(DhchapFailureReason.FAILED);
    }

    @Test
    void timeoutAndReceiveLengths() throws Exception {
        assertThat(new DhchapTransaction(creds(null, null, null), 0).stepTimeoutMillis()).isEqualTo(120_000);
        DhchapTransaction t = new DhchapTransaction(creds(DhchapHash.SHA384, DhGroup.FFDHE8192, CTRL_KEY), 5_000);
        assertThat(t.stepTimeoutMillis()).isEqualTo(5_000);
        t.expire();
        assertThat(t.step()).as("nothing to expire").isEqualTo(Step.NEGOTIATE);
        DhchapHost h = host(HOST_KEY, CTRL_KEY, 1);
        t.send(h.negotiate());
        assertThat(t.awaitingHost()).isTrue();
        assertThat(t.receiveLength()).isEqualTo(16 + 48 + 1024);
        t.send(h.reply(receive(t)));
        assertThat(t.receiveLength()).isEqualTo(16 + 48);
        t.expire();
        assertThat(t.step()).isEqualTo(Step.FAILURE1);
        assertThat(t.failure()).contains(DhchapFailureReason.FAILED);
        assertFailure1(receive(t), 1, DhchapFailureReason.FAILED);
        assertThat(t.failed()).isTrue();
        assertThat(t.authenticated()).isFalse();
    }

    @Test
    void noKeyInToString() {
        DhchapTransaction t = target(creds(DhchapHash.SHA256, DhGroup.NULL, CTRL_KEY));
        run(host(HOST_KEY, CTRL_KEY, 1), t);
        String key = HOST_KEY.format().substring(10, 30), ctrl = CTRL_KEY.format().substring(10, 30);
        for (String s : List.of(t.toString(), creds(DhchapHash.SHA256, DhGroup.NULL, CTRL_KEY).toString(),
                host(HOST_KEY, CTRL_KEY, 1).toString())) {
            assertThat(s).doesNotContain(key).doesNotContain(ctrl).doesNotContain("DHHC");
        }
        assertThatThrownBy(() -> new DhchapCredentials(HOST_NQN, SUBSYS_NQN, null, null, null, null)).isInstanceOf(NullPointerException.class);
    }

    static void assertFailure1(byte[] data, int tid, DhchapFailureReason reason) throws DhchapException {
        AuthFailure f = (AuthFailure) AuthMessage.decode(data);
        assertThat(f.failure1()).isTrue();
        assertThat(f.tid()).isEqualTo(tid);
        assertThat(f.reason()).contains(reason);
    }
}
