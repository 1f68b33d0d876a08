package io.nvmegate.gateway.io;

import io.nvmegate.blockio.BlockReply;
import io.nvmegate.blockio.BlockRequest;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;

/**
 * {@link BlockChannel} over Vert.x event-bus request/reply: one reply address and one send timeout per attempt
 * (the {@link io.nvmegate.blockio.BlockCodecs} codecs; no copy inside one JVM, the wire format across JVMs).
 */
public final class EventBusChannel implements BlockChannel {
    private final Vertx vertx;

    public EventBusChannel(Vertx vertx) {
        this.vertx = vertx;
    }

    @Override
    public Future<BlockReply> request(String address, BlockRequest request, long timeoutMs) {
        return vertx.eventBus().<BlockReply>request(address, request, new DeliveryOptions().setSendTimeout(timeoutMs))
                .map(Message::body);
    }

    @Override
    public void send(String address, BlockRequest request) {
        vertx.eventBus().send(address, request);
    }
}
