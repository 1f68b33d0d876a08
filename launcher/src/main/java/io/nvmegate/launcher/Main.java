package io.nvmegate.launcher;

import io.nvmegate.catalog.CatalogConfig;
import io.nvmegate.catalog.PortSpec;
import io.nvmegate.cluster.ClusterOptions;
import io.nvmegate.launcher.observability.ObservabilityOptions;
import io.nvmegate.controller.TransportConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code java -jar nvmegate.jar [all|gateway|worker|discovery] [options]}: runs the chosen roles until SIGTERM /
 * Ctrl-C, then shuts down cleanly (controllers destroyed, RocksDB flushed and closed, cluster left).
 * Exit codes: 0 clean stop, 1 start-up failure, 2 bad command line or configuration.
 */
@Command(name = "nvmegate", mixinStandardHelpOptions = true, version = "nvmegate 0.1.0",
        description = "NVMe over TCP storage target: gateway, block worker and discovery service.",
        subcommands = io.nvmegate.control.cli.CtlCommand.class)
public final class Main implements Callable<Integer> {
    @Parameters(index = "0", defaultValue = "all", description = "Role: all (default), gateway, worker, discovery.")
    Role role;

    @Option(names = "--config", defaultValue = "${env:NVMEGATE_CONFIG}", description = "Catalog configuration (JSON). "
            + "Default: one subsystem " + CatalogConfig.DEFAULT_NQN + " with a 1 GiB namespace, exported on --port. Env NVMEGATE_CONFIG.")
    Path config;

    @Option(names = "--data", defaultValue = "${env:NVMEGATE_DATA:-data}", description = "Data directory (RocksDB). Env NVMEGATE_DATA. Default: ${DEFAULT-VALUE}")
    Path data;

    @Option(names = "--bind", defaultValue = "${env:NVMEGATE_BIND:-0.0.0.0}", description = "NVMe/TCP listen address of the default port "
            + "and of the discovery service. Env NVMEGATE_BIND. Default: ${DEFAULT-VALUE}")
    String bind;

    @Option(names = "--port", defaultValue = "${env:NVMEGATE_PORT:-4420}", description = "NVMe/TCP I/O port of the default configuration. Env NVMEGATE_PORT. Default: ${DEFAULT-VALUE}")
    int port;

    @Option(names = "--discovery-port", defaultValue = "${env:NVMEGATE_DISCOVERY_PORT:-8009}", description = "Discovery service port "
            + "(0: a free port, -1: no discovery service, also in role all). Env NVMEGATE_DISCOVERY_PORT. Default: ${DEFAULT-VALUE}")
    int discoveryPort;

    @Option(names = "--advertise", defaultValue = "${env:NVMEGATE_ADVERTISE}", description = "TRADDR published in discovery log entries "
            + "of the default port, or of the --config ports that set no advertisedAddress (needed behind NAT or a "
            + "container port mapping, e.g. 10.0.2.2 for a QEMU guest). Env NVMEGATE_ADVERTISE.")
    String advertise;

    @Option(names = "--discovery-nqn", defaultValue = "${env:NVMEGATE_DISCOVERY_NQN}", description = "Unique discovery "
            + "NQN of the discovery service (Identify SUBNQN and its own log entry); Connect accepts it and the well-known "
            + "nqn.2014-08.org.nvmexpress.discovery. Env NVMEGATE_DISCOVERY_NQN. Default: the well-known NQN only.")
    String discoveryNqn;

    @Option(names = "--discovery-advertise", defaultValue = "${env:NVMEGATE_DISCOVERY_ADVERTISE}", description = "ADDR[:PORT] "
            + "the discovery service publishes for itself (its SUBTYPE 3 log entry), e.g. the shared address of several "
            + "instances. Env NVMEGATE_DISCOVERY_ADVERTISE. Default: --advertise, else the address reached; the port bound.")
    String discoveryAdvertise;

    @Option(names = "--cluster-host", defaultValue = "${env:NVMEGATE_CLUSTER_HOST:-127.0.0.1}", description = "Interface the cluster binds to "
            + "(Hazelcast and the event bus, never a wildcard): an address, or a host name resolved at start (e.g. a compose "
            + "service name). Hazelcast is neither encrypted nor authenticated: use an address on a network only nvmegate "
            + "members reach. Env NVMEGATE_CLUSTER_HOST. Default: ${DEFAULT-VALUE}")
    String clusterHost;

    @Option(names = "--cluster-tls-cert", defaultValue = "${env:NVMEGATE_CLUSTER_TLS_CERT}", description = "PEM certificate of this "
            + "member, issued by the cluster CA: turns on TLS 1.3 with mutual authentication on the event bus (with "
            + "--cluster-tls-key and --cluster-tls-ca). Env NVMEGATE_CLUSTER_TLS_CERT. Default: none (plain TCP).")
    String clusterTlsCert;

    @Option(names = "--cluster-tls-key", defaultValue = "${env:NVMEGATE_CLUSTER_TLS_KEY}", description = "PEM private key of "
            + "--cluster-tls-cert. Env NVMEGATE_CLUSTER_TLS_KEY.")
    String clusterTlsKey;

    @Option(names = "--cluster-tls-ca", defaultValue = "${env:NVMEGATE_CLUSTER_TLS_CA}", description = "PEM certificate of the "
            + "cluster CA, the only issuer trusted for other members. Env NVMEGATE_CLUSTER_TLS_CA.")
    String clusterTlsCa;

    @Option(names = "--cluster-secret-key", defaultValue = "${env:NVMEGATE_CLUSTER_SECRET_KEY}", description = "File holding "
            + "the cluster secret key (base64 of 32 random bytes: openssl rand -base64 32), the same on every member: host "
            + "secrets are sealed with it (AES-256-GCM) before they enter Hazelcast and the catalog store. "
            + "Env NVMEGATE_CLUSTER_SECRET_KEY. Default: none (host secrets in clear).")
    String clusterSecretKey;

    @Option(names = "--cluster-port", defaultValue = "${env:NVMEGATE_CLUSTER_PORT:-0}", description = "Hazelcast member port (0: first free from 5701). Env NVMEGATE_CLUSTER_PORT.")
    int clusterPort;

    @Option(names = "--members", split = ",", defaultValue = "${env:NVMEGATE_MEMBERS}", description = "Cluster members to join, "
            + "host:port,... (default: none, a single-member cluster). Env NVMEGATE_MEMBERS.")
    List<String> members = new ArrayList<>();

    @Option(names = "--cluster-name", defaultValue = "${env:NVMEGATE_CLUSTER_NAME:-nvmegate}", description = "Cluster name. Env NVMEGATE_CLUSTER_NAME. Default: ${DEFAULT-VALUE}")
    String clusterName;

    @Option(names = "--raft-port", defaultValue = "${env:NVMEGATE_RAFT_PORT:-9870}", description = "Port of the block "
            + "worker's Raft server (Apache Ratis, gRPC) for replicated namespaces, on --cluster-host; bound once the "
            + "worker holds a replica; 0: a free port; -1: none (replication factor 1 only). Env NVMEGATE_RAFT_PORT. "
            + "Default: ${DEFAULT-VALUE}")
    int raftPort;

    @Option(names = "--worker-id", defaultValue = "${env:NVMEGATE_WORKER_ID:-worker-1}", description = "Block worker ID. Env NVMEGATE_WORKER_ID. Default: ${DEFAULT-VALUE}")
    String workerId;

    @Option(names = "--gateway-id", defaultValue = "${env:NVMEGATE_GATEWAY_ID:-gateway-1}", description = "Gateway ID. Env NVMEGATE_GATEWAY_ID. Default: ${DEFAULT-VALUE}")
    String gatewayId;

    @Option(names = "--metrics-host", defaultValue = "${env:NVMEGATE_METRICS_HOST}", description = "Listen address of "
            + "/metrics, /health/live and /health/ready (HTTP). Env NVMEGATE_METRICS_HOST. Default: the --bind address.")
    String metricsHost;

    @Option(names = "--metrics-port", defaultValue = "${env:NVMEGATE_METRICS_PORT:-9420}", description = "HTTP port of /metrics and "
            + "the health endpoints (0: a free port, -1: none). Env NVMEGATE_METRICS_PORT. Default: ${DEFAULT-VALUE}")
    int metricsPort;

    @Option(names = "--api-host", defaultValue = "${env:NVMEGATE_API_HOST:-127.0.0.1}", description = "Listen address of the "
            + "management API (gateway nodes); any non-loopback address requires --api-token. Env NVMEGATE_API_HOST. Default: ${DEFAULT-VALUE}")
    String apiHost;

    @Option(names = "--api-port", defaultValue = "${env:NVMEGATE_API_PORT:-8080}", description = "Port of the management API "
            + "(0: a free port, -1: none). Env NVMEGATE_API_PORT. Default: ${DEFAULT-VALUE}")
    int apiPort;

    @Option(names = "--api-token", defaultValue = "${env:NVMEGATE_API_TOKEN}", description = "Bearer token the management API "
            + "requires (at least 16 characters). Env NVMEGATE_API_TOKEN.")
    String apiToken;

    @Option(names = "--catalog-store", defaultValue = "${env:NVMEGATE_CATALOG_STORE}", description = "Directory of the durable "
            + "catalog (RocksDB) on members that run a block worker; 'none': keep the catalog in memory only. "
            + "Env NVMEGATE_CATALOG_STORE. Default: <--data>/catalog")
    String catalogStore;

    @Option(names = "--start-timeout", defaultValue = "${env:NVMEGATE_START_TIMEOUT:-120}", description = "Seconds the node may "
            + "take to start (cluster join, catalog load, listeners) before it gives up; a gateway or discovery member "
            + "waiting for a block worker to bring the catalog waits without limit (not ready meanwhile). "
            + "Env NVMEGATE_START_TIMEOUT. Default: ${DEFAULT-VALUE}")
    int startTimeoutSeconds;

    @Option(names = "--max-subsystems", defaultValue = "${env:NVMEGATE_MAX_SUBSYSTEMS:-1024}", description = "Most subsystems "
            + "in the catalog (the management API answers 409 maxSubsystems past it). Env NVMEGATE_MAX_SUBSYSTEMS. Default: ${DEFAULT-VALUE}")
    int maxSubsystems;

    @Option(names = "--max-namespaces", defaultValue = "${env:NVMEGATE_MAX_NAMESPACES:-4096}", description = "Most namespaces "
            + "in the catalog, all subsystems together (409 maxNamespaces). Env NVMEGATE_MAX_NAMESPACES. Default: ${DEFAULT-VALUE}")
    int maxNamespaces;

    @Option(names = "--max-hosts", defaultValue = "${env:NVMEGATE_MAX_HOSTS:-4096}", description = "Most hosts in the catalog "
            + "(409 maxHosts). Env NVMEGATE_MAX_HOSTS. Default: ${DEFAULT-VALUE}")
    int maxHosts;

    @Option(names = "--max-hosts-per-subsystem", defaultValue = "${env:NVMEGATE_MAX_HOSTS_PER_SUBSYSTEM:-1024}", description = "Most "
            + "hosts linked to one subsystem (409 maxHostsPerSubsystem). Env NVMEGATE_MAX_HOSTS_PER_SUBSYSTEM. Default: ${DEFAULT-VALUE}")
    int maxHostsPerSubsystem;

    @Option(names = "--max-controllers-per-subsystem", defaultValue = "${env:NVMEGATE_MAX_CONTROLLERS_PER_SUBSYSTEM:-1024}",
            description = "Most live controllers of one subsystem on this gateway; one more admin Connect is answered Connect "
                    + "Controller Busy. Env NVMEGATE_MAX_CONTROLLERS_PER_SUBSYSTEM. Default: ${DEFAULT-VALUE}")
    int maxControllersPerSubsystem;

    @Option(names = "--max-connections", defaultValue = "${env:NVMEGATE_MAX_CONNECTIONS:-10000}", description = "Most open "
            + "TCP connections per NVMe/TCP listener (gateway ports, discovery); one more is closed at accept "
            + "(nvmegate_connections_refused_total). Env NVMEGATE_MAX_CONNECTIONS. Default: ${DEFAULT-VALUE}")
    int maxConnections;

    /** The {@code --max-*} options. @throws IllegalArgumentException naming the option below 1 */
    io.nvmegate.control.Limits limits() {
        return new io.nvmegate.control.Limits(maxSubsystems, maxNamespaces, maxHosts, maxHostsPerSubsystem,
                maxControllersPerSubsystem, maxConnections);
    }

    public static void main(String[] args) {
        System.setProperty("hazelcast.phone.home.enabled", "false");
        System.exit(new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (advertise != null && advertise.isBlank()) advertise = null; // NVMEGATE_ADVERTISE="" means none
        io.nvmegate.control.Limits limits;
        try {
            limits = limits();
        } catch (IllegalArgumentException e) {
            System.err.println("nvmegate: bad limit: " + e.getMessage());
            return 2;
        }
        TransportConfig transport = TransportConfig.defaults().withConnectionLimits(limits.maxControllersPerSubsystem(), limits.maxConnections());
        CatalogConfig cfg;
        try {
            cfg = config != null ? advertised(CatalogConfig.read(config)) : defaults();
        } catch (IllegalArgumentException e) {
            System.err.println("nvmegate: bad configuration: " + e.getMessage());
            return 2;
        }
        String clusterAddress;
        try {
            clusterAddress = InetAddress.getByName(clusterHost).getHostAddress(); // Hazelcast binds addresses, not names
        } catch (UnknownHostException e) {
            System.err.println("nvmegate: unknown --cluster-host " + clusterHost);
            return 2;
        }
        List<String> seeds = members == null ? List.of() : members.stream().map(String::trim).filter(m -> !m.isEmpty()).toList();
        io.nvmegate.control.ApiOptions api = new io.nvmegate.control.ApiOptions(apiHost, apiPort,
                apiToken == null || apiToken.isEmpty() ? null : apiToken);
        try {
            if (role.runsGateway() && api.enabled()) api.validate();
        } catch (IllegalArgumentException e) {
            System.err.println("nvmegate: " + e.getMessage());
            return 2;
        }
        io.nvmegate.cluster.ClusterTls clusterTls;
        io.nvmegate.catalog.SecretSeal seal;
        try {
            clusterTls = io.nvmegate.cluster.ClusterTls.of(clusterTlsCert, clusterTlsKey, clusterTlsCa);
            seal = clusterSecretKey == null || clusterSecretKey.isBlank() ? io.nvmegate.catalog.SecretSeal.NONE
                    : io.nvmegate.catalog.SecretSeal.fromKeyFile(Path.of(clusterSecretKey.trim()));
        } catch (IllegalArgumentException e) {
            System.err.println("nvmegate: " + e.getMessage());
            return 2;
        }
        java.nio.file.Path store = !role.runsWorker() || "none".equals(catalogStore) ? null
                : catalogStore == null || catalogStore.isBlank() ? data.resolve("catalog") : java.nio.file.Path.of(catalogStore);
        if (raftPort < -1 || raftPort > 65535) {
            System.err.println("nvmegate: --raft-port must be -1..65535, got " + raftPort);
            return 2;
        }
        NodeOptions o = new NodeOptions(role, new ClusterOptions(clusterName, clusterAddress, clusterPort, seeds, store, clusterTls, seal), cfg,
                data, workerId, gatewayId, bind, discoveryPort, transport,
                new ObservabilityOptions(metricsHost == null || metricsHost.isBlank() ? bind : metricsHost, metricsPort),
                raftPort);
        NvmegateNode.DiscoveryIdentity discovery;
        try {
            discovery = discoveryIdentity();
            if (o.runsDiscovery()) {
                new io.nvmegate.discovery.DiscoveryService.Options(bind, discoveryPort, transport,
                        discovery.nqn(), discovery.advertisedAddress(), discovery.advertisedPort()); // validates
            }
        } catch (IllegalArgumentException e) {
            System.err.println("nvmegate: " + e.getMessage());
            return 2;
        }
        // --start-timeout bounds the join, and the roles' start when the catalog is there; a gateway or discovery
        // member whose cluster has no catalog yet waits for it as long as it takes (health: not ready)
        NvmegateNode node = NvmegateNode.begin(o, api, discovery, limits);
        try {
            node.started().toCompletableFuture().get(startTimeoutSeconds, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            System.err.println("nvmegate: failed to start: " + (e instanceof ExecutionException ? e.getCause() : e));
            node.close();
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        AtomicBoolean failed = new AtomicBoolean(), shuttingDown = new AtomicBoolean();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            shuttingDown.set(true);
            node.close();
            stopped.countDown();
        }, "nvmegate-shutdown"));
        node.serving().whenComplete((n, e) -> {
            if (e == null || shuttingDown.get()) return;
            System.err.println("nvmegate: failed to start: " + e);
            failed.set(true);
            stopped.countDown();
        });
        stopped.await();
        if (failed.get()) {
            node.close();
            return 1;
        }
        return 0;
    }

    /** --discovery-nqn and --discovery-advertise (ADDR, ADDR:PORT or [IPv6]:PORT; default address --advertise). */
    private NvmegateNode.DiscoveryIdentity discoveryIdentity() {
        String nqn = discoveryNqn == null || discoveryNqn.isBlank() ? null : discoveryNqn.trim();
        String addr = advertise;
        int p = 0;
        if (discoveryAdvertise != null && !discoveryAdvertise.isBlank()) {
            String a = discoveryAdvertise.trim();
            int colon = a.lastIndexOf(':');
            boolean bracketed = a.startsWith("[");
            if (colon > 0 && (bracketed ? a.indexOf(']') < colon : a.indexOf(':') == colon)) {
                try {
                    p = Integer.parseInt(a.substring(colon + 1));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("--discovery-advertise: bad port in " + a);
                }
                a = a.substring(0, colon);
            }
            addr = bracketed ? a.substring(1, a.length() - 1) : a;
        }
        return new NvmegateNode.DiscoveryIdentity(nqn, addr, p);
    }

    /** --advertise also applies to configured ports without an advertisedAddress. */
    private CatalogConfig advertised(CatalogConfig c) {
        if (advertise == null || advertise.isBlank()) return c;
        List<PortSpec> ports = c.ports().stream()
                .map(p -> p.advertisedAddress() != null ? p
                        : p.withAddresses(p.traddr(), advertise))
                .toList();
        return new CatalogConfig(c.subsystems(), c.namespaces(), ports);
    }

    private CatalogConfig defaults() {
        CatalogConfig d = CatalogConfig.defaults(port);
        List<PortSpec> ports = d.ports().stream()
                .map(p -> p.withAddresses(bind, advertise))
                .toList();
        return new CatalogConfig(d.subsystems(), d.namespaces(), ports);
    }

}
