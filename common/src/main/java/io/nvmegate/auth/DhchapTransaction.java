package io.nvmegate.auth;

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
import io.nvmegate.protocol.auth.DhchapSequence;
import io.nvmegate.protocol.auth.DhchapSuccess1;
import io.nvmegate.protocol.auth.DhchapSuccess2;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The controller side of DH-HMAC-CHAP on one queue (NVMe Base 2.x section 8.3.4.5; Linux
 * {@code drivers/nvme/target/fabrics-cmd-auth.c}, whose per-SQ {@code dhchap_step} this follows). Each queue (admin
 * and every I/O queue) has its own. Pure: the fabrics layer feeds it the data of Authentication Send
 * ({@link #send}) and asks it for the data of Authentication Receive ({@link #receiveLength}, {@link #receive}).
 *
 * <pre>
 *   NEGOTIATE --Send AUTH_Negotiate--> CHALLENGE --Receive Challenge--> REPLY --Send Reply--> SUCCESS1
 *   SUCCESS1 --Receive Success1--> AUTHENTICATED                      (unidirectional: S2 = 0)
 *   SUCCESS1 --Receive Success1 with R2--> SUCCESS2 --Send Success2--> AUTHENTICATED   (bidirectional)
 *   any failure --> FAILURE1 --Receive Failure1--> FAILED;  Send AUTH_Failure2 --> FAILED
 *   Send AUTH_Negotiate in any step restarts (re-authentication), re-reading the credentials
 * </pre>
 *
 * <ul>
 *   <li>A message that does not decode, is not the one the step expects (out of order, replayed, a controller
 *       message sent by the host), or a Receive when the controller has nothing to send: Failure1 with the decoder's
 *       reason or INCORRECT_MESSAGE (07h). A T_ID other than the Negotiate's: INCORRECT_PAYLOAD (06h), as nvmet.</li>
 *   <li>SC_C other than 0 (secure channel concatenation, not supported): CONCAT_MISMATCH (03h). No hash or DH group
 *       in common: HASH_UNUSABLE (04h) / DHGROUP_UNUSABLE (05h). No DH-HMAC-CHAP descriptor: INCORRECT_PAYLOAD.</li>
 *   <li>A Reply whose HL or DH value does not fit: INCORRECT_PAYLOAD; a DH value the group rejects:
 *       DHGROUP_UNUSABLE; a wrong R1: FAILED (01h); a host asking for bidirectional authentication when no
 *       controller key is configured: FAILED (nvmet answers it at Success1; the host sees the same Failure1); a C2 equal to C1 (a reflected challenge):
 *       FAILED (a guard of our own).</li>
 *   <li>{@link #authenticated()} turns true at a verified Reply without controller authentication (as nvmet), or at
 *       Success2 after bidirectional authentication; false again on any failure. A new AUTH_Negotiate
 *       (re-authentication) leaves it as it is until the new transaction fails or succeeds (nvmet).</li>
 *   <li>{@link #failed()}: the transaction ended in failure (Failure1 delivered or Failure2 received); nvmet then
 *       ends the controller ({@code nvmet_ctrl_fatal_error}). The caller decides.</li>
 *   <li>Timeout: while {@link #awaitingHost()}, the caller arms a timer of {@link #stepTimeoutMillis()} (KATO, or
 *       120 s when KATO is 0, as nvmet's {@code auth_expired_work}) after each step and calls {@link #expire()}
 *       when it fires.</li>
 * </ul>
 * Thread-safe (a timer may call {@link #expire()} on another thread). Never logs; no key in {@link #toString()}.
 */
public final class DhchapTransaction {
    /** What the controller expects next. */
    public enum Step {
        /** Waiting for AUTH_Negotiate (Send). */
        NEGOTIATE,
        /** The host is to receive DH-HMAC-CHAP_Challenge. */
        CHALLENGE,
        /** Waiting for DH-HMAC-CHAP_Reply (Send). */
        REPLY,
        /** The host is to receive DH-HMAC-CHAP_Success1. */
        SUCCESS1,
        /** Waiting for DH-HMAC-CHAP_Success2 (Send, bidirectional only). */
        SUCCESS2,
        /** The host is to receive AUTH_Failure1. */
        FAILURE1,
        /** Done, the host is authenticated (and the controller, if asked). */
        AUTHENTICATED,
        /** Done, failed; only a new AUTH_Negotiate restarts. */
        FAILED
    }

    /** The step timeout when KATO is 0 (nvmet: 120 s). */
    public static final long DEFAULT_STEP_TIMEOUT_MS = 120_000;

    private final Supplier<DhchapCredentials> credentials;
    private final long stepTimeoutMs;
    private final SecureRandom random;
    private final DhchapSequence sequence;

    private Step step = Step.NEGOTIATE;
    private boolean authenticated;
    private DhchapFailureReason failure;
    private boolean failureFromHost;
    // The current transaction.
    private DhchapCredentials creds;
    private int tid = -1;
    private int scC;
    private DhchapHash hash;
    private DhGroup group;
    private int s1;
    private byte[] c1;
    private DhKeyExchange dh;
    private byte[] sessionKey;
    private int s2;
    private byte[] c2;

    /**
     * @param credentials read at every AUTH_Negotiate (so a re-authentication uses rotated keys); null means the
     *                    host has no key any more: the Negotiate fails with NOT_USABLE
     * @param katoMs      the controller's KATO in ms (0: {@link #DEFAULT_STEP_TIMEOUT_MS})
     */
    public DhchapTransaction(Supplier<DhchapCredentials> credentials, long katoMs, SecureRandom random, DhchapSequence sequence) {
        this.credentials = Objects.requireNonNull(credentials, "credentials");
        this.stepTimeoutMs = katoMs > 0 ? katoMs : DEFAULT_STEP_TIMEOUT_MS;
        this.random = Objects.requireNonNull(random, "random");
        this.sequence = Objects.requireNonNull(sequence, "sequence");
    }

    /** A transaction with fixed credentials, a new {@link SecureRandom} and the JVM-wide sequence numbers. */
    public DhchapTransaction(DhchapCredentials credentials, long katoMs) {
        this(() -> credentials, katoMs, new SecureRandom(), DhchapSequence.SHARED);
    }

    /**
     * The data of an Authentication Send. Never throws for bad content: a failure moves to {@link Step#FAILURE1}
     * (or {@link Step#FAILED} for a Failure2), which the host learns from its next Authentication Receive.
     *
     * @param payload the TL bytes the host sent
     * @return the step after this message
     */
    public synchronized Step send(byte[] payload) {
        AuthMessage m;
        try {
            m = AuthMessage.decode(payload);
        } catch (DhchapException e) {
            return fail(e.reason());
        }
        if (m instanceof AuthNegotiate n) return negotiate(n);
        if (m instanceof AuthFailure f && !f.failure1()) {
            clear();
            authenticated = false;
            failure = f.reason().orElse(DhchapFailureReason.FAILED);
            failureFromHost = true;
            return step = Step.FAILED;
        }
        if (m instanceof DhchapReply r && step == Step.REPLY) {
            if (r.tid() != tid) return fail(DhchapFailureReason.INCORRECT_PAYLOAD);
            return reply(r);
        }
        if (m instanceof DhchapSuccess2 s && step == Step.SUCCESS2) {
            if (s.tid() != tid) return fail(DhchapFailureReason.INCORRECT_PAYLOAD);
            clear();
            authenticated = true;
            return step = Step.AUTHENTICATED;
        }
        return fail(DhchapFailureReason.INCORRECT_MESSAGE);
    }

    /**
     * @return the length of the message {@link #receive()} returns now; the fabrics layer compares it with AL
     *         (nvmet: a too small AL gives no data for Success1/Failure1, and an error for the Challenge)
     */
    public synchronized int receiveLength() {
        switch (step) {
            case CHALLENGE: return DhchapChallenge.CVAL + hash.length() + group.valueLength();
            case SUCCESS1: return DhchapSuccess1.RVAL + (c2 != null ? hash.length() : 0);
            default: return AuthFailure.LENGTH;
        }
    }

    /**
     * The data of an Authentication Receive: the Challenge, Success1 or Failure1 the step calls for (unpadded: the
     * fabrics layer zero-pads it to AL). A Receive when the controller has nothing to send fails the transaction
     * (Failure1 INCORRECT_MESSAGE).
     */
    public synchronized byte[] receive() {
        switch (step) {
            case CHALLENGE: return challenge();
            case SUCCESS1: return success1();
            case FAILURE1: {
                step = Step.FAILED;
                return AuthFailure.failure1(tid & 0xFFFF, failure).encode();
            }
            default: {
                fail(DhchapFailureReason.INCORRECT_MESSAGE);
                step = Step.FAILED;
                return AuthFailure.failure1(tid & 0xFFFF, failure).encode();
            }
        }
    }

    /** The step timer fired: an unfinished transaction fails (FAILED); the host's next Receive gets Failure1. */
    public synchronized void expire() {
        if (awaitingHost() && step != Step.FAILURE1) fail(DhchapFailureReason.FAILED);
    }

    /** @return true while the host owes the next command (arm the step timer) */
    public synchronized boolean awaitingHost() {
        return step != Step.NEGOTIATE && step != Step.AUTHENTICATED && step != Step.FAILED;
    }

    /** @return the per-step timeout in ms: KATO, or {@link #DEFAULT_STEP_TIMEOUT_MS} when KATO is 0 */
    public long stepTimeoutMillis() {
        return stepTimeoutMs;
    }

    /** @return true when the host may use the queue (nvmet {@code sq->authenticated}) */
    public synchronized boolean authenticated() {
        return authenticated;
    }

    /** @return true when the transaction ended in failure (Failure1 delivered or Failure2 received) */
    public synchronized boolean failed() {
        return step == Step.FAILED;
    }

    /** @return what the controller expects next */
    public synchronized Step step() {
        return step;
    }

    /** @return the reason of the last failure (for the log and the failure counter), empty if none */
    public synchronized Optional<DhchapFailureReason> failure() {
        return Optional.ofNullable(failure);
    }

    /** @return true when the last failure was reported by the host (AUTH_Failure2) */
    public synchronized boolean failureReportedByHost() {
        return failure != null && failureFromHost;
    }

    /** @return the hash selected by the last Negotiate, empty before */
    public synchronized Optional<DhchapHash> hash() {
        return Optional.ofNullable(hash);
    }

    /** @return the DH group selected by the last Negotiate, empty before */
    public synchronized Optional<DhGroup> dhGroup() {
        return Optional.ofNullable(group);
    }

    private Step negotiate(AuthNegotiate n) {
        clear();
        // authenticated stays as it is during a re-authentication (nvmet): commands in flight on a live queue are
        // not refused while the host re-authenticates; a failure clears it
        failure = null;
        failureFromHost = false;
        tid = n.tid();
        scC = n.scC();
        hash = null;
        group = null;
        creds = credentials.get();
        if (creds == null) return fail(DhchapFailureReason.NOT_USABLE);
        if (n.scC() != 0) return fail(DhchapFailureReason.CONCAT_MISMATCH);
        Optional<AuthNegotiate.Descriptor> d = n.dhchapDescriptor();
        if (d.isEmpty()) return fail(DhchapFailureReason.INCORRECT_PAYLOAD);
        hash = choose(d.get().hashIds(), creds.hash().id(), DhchapHash::fromId).orElse(null);
        if (hash == null) return fail(DhchapFailureReason.HASH_UNUSABLE);
        group = choose(d.get().dhGroupIds(), creds.dhGroup().id(), DhGroup::fromId).orElse(null);
        if (group == null) return fail(DhchapFailureReason.DHGROUP_UNUSABLE);
        return step = Step.CHALLENGE;
    }

    /** The preferred id if offered, else the first offered id that is known. */
    private static <T> Optional<T> choose(java.util.List<Integer> offered, int preferred,
                                          java.util.function.IntFunction<Optional<T>> byId) {
        if (offered.contains(preferred)) return byId.apply(preferred);
        for (int id : offered) {
            Optional<T> t = byId.apply(id);
            if (t.isPresent()) return t;
        }
        return Optional.empty();
    }

    private byte[] challenge() {
        s1 = sequence.next();
        c1 = new byte[hash.length()];
        random.nextBytes(c1);
        byte[] dhValue = new byte[0];
        if (!group.isNull()) {
            dh = DhKeyExchange.start(group, random);
            dhValue = dh.publicValue();
        }
        step = Step.REPLY;
        return new DhchapChallenge(tid, hash, group, s1, c1, dhValue).encode();
    }

    private Step reply(DhchapReply r) {
        if (r.hl() != hash.length()) return fail(DhchapFailureReason.INCORRECT_PAYLOAD);
        byte[] hostDh = r.dhValue();
        if (group.isNull()) {
            if (hostDh.length != 0) return fail(DhchapFailureReason.INCORRECT_PAYLOAD);
        } else {
            try {
                sessionKey = dh.sessionKey(hostDh);
            } catch (DhchapException e) {
                return fail(e.reason());
            }
        }
        byte[] kt = creds.hostKey().transform(creds.hostNqn());
        byte[] expected = DhchapResponse.host(hash, kt, DhchapResponse.challenge(hash, sessionKey, c1), s1, tid, scC,
                creds.hostNqn(), creds.subsysNqn());
        Arrays.fill(kt, (byte) 0);
        if (!DhchapResponse.matches(expected, r.response())) return fail(DhchapFailureReason.FAILED);
        if (r.bidirectional()) {
            if (!creds.hasCtrlKey()) return fail(DhchapFailureReason.FAILED);
            byte[] hostChallenge = r.challenge();
            if (Arrays.equals(hostChallenge, c1)) return fail(DhchapFailureReason.FAILED);
            s2 = r.seqnum();
            c2 = hostChallenge;
        } else {
            authenticated = true;
        }
        return step = Step.SUCCESS1;
    }

    private byte[] success1() {
        if (c2 == null) {
            DhchapSuccess1 s = new DhchapSuccess1(tid, hash.length(), null);
            clear();
            step = Step.AUTHENTICATED;
            return s.encode();
        }
        byte[] kt = creds.ctrlKey().transform(creds.subsysNqn());
        byte[] r2 = DhchapResponse.controller(hash, kt, DhchapResponse.challenge(hash, sessionKey, c2), s2, tid, scC,
                creds.hostNqn(), creds.subsysNqn());
        Arrays.fill(kt, (byte) 0);
        step = Step.SUCCESS2;
        return new DhchapSuccess1(tid, hash.length(), r2).encode();
    }

    private Step fail(DhchapFailureReason reason) {
        clear();
        authenticated = false;
        failure = reason;
        failureFromHost = false;
        return step = Step.FAILURE1;
    }

    /** Forgets the secrets of the transaction in progress (challenges, DH key, session key). */
    private void clear() {
        if (sessionKey != null) Arrays.fill(sessionKey, (byte) 0);
        sessionKey = null;
        dh = null;
        c1 = null;
        c2 = null;
    }

    @Override
    public synchronized String toString() {
        return "DhchapTransaction[step=" + step + ", tid=" + tid + ", authenticated=" + authenticated
                + (failure != null ? ", failure=" + failure : "") + "]";
    }
}
