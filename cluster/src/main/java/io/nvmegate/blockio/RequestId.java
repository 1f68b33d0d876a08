package io.nvmegate.blockio;

import java.util.UUID;

/**
 * Identity of one block request across retries: a replicated namespace applies a request ID at most once, and
 * answers a repeated one (the gateway retrying to a new leader after a failover) with the first outcome. The
 * gateway gives each {@link BlockRequest} a new ID and keeps it for every retry of that request.
 *
 * <p>Wire form (inside {@link BlockCodecs}): client UUID msb (8), lsb (8), call (8), big-endian. On a worker the
 * pair maps onto Apache Ratis's client invocation ID ({@code ClientId}, {@code callId}).
 *
 * @param client the sender's session: a random UUID per gateway process (a restarted gateway is a new client)
 * @param call   the sender's sequence number, unique within {@code client}, {@code >= 0}
 */
public record RequestId(UUID client, long call) {
    public RequestId {
        if (client == null) throw new IllegalArgumentException("RequestId.client is required");
        if (call < 0) throw new IllegalArgumentException("RequestId.call must be >= 0, got " + call);
    }
}
