package io.nvmegate.blockio;

import io.vertx.core.Context;
import io.vertx.core.eventbus.EventBus;

import java.util.HashMap;
import java.util.Map;

/**
 * The replies to {@link BlockBatch} entries that a block worker's context has queued and not yet sent: one per
 * worker context (the context of the consumers that {@link EventBusEndpoint} delivers on). A reply may be queued from
 * any thread (the context itself for the null and memory stores, a storage or Ratis thread otherwise); the first
 * reply queued schedules one flush on the context, which sends, per reply address, everything queued until then as
 * one {@link BlockReplyBatch} (several if more than {@link BlockBatchCodecs#MAX_ENTRIES}), one-way. A reply whose
 * gateway has gone is lost (the event bus drops it), as a reply to a request/reply message was.
 */
final class ReplyOutbox {
    private static final Object KEY = ReplyOutbox.class;

    private final Context context;
    private final EventBus bus;
    private Map<String, Replies> queued = new HashMap<>();
    private boolean flushScheduled;

    private ReplyOutbox(Context context) {
        this.context = context;
        this.bus = context.owner().eventBus();
    }

    /** @return the outbox of {@code context} (created on first use; only ever used from that context's deliveries) */
    static ReplyOutbox of(Context context) {
        ReplyOutbox o = context.get(KEY);
        if (o == null) {
            o = new ReplyOutbox(context);
            context.put(KEY, o);
        }
        return o;
    }

    /** Queues {@code reply} to the request with correlation ID {@code correlation} of {@code replyAddress}; any thread. */
    void queue(String replyAddress, long correlation, BlockReply reply) {
        boolean schedule;
        synchronized (this) {
            queued.computeIfAbsent(replyAddress, a -> new Replies()).add(correlation, reply);
            schedule = !flushScheduled;
            flushScheduled = true;
        }
        if (schedule) context.runOnContext(v -> flush());
    }

    private void flush() {
        Map<String, Replies> out;
        synchronized (this) {
            out = queued;
            queued = new HashMap<>();
            flushScheduled = false;
        }
        for (Map.Entry<String, Replies> e : out.entrySet()) {
            Replies r = e.getValue();
            int from = 0;
            long bytes = 0;
            for (int i = 0; i < r.size; i++) { // cut at MAX_ENTRIES replies or MAX_BATCH_PAYLOAD bytes of data
                bytes += r.replies[i].data() == null ? 0 : r.replies[i].data().length();
                if (i + 1 - from == BlockBatchCodecs.MAX_ENTRIES || bytes >= BlockBatchCodecs.MAX_BATCH_PAYLOAD || i + 1 == r.size) {
                    bus.send(e.getKey(), r.batch(from, i + 1));
                    from = i + 1;
                    bytes = 0;
                }
            }
        }
    }

    /** The replies queued for one reply address. */
    private static final class Replies {
        long[] correlations = new long[8];
        BlockReply[] replies = new BlockReply[8];
        int size;

        void add(long correlation, BlockReply reply) {
            if (size == correlations.length) {
                correlations = java.util.Arrays.copyOf(correlations, size * 2);
                replies = java.util.Arrays.copyOf(replies, size * 2);
            }
            correlations[size] = correlation;
            replies[size++] = reply;
        }

        BlockReplyBatch batch(int from, int to) {
            return new BlockReplyBatch(java.util.Arrays.copyOfRange(correlations, from, to), java.util.Arrays.copyOfRange(replies, from, to));
        }
    }
}
