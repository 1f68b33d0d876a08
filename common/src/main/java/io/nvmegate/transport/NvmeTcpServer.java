package io.nvmegate.transport;

import io.nvmegate.controller.FabricsConnect;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An NVMe/TCP listener (Vert.x NetServer): every accepted connection becomes a {@link TcpQueue} whose first
 * command must be a Fabrics Connect handled by {@code connect}.
 */
public final class NvmeTcpServer {
    private static final Logger log = LoggerFactory.getLogger(NvmeTcpServer.class);

    private final Vertx vertx;
    private final String host;
    private final int port;
    private final TransportConfig config;
    private final FabricsConnect connect;
    private NetServer server;

    /** @param port TCP port; 0 picks a free one (see {@link #actualPort()}) */
    public NvmeTcpServer(Vertx vertx, String host, int port, TransportConfig config, FabricsConnect connect) {
        this.vertx = vertx;
        this.host = host;
        this.port = port;
        this.config = config;
        this.connect = connect;
    }

    public Future<NvmeTcpServer> listen() {
        NetServerOptions o = new NetServerOptions().setHost(host).setPort(port).setTcpNoDelay(true)
                .setReuseAddress(true);
        // No SO_RCVBUF/SO_SNDBUF: fixing them turns off the kernel's TCP buffer autotuning. With a fixed receive
        // buffer, a slow reader on loopback (64 KiB segments) saw its socket drop segments (ss: skmem d>0) and the
        // host back off in retransmissions long enough to look like a hang (Linux host in the QEMU guest, 1 MiB
        // writes at iodepth 8).
        server = vertx.createNetServer(o).connectHandler(s -> new TcpQueue(vertx, s, config, connect));
        return server.listen().map(s -> {
            log.info("NVMe/TCP listening on {}:{}", host, s.actualPort());
            return this;
        });
    }

    public int actualPort() { return server.actualPort(); }

    public String host() { return host; }

    public Future<Void> close() {
        return server == null ? Future.succeededFuture() : server.close();
    }
}
