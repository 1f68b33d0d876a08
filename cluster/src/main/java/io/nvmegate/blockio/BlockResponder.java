package io.nvmegate.blockio;

/**
 * The one completion path of a {@link BlockRequest} on a block worker (as nvmet's {@code nvmet_req_complete}):
 * answers the gateway that sent it, whichever way it came (an event-bus message, a batch, or a call from a gateway in
 * the same process, {@link LocalBlockHandlers}). Called exactly once per request, from any thread.
 */
@FunctionalInterface
public interface BlockResponder {
    /** Answers the request with {@code reply}. */
    void reply(BlockReply reply);
}
