package io.nvmegate.auth;

import io.nvmegate.controller.Controller;
import io.nvmegate.controller.QueueAuthentication;
import io.nvmegate.controller.QueueTransport;
import io.nvmegate.protocol.auth.DhchapFailureReason;

/**
 * The DH-HMAC-CHAP state of one queue (nvmet's per-SQ {@code dhchap_step}, {@code authenticated} and {@code
 * auth_expired_work}): its {@link DhchapTransaction}, the step timer, and what follows each step
 * ({@link #stepped}):
 * <ul>
 *   <li>while the host owes the next message, a timer of {@link DhchapTransaction#stepTimeoutMillis()} (KATO, or
 *       120 s when KATO is 0) runs; when it fires the transaction fails ({@link DhchapTransaction#expire()}, the
 *       host's next Receive gets AUTH_Failure1) and the failure is reported as {@code timeout};</li>
 *   <li>a failure (Failure1 due, or Failure2 received) is reported once per transaction
 *       ({@link DhchapAuthenticator#failed});</li>
 *   <li>when the transaction has ended in failure (Failure1 delivered or Failure2 received) the whole controller is
 *       ended, its connections closed (nvmet: {@code nvmet_ctrl_fatal_error}, which makes the host tear the
 *       association down), after the response in flight was sent.</li>
 * </ul>
 * Event-loop confined except {@link #authenticated()} (the transaction is thread-safe).
 */
public final class QueueAuth implements QueueAuthentication {
    private final DhchapAuthenticator owner;
    private final Controller controller;
    private final int qid;
    private final boolean required;
    private final DhchapTransaction transaction;
    private long timerId = -1;
    private boolean expired;
    private boolean reported;
    private volatile boolean closed;

    QueueAuth(DhchapAuthenticator owner, Controller controller, int qid, boolean required, DhchapTransaction transaction) {
        this.owner = owner;
        this.controller = controller;
        this.qid = qid;
        this.required = required;
        this.transaction = transaction;
    }

    public Controller controller() { return controller; }
    public int qid() { return qid; }
    /** True when the host must authenticate on this queue before any command other than a Fabrics command. */
    public boolean required() { return required; }
    public DhchapTransaction transaction() { return transaction; }
    DhchapAuthenticator owner() { return owner; }

    @Override
    public boolean authenticated() {
        return !required || transaction.authenticated();
    }

    @Override
    public void closed() {
        closed = true;
        cancelTimer();
    }

    /** A new AUTH_Negotiate starts a new transaction: its outcome is reported anew. */
    void negotiating() {
        expired = false;
        reported = false;
    }

    /**
     * After each Authentication Send or Receive (and when the step timer fired), on the queue's event loop: arms or
     * cancels the step timer, reports the outcome, ends the controller after a failed transaction.
     *
     * @param queue the queue's transport (the controller is ended after its pending response was written)
     */
    void stepped(QueueTransport queue) {
        cancelTimer();
        if (closed) return;
        DhchapTransaction.Step step = transaction.step();
        if (transaction.awaitingHost() && step != DhchapTransaction.Step.FAILURE1) {
            timerId = controller.vertx().setTimer(transaction.stepTimeoutMillis(), id -> {
                timerId = -1;
                expired = true;
                transaction.expire();
                stepped(queue);
            });
        }
        if ((step == DhchapTransaction.Step.FAILURE1 || step == DhchapTransaction.Step.FAILED) && !reported) {
            reported = true;
            DhchapFailureReason reason = transaction.failure().orElse(DhchapFailureReason.FAILED);
            String label = expired ? "timeout" : DhchapAuthenticator.label(reason);
            String detail = transaction.failureReportedByHost() ? "AUTH_Failure2 from the host"
                    : expired ? "no message within " + transaction.stepTimeoutMillis() + " ms" : "";
            owner.failed(this, label, detail);
        } else if (step == DhchapTransaction.Step.AUTHENTICATED && !reported) {
            reported = true;
            owner.succeeded(this);
        }
        if (transaction.failed()) {
            String reason = "DH-HMAC-CHAP authentication failed on qid " + qid;
            // after this turn's responses were flushed (the host must see its AUTH_Failure1 first)
            queue.runOnContext(() -> {
                QueueTransport admin = controller.adminQueue();
                if (admin != null) admin.runOnContext(() -> controller.destroy(reason));
                else controller.destroy(reason);
            });
        }
    }

    private void cancelTimer() {
        if (timerId >= 0) {
            controller.vertx().cancelTimer(timerId);
            timerId = -1;
        }
    }

    @Override
    public String toString() {
        return "QueueAuth[cntlid " + controller.cntlid() + " qid " + qid + " required=" + required + " " + transaction + "]";
    }
}
