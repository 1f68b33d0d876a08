package io.nvmegate.gateway.io;

import io.nvmegate.ana.GatewayLease;
import io.nvmegate.blockio.BlockReply;
import io.nvmegate.blockio.BlockRequest;
import io.nvmegate.catalog.NamespaceSpec;
import io.nvmegate.protocol.Status;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One block request of a replicated namespace on its way to the namespace's Raft leader, with its one completion
 * path ({@link #promise}). The request carries its {@link io.nvmegate.blockio.RequestId} unchanged through every
 * attempt, so a write resent after a timeout or a failover is applied at most once (the replicas deduplicate).
 * Each attempt is stamped with the gateway's {@link GatewayLease#leaseUntil()} as it is when the attempt is sent;
 * an attempt due while the lease is not valid is not sent and the command completes with Asymmetric Access
 * Inaccessible (SCT 3h SC 02h, no DNR): a gateway that lost its lease forwards nothing, not even a retry.
 *
 * <ol>
 *   <li>The first attempt goes to the cached leader ({@link ReplicaRouter#target}) at
 *       {@code nvmegate.block.<uuid>@<worker>} and waits at most {@link FailoverPolicy#attemptTimeoutMs}.</li>
 *   <li>A redirect ({@link BlockReply#redirect()}: Namespace Not Ready with a leader hint) is resent at once to the
 *       hinted worker (at most {@link FailoverPolicy#maxRedirects} in a row; after that it waits a backoff), and
 *       the hint updates the cache.</li>
 *   <li>Namespace Not Ready without hint (no leader known: an election), no consumer on the address
 *       (event-bus NO_HANDLERS: the worker is down) or no reply in time: the worker is suspected and the next
 *       replica ({@link ReplicaRouter#next}) is tried after a backoff of {@link FailoverPolicy#backoffMinMs}
 *       doubling to {@link FailoverPolicy#backoffMaxMs}.</li>
 *   <li>Any other reply is the leader's answer and final: the command completes with its status.</li>
 *   <li>Once {@link FailoverPolicy#budgetMs} has passed since the request was sent, it completes with Asymmetric
 *       Access Transition (SCT 3h SC 03h, path-related, no DNR): the Linux host requeues it
 *       ({@code nvme_failover_req}) instead of failing it; never Internal Error for a failover.</li>
 * </ol>
 * Any other event-bus failure (the worker's handler failed) completes with Internal Error, as for replication
 * factor 1.
 */
final class ReplicatedSend {
    private static final Logger log = LoggerFactory.getLogger(BlockClient.class);

    private final Vertx vertx;
    private final BlockChannel channel;
    private final ReplicaRouter router;
    private final FailoverPolicy policy;
    private final FailoverMetrics metrics;
    private final FailoverLog failovers;
    private final GatewayLease lease;
    private final NamespaceSpec ns;
    private final BlockRequest req;
    final Promise<BlockReply> promise = Promise.promise();
    private final long startNanos = System.nanoTime();
    private final long deadlineNanos;
    private int redirects;
    private long backoffMs;
    private boolean rerouted;

    ReplicatedSend(Vertx vertx, BlockChannel channel, ReplicaRouter router, FailoverPolicy policy, FailoverMetrics metrics, FailoverLog failovers,
                   GatewayLease lease, NamespaceSpec ns, BlockRequest req) {
        this.lease = lease;
        this.vertx = vertx;
        this.channel = channel;
        this.router = router;
        this.policy = policy;
        this.metrics = metrics;
        this.failovers = failovers;
        this.ns = ns;
        this.req = req;
        this.deadlineNanos = startNanos + policy.budgetMs() * 1_000_000;
        this.backoffMs = policy.backoffMinMs();
    }

    /** Sends the request to the cached leader (or the first replica). */
    void start() {
        String first = router.target(ns);
        if (first == null) { // a replicated namespace the catalog has not placed yet
            promise.complete(BlockReply.status(Status.NAMESPACE_NOT_READY));
            return;
        }
        attempt(first);
    }

    private void attempt(String worker) {
        long leftMs = (deadlineNanos - System.nanoTime()) / 1_000_000;
        if (leftMs <= 0) {
            exhausted();
            return;
        }
        if (!lease.valid()) { // fenced: not even a retry leaves a gateway without lease
            log.debug("namespace {}: {} not sent to replica {}: gateway lease not valid (until {})", ns.uuid(), req.op(),
                    worker, lease.leaseUntil());
            promise.complete(BlockReply.status(Status.ANA_INACCESSIBLE)); // not a failover outcome: no wait recorded
            return;
        }
        channel.request(ns.address(worker), req.withLease(lease.leaseUntil()), Math.min(policy.attemptTimeoutMs(), leftMs)).onComplete(ar -> {
            if (ar.succeeded()) {
                answered(worker, ar.result());
            } else if (ar.cause() instanceof ReplyException re && re.failureType() == ReplyFailure.TIMEOUT) {
                retry(worker, FailoverMetrics.Reason.TIMEOUT);
            } else if (ar.cause() instanceof ReplyException re && re.failureType() == ReplyFailure.NO_HANDLERS) {
                retry(worker, FailoverMetrics.Reason.NO_HANDLERS);
            } else {
                log.warn("namespace {}: {} to replica {} failed: {}", ns.uuid(), req.op(), worker, ar.cause().toString());
                complete(BlockReply.status(Status.INTERNAL_ERROR), true);
            }
        });
    }

    private void answered(String worker, BlockReply r) {
        if (r.redirect()) {
            router.hint(ns.uuid(), r.leader());
            metrics.reroute(FailoverMetrics.Reason.REDIRECT);
            rerouted = true;
            if (++redirects <= policy.maxRedirects() && !r.leader().equals(worker)) {
                attempt(r.leader());
            } else { // replicas naming each other (or themselves): let the election settle
                failovers.rerouted(ns, worker, FailoverMetrics.Reason.REDIRECT);
                later(() -> attempt(r.leader()));
            }
            return;
        }
        if (r.status() == Status.NAMESPACE_NOT_READY) { // notLeader(null): no leader known, or not serving yet
            retry(worker, FailoverMetrics.Reason.NOT_LEADER);
            return;
        }
        router.served(ns.uuid(), worker);
        failovers.served(ns, worker);
        complete(r, true);
    }

    /** {@code failed} did not serve for {@code why}: after a backoff, the next replica. */
    private void retry(String failed, FailoverMetrics.Reason why) {
        metrics.reroute(why);
        rerouted = true;
        router.suspect(ns.uuid(), failed);
        failovers.rerouted(ns, failed, why);
        later(() -> attempt(router.next(ns, failed)));
    }

    private void later(Runnable next) {
        long delay = backoffMs;
        backoffMs = Math.min(backoffMs * 2, policy.backoffMaxMs());
        redirects = 0;
        long leftMs = (deadlineNanos - System.nanoTime()) / 1_000_000;
        if (leftMs <= 0) {
            exhausted();
            return;
        }
        vertx.setTimer(Math.max(1, Math.min(delay, leftMs)), id -> next.run());
    }

    private void exhausted() {
        failovers.exhausted(ns, policy.budgetMs());
        complete(BlockReply.status(Status.ANA_TRANSITION), false);
    }

    private void complete(BlockReply r, boolean served) {
        if (rerouted) metrics.waited(startNanos, served);
        promise.complete(r);
    }
}
