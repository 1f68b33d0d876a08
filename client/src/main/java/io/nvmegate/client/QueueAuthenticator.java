package io.nvmegate.client;

import io.nvmegate.protocol.auth.DhchapException;
import io.nvmegate.protocol.auth.DhchapSequence;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.Optional;

/**
 * Runs one DH-HMAC-CHAP transaction ({@link DhchapHost}) on one queue over Authentication Send/Receive, as the
 * Linux host's {@code nvme_queue_auth_work} does: Send AUTH_Negotiate, Receive (AL 4096) the Challenge, Send the
 * Reply, Receive Success1, and with a controller secret verify R2 and Send Success2. A local failure sends
 * AUTH_Failure2 with its reason; every failure throws {@link NvmeAuthenticationException} naming the step.
 */
final class QueueAuthenticator {
    private QueueAuthenticator() {}

    /** Authentication Receive length, as the Linux host ({@code CHAP_BUF_SIZE}, enough for ffdhe8192). */
    static final int AL = 4096;
    private static final SecureRandom RANDOM = new SecureRandom();

    static void authenticate(QueueConnection q, ConnectOptions o, int tid) {
        if (o.dhchapSecret() == null) {
            throw new NvmeAuthenticationException(q.qid, "Negotiate", null, true,
                    "the controller requires authentication (AUTHREQ.ATR) and no DH-HMAC-CHAP secret is configured", null);
        }
        DhchapHost h = new DhchapHost(o.hostNqn(), o.subsystemNqn(), o.dhchapSecret(), o.dhchapCtrlSecret(), tid,
                o.dhchapHashes(), o.dhchapGroups(), RANDOM, DhchapSequence.SHARED);
        long timeout = o.connectTimeoutMs();
        send(q, h.negotiate(), "Negotiate", timeout);
        byte[] challenge = receive(q, "Challenge", timeout);
        byte[] reply;
        try {
            reply = h.reply(challenge);
        } catch (DhchapException e) {
            throw failed(q, h, "Challenge", e, timeout);
        }
        send(q, reply, "Reply", timeout);
        byte[] success1 = receive(q, "Success1", timeout);
        Optional<byte[]> success2;
        try {
            success2 = h.success1(success1);
        } catch (DhchapException e) {
            throw failed(q, h, "Success1", e, timeout);
        }
        if (success2.isPresent()) send(q, success2.get(), "Success2", timeout);
    }

    private static NvmeAuthenticationException failed(QueueConnection q, DhchapHost h, String step, DhchapException e, long timeout) {
        if (!e.reportedByPeer()) {
            try {
                send(q, h.failure2(e.reason()), step, timeout); // tell the controller, as the Linux host does
            } catch (NvmeException ignored) {
                // the controller may already have closed the connection
            }
        }
        return new NvmeAuthenticationException(q.qid, step, e.reason(), e.reportedByPeer(), e.getMessage(), e);
    }

    private static void send(QueueConnection q, byte[] message, String step, long timeout) {
        try {
            Await.get(q.submit(CommandBuilders.authSend(message.length), ByteBuffer.wrap(message), 0, timeout, false));
        } catch (NvmeException e) {
            throw new NvmeAuthenticationException(q.qid, step, null, true, "Authentication Send: " + e.getMessage(), e);
        }
    }

    private static byte[] receive(QueueConnection q, String step, long timeout) {
        try {
            return Await.get(q.submit(CommandBuilders.authReceive(AL), null, AL, timeout, false)).bytes();
        } catch (NvmeException e) {
            throw new NvmeAuthenticationException(q.qid, step, null, true, "Authentication Receive: " + e.getMessage(), e);
        }
    }

}
