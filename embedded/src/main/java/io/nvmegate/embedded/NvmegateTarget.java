package io.nvmegate.embedded;

import io.nvmegate.testkit.FreePorts;
import io.nvmegate.catalog.NamespaceSpec;
import io.nvmegate.cluster.ClusterOptions;
import io.nvmegate.control.ApiOptions;
import io.nvmegate.launcher.NodeOptions;
import io.nvmegate.launcher.NvmegateNode;
import io.nvmegate.launcher.Role;
import io.nvmegate.launcher.observability.ObservabilityOptions;
import io.nvmegate.transport.NvmeTcpServer;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.BindException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * An NVMe/TCP target inside the calling JVM, for tests of NVMe host software (drivers, initiators, storage
 * applications) without hardware or kernel modules. A thin builder over the launcher's bootstrap
 * ({@link NvmegateNode}, role {@code all}): the same gateway (cluster-wide CNTLID range), block worker (refreshed
 * on every catalog change) and optional discovery service as a standalone nvmegate, on a private single-member
 * Hazelcast cluster bound to 127.0.0.1 with a generated cluster name and a free member port, so it never joins or
 * contacts another cluster. It serves no management API and no HTTP metrics (meters are recorded).
 *
 * <pre>{@code
 * try (NvmegateTarget target = NvmegateTarget.builder()
 *         .transport(TcpTransportOptions.defaults().withMaxQueueDepth(64))
 *         .subsystem(SubsystemConfig.of("nqn.2026-11.io.example:disk").withSerial("TEST-1"))
 *         .namespace("nqn.2026-11.io.example:disk", 1, 64L << 20, 4096, Backend.MEMORY)
 *         .listener("127.0.0.1", 0)                       // 0: a free port, see ports()
 *         .build()
 *         .startAndAwait()) {
 *     int port = target.port();                           // connect your host to 127.0.0.1:port
 * }
 * }</pre>
 *
 * <h2>Ports</h2>
 * A listener on port 0 gets a port picked just before start-up by a bind test ({@link FreePorts}); that port is
 * written into the catalog, so discovery log entries (TRSVCID) publish the real port. If another process takes
 * the port in between and the bind fails, the start is retried with new ports (3 attempts). The ports chosen by
 * the first successful start are kept: a {@link #stop()}ped target started again listens on the same ports.
 * Without a {@link Builder#discovery discovery listener}, every I/O listener still answers the well-known
 * discovery NQN, listing its own subsystems.
 *
 * <h2>Threads</h2>
 * The target runs on its own Vert.x instance (event loops {@code vert.x-eventloop-thread-*}, storage threads
 * {@code nvmegate-block-worker-1-*}) and Hazelcast threads ({@code hz.*}); it never runs code on the caller's
 * threads, and the futures returned by {@link #start()} and {@link #stop()} complete on a
 * {@link java.util.concurrent.ForkJoinPool#commonPool() common-pool} thread, never on a target event loop, so a
 * callback may block (e.g. run I/O through a host library against this target). A host library in the same JVM
 * with threads of its own ({@code io.nvmegate.client} has them) therefore cannot deadlock with the target.
 *
 * <h2>Life cycle</h2>
 * {@link #start()} and {@link #stop()} may alternate any number of times; {@link #close()} stops and waits.
 * Stopping tears down every controller (hosts see their connections closed), closes the listeners, flushes and
 * closes RocksDB (its native memory freed), drops MEMORY namespaces' data, leaves and shuts down the private
 * cluster and closes the Vert.x instance (its threads end). A RocksDB namespace keeps its data across restarts,
 * a MEMORY namespace does not.
 */
public final class NvmegateTarget implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(NvmegateTarget.class);
    private static final int BIND_ATTEMPTS = 3;
    /** The gateway ID of the target's node (its ports name no gateway: served by it). */
    private static final String GATEWAY_ID = "gateway-1";

    private final TargetSpec spec;
    private final Duration startTimeout;

    /** Guarded by {@code this}. */
    private NvmegateNode running;
    private List<Integer> ports;
    private int discoveryPort;
    private CompletableFuture<NvmegateTarget> starting;

    private NvmegateTarget(TargetSpec spec, Duration startTimeout) {
        this.spec = spec;
        this.startTimeout = startTimeout;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts the target: cluster, catalog, block worker, gateway listeners, discovery service.
     *
     * @return completes with this target when every listener accepts connections; fails (and releases what was
     *         started) if a port cannot be bound after {@value #BIND_ATTEMPTS} attempts, RocksDB cannot be opened,
     *         or start-up takes longer than the builder's start timeout. Completes on a common-pool thread.
     *         Starting a started target completes at once.
     */
    public synchronized CompletionStage<NvmegateTarget> start() {
        if (running != null) return CompletableFuture.completedFuture(this);
        if (starting != null) return starting;
        CompletableFuture<NvmegateTarget> result = new CompletableFuture<>();
        starting = result;
        attempt(1, result);
        return result.orTimeout(startTimeout.toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((t, e) -> {
                    synchronized (this) {
                        if (starting == result) starting = null;
                    }
                });
    }

    /** {@link #start()} and wait; rethrows its failure unchecked. @return this target */
    public NvmegateTarget startAndAwait() {
        await(start(), "start");
        return this;
    }

    private void attempt(int n, CompletableFuture<NvmegateTarget> result) {
        List<Integer> chosen;
        int disc;
        synchronized (this) {
            chosen = ports != null ? ports : spec.resolvePorts();
            disc = spec.discovery() == null ? 0 : discoveryPort != 0 ? discoveryPort
                    : spec.discovery().port() != 0 ? spec.discovery().port() : FreePorts.pick(spec.discovery().host());
        }
        NvmegateNode node = NvmegateNode.begin(nodeOptions(chosen, disc), ApiOptions.disabled(), NvmegateNode.DiscoveryIdentity.DEFAULT);
        node.serving().whenComplete((started, cause) -> {
            if (cause == null) {
                synchronized (this) {
                    if (result.isDone()) { // timed out meanwhile: release what this late start acquired
                        shutdown(node);
                        return;
                    }
                    running = node;
                    ports = List.copyOf(chosen);
                    discoveryPort = disc;
                }
                log.info("nvmegate embedded target ready: NVMe/TCP {} port(s) {}, discovery {}, subsystems {}",
                        spec.connectHost(), chosen, disc == 0 ? "none" : disc, spec.subsystems().stream().map(SubsystemConfig::nqn).toList());
                result.completeAsync(() -> this);
                return;
            }
            // a failed start has released what it started
            boolean retry;
            synchronized (this) {
                retry = isBindFailure(cause) && ports == null && spec.hasEphemeralPorts() && n < BIND_ATTEMPTS
                        && !result.isDone();
            }
            if (retry) {
                log.info("embedded target: bind failed ({}), retrying with new ports", cause.toString());
                attempt(n + 1, result);
            } else {
                CompletableFuture.runAsync(() -> result.completeExceptionally(cause));
            }
        });
    }

    private static boolean isBindFailure(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof BindException) return true;
        }
        return false;
    }

    /** The node of this target: the launcher's bootstrap, role {@code all} on a private single-member cluster. */
    private NodeOptions nodeOptions(List<Integer> chosenPorts, int disc) {
        Path rocksDir = spec.rocksDbDirectory();
        Path dataDir = rocksDir != null ? rocksDir : Path.of(System.getProperty("java.io.tmpdir"));
        ClusterOptions cluster = new ClusterOptions("nvmegate-embedded-" + UUID.randomUUID(), "127.0.0.1",
                FreePorts.pick("127.0.0.1"), List.of());
        return new NodeOptions(Role.all, cluster, spec.catalogConfig(chosenPorts), dataDir, NamespaceSpec.DEFAULT_WORKER,
                GATEWAY_ID, spec.discovery() == null ? "127.0.0.1" : spec.discovery().host(), spec.discovery() == null ? -1 : disc,
                spec.transport().toTransportConfig(), ObservabilityOptions.disabled());
    }

    /** Stops {@code node}; never fails. */
    private static CompletionStage<Void> shutdown(NvmegateNode node) {
        return node.stop().exceptionally(e -> {
            log.warn("embedded target: unclean stop: {}", e.toString());
            return null;
        });
    }

    /**
     * Stops the target (see the class comment); a stopped target may be started again.
     *
     * @return completes on a common-pool thread when everything is released; never fails (problems are logged)
     */
    public CompletionStage<Void> stop() {
        NvmegateNode r;
        CompletableFuture<NvmegateTarget> pending;
        synchronized (this) {
            r = running;
            running = null;
            pending = starting;
        }
        if (r == null && pending != null) {
            // stop during start: wait for the start to end, then stop what it started
            return pending.handle((t, e) -> null).thenCompose(x -> stop());
        }
        if (r == null) return CompletableFuture.completedFuture(null);
        CompletableFuture<Void> done = new CompletableFuture<>();
        shutdown(r).whenComplete((v, e) -> {
            log.info("nvmegate embedded target stopped (ports {})", ports);
            CompletableFuture.runAsync(() -> done.complete(null));
        });
        return done;
    }

    /**
     * Stops the target and waits (at most 60 s).
     *
     * @throws IllegalStateException if called on one of this target's own event-loop threads (it would wait for
     *                               itself)
     */
    @Override
    public void close() {
        Vertx own;
        synchronized (this) {
            own = running == null || running.cluster() == null ? null : running.cluster().vertx();
        }
        Context ctx = Vertx.currentContext();
        if (own != null && ctx != null && ctx.owner() == own) {
            throw new IllegalStateException("close() called on a thread of the target it closes; use stop()");
        }
        try {
            stop().toCompletableFuture().get(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            log.warn("embedded target: close: {}", e.toString());
        }
    }

    /** @return true between a completed {@link #start()} and the next {@link #stop()} */
    public synchronized boolean isRunning() { return running != null; }

    /**
     * @return the bound NVMe/TCP port of each listener, in listener order (a listener configured with port 0
     *         reports its real port)
     * @throws IllegalStateException before the first successful start
     */
    public synchronized List<Integer> ports() {
        if (ports == null) throw new IllegalStateException("target not started");
        return ports;
    }

    /** @return the first listener's bound port ({@link #ports()}) */
    public int port() { return ports().get(0); }

    /** @return the discovery service's bound port, or 0 if the target has no discovery listener */
    public synchronized int discoveryPort() {
        if (ports == null) throw new IllegalStateException("target not started");
        return discoveryPort;
    }

    /** @return the address a client on this machine connects to (the first listener's, 127.0.0.1 for a wildcard) */
    public String host() { return spec.connectHost(); }

    /** @return everything a test needs to connect (after the first successful start) */
    public TargetInfo info() {
        return new TargetInfo(host(), ports(), discoveryPort(), spec.subsystems(), spec.namespaces());
    }

    /** @return the configured subsystems */
    public List<SubsystemConfig> subsystems() { return spec.subsystems(); }

    /** @return the configured namespaces */
    public List<NamespaceConfig> namespaces() { return spec.namespaces(); }

    /** @return the transport options */
    public TcpTransportOptions transport() { return spec.transport(); }

    /** @return the node (the launcher's bootstrap) while running, else null (tests of this package) */
    synchronized NvmegateNode node() {
        return running;
    }

    /** @return the TCP servers of the gateway while running (diagnostics; e.g. their actual ports) */
    synchronized List<NvmeTcpServer> servers() {
        return running == null || running.gateway() == null ? List.of() : running.gateway().servers();
    }

    static <T> T await(CompletionStage<T> stage, String what) {
        try {
            return stage.toCompletableFuture().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(what + " interrupted", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException re) throw re;
            throw new IllegalStateException("embedded target " + what + " failed: " + c, c);
        }
    }

    @Override
    public String toString() {
        List<Integer> p;
        synchronized (this) {
            p = ports;
        }
        return "NvmegateTarget[" + host() + (p == null ? "" : ":" + p) + " " + spec.subsystems().stream().map(SubsystemConfig::nqn).toList()
                + (isRunning() ? " running" : " stopped") + "]";
    }

    /**
     * Builds an {@link NvmegateTarget} (not started). At least one subsystem is needed; without a listener the
     * target gets one on {@code 127.0.0.1}, port 0.
     */
    public static final class Builder {
        private final List<SubsystemConfig> subsystems = new ArrayList<>();
        private final List<NamespaceConfig> namespaces = new ArrayList<>();
        private final List<ListenerConfig> listeners = new ArrayList<>();
        private ListenerConfig discovery;
        private TcpTransportOptions transport = TcpTransportOptions.defaults();
        private Duration startTimeout = Duration.ofMinutes(2);

        private Builder() {}

        /** Transport options of every listener (default {@link TcpTransportOptions#defaults()}). */
        public Builder transport(TcpTransportOptions v) {
            transport = Objects.requireNonNull(v, "transport");
            return this;
        }

        /** Adds a subsystem any host may connect to, with default serial and model. */
        public Builder subsystem(String nqn) {
            return subsystem(SubsystemConfig.of(nqn));
        }

        /** Adds a subsystem. */
        public Builder subsystem(SubsystemConfig v) {
            subsystems.add(Objects.requireNonNull(v, "subsystem"));
            return this;
        }

        /**
         * Adds a namespace; its subsystem is added with defaults ({@link SubsystemConfig#of}) unless already added.
         *
         * @param sizeBytes capacity, a positive multiple of {@code blockSize}
         * @param blockSize 512 or 4096
         */
        public Builder namespace(String nqn, int nsid, long sizeBytes, int blockSize, Backend backend) {
            return namespace(new NamespaceConfig(nqn, nsid, sizeBytes, blockSize, backend));
        }

        /** Adds a namespace (see {@link #namespace(String, int, long, int, Backend)}). */
        public Builder namespace(NamespaceConfig v) {
            Objects.requireNonNull(v, "namespace");
            if (subsystems.stream().noneMatch(s -> s.nqn().equals(v.subsystemNqn()))) subsystem(v.subsystemNqn());
            namespaces.add(v);
            return this;
        }

        /** Adds an NVMe/TCP listener; port 0 picks a free port at start ({@link NvmegateTarget#ports()}). */
        public Builder listener(String host, int port) {
            return listener(new ListenerConfig(host, port, null));
        }

        /** Adds an NVMe/TCP listener whose discovery log entries publish {@code advertisedAddress} as TRADDR. */
        public Builder listener(String host, int port, String advertisedAddress) {
            return listener(new ListenerConfig(host, port, advertisedAddress));
        }

        public Builder listener(ListenerConfig v) {
            listeners.add(Objects.requireNonNull(v, "listener"));
            return this;
        }

        /**
         * Also runs a discovery service (NVMe-oF 1.1 section 7.4.9.2; conventionally port 8009) listing every
         * (listener, subsystem) pair. Port 0 picks a free port ({@link NvmegateTarget#discoveryPort()}).
         */
        public Builder discovery(String host, int port) {
            discovery = new ListenerConfig(host, port, null);
            return this;
        }

        /** Most time {@link NvmegateTarget#start()} may take (default 2 minutes). */
        public Builder startTimeout(Duration v) {
            startTimeout = Objects.requireNonNull(v, "startTimeout");
            return this;
        }

        /**
         * @throws IllegalStateException    without a subsystem
         * @throws IllegalArgumentException for duplicate subsystems/namespaces, or RocksDB namespaces in different
         *                                  directories
         */
        public NvmegateTarget build() {
            List<ListenerConfig> ls = listeners.isEmpty() ? List.of(new ListenerConfig("127.0.0.1", 0, null)) : listeners;
            return new NvmegateTarget(new TargetSpec(subsystems, namespaces, ls, discovery, transport), startTimeout);
        }

        /** @return the spec the subprocess mode writes into a configuration file */
        TargetSpec spec() {
            List<ListenerConfig> ls = listeners.isEmpty() ? List.of(new ListenerConfig("127.0.0.1", 0, null)) : listeners;
            return new TargetSpec(subsystems, namespaces, ls, discovery, transport);
        }
    }
}
