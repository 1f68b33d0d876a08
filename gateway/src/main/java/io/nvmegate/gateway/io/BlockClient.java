package io.nvmegate.gateway.io;

import io.nvmegate.catalog.NamespaceSpec;
import io.nvmegate.metrics.EventBusMetrics;
import io.nvmegate.metrics.NodeMetrics;
import io.nvmegate.protocol.Status;
import io.nvmegate.blockio.BlockReply;
import io.nvmegate.blockio.BlockRequest;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends {@link BlockRequest}s to the block worker owning a namespace over the (clustered) event bus. A namespace
 * whose worker has not registered yet (cluster subscriptions take a moment to propagate) is retried for up to
 * {@link #NO_HANDLER_RETRY_MS} before the command fails with Namespace Not Ready (retryable, no DNR). A worker
 * that does not answer within {@link #TIMEOUT_MS} fails the command with Internal Error (retryable).
 */
public final class BlockClient {
    private static final Logger log = LoggerFactory.getLogger(BlockClient.class);
    public static final long TIMEOUT_MS = 30_000;
    public static final long NO_HANDLER_RETRY_MS = 5_000;

    private final Vertx vertx;
    private final DeliveryOptions options = new DeliveryOptions().setSendTimeout(TIMEOUT_MS);
    private final EventBusMetrics metrics;

    public BlockClient(Vertx vertx) {
        this.vertx = vertx;
        this.metrics = NodeMetrics.of(vertx).eventBus();
    }

    /**
     * @return the worker's reply (for the diagnostic backend {@value GatewayNullBackend#NAME}: the gateway's own
     *         answer, without the event bus); never fails (errors become a reply with an NVMe status)
     */
    public Future<BlockReply> send(NamespaceSpec ns, BlockRequest req) {
        if (GatewayNullBackend.NAME.equals(ns.backend())) return Future.succeededFuture(GatewayNullBackend.answer(req));
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
        vertx.eventBus().send(ns.address(), req);
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
