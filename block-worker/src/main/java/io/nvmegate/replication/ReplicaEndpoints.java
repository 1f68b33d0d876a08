package io.nvmegate.replication;

import io.nvmegate.blockio.BlockHandler;
import io.nvmegate.blockio.EventBusEndpoint;
import io.nvmegate.blockio.LocalBlockHandlers;
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
 * its messages to {@link ReplicaHandler}. The same handler is registered in the node's {@link LocalBlockHandlers}
 * under that address, so a gateway of the same Vert.x instance calls the replica (the leader, when it is one)
 * directly (issue 17, same-process short-circuit); it is unregistered with the consumer. Call {@link #apply} and
 * {@link #close} on the worker verticle's context.
 */
public final class ReplicaEndpoints {
    private static final Logger log = LoggerFactory.getLogger(ReplicaEndpoints.class);

    private final EventBus bus;
    private final LocalBlockHandlers locals;
    private final String workerId;
    private final ReplicaHandler handler;
    private final Map<UUID, Endpoint> endpoints = new ConcurrentHashMap<>();

    /** A replica's consumer, its spec and the handler called by the consumer and by same-process gateways. */
    private static final class Endpoint {
        volatile NamespaceSpec spec;
        final String address;
        final MessageConsumer<Object> consumer;
        BlockHandler local;

        Endpoint(NamespaceSpec spec, String address, MessageConsumer<Object> consumer) {
            this.spec = spec;
            this.address = address;
            this.consumer = consumer;
        }
    }

    /** @param locals the handlers of the worker's Vert.x instance ({@link LocalBlockHandlers#of}) */
    public ReplicaEndpoints(EventBus bus, LocalBlockHandlers locals, String workerId, ReplicaHandler handler) {
        this.bus = bus;
        this.locals = locals;
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
                unregister(e, pending);
            }
        }
        for (NamespaceSpec ns : serving.values()) {
            Endpoint e = endpoints.get(ns.uuid());
            if (e == null) {
                MessageConsumer<Object> c = bus.consumer(ns.address(workerId));
                Endpoint added = new Endpoint(ns, ns.address(workerId), c);
                endpoints.put(ns.uuid(), added);
                BlockHandler h = (r, responder) -> handler.handle(added.spec, r, responder);
                added.local = h;
                c.handler(msg -> EventBusEndpoint.deliver(msg, h));
                locals.register(added.address, h); // a gateway of this node calls it directly
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
        endpoints.values().forEach(e -> unregister(e, pending));
        endpoints.clear();
        return Future.all(pending).mapEmpty();
    }

    /** The same-process handler first (gateways then use the bus until the consumer is gone), then the consumer. */
    private void unregister(Endpoint e, List<Future<?>> pending) {
        locals.unregister(e.address, e.local);
        pending.add(e.consumer.unregister());
    }
}
