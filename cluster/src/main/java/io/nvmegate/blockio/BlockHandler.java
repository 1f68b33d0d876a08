package io.nvmegate.blockio;

/**
 * What a block worker runs for each {@link BlockRequest} sent to one of its addresses (the RF 1 address of a
 * namespace, {@code "nvmegate.block.<uuid>"}, or a replica's {@code "nvmegate.block.<uuid>@<worker>"}): validates,
 * fences and executes it and answers through {@code responder} exactly once. Called on the worker verticle's event
 * loop for event-bus deliveries ({@link EventBusEndpoint}), on the gateway's event loop for same-process calls
 * ({@link LocalBlockHandlers}); it must not block either.
 */
@FunctionalInterface
public interface BlockHandler {
    /**
     * @param request   the request as sent; its {@link BlockRequest#op()} may be null (an op this build does not
     *                  know), which the handler answers with Internal Error
     * @param responder the request's one completion path
     */
    void handle(BlockRequest request, BlockResponder responder);
}
