package io.nvmegate.blockio;

import io.nvmegate.protocol.Status;
import io.vertx.core.eventbus.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The event-bus side of a block worker's address: hands a message's body to the address's {@link BlockHandler}
 * with a {@link BlockResponder} that answers the message. A body that is not a {@link BlockRequest} is a sender bug
 * (or a message of a newer build): answered with Internal Error and logged, never dropped unanswered.
 */
public final class EventBusEndpoint {
    private static final Logger log = LoggerFactory.getLogger(EventBusEndpoint.class);

    private EventBusEndpoint() {}

    /** Delivers {@code msg} (consumed on {@code msg.address()}) to {@code handler}. */
    public static void deliver(Message<Object> msg, BlockHandler handler) {
        Object body = msg.body();
        if (body instanceof BlockRequest r) {
            handler.handle(r, msg::reply);
            return;
        }
        log.warn("{}: unexpected message body {}", msg.address(), body == null ? "null" : body.getClass().getName());
        msg.reply(BlockReply.status(Status.INTERNAL_ERROR));
    }
}
