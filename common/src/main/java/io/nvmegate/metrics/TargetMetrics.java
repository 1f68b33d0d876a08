package io.nvmegate.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Connection, queue and controller gauges of the NVMe/TCP listeners of one role of a node ({@code role} label
 * {@code gateway} or {@code discovery}): {@code nvmegate_connections}, {@code nvmegate_queues},
 * {@code nvmegate_controllers} and {@code nvmegate_commands_in_flight}. A controller exists exactly while its
 * admin queue is connected, so controllers = bound admin queues.
 */
public final class TargetMetrics {
    private final String role;
    private final CommandMeters commands;
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger controllers = new AtomicInteger();
    private final Set<QueueMetrics> queues = ConcurrentHashMap.newKeySet();
    private final Set<QueueMetrics> open = ConcurrentHashMap.newKeySet();

    TargetMetrics(String role, MeterRegistry registry, CommandMeters commands) {
        this.role = role;
        this.commands = commands;
        Gauge.builder("nvmegate.connections", connections, AtomicInteger::get)
                .description("Open NVMe/TCP connections, by role").tag("role", role).register(registry);
        Gauge.builder("nvmegate.queues", queues, Set::size)
                .description("Queues (connections bound to a controller by Connect), admin and I/O, by role").tag("role", role).register(registry);
        Gauge.builder("nvmegate.controllers", controllers, AtomicInteger::get)
                .description("Live controllers (I/O and discovery), by role").tag("role", role).register(registry);
        Gauge.builder("nvmegate.commands.in.flight", open, TargetMetrics::inFlight)
                .description("Commands received and not yet completed (Asynchronous Event Requests excluded), by role")
                .tag("role", role).register(registry);
    }

    private static double inFlight(Set<QueueMetrics> qs) {
        int n = 0;
        for (QueueMetrics q : qs) n += q.inFlight();
        return n;
    }

    /** @return the role label ({@code gateway} or {@code discovery}) */
    public String role() { return role; }

    CommandMeters commands() { return commands; }

    /** A connection was accepted: @return its meters */
    public QueueMetrics connectionOpened() {
        connections.incrementAndGet();
        QueueMetrics q = new QueueMetrics(this);
        open.add(q);
        return q;
    }

    void queueBound(QueueMetrics q, int qid) {
        queues.add(q);
        if (qid == 0) controllers.incrementAndGet();
    }

    void connectionClosed(QueueMetrics q, int qid) {
        connections.decrementAndGet();
        open.remove(q);
        if (queues.remove(q) && qid == 0) controllers.decrementAndGet();
    }
}
