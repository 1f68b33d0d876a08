package io.nvmegate.gateway.ana;

import io.nvmegate.ana.AnaOwner;
import io.nvmegate.ana.AnaOwners;
import io.nvmegate.ana.AnaState;
import io.nvmegate.ana.AnaStateRule;
import io.nvmegate.ana.GatewayLease;
import io.nvmegate.catalog.CatalogView;
import io.nvmegate.catalog.NamespaceSpec;
import io.nvmegate.controller.Controller;
import io.nvmegate.controller.ControllerRegistry;
import io.nvmegate.controller.QueueTransport;
import io.nvmegate.protocol.Opcodes;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The ANA state of every (subsystem, ANA group) on this gateway (NVMe Base 2.0 section 8.1.3), by
 * {@link AnaStateRule} from four inputs: this gateway's {@link GatewayLease}, the owner map ({@link AnaOwners}),
 * the storage of the group's namespaces ({@link StorageAvailability}) and the catalog (groups = ANAGRPIDs holding
 * an enabled namespace; global setting {@code ana}).
 *
 * <p>Recomputed whenever an input reports a change (owner map, lease, catalog) and every {@value #TICK_MS} ms
 * (which also refreshes storage availability, off the event loop). A recomputation that changes any group's state
 * or NSID list bumps this gateway's change count (CHGCNT of the ANA log page header, starting at 1) and stamps the
 * changed descriptors with it; a state change sends the ANA change notice (AEN {@code 0x000C0302},
 * {@link AnaNotices#report}) to every controller of the subsystem that enabled it (a change of a group's NSIDs is
 * reported by {@code io.nvmegate.gateway.admin.NamespaceNotices}). When the lease turns invalid, every controller
 * of this gateway is destroyed ({@link ControllerRegistry#destroyAll}): commands read from their sockets after a
 * pause may have been retried on another path by the host (fencing, {@code io.nvmegate.ana} package documentation).
 * While the owner view is not {@link AnaOwners#current() current} (this member merged back after a split brain and
 * has not reloaded the owner map since), every group is computed as without a lease: inaccessible.
 */
public final class AnaStates {
    private static final Logger log = LoggerFactory.getLogger(AnaStates.class);

    /** Period (ms) of the recomputation and storage refresh. */
    public static final long TICK_MS = 250;

    /**
     * One group as last computed.
     *
     * @param changeCount the gateway change count when this descriptor last changed (descriptor CHGCNT)
     */
    public record Group(String subsystemNqn, int anaGroup, AnaState state, List<Integer> nsids, long changeCount) {}

    /** A consistent view: the groups (by {@link AnaOwner#key}) and the change count of the same recomputation. */
    public record View(Map<String, Group> groups, long changeCount, Map<String, AnaState[]> states) {
        public View(Map<String, Group> groups, long changeCount) {
            this(groups, changeCount, bySubsystem(groups));
        }

        /** The per-command index: subsystem NQN → state by ANAGRPID (no key string built per command). */
        private static Map<String, AnaState[]> bySubsystem(Map<String, Group> groups) {
            Map<String, AnaState[]> m = new HashMap<>();
            for (Group g : groups.values()) {
                m.computeIfAbsent(g.subsystemNqn(), k -> new AnaState[NamespaceSpec.MAX_ANA_GROUP + 1])[g.anaGroup()] = g.state();
            }
            return Map.copyOf(m);
        }

        /** @return the state of the group, or null if this view has not seen it */
        AnaState state(String subsystemNqn, int anaGroup) {
            AnaState[] a = states.get(subsystemNqn);
            return a == null || anaGroup < 0 || anaGroup >= a.length ? null : a[anaGroup];
        }
    }

    private final String gatewayId;
    private final CatalogView catalog;
    private final GatewayLease lease;
    private final AnaOwners owners;
    private final StorageAvailability storage;
    private final ControllerRegistry registry;
    private final AnaMetrics metrics;
    private final AtomicBoolean refreshing = new AtomicBoolean();
    private volatile View view = new View(Map.of(), 1);
    private volatile boolean started, stopped;
    private boolean leaseWasValid = true, computed;
    private Vertx vertx;
    private long timer = -1;

    public AnaStates(String gatewayId, CatalogView catalog, GatewayLease lease, AnaOwners owners,
                     StorageAvailability storage, ControllerRegistry registry, AnaMetrics metrics) {
        this.gatewayId = gatewayId;
        this.catalog = catalog;
        this.lease = lease;
        this.owners = owners;
        this.storage = storage;
        this.registry = registry;
        this.metrics = metrics;
    }

    public GatewayLease lease() { return lease; }

    /** Subscribes to the inputs, computes the first view and starts the tick. */
    public void start(Vertx vertx) {
        this.vertx = vertx;
        owners.onChange(this::recompute);
        lease.onChange(this::recompute);
        catalog.onChange(s -> recompute());
        started = true;
        recompute();
        timer = vertx.setPeriodic(TICK_MS, id -> tick());
    }

    public void stop() {
        stopped = true;
        if (vertx != null && timer >= 0) vertx.cancelTimer(timer);
        metrics.clear();
    }

    private void tick() {
        if (stopped || !refreshing.compareAndSet(false, true)) return;
        vertx.executeBlocking(() -> {
            try {
                storage.refresh();
            } catch (RuntimeException e) { // the cluster is unreachable: keep the last view; the lease covers it
                log.debug("gateway {}: storage availability not refreshed: {}", gatewayId, e.toString());
            }
            recompute();
            return null;
        }, false).onComplete(ar -> {
            refreshing.set(false);
            if (ar.failed()) log.warn("gateway {}: ANA state recomputation failed: {}", gatewayId, ar.cause().toString());
        });
    }

    /** @return the last computed view (what the ANA log page reports) */
    public View view() { return view; }

    /** @return this gateway's change count (ANA log page CHGCNT) */
    public long changeCount() { return view.changeCount(); }

    /**
     * @return the state of group {@code anaGroup} of {@code subsystemNqn}: the last computed one, or (a group the
     *         last recomputation has not seen yet) computed now
     */
    public AnaState state(String subsystemNqn, int anaGroup) {
        AnaState known = view.state(subsystemNqn, anaGroup); // per command: an array read, nothing allocated
        if (known != null) return known;
        boolean up = true;
        for (NamespaceSpec ns : catalog.current().namespaces(subsystemNqn)) {
            if (ns.enabled() && ns.anaGroup() == anaGroup) up &= storage.up(ns);
        }
        return AnaStateRule.state(gatewayId, owners.get(subsystemNqn, anaGroup), lease.valid() && owners.current(), up, catalog.global().ana());
    }

    /** Recomputes every group's state; bumps CHGCNT, sends AENs and destroys controllers as the class describes. */
    public void recompute() {
        if (!started || stopped) return;
        Set<String> noticed = new HashSet<>();
        boolean lapsed;
        synchronized (this) {
            boolean leaseValid = lease.valid();
            lapsed = leaseWasValid && !leaseValid;
            leaseWasValid = leaseValid;
            boolean anaEnabled = catalog.global().ana();
            // an owner view not reloaded since a split-brain merge of this member is treated as no lease (every group
            // inaccessible), not as a lapse (controllers stay: the lease itself did not run out)
            boolean mayServe = leaseValid && owners.current();
            Map<String, List<NamespaceSpec>> byGroup = new TreeMap<>();
            for (NamespaceSpec ns : catalog.current().namespaces()) {
                if (ns.enabled()) byGroup.computeIfAbsent(AnaOwner.key(ns.subsystemNqn(), ns.anaGroup()), k -> new ArrayList<>()).add(ns);
            }
            View before = view;
            boolean first = !computed;
            computed = true;
            List<Group> computed = new ArrayList<>();
            boolean changed = !byGroup.keySet().containsAll(before.groups().keySet()); // a group went away
            int stateChanges = 0;
            for (Map.Entry<String, List<NamespaceSpec>> e : byGroup.entrySet()) {
                List<NamespaceSpec> members = e.getValue();
                NamespaceSpec any = members.get(0);
                boolean up = true;
                for (NamespaceSpec ns : members) up &= storage.up(ns);
                AnaState state = AnaStateRule.state(gatewayId, owners.get(any.subsystemNqn(), any.anaGroup()), mayServe, up, anaEnabled);
                List<Integer> nsids = members.stream().map(NamespaceSpec::nsid).sorted(Integer::compareUnsigned).toList();
                Group old = before.groups().get(e.getKey());
                boolean differs = old == null || old.state() != state || !old.nsids().equals(nsids);
                if (differs) changed = true;
                if (old != null && old.state() != state) {
                    stateChanges++;
                    noticed.add(any.subsystemNqn());
                    log.info("gateway {}: ANA group {} of {}: {} -> {}", gatewayId, any.anaGroup(), any.subsystemNqn(),
                            old.state().label(), state.label());
                }
                computed.add(new Group(any.subsystemNqn(), any.anaGroup(), state, nsids, differs ? -1 : old.changeCount()));
            }
            long count = changed && !first ? before.changeCount() + 1 : before.changeCount();
            Map<String, Group> groups = new HashMap<>();
            for (Group g : computed) {
                groups.put(AnaOwner.key(g.subsystemNqn(), g.anaGroup()),
                        g.changeCount() < 0 ? new Group(g.subsystemNqn(), g.anaGroup(), g.state(), g.nsids(), count) : g);
            }
            view = new View(Map.copyOf(groups), count);
            metrics.update(view, stateChanges);
        }
        if (lapsed) {
            log.warn("gateway {}: lease lapsed: destroying every controller", gatewayId);
            registry.destroyAll("gateway lease lapsed");
        }
        if (!noticed.isEmpty()) notifyControllers(noticed);
    }

    /** Sends the ANA change notice to every controller of subsystems {@code nqns}, on its admin queue's context. */
    private void notifyControllers(Set<String> nqns) {
        for (Controller c : registry.controllers()) {
            String nqn = c.subsystem().nqn();
            if (c.destroyed() || Opcodes.DISCOVERY_NQN.equals(nqn) || !nqns.contains(nqn)) continue;
            QueueTransport admin = c.adminQueue();
            if (admin != null) admin.runOnContext(() -> AnaNotices.report(c));
        }
    }
}
