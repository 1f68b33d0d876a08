package io.nvmegate.gateway.io;

import io.nvmegate.blockio.BlockHandler;
import io.nvmegate.blockio.BlockReply;
import io.nvmegate.blockio.BlockRequest;
import io.nvmegate.blockio.LocalBlockHandlers;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.internal.PromiseInternal;
import io.vertx.core.internal.VertxInternal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Objects;

/**
 * The same-process short-circuit (issue 17): a {@link BlockChannel} that calls the {@link BlockHandler} of a block
 * worker deployed on the gateway's own Vert.x instance ({@link LocalBlockHandlers#of}: the RF 1 address of a
 * namespace served by a worker of this node, or the replica address of a replica on this node, leader or not)
 * directly, and hands every other address to a fallback channel (the event bus, {@link EventBusChannel}).
 *
 * <p>A local call has no codec, no reply address, no send timer and no event-loop hop: the handler runs on the
 * caller's thread (the gateway's event loop) with the request object as stamped (its request ID and lease: the
 * worker's {@code GatewayFence} checks it as for a request off the bus). The reply completes the attempt's future
 * on the caller's context: inline when the worker answers on that thread (null and memory stores, validation and
 * fencing refusals), through the context otherwise (a RocksDB storage thread, a Ratis thread, the worker's event
 * loop for reservation ops): one hand-off to the storage thread and one back per RocksDB command.
 *
 * <p>No timeout: {@code timeoutMs} is not used for local calls. A worker in the same process always answers (its
 * one completion path answers every request, also when the store fails or the storage executor is closing); a
 * slow store is waited out rather than turned into a timeout, as a slow disk must never fail an I/O (issue 17:
 * back-pressure, not a path error; the host's own command timeout stays the bound). A handler that throws is a
 * worker bug: the attempt fails with {@link ReplyFailure#RECIPIENT_FAILURE} (the {@link BlockClient} answers
 * Internal Error) instead of hanging. Once the worker stops serving an address (namespace removed or moved,
 * worker stopped) its handler is gone and the fallback answers, NO_HANDLERS when no worker consumes it anywhere.
 *
 * <p>Turned off with {@code -Dnvmegate.localShortCircuit=false} ({@link #enabled()}; for A/B measurements): every
 * request then goes over the event bus, local or not.
 */
public final class LocalChannel implements BlockChannel {
    private static final Logger log = LoggerFactory.getLogger(LocalChannel.class);
    /** System property turning the short-circuit off ({@code false}); on by default. */
    public static final String PROPERTY = "nvmegate.localShortCircuit";

    private final VertxInternal vertx;
    private final LocalBlockHandlers handlers;
    private final BlockChannel fallback;

    /**
     * @param vertx    the gateway's Vert.x instance: the workers deployed on it are called directly
     * @param fallback the channel of every other address
     */
    public LocalChannel(Vertx vertx, BlockChannel fallback) {
        this.vertx = (VertxInternal) Objects.requireNonNull(vertx, "vertx");
        this.handlers = LocalBlockHandlers.of(vertx);
        this.fallback = Objects.requireNonNull(fallback, "fallback");
    }

    /** @return whether the short-circuit is on (system property {@value #PROPERTY}, default true) */
    public static boolean enabled() {
        return !"false".equalsIgnoreCase(System.getProperty(PROPERTY, "true").trim());
    }

    /**
     * @return {@code fallback} wrapped in a {@link LocalChannel} if {@link #enabled()}, else {@code fallback} itself
     */
    public static BlockChannel over(Vertx vertx, BlockChannel fallback) {
        return enabled() ? new LocalChannel(vertx, fallback) : fallback;
    }

    @Override
    public Future<BlockReply> request(String address, BlockRequest request, long timeoutMs) {
        BlockHandler h = handlers.get(address);
        if (h == null) return fallback.request(address, request, timeoutMs);
        PromiseInternal<BlockReply> p = vertx.getOrCreateContext().promise(); // listeners run on the caller's context
        try {
            h.handle(request, reply -> {
                if (!p.tryComplete(reply)) log.warn("{}: second reply to a same-process request dropped", address);
            });
        } catch (RuntimeException e) {
            log.warn("{}: block worker handler failed: {}", address, e.toString(), e);
            p.tryFail(new ReplyException(ReplyFailure.RECIPIENT_FAILURE, e.toString()));
        }
        return p.future();
    }

    @Override
    public void send(String address, BlockRequest request) {
        BlockHandler h = handlers.get(address);
        if (h == null) {
            fallback.send(address, request);
            return;
        }
        try {
            h.handle(request, reply -> { }); // one-way, as an event-bus send: the reply goes nowhere
        } catch (RuntimeException e) {
            log.warn("{}: block worker handler failed: {}", address, e.toString(), e);
        }
    }
}
