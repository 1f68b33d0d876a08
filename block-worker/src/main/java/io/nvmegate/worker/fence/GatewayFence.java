package io.nvmegate.worker.fence;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.nvmegate.blockio.BlockReply;
import io.nvmegate.blockio.BlockRequest;
import io.nvmegate.blockio.RequestId;
import io.nvmegate.protocol.Status;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * A block worker's fence against gateways that lost the right to forward (checks 2 and 3 of "Fencing" in the
 * {@code io.nvmegate.ana} package doc), applied to every request at entry, before it touches a store or enters a
 * Raft log:
 * <ul>
 *   <li>{@code "lease"}: {@link BlockRequest#leaseUntil()} is set and the worker's Hazelcast cluster time
 *       ({@code Cluster#getClusterTime()}, ms) is at or past it: the request was delayed in transit, or sent by a
 *       gateway whose own check raced its pause;</li>
 *   <li>{@code "member"}: {@link RequestId#client()} is a Hazelcast member that left this worker's cluster (a
 *       gateway cut off in a split brain keeps renewing its lease in its own half; a member that merges back gets a
 *       new UUID, so a removed UUID never comes back).</li>
 * </ul>
 * A refused request is answered {@link #REFUSED} = Asymmetric Access Inaccessible (SCT 3h SC 02h, NVMe Base 2.0
 * section 8.1.3) without DNR: the Linux host retries it on another path ({@code nvme_failover_req}). Requests
 * without lease ({@code leaseUntil} 0: a sender outside a cluster) and without request ID pass the respective check.
 *
 * <p>Removed members are learnt from a {@link MembershipListener} registered by {@link #start()}; the last
 * {@value #REMEMBERED} are kept (oldest forgotten first). Members removed before {@link #start()} are not known:
 * their leases (at most {@code GatewayLease.LEASE_MS}) have run out by the time the worker serves.
 *
 * <p>Meter: {@code nvmegate_fenced_requests_total{worker,reason}} (reason {@code lease} or {@code member}).
 */
public final class GatewayFence {
    private static final Logger log = LoggerFactory.getLogger(GatewayFence.class);
    /** How many removed member UUIDs are kept. */
    public static final int REMEMBERED = 4096;
    /** The status of a refused request: Asymmetric Access Inaccessible, no DNR. */
    public static final int REFUSED = Status.ANA_INACCESSIBLE;

    /** Why a request was refused; {@link #label} is the metric's reason. */
    public enum Reason {
        LEASE("lease"), MEMBER("member");

        public final String label;

        Reason(String label) { this.label = label; }
    }

    private interface Line { void log(String format, Object... args); }
    private static final Line WARN = log::warn, DEBUG = log::debug;

    private final String workerId;
    private final HazelcastInstance hz;
    private final LongSupplier clusterTime;
    private final Set<UUID> removed = ConcurrentHashMap.newKeySet();
    private final ArrayDeque<UUID> order = new ArrayDeque<>();
    private final Counter lease, member;
    private UUID registration;
    /** {@link System#nanoTime()} of the last WARN line about a refusal (at most one a second, the others DEBUG). */
    private volatile long lastWarn = System.nanoTime() - 2_000_000_000L;

    /**
     * @param workerId the worker's ID (metric label)
     * @param hz       the worker's Hazelcast member: cluster time and membership
     * @param registry where {@code nvmegate_fenced_requests_total} goes
     */
    public GatewayFence(String workerId, HazelcastInstance hz, MeterRegistry registry) {
        this.workerId = Objects.requireNonNull(workerId, "workerId");
        this.hz = Objects.requireNonNull(hz, "hz");
        this.clusterTime = () -> hz.getCluster().getClusterTime();
        this.lease = counter(registry, Reason.LEASE);
        this.member = counter(registry, Reason.MEMBER);
    }

    private Counter counter(MeterRegistry registry, Reason r) {
        return Counter.builder("nvmegate.fenced.requests")
                .description("Block requests a worker refused from fenced gateways (lease run out, or a member that left the cluster)")
                .tag("worker", workerId).tag("reason", r.label).register(registry);
    }

    /** Starts following the membership (idempotent). */
    public synchronized GatewayFence start() {
        if (registration == null) {
            registration = hz.getCluster().addMembershipListener(new MembershipListener() {
                @Override
                public void memberAdded(MembershipEvent e) {}

                @Override
                public void memberRemoved(MembershipEvent e) {
                    removed(e.getMember().getUuid());
                }
            });
        }
        return this;
    }

    /** Stops following the membership (the UUIDs already learnt stay fenced). */
    public synchronized void stop() {
        if (registration == null) return;
        try {
            hz.getCluster().removeMembershipListener(registration);
        } catch (RuntimeException e) { // the member is shutting down
            log.debug("block worker {}: membership listener: {}", workerId, e.toString());
        }
        registration = null;
    }

    /** Fences member {@code uuid}: it left the cluster. */
    void removed(UUID uuid) {
        synchronized (order) {
            if (!removed.add(uuid)) return;
            order.addLast(uuid);
            while (order.size() > REMEMBERED) removed.remove(order.removeFirst());
        }
        log.info("block worker {}: member {} left the cluster: its requests are refused from now on", workerId, uuid);
    }

    /** @return whether requests of session {@code uuid} are refused (a member that left) */
    public boolean fenced(UUID uuid) {
        return removed.contains(uuid);
    }

    /**
     * @return null if {@code r} may proceed, else why it is refused (counted); the caller answers {@link #REFUSED}
     */
    public Reason check(BlockRequest r) {
        long until = r.leaseUntil();
        if (until != 0) {
            long now = clusterTime.getAsLong();
            if (now >= until) return refused(r, Reason.LEASE, now);
        }
        RequestId id = r.requestId();
        if (id != null && removed.contains(id.client())) return refused(r, Reason.MEMBER, 0);
        return null;
    }

    /** @return the reply to a request refused by {@link #check} */
    public static BlockReply refusal() {
        return BlockReply.status(REFUSED);
    }

    private Reason refused(BlockRequest r, Reason why, long now) {
        (why == Reason.LEASE ? lease : member).increment();
        long t = System.nanoTime();
        boolean warn = t - lastWarn >= 1_000_000_000L;
        if (warn) lastWarn = t;
        if (!warn && !log.isDebugEnabled()) return why;
        if (why == Reason.LEASE) {
            (warn ? WARN : DEBUG).log("block worker {}: namespace {} {} refused: the gateway's lease ran out {} ms ago (session {})", workerId,
                    r.namespace(), r.op(), now - r.leaseUntil(), r.requestId() == null ? null : r.requestId().client());
        } else {
            (warn ? WARN : DEBUG).log("block worker {}: namespace {} {} refused: session {} left the cluster", workerId, r.namespace(), r.op(),
                    r.requestId().client());
        }
        return why;
    }
}
