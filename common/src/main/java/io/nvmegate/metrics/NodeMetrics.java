package io.nvmegate.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.core.shareddata.Shareable;

import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The meters of one nvmegate node (one clustered Vert.x instance), over one {@link MeterRegistry}. Several nodes
 * may run in one JVM: each has its own {@code NodeMetrics}, found by the code it instruments through the node's
 * Vert.x instance ({@link #attach}, {@link #of}); code running on a Vert.x without one gets {@link #NOOP}, which
 * records into a registry with no backend.
 */
public final class NodeMetrics implements Shareable {
    /** Records nothing anyone reads: the default where no node attached its metrics. */
    public static final NodeMetrics NOOP = new NodeMetrics(new CompositeMeterRegistry());

    /** Role label of the NVMe/TCP listeners of a gateway. */
    public static final String GATEWAY = "gateway";
    /** Role label of the discovery service's listener. */
    public static final String DISCOVERY = "discovery";

    private static final String KEY = "io.nvmegate.metrics.NodeMetrics";

    private final MeterRegistry registry;
    private final CommandMeters commands;
    private final Map<String, TargetMetrics> targets = new ConcurrentHashMap<>();
    private final Set<Integer> discoveryPorts = ConcurrentHashMap.newKeySet();
    private final Map<String, Counter> keepAliveExpiries = new ConcurrentHashMap<>();
    private final Map<String, Counter> authFailures = new ConcurrentHashMap<>();
    private final Map<String, Counter> idleCloses = new ConcurrentHashMap<>();
    private final Map<String, Counter> refusedConnections = new ConcurrentHashMap<>();
    private final EventBusMetrics eventBus;
    private final StorageMetrics storage;

    public NodeMetrics(MeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.commands = new CommandMeters(registry);
        this.eventBus = new EventBusMetrics(registry);
        this.storage = new StorageMetrics(registry);
    }

    /** Makes these the metrics of code running on {@code vertx} ({@link #of}). */
    public NodeMetrics attach(Vertx vertx) {
        vertx.sharedData().<String, NodeMetrics>getLocalMap(KEY).put(KEY, this);
        return this;
    }

    /** @return the metrics attached to {@code vertx}, or {@link #NOOP} */
    public static NodeMetrics of(Vertx vertx) {
        if (vertx == null) return NOOP;
        LocalMap<String, NodeMetrics> m = vertx.sharedData().getLocalMap(KEY);
        NodeMetrics n = m.get(KEY);
        return n == null ? NOOP : n;
    }

    public MeterRegistry registry() { return registry; }

    /** Connections accepted on TCP {@code port} are the discovery service's (role label "discovery"). */
    public void discoveryListensOn(int port) {
        discoveryPorts.add(port);
    }

    /** @return the meters of the listener on local TCP {@code port}: the discovery service's or the gateway's */
    public TargetMetrics target(int port) {
        return role(discoveryPorts.contains(port) ? DISCOVERY : GATEWAY);
    }

    /** @return the meters of listeners of {@code role} */
    public TargetMetrics role(String role) {
        return targets.computeIfAbsent(role, r -> new TargetMetrics(r, registry, commands));
    }

    /** A controller of subsystem {@code nqn} was destroyed because its host sent nothing for a keep-alive period. */
    public void keepAliveExpired(String nqn) {
        keepAliveExpiries.computeIfAbsent(commands.subsystem(nqn), s -> Counter.builder("nvmegate.keepalive.expiries")
                .description("Controllers destroyed by keep-alive timeout (KATO), by subsystem")
                .tag("subsystem", s).register(registry)).increment();
    }

    /**
     * A DH-HMAC-CHAP transaction failed ({@code nvmegate_auth_failures_total{reason}}). {@code reason} is one of a
     * small fixed set (the AUTH_Failure reason code explanations in lower case, {@code timeout},
     * {@code no_key}), so the label cannot grow without bound; never a host NQN or a key.
     */
    public void authFailed(String reason) {
        authFailures.computeIfAbsent(reason, r -> Counter.builder("nvmegate.auth.failures")
                .description("Failed in-band authentications (DH-HMAC-CHAP), by reason")
                .tag("reason", r).register(registry)).increment();
    }

    /**
     * A connection was closed for idleness ({@code nvmegate_idle_closes_total{reason}}): {@code pre_connect} (no
     * Fabrics Connect in time) or {@code admin_no_io} (KATO 0, no I/O queue, no command in time). A fixed set of
     * reasons, so the label cannot grow.
     */
    public void idleClosed(String reason) {
        idleCloses.computeIfAbsent(reason, r -> Counter.builder("nvmegate.idle.closes")
                .description("Connections closed for idleness where no keep-alive applies, by reason")
                .tag("reason", r).register(registry)).increment();
    }

    /** A connection to a listener of {@code role} was closed at accept: the listener's maxConnections were open. */
    public void connectionRefused(String role) {
        refusedConnections.computeIfAbsent(role, r -> Counter.builder("nvmegate.connections.refused")
                .description("NVMe/TCP connections closed at accept because the listener had its most connections (maxConnections), by role")
                .tag("role", r).register(registry)).increment();
    }

    public EventBusMetrics eventBus() { return eventBus; }

    public StorageMetrics storage() { return storage; }
}
