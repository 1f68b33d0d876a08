package io.nvmegate.gateway.io;

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
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sends {@link BlockRequest}s to the block worker owning a namespace over the (clustered) event bus.
 *
 * <p>Replication factor 1: to {@link NamespaceSpec#address()}. A namespace whose worker has not registered yet
 * (cluster subscriptions take a moment to propagate) is retried for up to {@link #NO_HANDLER_RETRY_MS} before the
 * command fails with Namespace Not Ready (retryable, no DNR). A worker that does not answer within
 * {@link #TIMEOUT_MS} fails the command with Internal Error (retryable).
 *
 * <p>Replicated namespaces ({@link NamespaceSpec#replicated()}): every request gets a {@link RequestId} (this
 * client's session UUID, a fresh random one per gateway process, and a call counter) unless it has one, and goes
 * to the namespace's Raft leader with the retries of {@link ReplicatedSend} ({@link FailoverPolicy}: redirects,
 * the next replica after a timeout, Asymmetric Access Transition once the budget is spent), the leader cached in
 * {@link ReplicaRouter}.
 */
public final class BlockClient {
    private static final Logger log = LoggerFactory.getLogger(BlockClient.class);
    public static final long TIMEOUT_MS = 30_000;
    public static final long NO_HANDLER_RETRY_MS = 5_000;

    private final Vertx vertx;
    private final DeliveryOptions options = new DeliveryOptions().setSendTimeout(TIMEOUT_MS);
    private final EventBusMetrics metrics;
    private final ReplicaRouter router;
    private final FailoverPolicy policy;
    private final FailoverMetrics failoverMetrics;
    private final FailoverLog failovers = new FailoverLog();
    private final UUID session = UUID.randomUUID();
    private final AtomicLong calls = new AtomicLong();

    /** A client with its own leader cache (fed only by redirect hints) and the default failover policy. */
    public BlockClient(Vertx vertx) {
        this(vertx, new ReplicaRouter(), FailoverPolicy.defaults());
    }

    /**
     * @param router leader cache of replicated namespaces (fed by a {@link ReplicationStatusFeed} and by this
     *               client's redirect hints)
     * @param policy retries of replicated namespaces' requests
     */
    public BlockClient(Vertx vertx, ReplicaRouter router, FailoverPolicy policy) {
        this.vertx = vertx;
        NodeMetrics node = NodeMetrics.of(vertx);
        this.metrics = node.eventBus();
        this.failoverMetrics = new FailoverMetrics(node.registry());
        this.router = router;
        this.policy = policy;
    }

    /** @return the leader cache of replicated namespaces */
    public ReplicaRouter router() { return router; }

    /** @return this client's session: the {@link RequestId#client()} of its requests */
    public UUID session() { return session; }

    /** @return a new request ID of this client's session */
    public RequestId nextRequestId() {
        return new RequestId(session, calls.getAndIncrement());
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
        attempt(ns, req, p, start, 10);
        return p.future().onSuccess(r -> metrics.roundTrip(req.op(), r.status() == Status.SUCCESS ? "success" : "error", start));
    }

    /**
     * Sends {@code req} without waiting for a reply or retrying (notices such as {@code CONTROLLER_GONE}, which may
     * be sent while the cluster shuts down); lost if no worker serves the namespace.
     */
    public void post(NamespaceSpec ns, BlockRequest req) {
        if (!ns.replicated()) {
            vertx.eventBus().send(ns.address(), req);
            return;
        }
        String leader = router.target(ns); // the cached leader, else the first replica; none while unplaced
        if (leader != null) vertx.eventBus().send(ns.address(leader), withId(req));
    }

    private Future<BlockReply> sendReplicated(NamespaceSpec ns, BlockRequest req) {
        ReplicatedSend s = new ReplicatedSend(vertx, router, policy, failoverMetrics, failovers, ns, withId(req));
        long start = System.nanoTime();
        s.start();
        return s.promise.future().onSuccess(r -> metrics.roundTrip(req.op(), r.status() == Status.SUCCESS ? "success" : "error", start));
    }

    /** @return {@code req} with a request ID of this session, unless it has one (kept across every retry) */
    private BlockRequest withId(BlockRequest req) {
        return req.requestId() != null ? req : req.withRequestId(nextRequestId());
    }

    private void attempt(NamespaceSpec ns, BlockRequest req, Promise<BlockReply> p, long start, long delayMs) {
        vertx.eventBus().<BlockReply>request(ns.address(), req, options).onComplete(ar -> {
            if (ar.succeeded()) {
                p.complete(ar.result().body());
                return;
            }
            Throwable t = ar.cause();
            if (t instanceof ReplyException re && re.failureType() == ReplyFailure.NO_HANDLERS) {
                if ((System.nanoTime() - start) / 1_000_000 < NO_HANDLER_RETRY_MS) {
                    vertx.setTimer(delayMs, id -> attempt(ns, req, p, start, Math.min(delayMs * 2, 500)));
                    return;
                }
                log.warn("namespace {} ({}#{}): no block worker '{}' answers on {}", ns.uuid(), ns.subsystemNqn(), ns.nsid(), ns.worker(), ns.address());
                p.complete(new BlockReply(Status.NAMESPACE_NOT_READY, null));
                return;
            }
            log.warn("namespace {}: {} failed: {}", ns.uuid(), req.op(), t.toString());
            p.complete(new BlockReply(Status.INTERNAL_ERROR, null));
        });
    }
}
