package io.nvmegate.transport;

import io.nvmegate.controller.TransportConfig;
import io.nvmegate.fabrics.CommandParser;
import io.nvmegate.fabrics.FabricsConnect;
import io.nvmegate.metrics.NodeMetrics;
import io.nvmegate.tls.TlsPolicy;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An NVMe/TCP listener (Vert.x NetServer): every accepted connection becomes a {@link TcpQueue} whose first
 * command must be a Fabrics Connect handled by {@code connect}; every command goes through one {@link CommandParser}.
 *
 * <p>The listener's connections can be spread over {@link #EVENT_LOOPS} event loops: one Vert.x server per event
 * loop on the same address, which Vert.x shares and hands accepted connections round-robin (as nvmet spreads
 * its queues over CPUs with {@code io_cpu}). All of a connection's work stays on its event loop.
 */
public final class NvmeTcpServer {
    private static final Logger log = LoggerFactory.getLogger(NvmeTcpServer.class);

    private final Vertx vertx;
    private final String host;
    private final int port;
    private final TransportConfig config;
    private final CommandParser parser;
    private final TlsPolicy tls;
    private final ConnectionLimit connections;
    /**
     * Event loops the connections of one listener are spread over: {@code -Dnvmegate.tcpEventLoops=N}, default 1.
     * On the 2-core benchmark machine, where the initiator shares the cores, 2 measured no better than 1
     * (README, Performance); machines with more cores than busy queues may gain.
     */
    public static final int EVENT_LOOPS = Math.max(1, Integer.getInteger("nvmegate.tcpEventLoops", 1));

    private static final java.util.concurrent.atomic.AtomicInteger SHARED_FREE_PORT_KEYS = new java.util.concurrent.atomic.AtomicInteger();
    private final List<NetServer> servers = new CopyOnWriteArrayList<>();
    private volatile NetServer server;

    /** @param port TCP port; 0 picks a free one (see {@link #actualPort()}) */
    public NvmeTcpServer(Vertx vertx, String host, int port, TransportConfig config, FabricsConnect connect) {
        this(vertx, host, port, config, connect, TlsPolicy.NONE);
    }

    /** @param tls the port's secure channel (TREQ and PSKs; {@link TlsPolicy#NONE}: plaintext only) */
    public NvmeTcpServer(Vertx vertx, String host, int port, TransportConfig config, FabricsConnect connect, TlsPolicy tls) {
        this.tls = tls;
        this.vertx = vertx;
        this.host = host;
        this.port = port;
        this.config = config;
        this.parser = new CommandParser(connect);
        this.connections = new ConnectionLimit(config.maxConnections());
        connect.registry().onKeepAliveExpired(c -> NodeMetrics.of(vertx).keepAliveExpired(c.subsystem().nqn()));
    }

    public Future<NvmeTcpServer> listen() {
        NetServerOptions o = new NetServerOptions().setHost(host).setPort(port).setTcpNoDelay(true)
                .setReuseAddress(true);
        // No SO_RCVBUF/SO_SNDBUF: fixing them turns off the kernel's TCP buffer autotuning. With a fixed receive
        // buffer, a slow reader on loopback (64 KiB segments) saw its socket drop segments (ss: skmem d>0) and the
        // host back off in retransmissions long enough to look like a hang (Linux host in the QEMU guest, 1 MiB
        // writes at iodepth 8).
        // Vert.x shares one bound socket between servers of the same host and port; a negative port is its key
        // for "one free port, shared" (0 would bind a new free port per server).
        if (port == 0) o.setPort(-SHARED_FREE_PORT_KEYS.incrementAndGet());
        return listenOn(o).compose(first -> {
            server = first;
            List<Future<NetServer>> more = new ArrayList<>();
            for (int i = 1; i < EVENT_LOOPS; i++) more.add(listenOn(o));
            return Future.all(more);
        }).recover(e -> close().transform(ignored -> Future.failedFuture(e))).map(all -> {
            log.info("NVMe/TCP listening on {}:{} ({} event loops, secure channel {})", host, server.actualPort(), servers.size(), tls.treq().name);
            return this;
        });
    }

    /** Starts one server on a new event-loop context (connections it accepts run there). */
    private Future<NetServer> listenOn(NetServerOptions o) {
        ContextInternal ctx = ((VertxInternal) vertx).createEventLoopContext();
        Promise<NetServer> p = ctx.promise();
        ctx.runOnContext(v -> {
            NetServer s = vertx.createNetServer(o).connectHandler(sock -> {
                if (connections.admit(sock, NodeMetrics.of(vertx))) new TcpQueue(vertx, sock, config, parser, tls);
            });
            servers.add(s);
            s.listen().onComplete(p);
        });
        return p.future();
    }

    /** @return the port listened on; 0 before {@link #listen()} succeeded */
    public int actualPort() {
        NetServer s = server;
        return s == null ? 0 : s.actualPort();
    }

    public String host() { return host; }

    public Future<Void> close() {
        List<Future<Void>> closed = new ArrayList<>();
        for (NetServer s : servers) closed.add(s.close());
        return Future.all(closed).mapEmpty();
    }
}
