package io.nvmegate.transport;

import io.nvmegate.controller.Controller;
import io.nvmegate.controller.ControllerQueue;
import io.nvmegate.metrics.NodeMetrics;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Bounded idle time of one NVMe/TCP connection where the Keep Alive Timer (NVMe Base 2.0 section 3.9) does not
 * apply, so that a host cannot hold a file descriptor, a controller or a CNTLID for ever:
 * <ul>
 *   <li><b>pre-Connect</b>: a connection that sent nothing, or an ICReq (NVMe/TCP 1.0 section 3.6.2.2) but no
 *       successful Fabrics Connect, is closed {@value #PRE_CONNECT_PROPERTY} ms (default
 *       {@value #DEFAULT_PRE_CONNECT_MS}) after it was accepted. Reason label {@code pre_connect}.</li>
 *   <li><b>admin queue without I/O</b>: the admin queue of a controller whose KATO is 0 (no keep-alive) and that
 *       has no I/O queue is closed — the controller destroyed, its CNTLID freed — once no command came for
 *       {@value #ADMIN_NO_IO_PROPERTY} ms (default {@value #DEFAULT_ADMIN_NO_IO_MS}). While the controller has an
 *       I/O queue or a KATO, it is left to the host and to the Keep Alive Timer. Reason label {@code admin_no_io}.
 *       The discovery controller of a host that connects without keep-alive and never disconnects is closed the
 *       same way (its log pages are read in a few commands).</li>
 * </ul>
 * Each close counts in {@code nvmegate_idle_closes_total{reason}} and is logged at INFO. 0 (or less) turns a limit
 * off. The properties are read when a connection is accepted. One Vert.x one-shot timer per connection at most,
 * on the connection's event loop; cancelled when the connection closes.
 */
final class IdleTimeouts {
    private static final Logger log = LoggerFactory.getLogger(IdleTimeouts.class);
    static final String ADMIN_NO_IO_PROPERTY = "nvmegate.idle.adminNoIoMs";
    static final String PRE_CONNECT_PROPERTY = "nvmegate.idle.preConnectMs";
    static final long DEFAULT_ADMIN_NO_IO_MS = 120_000;
    static final long DEFAULT_PRE_CONNECT_MS = 30_000;

    private final Vertx vertx;
    private final NodeMetrics metrics;
    private final Consumer<String> close;
    private final long preConnectMs = Long.getLong(PRE_CONNECT_PROPERTY, DEFAULT_PRE_CONNECT_MS);
    private final long adminNoIoMs = Long.getLong(ADMIN_NO_IO_PROPERTY, DEFAULT_ADMIN_NO_IO_MS);
    private long timer = -1;
    private boolean closed;

    /** @param close closes the connection, with a reason for the log */
    IdleTimeouts(Vertx vertx, NodeMetrics metrics, Consumer<String> close) {
        this.vertx = vertx;
        this.metrics = metrics;
        this.close = close;
    }

    /** The connection was accepted: starts the pre-Connect limit. Call on its event loop. */
    void accepted() {
        if (preConnectMs > 0) timer = vertx.setTimer(preConnectMs, id -> {
            timer = -1;
            if (closed) return;
            metrics.idleClosed("pre_connect");
            log.info("connection closed: no Fabrics Connect within {} ms ({})", preConnectMs, PRE_CONNECT_PROPERTY);
            close.accept("no Connect within " + preConnectMs + " ms");
        });
    }

    /** A Connect bound the connection to queue {@code q}: ends the pre-Connect limit, watches an admin queue. */
    void bound(ControllerQueue q) {
        cancel();
        if (q.qid() == 0 && adminNoIoMs > 0 && !closed) watch(q.controller(), adminNoIoMs);
    }

    private void watch(Controller c, long delayMs) {
        timer = vertx.setTimer(Math.max(1, delayMs), id -> {
            timer = -1;
            if (!closed && !c.destroyed()) check(c);
        });
    }

    private void check(Controller c) {
        if (c.keepAlive().timeoutMs() > 0 || c.hasIoQueues()) {
            watch(c, adminNoIoMs);
            return;
        }
        long idleMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - c.keepAlive().lastCommandNanos());
        if (idleMs < adminNoIoMs) {
            watch(c, adminNoIoMs - idleMs);
            return;
        }
        metrics.idleClosed("admin_no_io");
        log.info("{}: KATO 0, no I/O queue and no command for {} ms ({}): closing the admin queue", c, idleMs, ADMIN_NO_IO_PROPERTY);
        c.destroy("idle: KATO 0 and no I/O queue for " + idleMs + " ms");
    }

    /** The connection is closed: cancels the timer. */
    void closed() {
        closed = true;
        cancel();
    }

    private void cancel() {
        if (timer >= 0) vertx.cancelTimer(timer);
        timer = -1;
    }
}
