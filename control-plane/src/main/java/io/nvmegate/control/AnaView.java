package io.nvmegate.control;

import io.nvmegate.ana.AnaOwner;
import io.nvmegate.ana.AnaStateRule;
import io.nvmegate.ana.GatewayDirectory;
import io.nvmegate.ana.GatewayDirectory.GatewayInfo;
import io.nvmegate.catalog.Catalog;
import io.nvmegate.catalog.NamespaceSpec;
import io.nvmegate.catalog.PortSpec;
import io.nvmegate.catalog.ReplicationView;
import io.nvmegate.catalog.WorkerDirectory;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The read side of ANA management: every ANA group (ANAGRPID) of every subsystem with its owner entry (map
 * {@value AnaOwner#MAP}) and the state each gateway reports for it, computed with the gateways' own rule
 * ({@link AnaStateRule}) from what the management API can see: each gateway's lease ({@link GatewayDirectory}),
 * the group's storage and the global {@code ana} setting. The group's storage serves when every namespace of the
 * group can: replication factor 1 → its worker is registered and its member is in the cluster
 * ({@link WorkerDirectory}); replicated → a leader published its status in the last {@link ReplicationView#STALE_MS}
 * ms; backend {@value NamespaceSpec#NULL_GATEWAY} → always (the gateway answers it).
 *
 * <p>A group is a (subsystem, anaGroup) holding at least one enabled namespace (the groups of the ANA log page);
 * the gateways that report it are those with a catalog port exporting the subsystem ({@link PortSpec#exports},
 * {@link PortSpec#servedBy}: a port without a {@code gateway} is served by every gateway), live or not (a gateway
 * whose lease expired shows inaccessible).
 */
final class AnaView {
    private final Catalog catalog;
    private final GatewayDirectory gateways;
    private final WorkerDirectory workers;
    private final ReplicationView replication;
    private final com.hazelcast.map.IMap<String, String> owners;

    AnaView(Catalog catalog) {
        this.catalog = catalog;
        this.gateways = new GatewayDirectory(catalog.hazelcast());
        this.workers = new WorkerDirectory(catalog.hazelcast());
        this.replication = new ReplicationView(catalog.hazelcast());
        this.owners = catalog.hazelcast().getMap(AnaOwner.MAP);
    }

    GatewayDirectory directory() { return gateways; }

    com.hazelcast.map.IMap<String, String> owners() { return owners; }

    /** @return the owner entry of group {@code group} of {@code nqn}, or empty if none was written yet */
    Optional<AnaOwner> owner(String nqn, int group) {
        String v = owners.get(AnaOwner.key(nqn, group));
        return v == null ? Optional.empty() : Optional.of(AnaOwner.fromJson(new JsonObject(v)));
    }

    /** @return the enabled namespaces of {@code nqn} by ANA group, groups and NSIDs ascending */
    Map<Integer, List<NamespaceSpec>> groups(String nqn) {
        Map<Integer, List<NamespaceSpec>> m = new TreeMap<>();
        for (NamespaceSpec n : catalog.namespaces(nqn)) {
            if (n.enabled()) m.computeIfAbsent(n.anaGroup(), g -> new ArrayList<>()).add(n);
        }
        m.values().forEach(l -> l.sort((a, b) -> Integer.compareUnsigned(a.nsid(), b.nsid())));
        return m;
    }

    /** @return whether gateway {@code gatewayId} serves subsystem {@code nqn}: one of its catalog ports exports it */
    static boolean serves(List<PortSpec> ports, String gatewayId, String nqn) {
        return ports.stream().anyMatch(p -> p.servedBy(gatewayId) && p.exports(nqn));
    }

    /** @return every group of every subsystem (order: subsystem NQN, ANAGRPID) as {@link #groupJson} */
    JsonArray all() {
        Snapshot s = snapshot();
        JsonArray out = new JsonArray();
        for (var sub : catalog.subsystems()) {
            for (var e : groups(sub.nqn()).entrySet()) out.add(groupJson(s, sub.nqn(), e.getKey(), e.getValue()));
        }
        return out;
    }

    /** @return group {@code group} of {@code nqn} as {@link #groupJson}; 404 {@code nqn} or {@code group} if unknown */
    JsonObject group(String nqn, int group) {
        if (catalog.subsystem(nqn).isEmpty()) throw ApiException.notFound("nqn", "no subsystem " + nqn);
        List<NamespaceSpec> nss = groups(nqn).get(group);
        if (nss == null) {
            throw ApiException.notFound("group", "subsystem " + nqn + " has no ANA group " + group + " (no enabled namespace with anaGroup " + group + ")");
        }
        return groupJson(snapshot(), nqn, group, nss);
    }

    /** What every group's state is computed from, read once per request. */
    record Snapshot(long now, List<GatewayInfo> gateways, List<PortSpec> ports, boolean ana) {}

    Snapshot snapshot() {
        return new Snapshot(gateways.now(), gateways.all(), catalog.ports(), catalog.global().ana());
    }

    /**
     * @return {@code {subsystem, group, nsids, storage ("up"/"down"), home, owner, next, phase, pinned, epoch,
     *         changedAt, states: {gatewayId: "optimized" | "non-optimized" | "inaccessible" | "change"}}}; the owner
     *         fields are null (phase null, epoch 0) before any balancer wrote the group
     */
    JsonObject groupJson(Snapshot s, String nqn, int group, List<NamespaceSpec> nss) {
        AnaOwner o = owner(nqn, group).orElse(null);
        boolean up = nss.stream().allMatch(this::storageUp);
        JsonObject states = new JsonObject();
        for (GatewayInfo g : s.gateways()) {
            if (!serves(s.ports(), g.id(), nqn)) continue;
            states.put(g.id(), AnaStateRule.state(g.id(), o, g.live(s.now()), up, s.ana()).label());
        }
        JsonArray nsids = new JsonArray();
        nss.forEach(n -> nsids.add(Integer.toUnsignedLong(n.nsid())));
        return new JsonObject().put("subsystem", nqn).put("group", group).put("nsids", nsids).put("storage", up ? "up" : "down")
                .put("home", o == null ? null : o.home()).put("owner", o == null ? null : o.owner())
                .put("next", o == null ? null : o.next()).put("phase", o == null ? null : o.phase().name())
                .put("pinned", o != null && o.pinned()).put("epoch", o == null ? 0L : o.epoch())
                .put("changedAt", o == null ? null : o.changedAt()).put("states", states);
    }

    /** @return whether namespace {@code n} can serve now (the class comment) */
    boolean storageUp(NamespaceSpec n) {
        if (NamespaceSpec.NULL_GATEWAY.equals(n.backend())) return true;
        if (n.replicated()) return n.placed() && replication.fresh(n.uuid()).isPresent();
        // as the gateways decide (gateway.ana.StorageAvailability): down only on evidence, a worker that is
        // registered and not live; an RF 1 worker not in the directory (it registers with its Raft server) serves
        return workers.get(n.worker()).map(workers::live).orElse(true);
    }

    /**
     * @return gateway {@code g} as the API shows it: {@code {id, member, live, leaseUntil, since, draining, ports,
     *         owned}}; {@code ports}: IDs of the catalog ports it listens on, {@code owned}: the groups it owns
     *         ({@code "<nqn>#<group>"}, OWNED or RELEASING)
     */
    JsonObject gatewayJson(GatewayInfo g, long now, List<PortSpec> ports, List<AnaOwner> entries) {
        JsonArray portIds = new JsonArray();
        ports.stream().filter(p -> p.servedBy(g.id())).forEach(p -> portIds.add(p.id()));
        JsonArray owned = new JsonArray();
        entries.stream().filter(e -> g.id().equals(e.owner())).map(AnaOwner::key).sorted().forEach(owned::add);
        return new JsonObject().put("id", g.id()).put("member", g.member().toString()).put("live", g.live(now))
                .put("leaseUntil", g.leaseUntil()).put("since", g.since()).put("draining", gateways.draining(g.id()))
                .put("ports", portIds).put("owned", owned);
    }

    /** @return every entry of map {@value AnaOwner#MAP} */
    List<AnaOwner> entries() {
        return owners.values().stream().map(v -> AnaOwner.fromJson(new JsonObject(v))).toList();
    }

    /** @return every gateway that ever renewed a lease, by ID, as {@link #gatewayJson} */
    JsonArray gateways() {
        long now = gateways.now();
        List<PortSpec> ports = catalog.ports();
        List<AnaOwner> entries = entries();
        return new JsonArray(gateways.all().stream().map(g -> gatewayJson(g, now, ports, entries)).toList());
    }

    /** @return gateway {@code id} as {@link #gatewayJson}; 404 {@code id} if it never renewed a lease */
    JsonObject gateway(String id) {
        return gatewayJson(require(id), gateways.now(), catalog.ports(), entries());
    }

    GatewayInfo require(String id) {
        return gateways.get(id).orElseThrow(() -> ApiException.notFound("id", "no gateway " + id
                + " (a gateway appears once it renewed its lease in " + GatewayDirectory.MAP + ")"));
    }
}
