package io.nvmegate.controller;

import io.nvmegate.protocol.Cqe;
import io.vertx.core.buffer.Buffer;

/** The transport end of one queue (one NVMe/TCP connection), as the controller core sees it. */
public interface QueueTransport {
    /** SQ Head Pointer to report in the next completion (the entries consumed so far, modulo the queue size). */
    int sqHead();

    /**
     * Sends the response of one command: {@code data} (controller-to-host data, or {@code null}) in C2HData PDUs,
     * then a CapsuleResp carrying {@code cqe} (which a transport may fold into the last C2HData when the host
     * disabled SQ flow control and the status is success).
     */
    void sendResponse(Cqe cqe, Buffer data);

    /** Closes the connection (idempotent); {@code reason} is logged. */
    void close(String reason);

    /** "ip:port" of the host side of the connection. */
    String remoteAddress();

    /** IP address of this side of the connection (the address the host reached). */
    String localHost();

    /** TCP port of this side of the connection (the listener's port: which catalog port the host came through). */
    int localPort();

    /** Runs {@code task} on this queue's event loop. */
    void runOnContext(Runnable task);

    /**
     * The PSK identity of this connection's TLS session (NVMe/TCP 1.1 section 3.6.1.3): it names the host NQN the
     * PSK belongs to, which a Connect on this connection must use. @return null without TLS
     */
    default io.nvmegate.protocol.tls.PskIdentity tlsPskIdentity() {
        return null;
    }
}
