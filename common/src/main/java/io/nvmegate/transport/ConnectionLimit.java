package io.nvmegate.transport;

import io.nvmegate.metrics.NodeMetrics;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The most open TCP connections of one NVMe/TCP listener ({@code TransportConfig.maxConnections}, over all its
 * event loops): a connection beyond it is closed as soon as it is accepted, before any PDU is read (no ICResp, so
 * the host sees its connection closed), counted in {@code nvmegate_connections_refused_total{role}} and logged (at
 * most one WARN line per second). The count drops when the connection's channel closes, whoever closes it.
 */
final class ConnectionLimit {
    private static final Logger log = LoggerFactory.getLogger(ConnectionLimit.class);
    private final int max;
    private final AtomicInteger open = new AtomicInteger();
    private volatile long lastWarnNanos;

    ConnectionLimit(int max) {
        this.max = max;
    }

    /** @return true if {@code socket} may stay (it is counted until it closes); false: it was closed */
    boolean admit(NetSocket socket, NodeMetrics metrics) {
        if (open.incrementAndGet() > max) {
            open.decrementAndGet();
            metrics.connectionRefused(metrics.target(socket.localAddress().port()).role());
            long now = System.nanoTime();
            if (now - lastWarnNanos > 1_000_000_000L) {
                lastWarnNanos = now;
                log.warn("connection from {} to port {} refused: {} connections open, the most allowed (maxConnections)",
                        socket.remoteAddress(), socket.localAddress().port(), max);
            }
            socket.close();
            return false;
        }
        ((NetSocketInternal) socket).channelHandlerContext().channel().closeFuture().addListener(f -> open.decrementAndGet());
        return true;
    }

    /** @return connections counted now */
    int open() { return open.get(); }
}
