package io.nvmegate.replication.it;

import io.nvmegate.ana.AnaState;
import io.nvmegate.client.NvmeController;
import io.nvmegate.protocol.Opcodes;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * An observer of every gateway's ANA log page: its own admin-only controller per gateway (a separate host, no
 * asynchronous events enabled, every read with RAE = 1, so it disturbs no notice of the multipath host), polled
 * every {@value #POLL_MS} ms, reconnected every 500 ms while a gateway is down.
 *
 * <p>It records every state change per (gateway, group) with its time, and two kinds of violations:
 * <ul>
 *   <li><b>two optimized</b>: in one round it reads gateway X, then Y, then X again; X optimized for a group in both
 *       reads with the same CHGCNT (so X was optimized all along in between) and Y optimized for it too: both
 *       reported the group optimized at the same moment. The order alternates between rounds.</li>
 *   <li><b>CHGCNT not bumped</b>: two successive reads over one connection to a gateway differ in a group's state
 *       with the same header CHGCNT.</li>
 * </ul>
 */
public final class AnaWatch implements AutoCloseable {
    static final long POLL_MS = 50;
    /** Violations listed (the rest only counted). */
    static final int MAX_LISTED = 10;

    /** A gateway's page as last read, {@code null} page while the gateway does not answer. */
    public record Snapshot(long nanos, AnaLogPage page) {}

    private final GatewayCluster cluster;
    private final List<String> gateways;
    private final long t0;
    private final Map<String, NvmeController> controllers = new ConcurrentHashMap<>();
    private final Map<String, Long> nextConnect = new ConcurrentHashMap<>();
    private final Map<String, Snapshot> latest = new ConcurrentHashMap<>();
    private final Map<String, AnaLogPage> previousOnConnection = new ConcurrentHashMap<>();
    private final List<String> timeline = Collections.synchronizedList(new ArrayList<>());
    private final List<String> twoOptimized = Collections.synchronizedList(new ArrayList<>());
    private final List<String> chgcntNotBumped = Collections.synchronizedList(new ArrayList<>());
    private final java.util.concurrent.atomic.AtomicLong twoOptimizedCount = new java.util.concurrent.atomic.AtomicLong();
    private final Thread thread;
    private volatile boolean running = true;

    /** @param t0 {@link System#nanoTime()} the timeline's times count from */
    public AnaWatch(GatewayCluster cluster, long t0) {
        this.cluster = cluster;
        this.gateways = GatewayCluster.GATEWAYS;
        this.t0 = t0;
        this.thread = new Thread(this::run, "ana-watch");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        long round = 0;
        while (running) {
            String x = gateways.get((int) (round % 2)), y = gateways.get((int) ((round + 1) % 2));
            AnaLogPage x1 = read(x), yp = read(y), x2 = read(x);
            if (x1 != null && yp != null && x2 != null && x1.changeCount() == x2.changeCount()) {
                for (int g : x1.groups().keySet()) {
                    if (x1.state(g) == AnaState.OPTIMIZED && x2.state(g) == AnaState.OPTIMIZED && yp.state(g) == AnaState.OPTIMIZED
                            && twoOptimizedCount.getAndIncrement() < MAX_LISTED) {
                        twoOptimized.add(String.format("t+%d ms group %d optimized on %s (%s, read twice) and on %s (%s)",
                                ms(System.nanoTime()), g, x, x1, y, yp));
                    }
                }
            }
            round++;
            try {
                Thread.sleep(POLL_MS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private AnaLogPage read(String gateway) {
        NvmeController c = controllers.get(gateway);
        long now = System.nanoTime();
        if (c == null || c.isClosed()) {
            if (c != null) drop(gateway, c, "connection closed");
            if (now < nextConnect.getOrDefault(gateway, 0L)) return null;
            nextConnect.put(gateway, now + 500_000_000L);
            try {
                c = cluster.connect(gateway, 0, UUID.nameUUIDFromBytes("ana-watch".getBytes()), 0);
                controllers.put(gateway, c);
                previousOnConnection.remove(gateway);
            } catch (RuntimeException e) {
                latest.put(gateway, new Snapshot(System.nanoTime(), null));
                return null;
            }
        }
        try {
            AnaLogPage p = AnaLogPage.parse(c.getLogPageAsync(Opcodes.LOG_ANA, 0, true, 0, 4096, 0)
                    .get(3, java.util.concurrent.TimeUnit.SECONDS));
            long at = System.nanoTime();
            record(gateway, p, at);
            latest.put(gateway, new Snapshot(at, p));
            return p;
        } catch (Exception e) {
            drop(gateway, c, e.toString());
            return null;
        }
    }

    private void drop(String gateway, NvmeController c, String why) {
        controllers.remove(gateway, c);
        previousOnConnection.remove(gateway);
        Snapshot s = latest.get(gateway);
        if (s == null || s.page() != null) {
            timeline.add(String.format("t+%d ms %s: no answer (%s)", ms(System.nanoTime()), gateway, why));
        }
        latest.put(gateway, new Snapshot(System.nanoTime(), null));
        java.util.concurrent.CompletableFuture.runAsync(() -> {
            try {
                c.close(); // may wait for a shutdown that never comes: off the polling thread
            } catch (RuntimeException ignored) {
                // already broken
            }
        });
    }

    private void record(String gateway, AnaLogPage p, long at) {
        AnaLogPage prev = previousOnConnection.put(gateway, p);
        if (prev == null) {
            timeline.add(String.format("t+%d ms %s: %s", ms(at), gateway, p));
            return;
        }
        if (!prev.groups().keySet().equals(p.groups().keySet()) || p.groups().keySet().stream().anyMatch(g -> prev.state(g) != p.state(g))) {
            timeline.add(String.format("t+%d ms %s: %s", ms(at), gateway, p));
            if (prev.changeCount() == p.changeCount() && chgcntNotBumped.size() < MAX_LISTED) {
                chgcntNotBumped.add(String.format("t+%d ms %s: %s then %s", ms(at), gateway, prev, p));
            }
        }
    }

    private long ms(long nanos) { return (nanos - t0) / 1_000_000; }

    /** @return each gateway's last page (null page: not answering) */
    public Map<String, Snapshot> latest() {
        return new LinkedHashMap<>(latest);
    }

    /** @return the state of {@code group} in {@code gateway}'s last page, null if unknown or not answering */
    public AnaState state(String gateway, int group) {
        Snapshot s = latest.get(gateway);
        return s == null || s.page() == null ? null : s.page().state(group);
    }

    /**
     * Waits until {@code condition} holds for the pages read after {@code afterNanos}, at most {@code timeoutMs}.
     *
     * @return {@link System#nanoTime()} of the first read at which it held, or -1
     */
    public long awaitNanos(long afterNanos, long timeoutMs, Predicate<AnaWatch> condition) throws InterruptedException {
        long end = System.nanoTime() + timeoutMs * 1_000_000;
        while (System.nanoTime() < end) {
            boolean fresh = gateways.stream().allMatch(g -> latest.containsKey(g) && latest.get(g).nanos() > afterNanos);
            if (fresh && condition.test(this)) {
                return gateways.stream().mapToLong(g -> latest.get(g).nanos()).max().orElse(System.nanoTime());
            }
            Thread.sleep(10);
        }
        return -1;
    }

    /** @return the groups {@code gateway} last reported optimized */
    public List<Integer> optimizedOn(String gateway) {
        Snapshot s = latest.get(gateway);
        if (s == null || s.page() == null) return List.of();
        return s.page().groups().values().stream().filter(g -> g.state() == AnaState.OPTIMIZED).map(AnaLogPage.Group::anaGroup).toList();
    }

    public List<String> timeline() { return List.copyOf(timeline); }

    /** @return the first {@value #MAX_LISTED} "two optimized" violations, then their count */
    public List<String> twoOptimized() {
        List<String> l = new ArrayList<>(twoOptimized);
        if (twoOptimizedCount.get() > MAX_LISTED) l.add("... " + twoOptimizedCount.get() + " in all");
        return l;
    }

    public List<String> chgcntNotBumped() { return List.copyOf(chgcntNotBumped); }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(10_000);
        for (NvmeController c : controllers.values()) {
            try {
                c.close();
            } catch (RuntimeException ignored) {
                // the gateway may be gone
            }
        }
    }
}
