package io.nvmegate.replication;

import io.nvmegate.blockio.EventBusEndpoint;
import io.nvmegate.catalog.NamespaceSpec;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The event-bus consumers of a worker's replicas: one on {@code "nvmegate.block.<uuid>@<workerId>"}
 * ({@link NamespaceSpec#address(String)}) per replicated namespace whose group this worker hosts, each handing
 * its messages to {@link ReplicaHandler}. Call {@link #apply} and {@link #close} on the worker verticle's context.
 */
public final class ReplicaEndpoints {
    private static final Logger log = LoggerFactory.getLogger(ReplicaEndpoints.class);

    private final EventBus bus;
    private final String workerId;
    private final ReplicaHandler handler;
    private final Map<UUID, Endpoint> endpoints = new ConcurrentHashMap<>();

    private static final class Endpoint {
        volatile NamespaceSpec spec;
        final MessageConsumer<Object> consumer;

        Endpoint(NamespaceSpec spec, MessageConsumer<Object> consumer) {
            this.spec = spec;
            this.consumer = consumer;
        }
    }

    public ReplicaEndpoints(EventBus bus, String workerId, ReplicaHandler handler) {
        this.bus = bus;
        this.workerId = workerId;
        this.handler = handler;
    }

    /**
     * Consumes the replica address of every namespace of {@code serving}, stops consuming the others, adopts changed
     * specs. @return completes when the consumers are (un)registered
     */
    public Future<Void> apply(Map<UUID, NamespaceSpec> serving) {
        List<Future<?>> pending = new ArrayList<>();
        for (UUID u : List.copyOf(endpoints.keySet())) {
            if (!serving.containsKey(u)) {
                Endpoint e = endpoints.remove(u);
                log.info("block worker {}: no longer serves the replica of namespace {}", workerId, u);
                pending.add(e.consumer.unregister());
            }
        }
        for (NamespaceSpec ns : serving.values()) {
            Endpoint e = endpoints.get(ns.uuid());
            if (e == null) {
                MessageConsumer<Object> c = bus.consumer(ns.address(workerId));
                Endpoint added = new Endpoint(ns, c);
                endpoints.put(ns.uuid(), added);
                c.handler(msg -> EventBusEndpoint.deliver(msg, (r, responder) -> handler.handle(added.spec, r, responder)));
                pending.add(c.completion());
                log.info("block worker {} serves the replica of namespace {} (nsid {}, subsystem {}, replicas {}) on {}",
                        workerId, ns.uuid(), ns.nsid(), ns.subsystemNqn(), ns.replicas(), ns.address(workerId));
            } else if (!e.spec.equals(ns)) {
                e.spec = ns;
            }
        }
        return Future.all(pending).mapEmpty();
    }

    /** @return the namespaces whose replica address is consumed, by UUID */
    public Map<UUID, NamespaceSpec> serving() {
        Map<UUID, NamespaceSpec> m = new java.util.LinkedHashMap<>();
        endpoints.forEach((u, e) -> m.put(u, e.spec));
        return m;
    }

    /** Unregisters every consumer. */
    public Future<Void> close() {
        List<Future<?>> pending = new ArrayList<>();
        endpoints.values().forEach(e -> pending.add(e.consumer.unregister()));
        endpoints.clear();
        return Future.all(pending).mapEmpty();
    }
}
