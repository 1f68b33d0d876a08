package io.nvmegate.gateway.io;

import io.nvmegate.ana.GatewayLease;
import io.nvmegate.catalog.NamespaceSpec;
import io.nvmegate.metrics.EventBusMetrics;
import io.nvmegate.metrics.NodeMetrics;
import io.nvmegate.protocol.Status;
import io.nvmegate.blockio.BlockReply;
import io.nvmegate.blockio.BlockRequest;
import io.nvmegate.blockio.RequestId;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sends {@link BlockRequest}s to the block worker owning a namespace, each attempt through a {@link BlockChannel}
 * (by default {@link EventBusChannel}: the (clustered) event bus).
 *
 * <p>Fencing ({@code io.nvmegate.ana} package doc): every request, whatever its replication factor, gets a
 * {@link RequestId} unless it has one (client = the gateway's session {@link GatewayLease#session()}, its current
 * Hazelcast member UUID, and a call counter; kept across every retry), and is stamped with
 * {@link GatewayLease#leaseUntil()} right before each attempt is sent ({@link BlockRequest#withLease}). An attempt
 * due while the lease is not {@link GatewayLease#valid() valid} is not sent: the command completes with Asymmetric
 * Access Inaccessible (SCT 3h SC 02h, no DNR; the Linux host fails it over to another path,
 * {@code nvme_failover_req}). Block workers refuse a request whose lease ran out in transit, or whose session left
 * the cluster, with the same status.
 *
 * <p>Replication factor 1: to {@link NamespaceSpec#address()}. A namespace whose worker has not registered yet
 * (cluster subscriptions take a moment to propagate) is retried for up to {@link #NO_HANDLER_RETRY_MS}; then (the
 * worker is down) the command fails with Asymmetric Access Inaccessible (SCT 3h SC 02h). A worker that does not
 * answer within {@link #TIMEOUT_MS} fails it with Asymmetric Access Transition (SCT 3h SC 03h); a worker called in
 * the same process ({@link LocalChannel}) has no timeout (a slow store is waited out). Both are
 * path-related statuses without DNR (NVMe Base 2.0 section 8.1.3): the host retries on another path or requeues,
 * never failing the I/O to the filesystem. Any other event-bus failure (the worker's handler failed) is Internal
 * Error.
 *
 * <p>Replicated namespaces ({@link NamespaceSpec#replicated()}): to the namespace's Raft leader with the retries of
 * {@link ReplicatedSend} ({@link FailoverPolicy}: redirects, the next replica after a timeout, Asymmetric Access
 * Transition once the budget is spent), the leader cached in {@link ReplicaRouter}.
 */
public final class BlockClient {
    private static final Logger log = LoggerFactory.getLogger(BlockClient.class);
    public static final long TIMEOUT_MS = 30_000;
    public static final long NO_HANDLER_RETRY_MS = 5_000;

    private final Vertx vertx;
    private final BlockChannel channel;
    private final long timeoutMs;
    private final EventBusMetrics metrics;
    private final ReplicaRouter router;
    private final FailoverPolicy policy;
    private final FailoverMetrics failoverMetrics;
    private final FailoverLog failovers = new FailoverLog();
    private final GatewayLease lease;
    private final AtomicLong calls = new AtomicLong();

    /**
     * A client outside a cluster ({@link GatewayLease#unclustered()}) with its own leader cache (fed only by
     * redirect hints) and the default failover policy.
     */
    public BlockClient(Vertx vertx) {
        this(vertx, new ReplicaRouter(), FailoverPolicy.defaults());
    }

    /** As {@link #BlockClient(Vertx, ReplicaRouter, FailoverPolicy, GatewayLease)} without lease (not clustered). */
    public BlockClient(Vertx vertx, ReplicaRouter router, FailoverPolicy policy) {
        this(vertx, router, policy, GatewayLease.unclustered());
    }

    /**
     * @param router leader cache of replicated namespaces (fed by a {@link ReplicationStatusFeed} and by this
     *               client's redirect hints)
     * @param policy retries of replicated namespaces' requests
     * @param lease  the gateway's lease: checked before, and stamped on, every attempt; its session is the
     *               {@link RequestId#client()} of every request
     */
    public BlockClient(Vertx vertx, ReplicaRouter router, FailoverPolicy policy, GatewayLease lease) {
        this(vertx, router, policy, lease, TIMEOUT_MS);
    }

    /** @param timeoutMs how long a replication factor 1 request waits for its reply ({@link #TIMEOUT_MS}; tests shorten it) */
    BlockClient(Vertx vertx, ReplicaRouter router, FailoverPolicy policy, GatewayLease lease, long timeoutMs) {
        this(vertx, new EventBusChannel(vertx), router, policy, lease, timeoutMs);
    }

    /**
     * @param channel   how attempts reach the block workers
     * @param timeoutMs how long a replication factor 1 request waits for its reply ({@link #TIMEOUT_MS})
     */
    public BlockClient(Vertx vertx, BlockChannel channel, ReplicaRouter router, FailoverPolicy policy, GatewayLease lease,
                       long timeoutMs) {
        this.vertx = vertx;
        this.channel = java.util.Objects.requireNonNull(channel, "channel");
        this.timeoutMs = timeoutMs;
        this.lease = java.util.Objects.requireNonNull(lease, "lease");
        NodeMetrics node = NodeMetrics.of(vertx);
        this.metrics = node.eventBus();
        this.failoverMetrics = new FailoverMetrics(node.registry());
        this.router = router;
        this.policy = policy;
    }

    /** @return the leader cache of replicated namespaces */
    public ReplicaRouter router() { return router; }

    /** @return this client's session: the {@link RequestId#client()} of its new requests ({@link GatewayLease#session()}) */
    public UUID session() { return lease.session(); }

    /** @return the lease checked and stamped on every request */
    public GatewayLease lease() { return lease; }

    /** @return a new request ID of this client's session */
    public RequestId nextRequestId() {
        return new RequestId(lease.session(), calls.getAndIncrement());
    }

    /**
     * @return the worker's reply (for the diagnostic backend {@value GatewayNullBackend#NAME}: the gateway's own
     *         answer, without the event bus); never fails (errors become a reply with an NVMe status)
     */
    public Future<BlockReply> send(NamespaceSpec ns, BlockRequest req) {
        if (GatewayNullBackend.NAME.equals(ns.backend())) return Future.succeededFuture(GatewayNullBackend.answer(req));
        if (ns.replicated()) return sendReplicated(ns, req);
        Promise<BlockReply> p = Promise.promise();
        long start = System.nanoTime();
        attempt(ns, withId(req), p, start, 10);
        return p.future().onSuccess(r -> metrics.roundTrip(req.op(), r.status() == Status.SUCCESS ? "success" : "error", start));
    }

    /**
     * Sends {@code req} without waiting for a reply or retrying (notices such as {@code CONTROLLER_GONE}, which may
     * be sent while the cluster shuts down); lost if no worker serves the namespace. Carries a request ID and the
     * lease like every request; not sent while the lease is not valid (a block worker would refuse it).
     */
    public void post(NamespaceSpec ns, BlockRequest req) {
        if (!lease.valid()) return; // the worker would refuse it (fenced); the host's controllers are gone anyway
        if (!ns.replicated()) {
            channel.send(ns.address(), stamped(withId(req)));
            return;
        }
        String leader = router.target(ns); // the cached leader, else the first replica; none while unplaced
        if (leader != null) channel.send(ns.address(leader), stamped(withId(req)));
    }

    private Future<BlockReply> sendReplicated(NamespaceSpec ns, BlockRequest req) {
        ReplicatedSend s = new ReplicatedSend(vertx, channel, router, policy, failoverMetrics, failovers, lease, ns, withId(req));
        long start = System.nanoTime();
        s.start();
        return s.promise.future().onSuccess(r -> metrics.roundTrip(req.op(), r.status() == Status.SUCCESS ? "success" : "error", start));
    }

    /** @return {@code req} with a request ID of this session, unless it has one (kept across every retry) */
    private BlockRequest withId(BlockRequest req) {
        return req.requestId() != null ? req : req.withRequestId(nextRequestId());
    }

    /** @return {@code req} stamped with the lease as it is now (right before an attempt is sent) */
    BlockRequest stamped(BlockRequest req) {
        return req.withLease(lease.leaseUntil());
    }

    /**
     * @return whether this gateway may send now; if not, logs (DEBUG: one per command while the lease is lapsed)
     *         the command that completes with Asymmetric Access Inaccessible
     */
    boolean mayForward(NamespaceSpec ns, BlockRequest req) {
        if (lease.valid()) return true;
        log.debug("namespace {}: {} not sent: gateway lease not valid (until {})", ns.uuid(), req.op(), lease.leaseUntil());
        return false;
    }

    private void attempt(NamespaceSpec ns, BlockRequest req, Promise<BlockReply> p, long start, long delayMs) {
        if (!mayForward(ns, req)) {
            p.complete(BlockReply.status(Status.ANA_INACCESSIBLE));
            return;
        }
        channel.request(ns.address(), stamped(req), timeoutMs).onComplete(ar -> {
            if (ar.succeeded()) {
                p.complete(ar.result());
                return;
            }
            Throwable t = ar.cause();
            if (t instanceof ReplyException re && re.failureType() == ReplyFailure.NO_HANDLERS) {
                if ((System.nanoTime() - start) / 1_000_000 < NO_HANDLER_RETRY_MS) {
                    vertx.setTimer(delayMs, id -> attempt(ns, req, p, start, Math.min(delayMs * 2, 500)));
                    return;
                }
                log.warn("namespace {} ({}#{}): no block worker '{}' answers on {}", ns.uuid(), ns.subsystemNqn(), ns.nsid(), ns.worker(), ns.address());
                p.complete(BlockReply.status(Status.ANA_INACCESSIBLE)); // the worker is down: path status, no DNR
                return;
            }
            if (t instanceof ReplyException re && re.failureType() == ReplyFailure.TIMEOUT) {
                log.warn("namespace {}: {} not answered within {} ms", ns.uuid(), req.op(), timeoutMs);
                p.complete(BlockReply.status(Status.ANA_TRANSITION)); // path status, no DNR: the host requeues it
                return;
            }
            log.warn("namespace {}: {} failed: {}", ns.uuid(), req.op(), t.toString());
            p.complete(BlockReply.status(Status.INTERNAL_ERROR));
        });
    }
}
