package io.nvmegate.gateway;

import io.nvmegate.auth.AuthThrottle;
import io.nvmegate.auth.DhchapAuthenticator;
import io.nvmegate.catalog.CatalogView;
import io.nvmegate.catalog.PortSpec;
import io.nvmegate.catalog.SubsystemSpec;
import io.nvmegate.controller.ControllerRegistry;
import io.nvmegate.controller.Subsystem;
import io.nvmegate.controller.SubsystemResolver;
import io.nvmegate.controller.TransportConfig;
import io.nvmegate.discovery.DiscoveryCommandSet;
import io.nvmegate.fabrics.FabricsConnect;
import io.nvmegate.ana.AnaOwners;
import io.nvmegate.ana.GatewayLease;
import io.nvmegate.gateway.admin.NamespaceNotices;
import io.nvmegate.gateway.ana.AnaMetrics;
import io.nvmegate.gateway.ana.AnaStates;
import io.nvmegate.gateway.ana.StorageAvailability;
import io.nvmegate.metrics.NodeMetrics;
import com.hazelcast.core.HazelcastInstance;
import io.nvmegate.gateway.io.BatchedChannel;
import io.nvmegate.gateway.io.BlockChannel;
import io.nvmegate.gateway.io.BlockClient;
import io.nvmegate.gateway.io.EventBusChannel;
import io.nvmegate.gateway.io.LocalChannel;
import io.nvmegate.gateway.io.FailoverPolicy;
import io.nvmegate.gateway.io.ReplicaRouter;
import io.nvmegate.gateway.io.ReplicationStatusFeed;
import io.nvmegate.gateway.io.IoCommands;
import io.nvmegate.gateway.reservation.ReservationCommands;
import io.nvmegate.gateway.reservation.ReservationNotices;
import io.nvmegate.protocol.Opcodes;
import io.nvmegate.blockio.BlockCodecs;
import io.nvmegate.transport.NvmeTcpServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * The I/O gateway: one NVMe/TCP listener per catalog port it serves, I/O controllers for the subsystems exported
 * there, and the well-known discovery subsystem on the same ports (as the kernel target does) listing that
 * port's subsystems. Block I/O goes to block workers over the event bus, or, for a worker deployed on the
 * gateway's own Vert.x instance, by a direct call ({@link LocalChannel}). Hosts authenticate with DH-HMAC-CHAP as
 * {@link CatalogAuthPolicy} decides, with one failure throttle for all the gateway's ports.
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
    private final ReservationNotices reservationNotices;
    private final DhchapAuthenticator auth;
    private final ReplicationStatusFeed leaders;
    private final AnaStates ana;
    /** The batched block channel of a clustered gateway ({@link BatchedChannel}); null: request/reply per attempt. */
    private final BatchedChannel batched;
    private PortListeners listeners;

    /**
     * A gateway whose leader cache of replicated namespaces follows map {@code nvmegate.replication} of the
     * Hazelcast member under {@code vertx}'s cluster manager (clustered Vert.x, as the launcher starts it); on a
     * non-clustered Vert.x only the replicas' redirect hints feed it.
     */
    public Gateway(Vertx vertx, CatalogView catalog, Options options) {
        this(vertx, catalog, options, clusterHazelcast(vertx));
    }

    /**
     * A gateway outside a cluster's ANA balancing: its lease never lapses ({@link GatewayLease#unclustered()}), the
     * owner map is empty ({@link AnaOwners#none()}) and storage is always up, so every ANA group is optimized.
     *
     * @param hz the Hazelcast member whose {@code nvmegate.replication} map feeds the leader cache
     *           ({@link ReplicationStatusFeed}); {@code null}: redirect hints only
     */
    public Gateway(Vertx vertx, CatalogView catalog, Options options, HazelcastInstance hz) {
        this(vertx, catalog, options, hz, GatewayLease.unclustered(), AnaOwners.none(), StorageAvailability.always());
    }

    /**
     * A gateway of a multipath cluster (issue 15; {@code io.nvmegate.ana}): ANA states follow {@code owners} and
     * the lease, storage availability follows {@code hz}'s workers and Raft leaders
     * ({@link StorageAvailability#of}; always up when {@code hz} is null); a lapsed lease destroys every controller
     * and refuses I/O with ANA Inaccessible ({@link AnaStates}, {@link io.nvmegate.gateway.ana.AnaGate}).
     *
     * @param hz     as {@link #Gateway(Vertx, CatalogView, Options, HazelcastInstance)}
     * @param lease  this gateway's lease (the renewer of {@code io.nvmegate.gateway.lease} in a cluster)
     * @param owners the view of map {@value io.nvmegate.ana.AnaOwner#MAP}
     */
    public Gateway(Vertx vertx, CatalogView catalog, Options options, HazelcastInstance hz, GatewayLease lease, AnaOwners owners) {
        this(vertx, catalog, options, hz, lease, owners, hz == null ? StorageAvailability.always() : StorageAvailability.of(hz));
    }

    /** @param storage whether each namespace's storage can serve (an input of the ANA state) */
    public Gateway(Vertx vertx, CatalogView catalog, Options options, HazelcastInstance hz, GatewayLease lease, AnaOwners owners,
                   StorageAvailability storage) {
        this.vertx = vertx;
        this.catalog = catalog;
        this.options = options;
        this.registry = new ControllerRegistry(options.cntlidMin(), options.cntlidMax());
        this.auth = new DhchapAuthenticator(new CatalogAuthPolicy(catalog), AuthThrottle.defaults());
        this.reservationNotices = new ReservationNotices(registry);
        // clustered (the deployed shape, workers in other processes): batched one-way sends with correlation IDs;
        // -Dnvmegate.batchedBus=false: event-bus request/reply per attempt (A/B). Workers of this node's own Vert.x
        // are called directly (LocalChannel; -Dnvmegate.localShortCircuit=false: over the bus like the others)
        this.batched = vertx.isClustered() && BatchedChannel.enabled() ? new BatchedChannel(vertx) : null;
        BlockChannel bus = batched != null ? batched : new EventBusChannel(vertx);
        log.info("gateway {}: block workers of this node are called {}; others get {}", options.id(), LocalChannel.enabled()
                ? "directly (same-process short-circuit)" : "over the event bus (-D" + LocalChannel.PROPERTY + "=false)",
                batched != null ? "batched one-way event-bus messages (" + batched.replyAddress() + ")"
                        : "event-bus request/reply" + (vertx.isClustered() ? " (-D" + BatchedChannel.PROPERTY + "=false)" : ""));
        BlockClient blocks = new BlockClient(vertx, LocalChannel.over(vertx, bus), new ReplicaRouter(),
                FailoverPolicy.defaults(), lease, BlockClient.TIMEOUT_MS);
        this.leaders = hz == null ? null : new ReplicationStatusFeed(vertx, hz, blocks.router());
        this.ana = new AnaStates(options.id(), catalog, lease, owners, storage, registry,
                new AnaMetrics(NodeMetrics.of(vertx).registry(), options.id()));
        this.commandSet = new NvmCommandSet(catalog, new IoCommands(catalog, blocks), new ReservationCommands(catalog, blocks),
                reservationNotices, options.transport().maxIoQueues(), ana);
    }

    public ControllerRegistry controllers() { return registry; }

    /** @return this gateway's ANA states */
    public AnaStates ana() { return ana; }

    public List<NvmeTcpServer> servers() { return listeners == null ? List.of() : listeners.servers(); }

    public Future<Void> start() {
        BlockCodecs.register(vertx.eventBus());
        reservationNotices.start(vertx);
        catalog.onChange(new NamespaceNotices(registry, catalog.current()));
        catalog.onChange(new io.nvmegate.discovery.DiscoveryNotices(registry, catalog.current())); // port discovery controllers
        ana.start(vertx);
        listeners = new PortListeners(vertx, options.id(), options.transport(),
                p -> new FabricsConnect(resolver(p), registry, PortListeners.transport(p, options.transport()), vertx, auth),
                p -> new PortPsks(catalog, p.id()));
        catalog.onChange(snap -> { // live reconfiguration: listeners and existing controllers follow the catalog
            boolean enabled = catalog.global().enabled();
            HostAccess.enforce(registry, snap, enabled, listeners); // first: the listeners still tell each connection's port
            listeners.reconcile(snap, enabled);
        });
        CatalogView.Snapshot now = catalog.current();
        if (now.ports().stream().noneMatch(p -> p.servedBy(options.id()))) log.warn("gateway {}: the catalog has no port for this gateway", options.id());
        Future<Void> routing = leaders == null ? Future.succeededFuture() : leaders.start().recover(e -> {
            log.warn("gateway {}: cannot follow {} ({}); replicated namespaces route by redirect hints only",
                    options.id(), io.nvmegate.catalog.ReplicationStatus.MAP, e.toString());
            return Future.succeededFuture();
        });
        Future<Void> replies = batched == null ? Future.succeededFuture() : batched.start();
        return Future.all(routing, replies).compose(v -> listeners.reconcile(now, catalog.global().enabled()));
    }

    /** @return the Hazelcast member of {@code vertx}'s cluster manager, or null (not clustered, or another manager) */
    static HazelcastInstance clusterHazelcast(Vertx vertx) {
        if (vertx instanceof VertxInternal vi && vi.clusterManager() instanceof HazelcastClusterManager m) {
            return m.getHazelcastInstance();
        }
        return null;
    }

    /** Subsystems a Connect on port {@code p} may name: the discovery NQN, and the NVM subsystems exported there. */
    private SubsystemResolver resolver(PortSpec p) {
        DiscoveryCommandSet discovery = DiscoveryCommandSet.forPort(catalog, p);
        Subsystem discoverySubsystem = discovery.subsystem();
        return nqn -> {
            if (nqn.equals(Opcodes.DISCOVERY_NQN)) return discoverySubsystem;
            CatalogView.Snapshot snap = catalog.current();
            SubsystemSpec s = snap.subsystem(nqn);
            PortSpec port = snap.ports().stream().filter(q -> q.id() == p.id()).findFirst().orElse(p); // links change live
            if (s == null || !port.exports(nqn)) return null;
            return new Subsystem(nqn, new Subsystem.Identity(s.serial(), s.model(), s.firmware(), s.ieeeOui(), s.maxNamespaces()), commandSet, host -> s.allowAnyHost() || s.hosts().contains(host));
        };
    }

    public Future<Void> stop() {
        ana.stop();
        registry.destroyAll("gateway stopping");
        reservationNotices.stop();
        if (leaders != null) leaders.stop().onFailure(e -> log.debug("replication status listener: {}", e.toString()));
        Future<Void> ports = listeners == null ? Future.succeededFuture() : listeners.stop();
        if (batched == null) return ports;
        return ports.transform(ar -> batched.close().transform(c -> {
            if (c.failed()) log.debug("block reply consumer: {}", c.cause().toString());
            return ar.succeeded() ? Future.<Void>succeededFuture() : Future.<Void>failedFuture(ar.cause());
        }));
    }
}
