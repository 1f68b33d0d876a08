package io.nvmegate.blockio;

/**
 * The {@link BlockReply}s a block worker sends in one turn of its event loop to one gateway's reply address
 * ({@link BlockBatch#replyAddress()}), each with the correlation ID of its request. Wire form:
 * {@link BlockBatchCodecs}.
 *
 * @param correlations the correlation ID of each reply's request ({@link BlockBatch#correlations()}), same length
 *                     as {@code replies}
 * @param replies      1 to {@link BlockBatchCodecs#MAX_ENTRIES} replies
 */
public record BlockReplyBatch(long[] correlations, BlockReply[] replies) {
    public BlockReplyBatch {
        if (correlations.length != replies.length) {
            throw new IllegalArgumentException(correlations.length + " correlation IDs for " + replies.length + " replies");
        }
        if (replies.length == 0 || replies.length > BlockBatchCodecs.MAX_ENTRIES) {
            throw new IllegalArgumentException("a reply batch holds 1 to " + BlockBatchCodecs.MAX_ENTRIES + " replies, not " + replies.length);
        }
    }

    /** @return the number of replies */
    public int size() { return replies.length; }
}
