package io.nvmegate.auth;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.nvmegate.client.DhchapHost;
import io.nvmegate.protocol.auth.AuthMessage;
import io.nvmegate.protocol.auth.AuthNegotiate;
import io.nvmegate.protocol.auth.DhGroup;
import io.nvmegate.protocol.auth.DhchapException;
import io.nvmegate.protocol.auth.DhchapHash;
import io.nvmegate.protocol.auth.DhchapSecret;
import io.nvmegate.protocol.auth.DhchapSequence;

import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Coverage-guided fuzzing (Jazzer) of the target's DH-HMAC-CHAP transaction ({@link DhchapTransaction}): the fuzzer
 * drives a sequence of Authentication Send data (raw bytes, AUTH_Negotiate with any hash and group IDs, or the
 * messages of a real {@link DhchapHost} of the Java host library, optionally with one byte changed), Authentication
 * Receives and step timeouts, in any order. {@link DhchapTransaction#send} and {@link DhchapTransaction#receive} never
 * throw (their contract: a failure is a Failure1 for the host), every message the controller returns has exactly
 * {@link DhchapTransaction#receiveLength()} bytes and decodes with the strict {@link AuthMessage#decode}, and the
 * step, {@code failed()} and {@code awaitingHost()} agree. Randomness is a seeded SHA1PRNG so that an input replays
 * the same run. DH groups are NULL and ffdhe2048 (the larger groups cost seconds per key pair and add no parsing).
 * Regression inputs: {@code src/test/resources/io/nvmegate/auth/DhchapTransactionFuzzTestInputs/exchange/}.
 */
class DhchapTransactionFuzzTest {
    static final String HOST_NQN = "nqn.2014-08.org.nvmexpress:uuid:6d3a2b6c-5b0e-4f43-9f7a-0c1f1e4d2a11";
    static final String SUBSYS_NQN = "nqn.2024-01.io.nvmegate:fuzz";
    static final List<DhGroup> GROUPS = List.of(DhGroup.NULL, DhGroup.FFDHE2048);
    static final List<DhchapHash> HASHES = List.of(DhchapHash.SHA256, DhchapHash.SHA384, DhchapHash.SHA512);
    static final DhchapSecret HOST_KEY = DhchapSecret.of(1, bytes(32, 1));
    static final DhchapSecret CTRL_KEY = DhchapSecret.of(3, bytes(64, 2));
    static final DhchapSecret WRONG_KEY = DhchapSecret.of(0, bytes(32, 3));

    private static byte[] bytes(int n, int fill) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) fill);
        return b;
    }

    @FuzzTest
    void exchange(FuzzedDataProvider data) throws NoSuchAlgorithmException {
        SecureRandom random = SecureRandom.getInstance("SHA1PRNG");
        random.setSeed(data.consumeLong());
        DhchapSequence sequence = new DhchapSequence(random);
        DhchapCredentials creds = new DhchapCredentials(HOST_NQN, SUBSYS_NQN, HOST_KEY, data.consumeBoolean() ? CTRL_KEY : null,
                data.pickValue(HASHES), data.pickValue(GROUPS));
        DhchapTransaction t = new DhchapTransaction(() -> creds, 0, random, sequence);
        DhchapHost host = null;
        int ops = data.consumeInt(1, 24);
        for (int i = 0; i < ops && data.remainingBytes() > 0; i++) {
            switch (data.consumeInt(0, 6)) {
                case 0 -> t.send(data.consumeBytes(data.consumeInt(0, 600)));
                case 1 -> receive(t);
                case 2 -> t.expire();
                case 3 -> {
                    host = new DhchapHost(HOST_NQN, SUBSYS_NQN, data.consumeBoolean() ? HOST_KEY : WRONG_KEY,
                            data.consumeBoolean() ? CTRL_KEY : null, data.consumeInt(0, 0xFFFF), pick(data, HASHES),
                            pick(data, GROUPS), random, sequence);
                    t.send(host.negotiate());
                }
                case 4 -> {
                    if (host == null) break;
                    try {
                        t.send(mutate(data, host.reply(receive(t))));
                    } catch (DhchapException | IllegalStateException hostRefused) {
                        // the host library refused the target's message or was asked out of order: the target's
                        // side is still checked by receive()
                    }
                }
                case 5 -> {
                    if (host == null) break;
                    try {
                        Optional<byte[]> s2 = host.success1(receive(t));
                        if (s2.isPresent()) t.send(mutate(data, s2.get()));
                    } catch (DhchapException | IllegalStateException hostRefused) {
                        // as above
                    }
                }
                default -> {
                    List<Integer> h = new ArrayList<>(), g = new ArrayList<>();
                    for (int n = data.consumeInt(0, AuthNegotiate.MAX_IDS); n > 0; n--) h.add(data.consumeInt(0, 255));
                    for (int n = data.consumeInt(0, AuthNegotiate.MAX_IDS); n > 0; n--) g.add(data.consumeInt(0, 255));
                    t.send(new AuthNegotiate(data.consumeInt(0, 0xFFFF), data.consumeInt(0, 3),
                            List.of(new AuthNegotiate.Descriptor(data.consumeInt(0, 2), h, g))).encode());
                }
            }
            checkState(t);
        }
    }

    /** Authentication Receive: exactly receiveLength() bytes, a message the strict decoder accepts; zero-padded to 4096 as nvmet. */
    private static byte[] receive(DhchapTransaction t) {
        int length = t.receiveLength();
        byte[] m = t.receive();
        assertThat(m).hasSize(length);
        try {
            AuthMessage.decode(m);
        } catch (DhchapException e) {
            throw new AssertionError("the controller sent a message that does not decode: " + e.getMessage(), e);
        }
        return Arrays.copyOf(m, Math.max(m.length, AuthMessage.LINUX_RECEIVE_LENGTH));
    }

    private static void checkState(DhchapTransaction t) {
        DhchapTransaction.Step s = t.step();
        assertThat(t.failed()).isEqualTo(s == DhchapTransaction.Step.FAILED);
        assertThat(t.awaitingHost()).isEqualTo(s != DhchapTransaction.Step.NEGOTIATE && s != DhchapTransaction.Step.AUTHENTICATED
                && s != DhchapTransaction.Step.FAILED);
        if (s == DhchapTransaction.Step.FAILURE1) assertThat(t.authenticated()).isFalse();
        assertThat(t.toString()).doesNotContain("DHHC-1");
    }

    /** A non-empty subset of {@code all}, in the fuzzer's order. */
    private static <T> List<T> pick(FuzzedDataProvider data, List<T> all) {
        List<T> out = new ArrayList<>();
        for (T x : all) if (data.consumeBoolean()) out.add(x);
        if (out.isEmpty()) out.add(data.pickValue(all));
        return out;
    }

    /** The message, or (fuzzer's choice) the message with one byte replaced. */
    private static byte[] mutate(FuzzedDataProvider data, byte[] m) {
        if (m.length == 0 || !data.consumeBoolean()) return m;
        byte[] c = m.clone();
        c[data.consumeInt(0, c.length - 1)] = data.consumeByte();
        return c;
    }
}
