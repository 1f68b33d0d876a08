package io.nvmegate.worker;

import io.nvmegate.blockio.BlockReply;
import io.nvmegate.blockio.BlockRequest;
import io.nvmegate.protocol.Status;
import io.vertx.core.eventbus.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One block request in flight on a worker (as nvmet's {@code struct nvmet_req}): the request decoded once from
 * its event-bus message, the namespace it was sent to, and the one completion path, {@link #reply}, which answers
 * the message exactly once from whichever thread finishes the request.
 */
final class BlockCall {
    private static final Logger log = LoggerFactory.getLogger(BlockCall.class);

    private final Message<Object> message;
    private final BlockRequest request;
    private final ServedNamespace served;
    private final AtomicBoolean replied = new AtomicBoolean();

    private BlockCall(Message<Object> message, BlockRequest request, ServedNamespace served) {
        this.message = message;
        this.request = request;
        this.served = served;
    }

    /**
     * Decodes {@code message}'s body: a {@link BlockRequest} with an op. Anything else is a sender bug (or a
     * newer op than this worker knows): the call is returned already answered with Internal Error.
     */
    static BlockCall decode(Message<Object> message, ServedNamespace served) {
        Object body = message.body();
        BlockRequest r = body instanceof BlockRequest b ? b : null;
        BlockCall call = new BlockCall(message, r, served);
        if (r == null || r.op() == null) {
            log.warn("namespace {}: unexpected message body {}", served.spec().uuid(), body == null ? "null"
                    : r != null ? "BlockRequest without op" : body.getClass().getName());
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

    /** Answers the message; a second answer is a bug, logged and dropped. */
    void reply(BlockReply reply) {
        if (!replied.compareAndSet(false, true)) {
            log.warn("namespace {}: {} already answered, second reply (status {}) dropped", served.spec().uuid(),
                    request == null ? null : request.op(), reply.status());
            return;
        }
        message.reply(reply);
    }
}
