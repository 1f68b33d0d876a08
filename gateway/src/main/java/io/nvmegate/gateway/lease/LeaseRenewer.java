package io.nvmegate.gateway.lease;

import com.hazelcast.core.HazelcastInstance;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.nvmegate.ana.GatewayDirectory;
import io.nvmegate.ana.GatewayDirectory.GatewayInfo;
import io.nvmegate.ana.GatewayLease;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A clustered gateway's lease ({@link GatewayLease}, package doc of {@code io.nvmegate.ana}, "Leases and failure
 * detection"): every {@link GatewayLease#RENEW_MS} ms it writes its {@link GatewayInfo} to Hazelcast map
 * {@value GatewayDirectory#MAP} ({@link GatewayDirectory#renewAsync}).
 *
 * <p>Times are Hazelcast cluster time (ms, {@code Cluster#getClusterTime()}), the clock block workers check
 * {@code BlockRequest.leaseUntil} against. A renewal reads the cluster time {@code t} <em>before</em> it sends
 * and writes {@code leaseUntil = t + LEASE_MS}. The first lease is adopted once its write completed; after that
 * each tick renews the lease locally (the tick ran: the process is not paused) as long as some renewal was stored
 * within {@link #CONTACT_MS}, so a write stuck on the partition of a paused member (SIGSTOP of another gateway: its
 * partitions stall until Hazelcast drops it, up to 10 s) does not lapse this gateway; the balancer reads the map,
 * whose record may then trail this gateway's own lease by up to {@link #CONTACT_MS}. {@link #valid()} is
 * {@code clusterTime < leaseUntil}, computed on each call.
 *
 * <p>Lapse: when a renewal completes, or the periodic tick runs, and finds the cluster time at or past the lease
 * it held (a pause such as SIGSTOP or a long GC, a cut-off member whose writes do not complete), the lapse is
 * recorded once: {@link #lapsedAtNanos()} = {@link System#nanoTime()}, {@code since} restarts with the next lease,
 * {@code nvmegate_gateway_lease_lapses_total{gateway}} counts it, and the {@link #onChange} listeners run; they run
 * again when a completed renewal gives a valid lease back. A renewal sent before the lapse that completes after it
 * is noticed as a lapse first and only then may extend the lease, so {@link #lapsedAtNanos()} is always set before
 * {@link #valid()} turns true again (controllers created before it must not forward: {@code Controller#createdNanos}).
 *
 * <p>At most {@value #MAX_IN_FLIGHT} renewals are in flight (a stuck map write, e.g. its partition owner gone, is
 * not piled up every tick); their completions may arrive in any order, the later lease wins.
 */
public final class LeaseRenewer implements GatewayLease {
    private static final Logger log = LoggerFactory.getLogger(LeaseRenewer.class);
    /** Renewals in flight at most (a stuck write stays bounded: Hazelcast's operation timeout ends it). */
    static final int MAX_IN_FLIGHT = (int) (LEASE_MS / RENEW_MS);

    private final Vertx vertx;
    private final HazelcastInstance hz;
    private final GatewayDirectory directory;
    private final String gatewayId;
    private final Counter lapses;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

    /** Cluster time (ms) until which the lease holds; 0 before the first completed renewal. */
    private volatile long leaseUntil;
    /** {@link System#nanoTime()} of the last lapse noticed, or {@link Long#MIN_VALUE}. */
    private volatile long lapsedAtNanos = Long.MIN_VALUE;
    /** Cluster time of the last lapse noticed, or {@link Long#MIN_VALUE}. */
    private long lapsedAtCluster = Long.MIN_VALUE;
    /** Most cluster members this member has seen at once ({@link #cutOff()}). */
    private int maxMembers;
    /** Cluster time at which the newest stored renewal was sent; 0: none stored yet. */
    private long lastStoredSent;
    /** Cluster time from which the current unbroken lease counts ({@link GatewayInfo#since()}); -1: none yet. */
    private long since = -1;
    /** Whether a lease was held and has lapsed without being regained. */
    private boolean lapsed;
    /** Whether the lease was valid when last looked at by {@link #tick} or a completion (for the listeners). */
    private boolean wasValid;
    private int inFlight;
    private volatile UUID session;
    private long timer = -1;
    private volatile boolean stopped;
    private final java.util.concurrent.CompletableFuture<Void> firstLease = new java.util.concurrent.CompletableFuture<>();

    /**
     * @param vertx     runs the renewal tick
     * @param hz        the gateway's Hazelcast member: cluster time, member UUID (the session)
     * @param gatewayId the gateway's ID (key of its {@link GatewayInfo})
     * @param registry  where {@code nvmegate_gateway_lease_lapses_total{gateway}} goes
     */
    public LeaseRenewer(Vertx vertx, HazelcastInstance hz, String gatewayId, MeterRegistry registry) {
        this(vertx, hz, new GatewayDirectory(hz), gatewayId, registry);
    }

    /** As {@link #LeaseRenewer(Vertx, HazelcastInstance, String, MeterRegistry)}, writing through {@code directory}. */
    public LeaseRenewer(Vertx vertx, HazelcastInstance hz, GatewayDirectory directory, String gatewayId, MeterRegistry registry) {
        this.vertx = Objects.requireNonNull(vertx, "vertx");
        this.hz = Objects.requireNonNull(hz, "hz");
        this.directory = Objects.requireNonNull(directory, "directory");
        this.gatewayId = Objects.requireNonNull(gatewayId, "gatewayId");
        this.lapses = Counter.builder("nvmegate.gateway.lease.lapses")
                .description("Times this gateway's lease expired before a renewal completed (a pause, or a lost cluster)")
                .tag("gateway", gatewayId).register(registry);
        this.session = hz.getCluster().getLocalMember().getUuid();
    }

    /** Sends the first renewal at once, then one every {@link #RENEW_MS} ms. Call once. */
    /**
     * Longest time (ms) without a stored renewal for which the tick still renews the lease locally: longer than
     * Hazelcast's failure detection (10 s of silence, {@code Cluster#hazelcastConfig}) plus the repair of the
     * partition table after it, so that a renewal stuck on a partition whose owner is paused (SIGSTOP of another
     * member) does not cost this gateway its lease. 12 s was too short: with a paused block worker, a 2-core machine
     * stored no renewal from 5 s to over 20 s after the pause (PausedLeaderTest: "lease lapsed 0 ms ago", every
     * controller destroyed while the cluster was otherwise healthy); with 20 s the write through the pause survives,
     * though a paused Hazelcast master can still stall the map for longer (CI: no renewal stored for > 23 s). A gateway that sees no other member is cut off at
     * once ({@code cutOff}), and block workers refuse a gateway that left the cluster, so this bounds only a gateway
     * that still sees members but cannot store.
     */
    public static final long CONTACT_MS = 20_000;

    public synchronized LeaseRenewer start() {
        if (timer >= 0 || stopped) return this;
        timer = vertx.setPeriodic(1, RENEW_MS, id -> tick());
        log.info("gateway {}: lease renewal every {} ms, lease {} ms, session {}", gatewayId, RENEW_MS, LEASE_MS, session());
        return this;
    }

    /** Stops renewing; the lease runs out at {@link #leaseUntil()} (its record stays in the map). */
    public synchronized void stop() {
        stopped = true;
        if (timer >= 0) vertx.cancelTimer(timer);
        timer = -1;
    }

    @Override
    public boolean valid() {
        long until = leaseUntil;
        return until != 0 && now() < until;
    }

    @Override
    public long leaseUntil() { return leaseUntil; }

    /** The current Hazelcast local member UUID (a member that merged back after a split brain has a new one). */
    @Override
    public UUID session() {
        try {
            UUID u = hz.getCluster().getLocalMember().getUuid();
            session = u;
            return u;
        } catch (RuntimeException e) { // the member is shutting down: the last UUID it had
            return session;
        }
    }

    @Override
    public long lapsedAtNanos() { return lapsedAtNanos; }

    @Override
    public void onChange(Runnable r) { listeners.add(Objects.requireNonNull(r)); }

    /**
     * @return completes once the first renewal was stored (the lease is valid from then on while renewals
     *         succeed); a gateway may wait for it before it listens
     */
    public CompletionStage<Void> firstLease() { return firstLease.minimalCompletionStage(); }

    /** @return the gateway ID this lease renews */
    public String gatewayId() { return gatewayId; }

    /** @return the cluster time (ms) */
    private long now() { return directory.now(); }

    /** One renewal period: notices a lapse, then sends a renewal unless too many are in flight. */
    void tick() {
        if (stopped) return;
        GatewayInfo info = null;
        synchronized (this) {
            long now = now();
            observe(now); // a gap (this process paused) is a lapse before anything renews
            // local renewal: the lease is this process's own liveness (the tick ran, so it is not paused), bounded
            // by its contact with the cluster (a renewal stored within CONTACT_MS); the map write below only
            // publishes it to the balancer, and a write stuck on a paused member's partition does not lapse it
            if (!cutOff() && lastStoredSent > 0 && now - lastStoredSent < CONTACT_MS) {
                if (!(leaseUntil > now)) { // regained after a lapse
                    since = now;
                    lapsed = false;
                }
                leaseUntil = Math.max(leaseUntil, now + LEASE_MS);
            }
            if (inFlight < MAX_IN_FLIGHT) {
                // a lease still held keeps its start; none held (first renewal, or after a lapse): it starts now
                long start = leaseUntil > now && since >= 0 ? since : now;
                info = new GatewayInfo(gatewayId, session(), now + LEASE_MS, start);
                inFlight++;
            }
        }
        tickChanges();
        if (info != null) send(info);
    }

    private void send(GatewayInfo info) {
        CompletionStage<Void> done;
        try {
            done = directory.renewAsync(info);
        } catch (RuntimeException e) { // e.g. the member shut down
            failed(info, e);
            return;
        }
        done.whenComplete((v, e) -> {
            if (e != null) failed(info, e);
            else completed(info);
        });
    }

    private void failed(GatewayInfo info, Throwable e) {
        synchronized (this) {
            inFlight--;
        }
        if (!stopped) log.warn("gateway {}: lease renewal (until {}) failed: {}", gatewayId, info.leaseUntil(), e.toString());
        tickChanges();
    }

    /** Renewal {@code info} was stored: notices a lapse first, then adopts its lease. */
    private void completed(GatewayInfo info) {
        synchronized (this) {
            inFlight--;
            long now = now();
            observe(now);
            lastStoredSent = Math.max(lastStoredSent, info.leaseUntil() - LEASE_MS);
            if (!cutOff() && info.leaseUntil() > now && info.leaseUntil() > leaseUntil) {
                if (!(leaseUntil > now)) { // regained (or first): the lease counts from this renewal's start
                    since = info.since() >= lapsedAtCluster ? info.since() : now;
                    lapsed = false;
                }
                leaseUntil = info.leaseUntil(); // volatile write after lapsedAtNanos: readers see both
            }
        }
        if (leaseUntil != 0) firstLease.complete(null);
        tickChanges();
    }

    /**
     * Under the lock: whether this member is cut off: it once saw other members and now sees none (after a pause
     * longer than Hazelcast's failure detection it suspects every other member and forms a cluster of one, where
     * its renewals succeed but its owner map is stale; it must report inaccessible, not optimized, until it
     * merged back). A single-process node, always alone, is never cut off.
     */
    private boolean cutOff() {
        int members;
        try {
            members = hz.getCluster().getMembers().size();
        } catch (RuntimeException e) { // shutting down
            return true;
        }
        maxMembers = Math.max(maxMembers, members);
        return maxMembers > 1 && members <= 1;
    }

    /** Under the lock: records a lapse if the held lease ran out at cluster time {@code now}. */
    private void observe(long now) {
        long until = leaseUntil;
        if (until != 0 && now >= until && !lapsed) {
            lapsed = true;
            lapsedAtNanos = System.nanoTime();
            lapsedAtCluster = now;
            since = -1;
            lapses.increment();
            log.warn("gateway {}: lease lapsed {} ms ago (until {}, cluster time {}): not forwarding until renewed",
                    gatewayId, now - until, until, now);
        }
    }

    /** Runs the listeners if {@link #valid()} changed since the last look. */
    private void tickChanges() {
        boolean fire;
        synchronized (this) {
            boolean v = valid();
            fire = v != wasValid;
            wasValid = v;
        }
        if (!fire) return;
        for (Runnable r : listeners) {
            try {
                r.run();
            } catch (RuntimeException e) {
                log.warn("gateway {}: lease listener failed: {}", gatewayId, e.toString(), e);
            }
        }
    }
}
