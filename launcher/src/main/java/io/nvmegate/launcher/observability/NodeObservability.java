package io.nvmegate.launcher.observability;

import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.nvmegate.metrics.JvmMetrics;
import io.nvmegate.metrics.NodeMetrics;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsOptions;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.UUID;

/**
 * Everything observable about one node: its Prometheus registry (nvmegate's meters, Vert.x's {@code vertx_*}
 * meters, JVM binders), its {@link Health}, and the HTTP server exposing both (if enabled). Created before the
 * node joins the cluster, so health answers "not ready" during the join; closed last.
 */
public final class NodeObservability implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(NodeObservability.class);
    private final PrometheusMeterRegistry registry = newRegistry();
    private final NodeMetrics metrics = new NodeMetrics(registry);
    private final JvmMetrics jvm = new JvmMetrics(registry);
    private final Health health = new Health();
    /** Vert.x keeps Micrometer backends in a static map by name: one name per node. */
    private final String vertxRegistryName = "nvmegate-" + UUID.randomUUID();
    private final ObservabilityServer server;

    private NodeObservability(ObservabilityOptions o) {
        ObservabilityServer s = null;
        if (o.enabled()) {
            try {
                s = ObservabilityServer.start(o.host(), o.port(), registry, health);
            } catch (IOException e) {
                // the NVMe service matters more than its metrics: run without them (a health check then fails)
                log.warn("metrics and health NOT served: cannot listen on {}:{}: {}", o.host(), o.port(), e.toString());
            }
        }
        server = s;
    }

    /**
     * A Prometheus registry without the two binder meters whose names break Prometheus naming rules
     * ({@code promtool check metrics}): {@code process_cpu_time_ns_total} (unit abbreviated; process_cpu_usage
     * stays) and {@code system_cpu_count} (a gauge named like a histogram's count).
     */
    static PrometheusMeterRegistry newRegistry() {
        PrometheusMeterRegistry r = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        r.config().meterFilter(MeterFilter.deny(id -> id.getName().equals("process.cpu.time") || id.getName().equals("system.cpu.count")));
        return r;
    }

    /** Starts recording; serves HTTP if {@code o} is enabled and its port can be bound (else a WARN line). */
    public static NodeObservability start(ObservabilityOptions o) {
        return new NodeObservability(o);
    }

    public NodeMetrics metrics() { return metrics; }

    public PrometheusMeterRegistry registry() { return registry; }

    public Health health() { return health; }

    /** @return the HTTP port, or -1 without a server */
    public int port() { return server == null ? -1 : server.port(); }

    /** Vert.x metrics (the {@code vertx_*} meters) into this node's registry. */
    public MicrometerMetricsFactory vertxMetricsFactory() {
        return new MicrometerMetricsFactory(registry);
    }

    /**
     * Options of Vert.x metrics: enabled, this node's registry name, label {@code local}, JVM meters left to
     * {@link JvmMetrics}, and the event-bus domain ({@code vertx_eventbus_*}) off: its meters are looked up in the
     * registry on every message sent and received (two to four lookups per block request), and
     * {@code nvmegate_eventbus_round_trip_seconds} measures the same hop. The other domains stay: their meters are resolved
     * once per connection (net server: one counter increment per socket read or write) or once per pool (named pools:
     * a task's queue and usage times, the only view of the block workers' storage-thread backlog).
     */
    public MicrometerMetricsOptions vertxMetricsOptions() {
        // local: the listener's address, so the NVMe/TCP, discovery and event-bus servers are told apart (bounded)
        return new MicrometerMetricsOptions().setEnabled(true).setRegistryName(vertxRegistryName).setJvmMetricsEnabled(false)
                .addLabels(Label.LOCAL).addDisabledMetricsCategory(MetricsDomain.EVENT_BUS);
    }

    @Override
    public void close() {
        if (server != null) server.close();
        jvm.close();
        registry.close();
    }
}
