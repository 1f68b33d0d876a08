package io.nvmegate.worker;

import io.nvmegate.blockio.BlockReply;
import io.nvmegate.blockio.BlockRequest;
import io.nvmegate.protocol.Status;
import io.nvmegate.blockio.BlockResponder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One block request in flight on a worker (as nvmet's {@code struct nvmet_req}): the request as it arrived (an
 * event-bus message, a batch entry or a same-process call), the namespace it was sent to, and the one completion
 * path, {@link #reply}, which answers the sender's {@link BlockResponder} exactly once from whichever thread
 * finishes the request.
 */
final class BlockCall {
    private static final Logger log = LoggerFactory.getLogger(BlockCall.class);

    private final BlockResponder responder;
    private final BlockRequest request;
    private final ServedNamespace served;
    private final AtomicBoolean replied = new AtomicBoolean();

    private BlockCall(BlockResponder responder, BlockRequest request, ServedNamespace served) {
        this.responder = responder;
        this.request = request;
        this.served = served;
    }

    /**
     * The call of {@code request}, answered through {@code responder}. A request without op (a newer op than this
     * worker knows, or a sender bug) is returned already answered with Internal Error.
     */
    static BlockCall of(BlockRequest request, BlockResponder responder, ServedNamespace served) {
        BlockCall call = new BlockCall(responder, request, served);
        if (request == null || request.op() == null) {
            log.warn("namespace {}: {}", served.spec().uuid(), request == null ? "null request" : "BlockRequest without op");
            call.reply(Status.INTERNAL_ERROR);
        }
        return call;
    }

    BlockRequest request() { return request; }

    ServedNamespace served() { return served; }

    /** @return whether the call has been answered */
    boolean done() { return replied.get(); }

    /** Answers the message with {@code status} and no data. */
    void reply(int status) {
        reply(BlockReply.status(status));
    }

    /** Answers the sender; a second answer is a bug, logged and dropped. */
    void reply(BlockReply reply) {
        if (!replied.compareAndSet(false, true)) {
            log.warn("namespace {}: {} already answered, second reply (status {}) dropped", served.spec().uuid(),
                    request == null ? null : request.op(), reply.status());
            return;
        }
        responder.reply(reply);
    }
}
