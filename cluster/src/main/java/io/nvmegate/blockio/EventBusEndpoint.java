package io.nvmegate.blockio;

import io.nvmegate.protocol.Status;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The event-bus side of a block worker's address: hands a message's requests to the address's {@link BlockHandler}.
 * <ul>
 *   <li>A {@link BlockRequest} (request/reply: {@code BlockClient.post}, older senders, tests): the responder answers
 *       the message.</li>
 *   <li>A {@link BlockBatch} (one-way, issue 17): each entry goes to the handler on its own, with a responder that
 *       queues the reply with the entry's correlation ID; the replies queued in one turn of this context go to the
 *       batch's reply address as one {@link BlockReplyBatch} ({@link ReplyOutbox}).</li>
 * </ul>
 * A body that cannot be decoded ({@link BlockBatchCodecs}, {@link BlockCodecs}: untrusted bytes) is logged and
 * dropped, answered Internal Error if it was a request/reply message; a body of another type is a sender bug (or a
 * message of a newer build): answered Internal Error if it expects a reply, logged either way.
 */
public final class EventBusEndpoint {
    private static final Logger log = LoggerFactory.getLogger(EventBusEndpoint.class);

    private EventBusEndpoint() {}

    /** Delivers {@code msg} (consumed on {@code msg.address()}, on the consumer's context) to {@code handler}. */
    public static void deliver(Message<Object> msg, BlockHandler handler) {
        Object body;
        try {
            body = msg.body(); // clustered: decoded here, from bytes of the wire
        } catch (RuntimeException e) {
            log.warn("{}: undecodable message dropped: {}", msg.address(), e.toString());
            if (msg.replyAddress() != null) msg.reply(BlockReply.status(Status.INTERNAL_ERROR));
            return;
        }
        if (body instanceof BlockRequest r) {
            handler.handle(r, msg::reply);
            return;
        }
        if (body instanceof BlockBatch b) {
            deliver(b, handler, ReplyOutbox.of(context()));
            return;
        }
        log.warn("{}: unexpected message body {}", msg.address(), body == null ? "null" : body.getClass().getName());
        if (msg.replyAddress() != null) msg.reply(BlockReply.status(Status.INTERNAL_ERROR));
    }

    private static void deliver(BlockBatch b, BlockHandler handler, ReplyOutbox out) {
        String to = b.replyAddress();
        for (int i = 0; i < b.size(); i++) {
            long correlation = b.correlations()[i];
            try {
                handler.handle(b.requests()[i], reply -> out.queue(to, correlation, reply));
            } catch (RuntimeException e) { // a handler bug: the other entries still run; the gateway drops a second reply
                log.error("{}: request {} of a batch failed", to, correlation, e);
                out.queue(to, correlation, BlockReply.status(Status.INTERNAL_ERROR));
            }
        }
    }

    private static Context context() {
        Context c = Vertx.currentContext();
        if (c == null) throw new IllegalStateException("a BlockBatch is delivered on an event-bus consumer's context");
        return c;
    }
}
