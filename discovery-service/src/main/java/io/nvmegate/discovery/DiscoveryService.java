package io.nvmegate.discovery;

import io.nvmegate.catalog.CatalogView;
import io.nvmegate.catalog.SubsystemSpec;
import io.nvmegate.controller.ControllerRegistry;
import io.nvmegate.controller.Subsystem;
import io.nvmegate.controller.TransportConfig;
import io.nvmegate.fabrics.FabricsConnect;
import io.nvmegate.transport.NvmeTcpServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * The discovery service: an NVMe/TCP discovery controller (default port 8009, NVMe-oF 1.1 section 7.4.9.2) whose
 * log page lists every (port, subsystem) of the cluster catalog that the connecting host may access, plus its own
 * SUBTYPE 3 entry and the referrals ({@link DiscoveryCommandSet}). A Connect may name the well-known discovery NQN
 * or the configured unique discovery NQN; any other subsystem gets Connect Invalid Parameters. Controllers are
 * persistent when the host wants (KATO honoured by the core) and get Discovery Log Page Change notices on every
 * catalog generation ({@link DiscoveryNotices}). Instances share no state but the catalog: several of them, reached
 * at the same advertised address, return byte-identical pages.
 */
public final class DiscoveryService {
    /**
     * @param host              listen address
     * @param port              TCP port (8009 is the IANA NVMe/TCP discovery port; 0: a free port)
     * @param transport         transport limits
     * @param nqn               unique discovery NQN (Identify SUBNQN, SUBTYPE 3 entry); null: the well-known NQN
     * @param advertisedAddress TRADDR of the SUBTYPE 3 entry (behind NAT or a load balancer); null: {@code host}, or
     *                          for a wildcard {@code host} the address the host reached
     * @param advertisedPort    TRSVCID of the SUBTYPE 3 entry; 0: the port actually bound
     */
    public record Options(String host, int port, TransportConfig transport, String nqn, String advertisedAddress,
                          int advertisedPort) {
        public Options {
            if (nqn != null) SubsystemSpec.checkNqn("discovery NQN", nqn);
            if (advertisedPort < 0 || advertisedPort > 0xFFFF) throw new IllegalArgumentException("discovery advertised port must be 0..65535, got " + advertisedPort);
        }

        /** The well-known discovery NQN, published as reached. */
        public Options(String host, int port, TransportConfig transport) {
            this(host, port, transport, null, null, 0);
        }
    }

    private final Vertx vertx;
    private final CatalogView catalog;
    private final Options options;
    private final ControllerRegistry registry;
    private final DiscoveryCommandSet commandSet;
    private final Subsystem subsystem;
    private NvmeTcpServer server;

    /** Discovery controllers get CNTLIDs 8000h..FFEFh (a process with one discovery service). */
    public DiscoveryService(Vertx vertx, CatalogView catalog, Options options) {
        this(vertx, catalog, options, 0x8000, 0xFFEF);
    }

    /**
     * @param cntlidMin first CNTLID of this instance's discovery controllers (e.g. claimed cluster-wide with
     *                  {@link io.nvmegate.cluster.CntlidRanges#claimDiscovery}, so instances sharing a unique
     *                  discovery NQN never hand a host the same CNTLID twice)
     * @param cntlidMax last CNTLID (≤ FFEFh)
     */
    public DiscoveryService(Vertx vertx, CatalogView catalog, Options options, int cntlidMin, int cntlidMax) {
        this.registry = new ControllerRegistry(cntlidMin, cntlidMax);
        this.vertx = vertx;
        this.catalog = catalog;
        this.options = options;
        this.commandSet = new DiscoveryCommandSet(catalog, p -> true, snap -> self(), false, options.nqn());
        this.subsystem = commandSet.subsystem();
    }

    private DiscoveryCommandSet.Self self() {
        String addr = options.advertisedAddress() != null ? options.advertisedAddress()
                : options.host().equals("0.0.0.0") || options.host().equals("::") ? null : options.host();
        String family = (addr != null ? addr : options.host()).contains(":") ? "ipv6" : "ipv4";
        int port = options.advertisedPort() > 0 ? options.advertisedPort() : server == null ? options.port() : server.actualPort();
        return new DiscoveryCommandSet.Self(0, family, addr, port);
    }

    public Future<Void> start() {
        catalog.onChange(new DiscoveryNotices(registry, catalog.current()));
        FabricsConnect connect = new FabricsConnect(nqn -> commandSet.answers(nqn) ? subsystem : null,
                registry, options.transport(), vertx);
        server = new NvmeTcpServer(vertx, options.host(), options.port(), options.transport(), connect);
        return server.listen().mapEmpty();
    }

    /** The TCP port actually bound (useful with port 0). */
    public int port() { return server.actualPort(); }

    /** The discovery subsystem NQN this service reports (unique, or the well-known one). */
    public String nqn() { return commandSet.nqn(); }

    /** This service's discovery controllers. */
    public ControllerRegistry controllers() { return registry; }

    public Future<Void> stop() {
        registry.destroyAll("discovery service stopping");
        return server == null ? Future.succeededFuture() : server.close();
    }
}
