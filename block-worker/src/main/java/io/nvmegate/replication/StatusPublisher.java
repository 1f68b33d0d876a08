package io.nvmegate.replication;

import io.nvmegate.catalog.NamespaceSpec;
import io.nvmegate.catalog.ReplicationStatus;
import org.apache.ratis.proto.RaftProtos;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.server.DivisionInfo;
import org.apache.ratis.server.RaftConfiguration;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.raftlog.RaftLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * Publishes the Raft state of the groups this worker leads to {@link ReplicationStatus#MAP} and keeps the
 * replication metrics. {@link #tick} runs every {@value #TICK_MS} ms: a group whose leader this worker has just
 * become (a new term) is published at once (gateways route by it), every led group at least every
 * {@value #PUBLISH_MS} ms.
 *
 * <p>Per peer, as the leader sees it: match index (Ratis's follower match index), lag = commit index − match
 * index (entries), lag bytes = lag × the mean log entry size submitted on this worker, and a state:
 * {@code unreachable} (no answer for {@value #UNREACHABLE_MS} ms), {@code catching-up} (needs entries the leader
 * no longer has in its log, i.e. a snapshot, or more than {@value #CATCHING_UP_ENTRIES} entries behind),
 * {@code lagging} (more than {@value #LAGGING_ENTRIES} behind) or {@code healthy}. During a configuration change
 * the peers of both the old and the new configuration are listed.
 */
public final class StatusPublisher {
    private static final Logger log = LoggerFactory.getLogger(StatusPublisher.class);
    public static final long TICK_MS = 250;
    static final long PUBLISH_MS = 1000;
    static final long UNREACHABLE_MS = 5000;
    static final long CATCHING_UP_ENTRIES = 10_000;
    static final long LAGGING_ENTRIES = 100;

    private final ReplicationServer server;
    private final BiConsumer<UUID, ReplicationStatus> sink;
    private final ReplicationMetrics metrics;
    private final Function<UUID, NamespaceSpec> catalog;
    private final Map<UUID, GroupView> views = new ConcurrentHashMap<>();

    /** What this worker last saw of one group. */
    private static final class GroupView {
        long leaderTerm = -1;
        long publishedMs;
        long logStart = -1;
        long applied = -1;
        boolean underReplicated;
    }

    /**
     * @param sink    writes a status (the worker puts it in {@link ReplicationStatus#MAP}, key the namespace UUID)
     * @param catalog the catalog's namespace by UUID (replication factor), or null
     */
    public StatusPublisher(ReplicationServer server, BiConsumer<UUID, ReplicationStatus> sink, ReplicationMetrics metrics,
                           Function<UUID, NamespaceSpec> catalog) {
        this.server = server;
        this.sink = sink;
        this.metrics = metrics;
        this.catalog = catalog;
    }

    /** One pass over the local groups (non-blocking; call every {@value #TICK_MS} ms). */
    public void tick(long nowMs) {
        Set<UUID> groups = server.groups();
        views.keySet().retainAll(groups);
        int under = 0;
        for (UUID ns : groups) {
            Optional<RaftServer.Division> d = server.division(ns);
            if (d.isEmpty()) continue;
            try {
                if (observe(ns, d.get(), nowMs)) under++;
            } catch (RuntimeException e) { // a division closing under us
                log.debug("block worker {}: status of namespace {} skipped: {}", server.workerId(), ns, e.toString());
            }
        }
        metrics.underReplicated(under);
    }

    /** @return whether this worker leads the group and it is under-replicated */
    private boolean observe(UUID ns, RaftServer.Division d, long nowMs) {
        GroupView v = views.computeIfAbsent(ns, k -> new GroupView());
        DivisionInfo info = d.getInfo();
        RaftLog raftLog = d.getRaftLog();
        if (!info.isLeader()) {
            long start = raftLog.getStartIndex();
            if (v.logStart >= 0 && start > v.logStart && start > v.applied + 1) metrics.snapshotInstalled(ns);
            v.logStart = start;
            v.applied = info.getLastAppliedIndex();
            v.leaderTerm = -1;
            return false;
        }
        long term = info.getCurrentTerm();
        boolean newLeadership = term != v.leaderTerm;
        if (!newLeadership && nowMs - v.publishedMs < PUBLISH_MS) return v.underReplicated;
        if (newLeadership) {
            v.leaderTerm = term;
            metrics.leaderChange(ns);
            log.info("block worker {} leads namespace {} (term {})", server.workerId(), ns, term);
        }
        ReplicationStatus s = status(ns, d, info, raftLog, nowMs);
        v.publishedMs = nowMs;
        NamespaceSpec spec = catalog.apply(ns);
        v.underReplicated = (spec != null && s.replicas().size() < spec.replicationFactor())
                || s.replicas().stream().anyMatch(r -> "unreachable".equals(r.state()) || "catching-up".equals(r.state()));
        sink.accept(ns, s);
        return v.underReplicated;
    }

    private ReplicationStatus status(UUID ns, RaftServer.Division d, DivisionInfo info, RaftLog raftLog, long nowMs) {
        long commit = raftLog.getLastCommittedIndex();
        long logStart = raftLog.getStartIndex();
        long mean = metrics.meanEntryBytes(ns);
        RaftProtos.RoleInfoProto role = info.getRoleInfoProto();
        List<RaftProtos.ServerRpcProto> followers = role.hasLeaderInfo() ? role.getLeaderInfo().getFollowerInfoList() : List.of();
        long[] match = info.getFollowerMatchIndices();
        long[] next = info.getFollowerNextIndices();
        Map<String, ReplicationStatus.Replica> byId = new HashMap<>();
        for (int i = 0; i < followers.size() && i < match.length; i++) {
            String id = followers.get(i).getId().getId().toStringUtf8();
            long lag = Math.max(0, commit - match[i]);
            long elapsed = followers.get(i).getLastRpcElapsedTimeMs();
            String state = elapsed > UNREACHABLE_MS ? "unreachable"
                    : (i < next.length && next[i] < logStart) || lag > CATCHING_UP_ENTRIES ? "catching-up"
                    : lag > LAGGING_ENTRIES ? "lagging" : "healthy";
            metrics.followerLag(ns, id, lag, lag * mean);
            byId.put(id, new ReplicationStatus.Replica(id, "follower", match[i], lag, lag * mean, state));
        }
        String me = server.workerId();
        byId.put(me, new ReplicationStatus.Replica(me, "leader", raftLog.getFlushIndex(), 0, 0, "healthy"));
        RaftConfiguration conf = d.getRaftConf();
        Set<String> peers = new LinkedHashSet<>();
        for (RaftPeer p : conf.getCurrentPeers()) peers.add(p.getId().toString());
        for (RaftPeer p : conf.getPreviousPeers()) peers.add(p.getId().toString());
        List<ReplicationStatus.Replica> replicas = new ArrayList<>();
        for (String p : peers) {
            replicas.add(byId.getOrDefault(p, new ReplicationStatus.Replica(p, "follower", 0, commit, commit * mean, "unreachable")));
        }
        return new ReplicationStatus(ns, me, info.getCurrentTerm(), commit, replicas, nowMs);
    }
}
