package io.nvmegate.gateway.io;

import io.nvmegate.blockio.BlockReply;
import io.nvmegate.blockio.BlockRequest;
import io.vertx.core.Future;

/**
 * How a gateway carries one attempt of a {@link BlockRequest} to the block worker consuming an event-bus address
 * ({@code "nvmegate.block.<uuid>"} for replication factor 1, {@code "nvmegate.block.<uuid>@<worker>"} for a replica)
 * and gets its {@link BlockReply}. {@link BlockClient} and {@link ReplicatedSend} decide what to send where and what
 * a failure means (retry, Asymmetric Access Inaccessible, Transition); a channel only carries.
 *
 * <p>Failures are reported as the event bus reports them, whatever the channel: a Vert.x
 * {@link io.vertx.core.eventbus.ReplyException} of type {@code NO_HANDLERS} (no worker consumes the address),
 * {@code TIMEOUT} (no reply within {@code timeoutMs}) or {@code RECIPIENT_FAILURE}; anything else is a failure of
 * the channel itself. Implementations: {@link EventBusChannel} (request/reply per attempt), {@link LocalChannel}
 * (a direct call of a worker on the gateway's own Vert.x instance, else a fallback channel).
 */
public interface BlockChannel {
    /**
     * Sends {@code request} (already carrying its request ID and lease) to the consumer of {@code address}.
     *
     * @param timeoutMs how long to wait for the reply (ms, &gt; 0)
     * @return the worker's reply; fails as described in the class doc
     */
    Future<BlockReply> request(String address, BlockRequest request, long timeoutMs);

    /** Sends {@code request} to the consumer of {@code address} without waiting for a reply; lost if there is none. */
    void send(String address, BlockRequest request);
}
