package io.nvmegate.ana;

import io.nvmegate.catalog.CatalogView;
import io.nvmegate.catalog.NamespaceSpec;
import io.nvmegate.catalog.PortSpec;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * One reading of everything the ANA balancer decides on: the ANA groups of the catalog, the gateways of
 * {@link GatewayDirectory} with their leases, the draining marks, and the cluster time (ms) of the reading.
 *
 * <p>A gateway <em>serves</em> a subsystem when a catalog port exports it ({@link PortSpec#exports}) and is
 * served by that gateway ({@link PortSpec#servedBy}: the port names it, or names no gateway). A gateway is
 * <em>eligible</em> for a group of a subsystem when it serves the subsystem, its lease holds at {@link #now} and it
 * is not draining: only eligible gateways are given groups.
 *
 * @param groups   every ANA group (key {@link AnaOwner#key(String, int)} → subsystem NQN) of an enabled namespace
 *                 of an existing subsystem, sorted by key
 * @param gateways every gateway that ever renewed, by ID
 * @param draining IDs of the draining gateways
 * @param ports    the catalog's ports
 * @param now      cluster time (ms) of this reading
 * @param generation the catalog generation read (0: no catalog yet)
 */
record AnaTopology(SortedMap<String, Group> groups, Map<String, GatewayDirectory.GatewayInfo> gateways,
                   Set<String> draining, List<PortSpec> ports, long now, long generation) {

    /** An ANA group: ANAGRPID {@code anaGroup} of subsystem {@code nqn}. */
    record Group(String nqn, int anaGroup) {
        String key() { return AnaOwner.key(nqn, anaGroup); }
    }

    static AnaTopology of(CatalogView.Snapshot catalog, Collection<GatewayDirectory.GatewayInfo> gateways,
                          Set<String> draining, long now) {
        SortedMap<String, Group> groups = new TreeMap<>();
        for (NamespaceSpec n : catalog.namespaces()) {
            if (!n.enabled() || catalog.subsystem(n.subsystemNqn()) == null) continue;
            Group g = new Group(n.subsystemNqn(), n.anaGroup());
            groups.put(g.key(), g);
        }
        return new AnaTopology(groups, gateways.stream().collect(Collectors.toMap(GatewayDirectory.GatewayInfo::id,
                Function.identity(), (a, b) -> a, TreeMap::new)), Set.copyOf(draining), catalog.ports(), now, catalog.generation());
    }

    boolean known(String gw) { return gw != null && gateways.containsKey(gw); }

    /** @return whether {@code gw}'s lease holds at {@link #now} */
    boolean live(String gw) {
        GatewayDirectory.GatewayInfo i = gw == null ? null : gateways.get(gw);
        return i != null && i.live(now);
    }

    boolean draining(String gw) { return draining.contains(gw); }

    boolean serves(String gw, String nqn) {
        if (gw == null) return false;
        for (PortSpec p : ports) {
            if (p.exports(nqn) && p.servedBy(gw)) return true;
        }
        return false;
    }

    boolean eligible(String gw, String nqn) { return live(gw) && !draining(gw) && serves(gw, nqn); }

    /** @return the eligible gateways of subsystem {@code nqn}, by ID */
    List<String> eligible(String nqn) {
        return gateways.keySet().stream().filter(gw -> eligible(gw, nqn)).toList();
    }

    /** @return whether {@code gw}'s current lease has held for {@code settleMs} (the failback settle delay) */
    boolean settled(String gw, long settleMs) {
        GatewayDirectory.GatewayInfo i = gateways.get(gw);
        return i != null && i.live(now) && now - i.since() >= settleMs;
    }

    /** @return the live gateway with the smallest ID (the one whose balancer acts), or null */
    String leader() {
        return gateways.keySet().stream().filter(this::live).findFirst().orElse(null);
    }

    GatewayDirectory.GatewayInfo info(String gw) { return gw == null ? null : gateways.get(gw); }
}
