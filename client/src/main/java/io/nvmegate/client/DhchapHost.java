package io.nvmegate.client;

import io.nvmegate.protocol.auth.AuthFailure;
import io.nvmegate.protocol.auth.AuthMessage;
import io.nvmegate.protocol.auth.AuthNegotiate;
import io.nvmegate.protocol.auth.DhGroup;
import io.nvmegate.protocol.auth.DhKeyExchange;
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

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The host side of one DH-HMAC-CHAP transaction on one queue (NVMe Base 2.x section 8.3.4.5; the Linux host's
 * {@code drivers/nvme/host/auth.c nvme_queue_auth_work}). Pure: the caller carries the messages in Authentication
 * Send/Receive commands (SECP E9h, SPSP 01h/01h; the Linux host receives with AL 4096).
 *
 * <ol>
 *   <li>{@link #negotiate()}: send it (AUTH_Negotiate, offering {@link #hashes} and {@link #groups}).</li>
 *   <li>Receive; {@link #reply(byte[])} with the data: send the returned DH-HMAC-CHAP_Reply. With a controller key,
 *       the Reply carries C2 and S2 ≠ 0 (bidirectional).</li>
 *   <li>Receive; {@link #success1(byte[])}: done when it returns empty; with bidirectional authentication it
 *       verifies R2 and returns the DH-HMAC-CHAP_Success2 to send.</li>
 * </ol>
 * A {@link DhchapException} from a step: if {@link DhchapException#reportedByPeer()} the controller sent Failure1
 * (nothing more to send); otherwise send {@link #failure2(DhchapFailureReason)} with its reason, as the Linux host
 * does. Unlike Linux 6.x, a Success1 without R2 after the host asked for it is a failure (the controller did not
 * authenticate itself). Key material never appears in {@link #toString()} or exception messages.
 */
public final class DhchapHost {
    /** Everything this side supports, in the Linux host's order. */
    public static final List<DhchapHash> ALL_HASHES = List.of(DhchapHash.SHA256, DhchapHash.SHA384, DhchapHash.SHA512);
    public static final List<DhGroup> ALL_GROUPS = List.of(DhGroup.NULL, DhGroup.FFDHE2048, DhGroup.FFDHE3072,
            DhGroup.FFDHE4096, DhGroup.FFDHE6144, DhGroup.FFDHE8192);

    private enum Step { NEGOTIATE, CHALLENGE, SUCCESS1, DONE, FAILED }

    private final String hostNqn;
    private final String subsysNqn;
    private final DhchapSecret hostKey;
    private final DhchapSecret ctrlKey;
    private final int tid;
    private final List<DhchapHash> hashes;
    private final List<DhGroup> groups;
    private final SecureRandom random;
    private final DhchapSequence sequence;

    private Step step = Step.NEGOTIATE;
    private DhchapHash hash;
    private DhGroup group;
    private byte[] sessionKey;
    private byte[] c2;
    private int s2;

    /**
     * @param hostKey the host's secret ({@code --dhchap-secret})
     * @param ctrlKey the controller's secret for bidirectional authentication ({@code --dhchap-ctrl-secret}), or null
     * @param tid     the transaction ID (u16; Linux: {@code ctrl->transaction++})
     * @param hashes  the hashes to offer, in order of preference
     * @param groups  the DH groups to offer
     */
    public DhchapHost(String hostNqn, String subsysNqn, DhchapSecret hostKey, DhchapSecret ctrlKey, int tid,
                      List<DhchapHash> hashes, List<DhGroup> groups, SecureRandom random, DhchapSequence sequence) {
        this.hostNqn = Objects.requireNonNull(hostNqn, "hostNqn");
        this.subsysNqn = Objects.requireNonNull(subsysNqn, "subsysNqn");
        this.hostKey = Objects.requireNonNull(hostKey, "hostKey");
        this.ctrlKey = ctrlKey;
        this.tid = tid & 0xFFFF;
        this.hashes = List.copyOf(hashes);
        this.groups = List.copyOf(groups);
        this.random = Objects.requireNonNull(random, "random");
        this.sequence = Objects.requireNonNull(sequence, "sequence");
        if (this.hashes.isEmpty() || this.groups.isEmpty()) throw new IllegalArgumentException("offer at least one hash and one DH group");
    }

    /** Offers every hash and DH group, as the Linux host. */
    public DhchapHost(String hostNqn, String subsysNqn, DhchapSecret hostKey, DhchapSecret ctrlKey, int tid) {
        this(hostNqn, subsysNqn, hostKey, ctrlKey, tid, ALL_HASHES, ALL_GROUPS, new SecureRandom(), DhchapSequence.SHARED);
    }

    /** @return the AUTH_Negotiate to send (72 bytes) */
    public synchronized byte[] negotiate() {
        if (step != Step.NEGOTIATE) throw new IllegalStateException("AUTH_Negotiate already sent");
        step = Step.CHALLENGE;
        return AuthNegotiate.dhchap(tid, hashes, groups).encode();
    }

    /**
     * Answers the controller's DH-HMAC-CHAP_Challenge.
     *
     * @param received the Authentication Receive data (padding allowed)
     * @return the DH-HMAC-CHAP_Reply to send
     * @throws DhchapException Failure1 from the controller (reportedByPeer); INCORRECT_MESSAGE for another message
     *         or T_ID; HASH_UNUSABLE / DHGROUP_UNUSABLE for a hash or group not offered; the decoder's reasons
     */
    public synchronized byte[] reply(byte[] received) throws DhchapException {
        expect(Step.CHALLENGE);
        try {
            DhchapChallenge c = expectMessage(received, DhchapChallenge.class);
            if (!hashes.contains(c.hash())) throw new DhchapException(DhchapFailureReason.HASH_UNUSABLE, c.hash() + " not offered");
            if (!groups.contains(c.group())) {
                throw new DhchapException(DhchapFailureReason.DHGROUP_UNUSABLE, c.group().linuxName() + " not offered");
            }
            hash = c.hash();
            group = c.group();
            byte[] hostDh = new byte[0];
            if (!group.isNull()) {
                DhKeyExchange dh = DhKeyExchange.start(group, random);
                hostDh = dh.publicValue();
                sessionKey = dh.sessionKey(c.dhValue());
            }
            byte[] kt = hostKey.transform(hostNqn);
            byte[] r1 = DhchapResponse.host(hash, kt, DhchapResponse.challenge(hash, sessionKey, c.challenge()), c.seqnum(), tid, 0,
                    hostNqn, subsysNqn);
            Arrays.fill(kt, (byte) 0);
            if (ctrlKey != null) {
                c2 = new byte[hash.length()];
                random.nextBytes(c2);
                s2 = sequence.next();
            }
            step = Step.SUCCESS1;
            return new DhchapReply(tid, r1, c2, ctrlKey != null ? s2 : 0, hostDh).encode();
        } catch (DhchapException e) {
            step = Step.FAILED;
            throw e;
        }
    }

    /**
     * Handles DH-HMAC-CHAP_Success1.
     *
     * @return the DH-HMAC-CHAP_Success2 to send after bidirectional authentication, empty otherwise (done)
     * @throws DhchapException Failure1 from the controller (reportedByPeer); HASH_UNUSABLE for another HL; FAILED
     *         when R2 is missing or wrong (the controller does not know the controller key)
     */
    public synchronized Optional<byte[]> success1(byte[] received) throws DhchapException {
        expect(Step.SUCCESS1);
        try {
            DhchapSuccess1 s = expectMessage(received, DhchapSuccess1.class);
            if (s.hl() != hash.length()) throw new DhchapException(DhchapFailureReason.HASH_UNUSABLE, "HL " + s.hl());
            if (ctrlKey == null) {
                step = Step.DONE;
                return Optional.empty();
            }
            byte[] r2 = s.response();
            if (r2 == null) throw new DhchapException(DhchapFailureReason.FAILED, "controller did not authenticate itself");
            byte[] kt = ctrlKey.transform(subsysNqn);
            byte[] expected = DhchapResponse.controller(hash, kt, DhchapResponse.challenge(hash, sessionKey, c2), s2, tid, 0,
                    hostNqn, subsysNqn);
            Arrays.fill(kt, (byte) 0);
            if (!DhchapResponse.matches(expected, r2)) {
                throw new DhchapException(DhchapFailureReason.FAILED, "controller authentication failed");
            }
            step = Step.DONE;
            return Optional.of(new DhchapSuccess2(tid).encode());
        } catch (DhchapException e) {
            step = Step.FAILED;
            throw e;
        } finally {
            if (sessionKey != null && step != Step.SUCCESS1) Arrays.fill(sessionKey, (byte) 0);
        }
    }

    /** @return the AUTH_Failure2 to send after a local failure */
    public byte[] failure2(DhchapFailureReason reason) {
        return AuthFailure.failure2(tid, reason).encode();
    }

    /** @return true once the transaction succeeded */
    public synchronized boolean authenticated() {
        return step == Step.DONE;
    }

    /** @return true when the host also authenticates the controller (a controller key is set) */
    public boolean bidirectional() {
        return ctrlKey != null;
    }

    /** @return the hash the controller selected, empty before the Challenge */
    public synchronized Optional<DhchapHash> hash() {
        return Optional.ofNullable(hash);
    }

    /** @return the DH group the controller selected, empty before the Challenge */
    public synchronized Optional<DhGroup> dhGroup() {
        return Optional.ofNullable(group);
    }

    private void expect(Step s) {
        if (step != s) throw new IllegalStateException("DH-HMAC-CHAP host step is " + step + ", not " + s);
    }

    private <T extends AuthMessage> T expectMessage(byte[] received, Class<T> type) throws DhchapException {
        AuthMessage m = AuthMessage.decode(received);
        if (m instanceof AuthFailure f && f.failure1()) {
            throw new DhchapException(f.reason().orElse(DhchapFailureReason.FAILED),
                    "controller sent AUTH_Failure1, explanation " + f.explanation(), true);
        }
        if (!type.isInstance(m)) {
            throw new DhchapException(DhchapFailureReason.INCORRECT_MESSAGE, "expected " + type.getSimpleName()
                    + ", received " + m.getClass().getSimpleName());
        }
        if (m.tid() != tid) throw new DhchapException(DhchapFailureReason.INCORRECT_MESSAGE, "T_ID " + m.tid() + ", expected " + tid);
        return type.cast(m);
    }

    @Override
    public synchronized String toString() {
        return "DhchapHost[host=" + hostNqn + ", subsys=" + subsysNqn + ", tid=" + tid + ", step=" + step
                + ", bidirectional=" + bidirectional() + "]";
    }
}
