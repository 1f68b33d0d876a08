package io.nvmegate.controller;

import io.vertx.core.buffer.Buffer;

/** The transport end of one queue (one NVMe/TCP connection), as the controller core sees it. */
public interface QueueTransport {
    /** Sends a CapsuleResp for command {@code cid}. */
    void sendCompletion(int cid, int status, int dw0, int dw1);

    /** Sends {@code data} to the host in C2HData PDUs (DATAO cumulative, LAST on the final one), then a CapsuleResp. */
    void sendData(int cid, Buffer data);

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
}
