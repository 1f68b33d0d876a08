package io.nvmegate.replication;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Replication metrics of one block worker (Micrometer, prefix {@code nvmegate_replication_}), tagged with the
 * namespace UUID ({@code namespace}) and the worker ({@code worker}):
 * <ul>
 *   <li>{@code nvmegate_replication_leader_changes_total}: times this worker became the leader of the namespace's
 *       group (a new term); summed over the workers, the group's leader changes;</li>
 *   <li>{@code nvmegate_replication_commit_latency_seconds} (timer): from submitting a write-type request on the
 *       leader to its reply (committed on a majority and applied);</li>
 *   <li>{@code nvmegate_replication_follower_lag_entries} / {@code _follower_lag_bytes} (gauges, tag
 *       {@code follower}): on the leader, log entries a follower is behind the commit index, and those entries'
 *       estimated bytes (lag times the mean entry size submitted here);</li>
 *   <li>{@code nvmegate_replication_snapshot_installs_total}: snapshots this worker's replica installed from its
 *       leader (its log start jumped past what it had applied);</li>
 *   <li>{@code nvmegate_replication_under_replicated_namespaces} (gauge, tag {@code worker} only): namespaces led by
 *       this worker whose configuration has fewer peers than the replication factor, or a peer unreachable or
 *       catching up.</li>
 * </ul>
 */
public final class ReplicationMetrics {
    private final MeterRegistry registry;
    private final String workerId;
    private final AtomicLong underReplicated = new AtomicLong();
    private final Map<String, AtomicLong> lags = new ConcurrentHashMap<>();
    /** Per namespace: bytes and count of entries submitted here (mean entry size). */
    private final Map<UUID, long[]> entrySizes = new ConcurrentHashMap<>();

    private final java.util.concurrent.ConcurrentHashMap<UUID, Timer> commitTimers = new java.util.concurrent.ConcurrentHashMap<>();

    public ReplicationMetrics(MeterRegistry registry, String workerId) {
        this.registry = registry;
        this.workerId = workerId;
        Gauge.builder("nvmegate_replication_under_replicated_namespaces", underReplicated, AtomicLong::get)
                .tag("worker", workerId).description("namespaces led here with a missing, unreachable or catching-up replica")
                .register(registry);
    }

    void leaderChange(UUID ns) {
        Counter.builder("nvmegate_replication_leader_changes_total").tags("namespace", ns.toString(), "worker", workerId)
                .description("times this worker became the Raft leader of the namespace's group")
                .register(registry).increment();
    }

    void snapshotInstalled(UUID ns) {
        Counter.builder("nvmegate_replication_snapshot_installs_total").tags("namespace", ns.toString(), "worker", workerId)
                .description("snapshots installed on this worker's replica of the namespace")
                .register(registry).increment();
    }

    /** Per command: the namespace's timer is looked up once, then cached (no registry lookup per command). */
    void committed(UUID ns, long nanos) {
        commitTimers.computeIfAbsent(ns, u -> Timer.builder("nvmegate_replication_commit_latency")
                .tags("namespace", u.toString(), "worker", workerId)
                .description("time from submitting a log entry on the leader to its commit and apply (majority fsynced)")
                .register(registry)).record(nanos, TimeUnit.NANOSECONDS);
    }

    /** Records a submitted log entry of {@code bytes} bytes (mean entry size of the lag estimate). */
    void entry(UUID ns, int bytes) {
        long[] s = entrySizes.computeIfAbsent(ns, k -> new long[2]);
        synchronized (s) {
            s[0] += bytes;
            s[1]++;
        }
    }

    /** @return the mean size of the entries submitted here for {@code ns} (bytes), or 0 if none */
    long meanEntryBytes(UUID ns) {
        long[] s = entrySizes.get(ns);
        if (s == null) return 0;
        synchronized (s) {
            return s[1] == 0 ? 0 : s[0] / s[1];
        }
    }

    void followerLag(UUID ns, String follower, long entries, long bytes) {
        gauge("nvmegate_replication_follower_lag_entries", ns, follower).set(entries);
        gauge("nvmegate_replication_follower_lag_bytes", ns, follower).set(bytes);
    }

    void underReplicated(long n) {
        underReplicated.set(n);
    }

    private AtomicLong gauge(String name, UUID ns, String follower) {
        return lags.computeIfAbsent(name + '|' + ns + '|' + follower, k -> {
            AtomicLong v = new AtomicLong();
            Gauge.builder(name, v, AtomicLong::get).tags("namespace", ns.toString(), "follower", follower, "worker", workerId)
                    .description(name.endsWith("bytes") ? "estimated bytes of log entries the follower lacks (lag entries x mean entry size)"
                            : "log entries the follower lacks behind the leader's commit index")
                    .register(registry);
            return v;
        });
    }
}
