package io.nvmegate.worker;

import io.nvmegate.blockio.BlockOp;
import io.nvmegate.blockio.BlockReply;
import io.nvmegate.blockio.BlockRequest;
import io.nvmegate.blockio.BlockResponder;
import io.nvmegate.catalog.NamespaceSpec;
import io.nvmegate.metrics.StorageMetrics;
import io.nvmegate.protocol.Status;
import io.nvmegate.worker.fence.GatewayFence;
import io.nvmegate.worker.reservation.NamespaceReservations;
import io.vertx.core.Context;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.internal.ContextInternal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;

/**
 * The lifecycle of one block request on a worker, on the worker verticle's event loop (event-bus requests) or on
 * the event loop of the gateway that called it in the same process ({@link io.nvmegate.blockio.LocalBlockHandlers}):
 * <ol>
 *   <li>take the request as it came (event bus, batch or same-process call: {@link BlockCall#of}; no op →
 *       Internal Error);</li>
 *   <li>fence it ({@link GatewayFence#check}, clustered workers only: a sender whose lease ran out or whose session
 *       left the cluster → Asymmetric Access Inaccessible, no DNR);</li>
 *   <li>validate it once ({@link RequestCheck});</li>
 *   <li>route it: a reservation op ({@link BlockOp#reservation()}) to {@link NamespaceReservations#execute}; a
 *       storage op through the reservation access check ({@link NamespaceReservations#check}, Reservation
 *       Conflict | DNR) to {@link StorageCommands} on the store the namespace is bound to
 *       ({@link ServedNamespace#store()});</li>
 *   <li>reply exactly once through {@link BlockCall#reply}.</li>
 * </ol>
 * Storage ops of a blocking store run on the worker's storage executor (unordered: requests of one namespace may
 * complete in any order) and the storage thread replies itself, so the reply goes straight to the sender's
 * context (one thread hand-off less per command); a non-blocking store (backend {@code null}) is answered on the
 * event loop. A store failure is logged (WARN, namespace and op) and answered with Internal Error.
 *
 * <p>Threads of a same-process call: fencing, validation, the reservation access check (which locks the
 * namespace's reservation state) and non-blocking stores run on the calling gateway's event loop, and stores are
 * thread-safe; reservation ops are moved to the worker verticle's event loop first (one hop), so they run in
 * arrival order and their persistent copies are written in that order, as for the event bus.
 */
final class BlockRequestHandler {
    private static final Logger log = LoggerFactory.getLogger(BlockRequestHandler.class);

    private final String workerId;
    private final NamespaceReservations reservations;
    private final WorkerExecutor executor;
    private final StorageMetrics metrics;
    private final StorageCommands storage = new StorageCommands();
    /** Null: not clustered, nothing fenced. */
    private final GatewayFence fence;
    /** The worker verticle's context, where reservation ops run. */
    private final ContextInternal worker;

    /** @param worker the worker verticle's (event-loop) context: reservation ops run there */
    BlockRequestHandler(String workerId, NamespaceReservations reservations, WorkerExecutor executor, StorageMetrics metrics,
                        GatewayFence fence, Context worker) {
        this.workerId = workerId;
        this.worker = ((ContextInternal) java.util.Objects.requireNonNull(worker, "worker")).unwrap();
        this.fence = fence;
        this.reservations = reservations;
        this.executor = executor;
        this.metrics = metrics;
    }

    /** Handles {@code request}, sent to the address of namespace {@code served}; answers through {@code responder}. */
    void handle(ServedNamespace served, BlockRequest request, BlockResponder responder) {
        BlockCall call = BlockCall.of(request, responder, served);
        if (call.done()) return;
        BlockRequest r = call.request();
        if (fence != null && fence.check(r) != null) {
            call.reply(GatewayFence.refusal());
            return;
        }
        int status = RequestCheck.check(served.spec(), r);
        if (status != Status.SUCCESS) {
            rejected(served.spec(), r, status);
            call.reply(status);
            return;
        }
        try {
            if (r.op().reservation()) reservation(call);
            else storage(call);
        } catch (RuntimeException e) { // a bug: answer rather than leave the gateway waiting for the timeout
            log.warn("block worker {}: namespace {} {} failed: {}", workerId, served.spec().uuid(), r.op(), e.toString(), e);
            if (!call.done()) call.reply(Status.INTERNAL_ERROR);
        }
    }

    private void reservation(BlockCall call) {
        ContextInternal current = ContextInternal.current();
        if (current == null || current.unwrap() != worker) { // a same-process gateway's call: to the worker's event loop
            worker.runOnContext(v -> {
                try {
                    reservation(call);
                } catch (RuntimeException e) { // a bug: answer rather than leave the gateway waiting
                    log.warn("block worker {}: namespace {} {} failed: {}", workerId, call.served().spec().uuid(),
                            call.request().op(), e.toString(), e);
                    if (!call.done()) call.reply(Status.INTERNAL_ERROR);
                }
            });
            return;
        }
        reservations.execute(call.served().spec(), call.request(), executor)
                .onComplete(ar -> call.reply(ar.succeeded() ? ar.result() : BlockReply.status(Status.INTERNAL_ERROR)));
    }

    private void storage(BlockCall call) {
        ServedNamespace served = call.served();
        int access = reservations.check(served.spec(), call.request());
        if (access != Status.SUCCESS) {
            call.reply(access);
            return;
        }
        if (!served.backend().blocking()) {
            call.reply(run(call));
            return;
        }
        executor.executeBlocking(() -> {
            call.reply(run(call));
            return null;
        }, false).onFailure(e -> { // not run, e.g. the executor is closing
            if (call.done()) return;
            log.warn("block worker {}: namespace {} {} not run: {}", workerId, served.spec().uuid(), call.request().op(), e.toString());
            call.reply(Status.INTERNAL_ERROR);
        });
    }

    /** Runs the storage op (timed); a store failure becomes Internal Error (logged). */
    private BlockReply run(BlockCall call) {
        ServedNamespace served = call.served();
        BlockRequest r = call.request();
        long start = System.nanoTime();
        try {
            BlockReply reply = storage.execute(served.store(), r);
            metrics.record(r.op(), served.spec().backend(), true, start);
            return reply;
        } catch (Exception e) {
            metrics.record(r.op(), served.spec().backend(), false, start);
            log.warn("block worker {}: namespace {} {} slba {} nlb {} failed: {}", workerId, served.spec().uuid(), r.op(),
                    r.slba(), r.nlb(), e.toString());
            return BlockReply.status(Status.INTERNAL_ERROR);
        }
    }

    private void rejected(NamespaceSpec ns, BlockRequest r, int status) {
        log.warn("block worker {}: namespace {} {} rejected ({}): request namespace {} slba {} nlb {} blockSize {}{}",
                workerId, ns.uuid(), r.op(), Status.describe(status), r.namespace(), r.slba(), r.nlb(), r.blockSize(),
                r.op() == BlockOp.DEALLOCATE ? " ranges " + (r.ranges() == null ? "null" : Arrays.toString(r.ranges()))
                        : r.data() != null ? " data " + r.data().length() + " bytes" : "");
    }
}
