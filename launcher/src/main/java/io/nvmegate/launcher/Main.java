package io.nvmegate.launcher;

import io.nvmegate.catalog.CatalogConfig;
import io.nvmegate.catalog.PortSpec;
import io.nvmegate.cluster.ClusterOptions;
import io.nvmegate.transport.TransportConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code java -jar nvmegate.jar [all|gateway|worker|discovery] [options]}: runs the chosen roles until SIGTERM /
 * Ctrl-C, then shuts down cleanly (controllers destroyed, RocksDB flushed and closed, cluster left).
 * Exit codes: 0 clean stop, 1 start-up failure, 2 bad command line or configuration.
 */
@Command(name = "nvmegate", mixinStandardHelpOptions = true, version = "nvmegate 0.1.0",
        description = "NVMe over TCP storage target: gateway, block worker and discovery service.")
public final class Main implements Callable<Integer> {
    @Parameters(index = "0", defaultValue = "all", description = "Role: all (default), gateway, worker, discovery.")
    Role role;

    @Option(names = "--config", description = "Catalog configuration (JSON). Default: one subsystem "
            + CatalogConfig.DEFAULT_NQN + " with a 1 GiB namespace, exported on --port.")
    Path config;

    @Option(names = "--data", defaultValue = "data", description = "Data directory (RocksDB). Default: ${DEFAULT-VALUE}")
    Path data;

    @Option(names = "--bind", defaultValue = "0.0.0.0", description = "NVMe/TCP listen address of the default port "
            + "and of the discovery service. Default: ${DEFAULT-VALUE}")
    String bind;

    @Option(names = "--port", defaultValue = "4420", description = "NVMe/TCP I/O port of the default configuration. Default: ${DEFAULT-VALUE}")
    int port;

    @Option(names = "--discovery-port", defaultValue = "8009", description = "Discovery service port. Default: ${DEFAULT-VALUE}")
    int discoveryPort;

    @Option(names = "--advertise", description = "TRADDR published in discovery log entries of the default port "
            + "(needed behind NAT, e.g. 10.0.2.2 for a QEMU guest).")
    String advertise;

    @Option(names = "--cluster-host", defaultValue = "127.0.0.1", description = "Interface the cluster binds to. Default: ${DEFAULT-VALUE}")
    String clusterHost;

    @Option(names = "--cluster-port", defaultValue = "0", description = "Hazelcast member port (0: first free from 5701).")
    int clusterPort;

    @Option(names = "--members", split = ",", description = "Cluster members to join, host:port,... (default: none, a single-member cluster).")
    List<String> members = new ArrayList<>();

    @Option(names = "--cluster-name", defaultValue = "nvmegate", description = "Cluster name. Default: ${DEFAULT-VALUE}")
    String clusterName;

    @Option(names = "--worker-id", defaultValue = "worker-1", description = "Block worker ID. Default: ${DEFAULT-VALUE}")
    String workerId;

    @Option(names = "--gateway-id", defaultValue = "gateway-1", description = "Gateway ID. Default: ${DEFAULT-VALUE}")
    String gatewayId;

    public static void main(String[] args) {
        System.setProperty("hazelcast.phone.home.enabled", "false");
        System.exit(new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        CatalogConfig cfg;
        try {
            cfg = config != null ? CatalogConfig.read(config) : defaults();
        } catch (IllegalArgumentException e) {
            System.err.println("nvmegate: bad configuration: " + e.getMessage());
            return 2;
        }
        NodeOptions o = new NodeOptions(role, new ClusterOptions(clusterName, clusterHost, clusterPort, members), cfg,
                data, workerId, gatewayId, bind, discoveryPort, TransportConfig.defaults());
        NvmegateNode node;
        try {
            node = NvmegateNode.start(o, Duration.ofMinutes(2));
        } catch (Exception e) {
            System.err.println("nvmegate: failed to start: " + e);
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            node.close();
            stopped.countDown();
        }, "nvmegate-shutdown"));
        stopped.await();
        return 0;
    }

    private CatalogConfig defaults() {
        CatalogConfig d = CatalogConfig.defaults(port);
        List<PortSpec> ports = d.ports().stream()
                .map(p -> new PortSpec(p.id(), p.adrfam(), bind, p.trsvcid(), advertise, p.gateway(), p.subsystems()))
                .toList();
        return new CatalogConfig(d.subsystems(), d.namespaces(), ports);
    }

}
