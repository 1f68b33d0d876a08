package io.nvmegate.auth;

import io.nvmegate.controller.Controller;
import io.nvmegate.metrics.NodeMetrics;
import io.nvmegate.protocol.auth.DhchapSequence;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.SecureRandom;
import java.util.Locale;
import java.util.Objects;

/**
 * In-band authentication of one target (a gateway; the discovery service uses {@link #NONE}): decides at Connect
 * whether a host must authenticate ({@link #atConnect}), creates each queue's {@link QueueAuth}, and handles the
 * outcome of its transactions: a failure is logged once (host NQN, subsystem, QID, reason; never a key), counted in
 * {@code nvmegate_auth_failures_total{reason}} and slows the host's next attempts down ({@link AuthThrottle}); a
 * success resets that delay.
 */
public final class DhchapAuthenticator {
    private static final Logger log = LoggerFactory.getLogger(DhchapAuthenticator.class);

    /** Never authenticates (the discovery controller, as nvmet: {@code nvmet_setup_auth} skips discovery). */
    public static final DhchapAuthenticator NONE = new DhchapAuthenticator(AuthPolicy.NONE, AuthThrottle.defaults());

    /** What the admin-queue Connect does about authentication. */
    public enum Decision {
        /** The host has no key and the subsystem does not require one: no authentication, ATR clear. */
        NONE,
        /** The host has a key: ATR set, every queue must authenticate before other commands. */
        AUTHENTICATE,
        /** The subsystem requires authentication and the host has no key: Connect Invalid Host | DNR. */
        REFUSE
    }

    private final AuthPolicy policy;
    private final AuthThrottle throttle;
    private final SecureRandom random = new SecureRandom();
    private final DhchapSequence sequence = new DhchapSequence(random);

    public DhchapAuthenticator(AuthPolicy policy, AuthThrottle throttle) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.throttle = Objects.requireNonNull(throttle, "throttle");
    }

    public AuthPolicy policy() { return policy; }
    public AuthThrottle throttle() { return throttle; }

    /** @return whether the admin Connect of {@code hostNqn} to {@code subsysNqn} authenticates, or is refused */
    public Decision atConnect(String hostNqn, String subsysNqn) {
        if (policy.credentials(hostNqn, subsysNqn) != null) return Decision.AUTHENTICATE;
        return policy.required(hostNqn, subsysNqn) ? Decision.REFUSE : Decision.NONE;
    }

    /**
     * @param required true when the host must authenticate on this queue before other commands ({@link
     *                 Controller#authRequired()}); false: the host may still authenticate (e.g. after a key was
     *                 added), nothing is refused meanwhile
     * @return the authentication state of queue {@code qid} of {@code c}: its own transaction, whose credentials
     *         are read from the policy at every AUTH_Negotiate
     */
    public QueueAuth queue(Controller c, int qid, boolean required) {
        String host = c.hostNqn();
        String subsys = c.subsystem().nqn();
        DhchapTransaction t = new DhchapTransaction(() -> policy.credentials(host, subsys), c.keepAlive().timeoutMs(),
                random, sequence);
        return new QueueAuth(this, c, qid, required, t);
    }

    /** Logs, counts and throttles one failed transaction. @param reason a metric label (lower case, fixed set) */
    void failed(QueueAuth q, String reason, String detail) {
        Controller c = q.controller();
        log.warn("DH-HMAC-CHAP authentication failed: host {}, subsystem {}, cntlid {}, qid {}: {}{}", c.hostNqn(),
                c.subsystem().nqn(), c.cntlid(), q.qid(), reason, detail.isEmpty() ? "" : " (" + detail + ")");
        NodeMetrics.of(c.vertx()).authFailed(reason);
        throttle.failed(c.hostNqn());
    }

    /** One successful transaction: the host's failure delay is reset. */
    void succeeded(QueueAuth q) {
        Controller c = q.controller();
        log.debug("DH-HMAC-CHAP: host {} authenticated on {} cntlid {} qid {}", c.hostNqn(), c.subsystem().nqn(), c.cntlid(), q.qid());
        throttle.succeeded(c.hostNqn());
    }

    /** A Connect refused because the host has no key (counted as {@code no_key}). */
    public void refused(io.vertx.core.Vertx vertx, String hostNqn, String subsysNqn, String from) {
        log.warn("DH-HMAC-CHAP authentication failed: host {}, subsystem {}, qid 0: no_key (the subsystem requires "
                + "authentication and the host has no DH-HMAC-CHAP key; from {})", hostNqn, subsysNqn, from);
        NodeMetrics.of(vertx).authFailed("no_key");
    }

    static String label(Enum<?> reason) {
        return reason.name().toLowerCase(Locale.ROOT);
    }
}
