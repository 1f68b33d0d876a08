package io.nvmegate.discovery.service;

import io.nvmegate.catalog.CatalogView;
import io.nvmegate.controller.ControllerRegistry;
import io.nvmegate.controller.FabricsConnect;
import io.nvmegate.controller.Subsystem;
import io.nvmegate.discovery.DiscoveryCommandSet;
import io.nvmegate.protocol.Opcodes;
import io.nvmegate.transport.NvmeTcpServer;
import io.nvmegate.transport.TransportConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * The discovery service: an NVMe/TCP discovery controller (default port 8009, NVMe-oF 1.1 section 7.4.9.2) whose
 * log page lists every (port, subsystem) of the cluster catalog that the connecting host may access. Only the
 * well-known discovery NQN is served; a Connect naming any other subsystem gets Connect Invalid Parameters.
 */
public final class DiscoveryService {
    /**
     * @param host      listen address
     * @param port      TCP port (8009 is the IANA NVMe/TCP discovery port)
     * @param transport transport limits
     */
    public record Options(String host, int port, TransportConfig transport) {
    }

    private final Vertx vertx;
    private final Options options;
    private final ControllerRegistry registry = new ControllerRegistry(0x8000, 0xFFEF);
    private final Subsystem subsystem;
    private NvmeTcpServer server;

    public DiscoveryService(Vertx vertx, CatalogView catalog, Options options) {
        this.vertx = vertx;
        this.options = options;
        this.subsystem = new DiscoveryCommandSet(catalog, p -> true).subsystem();
    }

    public Future<Void> start() {
        FabricsConnect connect = new FabricsConnect(nqn -> nqn.equals(Opcodes.DISCOVERY_NQN) ? subsystem : null,
                registry, options.transport(), vertx);
        server = new NvmeTcpServer(vertx, options.host(), options.port(), options.transport(), connect);
        return server.listen().mapEmpty();
    }

    /** The TCP port actually bound (useful with port 0). */
    public int port() { return server.actualPort(); }

    public Future<Void> stop() {
        registry.destroyAll("discovery service stopping");
        return server == null ? Future.succeededFuture() : server.close();
    }
}
