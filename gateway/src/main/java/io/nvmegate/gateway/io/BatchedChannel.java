package io.nvmegate.gateway.io;

import io.nvmegate.blockio.BlockBatch;
import io.nvmegate.blockio.BlockBatchCodecs;
import io.nvmegate.blockio.BlockReply;
import io.nvmegate.blockio.BlockReplyBatch;
import io.nvmegate.blockio.BlockRequest;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.internal.ContextInternal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@link BlockChannel} over the clustered event bus without a reply address or a timer per command (issue 17):
 * requests are sent one-way in {@link BlockBatch}es carrying a correlation ID each, and the block workers answer with
 * {@link BlockReplyBatch}es to this channel's one long-lived consumer, {@code "nvmegate.replies.<UUID>"}.
 *
 * <ul>
 *   <li><b>Batching</b>: the requests issued in one turn of an event loop to the same address go as one
 *       {@link BlockBatch} (a new message past {@link BlockBatchCodecs#MAX_ENTRIES} requests or
 *       {@link BlockBatchCodecs#MAX_BATCH_PAYLOAD} bytes of data: large writes stream rather than wait for each other): the first request of a turn
 *       schedules one flush on the caller's context; state is per event-loop thread, so no lock per command. A
 *       request from a thread that is not an event loop is sent alone at once.</li>
 *   <li><b>Replies</b>: a reply completes its request's promise on the context that issued it (one task per context
 *       and reply batch), as the event bus's own request/reply does. A reply for a correlation ID no longer pending
 *       (timed out) is dropped (DEBUG log).</li>
 *   <li><b>Timeouts</b>: one periodic sweep every {@link #SWEEP_MS} ms over the outstanding requests (bounded by the
 *       hosts' queue depths) fails those past their deadline with {@link ReplyFailure#TIMEOUT}; a request times out
 *       between {@code timeoutMs} and {@code timeoutMs + SWEEP_MS} after it was issued.</li>
 *   <li><b>A slow worker is not a gone worker</b> (issue 18): when a request reaches its deadline but its address
 *       answered anything (any request of any gateway context) within the last {@code timeoutMs}, the worker is
 *       alive and behind (a disk slower than the hosts, a RocksDB write stall): the deadline moves on by
 *       {@code timeoutMs} instead of failing the request, up to {@link #MAX_WAIT_MS} after it was issued. A worker
 *       that answers nothing for {@code timeoutMs} is still treated as gone (the request fails with TIMEOUT and
 *       {@link BlockClient} answers a path error, on which multipath hosts retry elsewhere).</li>
 *   <li><b>No worker</b>: Vert.x 5 completes the write of a one-way send ({@code MessageProducer.write}) with a
 *       {@link ReplyException} of {@link ReplyFailure#NO_HANDLERS} when no member of the cluster has a consumer on
 *       the address (the node selector finds none and local delivery has none); the requests of that batch fail
 *       with it. A write that fails otherwise (the connection to the worker's node closed or refused: the node is
 *       going) fails the batch's requests with {@code NO_HANDLERS} too, so that {@link BlockClient} retries for its
 *       window while the cluster forgets the node, and {@link ReplicatedSend} tries the next replica (the
 *       request/reply event bus ignored such a failure: the request waited for its timeout). A message that
 *       reaches a node whose consumer is already gone is dropped there silently: its requests time out.</li>
 * </ul>
 *
 * <p>{@link #start()} registers the reply consumer (cluster-wide) and the sweep; requests issued before it completes
 * wait for it. {@link #close()} unregisters both and fails what is outstanding with {@code TIMEOUT}. One-way notices
 * ({@link #send}) stay plain event-bus sends.
 */
public final class BatchedChannel implements BlockChannel {
    private static final Logger log = LoggerFactory.getLogger(BatchedChannel.class);
    /** System property: {@code -Dnvmegate.batchedBus=false} makes a clustered gateway use {@link EventBusChannel}. */
    public static final String PROPERTY = "nvmegate.batchedBus";
    /** Prefix of the reply address. */
    public static final String REPLY_PREFIX = "nvmegate.replies.";
    /** Period of the timeout sweep (ms). */
    public static final long SWEEP_MS = 50;
    /** The longest a request waits for a worker that keeps answering others (ms): 10 minutes. */
    public static final long MAX_WAIT_MS = 10 * 60_000;

    private final Vertx vertx;
    private final String replyAddress = REPLY_PREFIX + UUID.randomUUID();
    private final AtomicLong correlations = new AtomicLong();
    private final ConcurrentHashMap<Long, Pending> pending = new ConcurrentHashMap<>();
    /** Per worker address: {@link System#nanoTime()} of the last reply received from it. */
    private final ConcurrentHashMap<String, Long> lastAnswer = new ConcurrentHashMap<>();
    private final AtomicLong extended = new AtomicLong();
    private final ThreadLocal<Outbox> outboxes = ThreadLocal.withInitial(Outbox::new);
    private volatile Future<Void> started;
    private volatile boolean closed;
    private MessageConsumer<BlockReplyBatch> consumer;
    private long sweepTimer = -1;

    public BatchedChannel(Vertx vertx) {
        this.vertx = vertx;
    }

    /** @return whether clustered gateways batch (system property {@value #PROPERTY}, default true) */
    public static boolean enabled() {
        return Boolean.parseBoolean(System.getProperty(PROPERTY, "true"));
    }

    /** @return this channel's reply address */
    public String replyAddress() { return replyAddress; }

    /** @return how many times a deadline was moved on because the worker was answering (slow, not gone) */
    public long deadlinesExtended() { return extended.get(); }

    /** @return the number of requests sent and not yet answered, failed or timed out */
    public int outstanding() { return pending.size(); }

    /**
     * Registers the reply consumer and starts the timeout sweep; idempotent.
     *
     * @return completes once the consumer's registration is known to the cluster (workers can answer)
     */
    public synchronized Future<Void> start() {
        if (started != null) return started;
        consumer = vertx.eventBus().consumer(replyAddress, this::onReplies);
        sweepTimer = vertx.setPeriodic(SWEEP_MS, id -> sweep());
        started = consumer.completion();
        return started;
    }

    /** Unregisters the reply consumer, stops the sweep and fails every outstanding request with {@code TIMEOUT}. */
    public synchronized Future<Void> close() {
        closed = true;
        if (sweepTimer != -1) vertx.cancelTimer(sweepTimer);
        sweepTimer = -1;
        for (Pending p : pending.values()) {
            if (pending.remove(p.correlation, p)) fail(p, new ReplyException(ReplyFailure.TIMEOUT, "gateway block channel closed"));
        }
        return consumer == null ? Future.succeededFuture() : consumer.unregister();
    }

    @Override
    public Future<BlockReply> request(String address, BlockRequest request, long timeoutMs) {
        Future<Void> s = started;
        if (s == null) throw new IllegalStateException("BatchedChannel not started");
        if (!s.isComplete()) return s.compose(v -> request(address, request, timeoutMs));
        if (s.failed()) return Future.failedFuture(s.cause());
        ContextInternal ctx = (ContextInternal) vertx.getOrCreateContext();
        Promise<BlockReply> promise = ctx.promise();
        if (closed) {
            promise.fail(new ReplyException(ReplyFailure.TIMEOUT, "gateway block channel closed"));
            return promise.future();
        }
        long correlation = correlations.incrementAndGet();
        long now = System.nanoTime();
        Pending p = new Pending(correlation, ctx, promise, now, now + timeoutMs * 1_000_000L, timeoutMs, address);
        pending.put(correlation, p);
        if (ctx.isEventLoopContext() && ctx.nettyEventLoop().inEventLoop()) {
            outboxes.get().add(ctx, address, p, request);
        } else {
            write(address, new Pending[] {p}, new BlockRequest[] {request}, 0, 1);
        }
        return promise.future();
    }

    @Override
    public void send(String address, BlockRequest request) {
        vertx.eventBus().send(address, request);
    }

    /** Sends entries {@code [from, to)} as one batch; a failed write fails them. */
    private void write(String address, Pending[] ps, BlockRequest[] rs, int from, int to) {
        long[] ids = new long[to - from];
        for (int i = from; i < to; i++) ids[i - from] = ps[i].correlation;
        BlockBatch batch = new BlockBatch(replyAddress, ids, from == 0 && to == rs.length ? rs : Arrays.copyOfRange(rs, from, to));
        vertx.eventBus().<BlockBatch>sender(address).write(batch).onFailure(t -> {
            ReplyException failure = t instanceof ReplyException re ? re
                    : new ReplyException(ReplyFailure.NO_HANDLERS, "block worker on " + address + " unreachable: " + t);
            log.debug("batch of {} to {} not delivered: {}", to - from, address, failure.getMessage());
            for (int i = from; i < to; i++) {
                if (pending.remove(ps[i].correlation, ps[i])) fail(ps[i], failure);
            }
        });
    }

    private void onReplies(Message<BlockReplyBatch> msg) {
        BlockReplyBatch batch;
        try {
            batch = msg.body();
        } catch (RuntimeException e) {
            log.warn("{}: undecodable reply batch dropped: {}", replyAddress, e.toString());
            return;
        }
        List<Pending> done = new ArrayList<>(batch.size());
        long now = System.nanoTime();
        String lastAddress = null;
        for (int i = 0; i < batch.size(); i++) {
            long correlation = batch.correlations()[i];
            Pending p = pending.remove(correlation);
            if (p == null) {
                log.debug("{}: late reply to request {} dropped (timed out)", replyAddress, correlation);
                continue;
            }
            p.reply = batch.replies()[i];
            done.add(p);
            if (!p.address.equals(lastAddress)) { // the worker of this address is alive
                lastAddress = p.address;
                lastAnswer.put(lastAddress, now);
            }
        }
        // one task per issuing context: the request's listeners run there, as with event-bus request/reply
        for (int i = 0; i < done.size(); i++) {
            Pending first = done.get(i);
            if (first == null) continue;
            List<Pending> same = new ArrayList<>();
            for (int j = i; j < done.size(); j++) {
                Pending q = done.get(j);
                if (q != null && q.ctx == first.ctx) {
                    same.add(q);
                    done.set(j, null);
                }
            }
            first.ctx.runOnContext(v -> {
                for (Pending q : same) q.promise.complete(q.reply);
            });
        }
    }

    private void sweep() {
        if (pending.isEmpty()) return;
        long now = System.nanoTime();
        for (Pending p : pending.values()) {
            if (now - p.deadline < 0) continue;
            Long heard = lastAnswer.get(p.address);
            long timeoutNanos = p.timeoutMs * 1_000_000L;
            if (heard != null && now - heard < timeoutNanos && now - p.issued + timeoutNanos <= MAX_WAIT_MS * 1_000_000L) {
                p.deadline = now + timeoutNanos; // slow, not gone: wait on
                extended.incrementAndGet();
                continue;
            }
            if (pending.remove(p.correlation, p)) {
                fail(p, new ReplyException(ReplyFailure.TIMEOUT, "Timed out after waiting " + (now - p.issued) / 1_000_000
                        + "(ms) for a reply. address: " + p.address + ", correlation: " + p.correlation));
            }
        }
    }

    private static void fail(Pending p, ReplyException e) {
        p.ctx.runOnContext(v -> p.promise.fail(e));
    }

    /** A request sent and not yet answered. */
    private static final class Pending {
        final long correlation;
        final ContextInternal ctx;
        final Promise<BlockReply> promise;
        final long issued; // System.nanoTime()
        volatile long deadline; // System.nanoTime(); moved on by the sweep while the worker keeps answering
        final long timeoutMs;
        final String address;
        BlockReply reply;

        Pending(long correlation, ContextInternal ctx, Promise<BlockReply> promise, long issued, long deadline, long timeoutMs, String address) {
            this.correlation = correlation;
            this.issued = issued;
            this.ctx = ctx;
            this.promise = promise;
            this.deadline = deadline;
            this.timeoutMs = timeoutMs;
            this.address = address;
        }
    }

    /** The requests of the current turn of one event-loop thread, by address; used only on that thread. */
    private final class Outbox {
        private Map<String, Queued> byAddress = new HashMap<>(4);
        private boolean flushScheduled;

        void add(ContextInternal ctx, String address, Pending p, BlockRequest r) {
            Queued q = byAddress.get(address);
            if (q == null) byAddress.put(address, q = new Queued());
            q.add(p, r);
            if (!flushScheduled) {
                flushScheduled = true;
                ctx.runOnContext(v -> flush());
            }
        }

        private void flush() {
            Map<String, Queued> out = byAddress;
            byAddress = new HashMap<>(4);
            flushScheduled = false;
            for (Map.Entry<String, Queued> e : out.entrySet()) {
                Queued q = e.getValue();
                Pending[] ps = q.size == q.pending.length ? q.pending : Arrays.copyOf(q.pending, q.size);
                BlockRequest[] rs = q.size == q.requests.length ? q.requests : Arrays.copyOf(q.requests, q.size);
                int from = 0;
                long bytes = 0;
                for (int i = 0; i < q.size; i++) { // cut at MAX_ENTRIES requests or MAX_BATCH_PAYLOAD bytes of data
                    bytes += rs[i].data() == null ? 0 : rs[i].data().length();
                    if (i + 1 - from == BlockBatchCodecs.MAX_ENTRIES || bytes >= BlockBatchCodecs.MAX_BATCH_PAYLOAD || i + 1 == q.size) {
                        write(e.getKey(), ps, rs, from, i + 1);
                        from = i + 1;
                        bytes = 0;
                    }
                }
            }
        }
    }

    /** The requests queued for one address in one turn. */
    private static final class Queued {
        Pending[] pending = new Pending[8];
        BlockRequest[] requests = new BlockRequest[8];
        int size;

        void add(Pending p, BlockRequest r) {
            if (size == pending.length) {
                pending = Arrays.copyOf(pending, size * 2);
                requests = Arrays.copyOf(requests, size * 2);
            }
            pending[size] = p;
            requests[size++] = r;
        }
    }
}
