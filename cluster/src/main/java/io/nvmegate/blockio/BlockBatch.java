package io.nvmegate.blockio;

import java.util.Objects;

/**
 * The {@link BlockRequest}s a gateway sends to one block-worker address in one event-loop turn, as one one-way
 * event-bus message (issue 17: no reply address and no timer per command). The worker runs each request as if it
 * had come alone ({@link EventBusEndpoint#deliver}) and answers each with its correlation ID in a
 * {@link BlockReplyBatch} sent one-way to {@link #replyAddress()}, the gateway's one long-lived reply consumer.
 * Wire form: {@link BlockBatchCodecs}.
 *
 * @param replyAddress where the replies go ({@code "nvmegate.replies.<gateway channel UUID>"}); 1 to
 *                     {@link BlockBatchCodecs#MAX_ADDRESS_BYTES} bytes of UTF-8
 * @param correlations the gateway's correlation ID of each request (unique per reply address), same length as
 *                     {@code requests}
 * @param requests     1 to {@link BlockBatchCodecs#MAX_ENTRIES} requests, all for the address the batch is sent to
 */
public record BlockBatch(String replyAddress, long[] correlations, BlockRequest[] requests) {
    public BlockBatch {
        Objects.requireNonNull(replyAddress, "replyAddress");
        if (correlations.length != requests.length) {
            throw new IllegalArgumentException(correlations.length + " correlation IDs for " + requests.length + " requests");
        }
        if (requests.length == 0 || requests.length > BlockBatchCodecs.MAX_ENTRIES) {
            throw new IllegalArgumentException("a batch holds 1 to " + BlockBatchCodecs.MAX_ENTRIES + " requests, not " + requests.length);
        }
    }

    /** @return the number of requests */
    public int size() { return requests.length; }
}
