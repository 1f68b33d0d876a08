package io.nvmegate.gateway;

import io.nvmegate.catalog.CatalogView;
import io.nvmegate.catalog.PortSpec;
import io.nvmegate.catalog.SubsystemSpec;
import io.nvmegate.controller.ControllerRegistry;
import io.nvmegate.controller.FabricsConnect;
import io.nvmegate.controller.Subsystem;
import io.nvmegate.controller.SubsystemResolver;
import io.nvmegate.discovery.DiscoveryCommandSet;
import io.nvmegate.gateway.io.BlockClient;
import io.nvmegate.gateway.io.NvmIo;
import io.nvmegate.protocol.Opcodes;
import io.nvmegate.storage.BlockCodecs;
import io.nvmegate.transport.NvmeTcpServer;
import io.nvmegate.transport.TransportConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * The I/O gateway: one NVMe/TCP listener per catalog port it serves, I/O controllers for the subsystems exported
 * there, and the well-known discovery subsystem on the same ports (as the kernel target does) listing that
 * port's subsystems. Block I/O goes to block workers over the event bus.
 */
public final class Gateway {
    private static final Logger log = LoggerFactory.getLogger(Gateway.class);

    /**
     * @param id        gateway ID (ports whose {@code gateway} is null or this ID are served)
     * @param transport transport limits of every port
     * @param cntlidMin first CNTLID of this gateway's range (ranges of gateways must not overlap)
     * @param cntlidMax last CNTLID of the range
     */
    public record Options(String id, TransportConfig transport, int cntlidMin, int cntlidMax) {
        public static Options defaults() {
            return new Options("gateway-1", TransportConfig.defaults(), 1, 0x7FFF);
        }
    }

    private final Vertx vertx;
    private final CatalogView catalog;
    private final Options options;
    private final ControllerRegistry registry;
    private final NvmCommandSet commandSet;
    private final List<NvmeTcpServer> servers = new ArrayList<>();

    public Gateway(Vertx vertx, CatalogView catalog, Options options) {
        this.vertx = vertx;
        this.catalog = catalog;
        this.options = options;
        this.registry = new ControllerRegistry(options.cntlidMin(), options.cntlidMax());
        this.commandSet = new NvmCommandSet(catalog, new NvmIo(catalog, new BlockClient(vertx)), options.transport().maxIoQueues());
    }

    public ControllerRegistry controllers() { return registry; }

    public List<NvmeTcpServer> servers() { return List.copyOf(servers); }

    public Future<Void> start() {
        BlockCodecs.register(vertx.eventBus());
        List<Future<NvmeTcpServer>> started = new ArrayList<>();
        for (PortSpec p : catalog.current().ports()) {
            if (!p.servedBy(options.id())) continue;
            FabricsConnect connect = new FabricsConnect(resolver(p), registry, options.transport(), vertx);
            NvmeTcpServer s = new NvmeTcpServer(vertx, p.traddr(), p.trsvcid(), options.transport(), connect);
            servers.add(s);
            started.add(s.listen());
        }
        if (started.isEmpty()) log.warn("gateway {}: the catalog has no port for this gateway", options.id());
        return Future.all(started).mapEmpty();
    }

    /** Subsystems a Connect on port {@code p} may name: the discovery NQN, and the NVM subsystems exported there. */
    private SubsystemResolver resolver(PortSpec p) {
        DiscoveryCommandSet discovery = new DiscoveryCommandSet(catalog, q -> q.id() == p.id());
        Subsystem discoverySubsystem = discovery.subsystem();
        return nqn -> {
            if (nqn.equals(Opcodes.DISCOVERY_NQN)) return discoverySubsystem;
            SubsystemSpec s = catalog.current().subsystem(nqn);
            if (s == null || !p.exports(nqn)) return null;
            return new Subsystem(nqn, s, commandSet, host -> s.allowAnyHost() || s.hosts().contains(host));
        };
    }

    public Future<Void> stop() {
        registry.destroyAll("gateway stopping");
        List<Future<Void>> closed = new ArrayList<>();
        for (NvmeTcpServer s : servers) closed.add(s.close());
        servers.clear();
        return Future.all(closed).mapEmpty();
    }
}
