package io.nvmegate.replication;

import io.nvmegate.catalog.NamespaceSpec;
import io.nvmegate.catalog.ReplicationStatus;
import io.nvmegate.catalog.WorkerDirectory;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.server.RaftConfiguration;
import org.apache.ratis.server.RaftServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Membership reconcile of a worker's Raft groups against the catalog, one pass per {@link #reconcile} (the block
 * worker runs it on every catalog change and every couple of seconds):
 * <ul>
 *   <li>every placed replicated namespace listing this worker in {@link NamespaceSpec#replicas()} has its group
 *       here: added with the catalog's replicas as peers (addresses from {@link WorkerDirectory}; a namespace
 *       naming a worker not registered yet waits), or reused as Ratis reloaded it from storage;</li>
 *   <li>on the group's leader, a configuration whose peers differ from the catalog's replicas is changed
 *       ({@code setConfiguration}, one change in flight per group) once every new peer is live — the new worker
 *       adds the group with the new peer list on its own pass, and Ratis stages it until it has caught up;</li>
 *   <li>a group of a namespace that no longer lists this worker is removed (Raft storage deleted) once the group
 *       has moved on without it: its own configuration no longer contains it, or the leader's published
 *       {@link ReplicationStatus} lists replicas without it; a group of a namespace gone from the catalog is
 *       removed at once;</li>
 *   <li>groups of namespaces not (yet) placed, or no longer replicated, are left alone.</li>
 * </ul>
 */
public final class ReplicaGroups {
    private static final Logger log = LoggerFactory.getLogger(ReplicaGroups.class);

    private final ReplicationServer server;
    private final WorkerDirectory directory;
    private final Function<UUID, Optional<ReplicationStatus>> published;
    private final Consumer<UUID> forget;
    private final Set<UUID> reconfiguring = ConcurrentHashMap.newKeySet();
    private final Set<String> warned = ConcurrentHashMap.newKeySet();

    /**
     * @param server    this worker's Raft server (started)
     * @param directory the workers' Raft addresses
     * @param published the status last published for a namespace (map {@link ReplicationStatus#MAP})
     * @param forget    drops the published status of a namespace removed from the catalog
     */
    public ReplicaGroups(ReplicationServer server, WorkerDirectory directory,
                         Function<UUID, Optional<ReplicationStatus>> published, Consumer<UUID> forget) {
        this.forget = forget;
        this.server = server;
        this.directory = directory;
        this.published = published;
    }

    /**
     * Blocking: one reconcile pass over the catalog's namespaces {@code all}.
     *
     * @return the replicated namespaces this worker serves a replica of now (group present here), by UUID
     */
    public Map<UUID, NamespaceSpec> reconcile(List<NamespaceSpec> all) {
        Map<UUID, NamespaceSpec> catalog = new LinkedHashMap<>();
        for (NamespaceSpec ns : all == null ? List.<NamespaceSpec>of() : all) if (ns != null) catalog.putIfAbsent(ns.uuid(), ns);
        String me = server.workerId();
        Map<UUID, NamespaceSpec> wanted = new LinkedHashMap<>();
        for (NamespaceSpec ns : catalog.values()) {
            if (ns.replicated() && ns.placed() && ns.replicas().contains(me)) wanted.put(ns.uuid(), ns);
        }
        Set<UUID> local = server.groups();
        Map<UUID, NamespaceSpec> serving = new LinkedHashMap<>();
        for (NamespaceSpec ns : wanted.values()) {
            List<RaftPeer> peers = peers(ns);
            if (local.contains(ns.uuid())) {
                serving.put(ns.uuid(), ns);
                if (peers != null) reconfigure(ns, peers);
            } else if (peers != null && add(ns, peers)) {
                serving.put(ns.uuid(), ns);
            }
        }
        for (UUID g : local) {
            if (wanted.containsKey(g)) continue;
            NamespaceSpec ns = catalog.get(g);
            if (ns == null) {
                remove(g, "namespace removed from the catalog");
                forget.accept(g);
            } else if (ns.replicated() && ns.placed() && left(ns)) {
                remove(g, "replica moved to " + ns.replicas());
            }
        }
        return serving;
    }

    /** @return the Raft peers of {@code ns}'s replicas, or null if one has no registered address yet */
    private List<RaftPeer> peers(NamespaceSpec ns) {
        List<RaftPeer> peers = new ArrayList<>();
        for (String w : ns.replicas()) {
            String address = directory.get(w).map(WorkerDirectory.WorkerInfo::raftAddress).orElse(null);
            if (address == null) {
                if (warned.add(ns.uuid() + "|" + w)) {
                    log.info("block worker {}: namespace {} waits for replica worker {} to register its Raft address",
                            server.workerId(), ns.uuid(), w);
                }
                return null;
            }
            peers.add(RaftPeer.newBuilder().setId(w).setAddress(address).build());
        }
        return peers;
    }

    private boolean add(NamespaceSpec ns, List<RaftPeer> peers) {
        try {
            server.addGroup(ns.uuid(), peers);
            log.info("block worker {}: Raft group of namespace {} (nsid {}, subsystem {}) added, peers {}", server.workerId(),
                    ns.uuid(), ns.nsid(), ns.subsystemNqn(), ns.replicas());
            return true;
        } catch (Exception e) {
            log.warn("block worker {}: adding the Raft group of namespace {} failed: {}", server.workerId(), ns.uuid(), e.toString());
            return false;
        }
    }

    /** On the leader: moves the group's configuration to the catalog's replicas if they differ. */
    private void reconfigure(NamespaceSpec ns, List<RaftPeer> peers) {
        Optional<RaftServer.Division> d = server.division(ns.uuid());
        if (d.isEmpty() || !d.get().getInfo().isLeader() || !d.get().getInfo().isLeaderReady()) return;
        RaftConfiguration conf = d.get().getRaftConf();
        if (!conf.getPreviousPeers().isEmpty()) return; // a change is in progress
        Set<String> current = ids(conf.getCurrentPeers());
        Set<String> target = ids(peers);
        if (current.equals(target) || !reconfiguring.add(ns.uuid())) return;
        for (String w : target) {
            if (current.contains(w)) continue;
            Optional<WorkerDirectory.WorkerInfo> info = directory.get(w);
            if (info.isEmpty() || !directory.live(info.get())) {
                reconfiguring.remove(ns.uuid());
                return; // the new replica's worker is not up: retry on a later pass
            }
        }
        log.info("block worker {}: namespace {}: Raft configuration {} -> {}", server.workerId(), ns.uuid(), current, target);
        server.setConfiguration(ns.uuid(), peers).whenComplete((r, e) -> {
            reconfiguring.remove(ns.uuid());
            if (e != null || !r.isSuccess()) {
                log.warn("block worker {}: namespace {}: configuration change to {} failed (retried): {}", server.workerId(),
                        ns.uuid(), target, e != null ? e.toString() : String.valueOf(r.getException()));
            } else {
                log.info("block worker {}: namespace {}: Raft configuration is now {}", server.workerId(), ns.uuid(), target);
            }
        });
    }

    /** @return whether the group of {@code ns} has moved on without this worker */
    private boolean left(NamespaceSpec ns) {
        String me = server.workerId();
        Optional<RaftServer.Division> d = server.division(ns.uuid());
        if (d.isPresent() && d.get().getRaftConf().getPreviousPeers().isEmpty()
                && !ids(d.get().getRaftConf().getCurrentPeers()).contains(me)) {
            return true;
        }
        Optional<ReplicationStatus> s = published.apply(ns.uuid());
        return s.isPresent() && !me.equals(s.get().leader())
                && s.get().replicas().stream().noneMatch(r -> me.equals(r.worker()));
    }

    private void remove(UUID g, String why) {
        try {
            server.removeGroup(g, true);
            log.info("block worker {}: Raft group of namespace {} removed ({}), its Raft storage deleted", server.workerId(), g, why);
        } catch (Exception e) {
            log.warn("block worker {}: removing the Raft group of namespace {} failed: {}", server.workerId(), g, e.toString());
        }
    }

    private static Set<String> ids(java.util.Collection<RaftPeer> peers) {
        return peers.stream().map(p -> p.getId().toString()).collect(Collectors.toSet());
    }
}
