package io.nvmegate.blockio;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.Map;

/**
 * The replies to {@link BlockBatch} entries that a block worker's context has queued and not yet sent: one per
 * worker context (the context of the consumers that {@link EventBusEndpoint} delivers on). A reply may be queued from
 * any thread (the context itself for the null and memory stores, a storage or Ratis thread otherwise); the first
 * reply queued schedules one flush on the context, which sends, per reply address, everything queued until then as
 * one {@link BlockReplyBatch} (several if more than {@link BlockBatchCodecs#MAX_ENTRIES}), one-way.
 *
 * <p>A reply batch whose send fails (Vert.x completes a one-way write with {@code NO_HANDLERS} when this member's view
 * of the cluster has no consumer on the reply address, or with the failure of the connection to the gateway's node)
 * is sent again, after 50 ms doubling to at most 1 s, for up to {@link #RETRY_MS} ms from its first send; only then is
 * it dropped (WARN: the gateway is gone, and its requests were answered by the host's timeout or another path). The
 * window is the one after a gateway rejoins the cluster (a pause longer than Hazelcast's failure detection, a
 * split-brain merge): this member dropped the gateway's event-bus registrations when it left, and sees them again
 * only once the gateway republished them (Vert.x does it on {@code MERGED}, asynchronously), while the gateway,
 * whose own view never lost this worker, already forwards host commands. Without the retry those replies vanished
 * and the host waited for its 30 s I/O timeout (issue 18's multipath e2e, SIGCONT of a paused gateway).
 */
final class ReplyOutbox {
    private static final Logger log = LoggerFactory.getLogger(ReplyOutbox.class);
    private static final Object KEY = ReplyOutbox.class;
    /** How long a reply batch is retried after its first send failed (ms), shorter than the host's 30 s I/O timeout. */
    static final long RETRY_MS = 10_000;
    /** First retry delay (ms); doubled per retry up to {@link #MAX_RETRY_DELAY_MS}. */
    static final long FIRST_RETRY_DELAY_MS = 50;
    /** Longest delay between two retries of a reply batch (ms). */
    static final long MAX_RETRY_DELAY_MS = 1_000;

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
                    send(e.getKey(), r.batch(from, i + 1), 0, FIRST_RETRY_DELAY_MS);
                    from = i + 1;
                    bytes = 0;
                }
            }
        }
    }

    /**
     * Sends {@code batch} to {@code address} one-way; on failure sends it again after {@code delayMs} while less than
     * {@link #RETRY_MS} passed since {@code firstNanos} (0: this is the first send).
     */
    private void send(String address, BlockReplyBatch batch, long firstNanos, long delayMs) {
        Future<Void> sent = bus.<BlockReplyBatch>sender(address).write(batch);
        if (firstNanos != 0) sent.onSuccess(v -> log.info("{} block replies to {} delivered after {} ms of retries",
                batch.size(), address, (System.nanoTime() - firstNanos) / 1_000_000));
        sent.onFailure(t -> {
            long first = firstNanos == 0 ? System.nanoTime() : firstNanos;
            long waitedMs = (System.nanoTime() - first) / 1_000_000;
            if (waitedMs + delayMs > RETRY_MS) {
                log.warn("{} block replies to {} dropped: not deliverable for {} ms ({})", batch.size(), address, waitedMs, t.toString());
                return;
            }
            if (firstNanos == 0) log.debug("{} block replies to {} not delivered ({}): retrying for up to {} ms", batch.size(), address, t.toString(), RETRY_MS);
            context.owner().setTimer(delayMs, id -> send(address, batch, first, Math.min(delayMs * 2, MAX_RETRY_DELAY_MS)));
        });
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
