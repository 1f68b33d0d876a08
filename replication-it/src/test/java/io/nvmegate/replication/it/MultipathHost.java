package io.nvmegate.replication.it;

import io.nvmegate.ana.AnaState;
import io.nvmegate.client.NvmeController;
import io.nvmegate.client.NvmeStatusException;
import io.nvmegate.protocol.Opcodes;
import io.nvmegate.protocol.Status;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * A tiny native-multipath host on top of the Java host library, following what the Linux host does
 * ({@code drivers/nvme/host/multipath.c}, {@code core.c}):
 * <ul>
 *   <li>one controller per gateway (path), all with the same host ID; on connect it enables the ANA change notice
 *       (Asynchronous Event Configuration bit 11), reads the ANA log page (LID 0Ch, RAE = 0) and keeps an
 *       Asynchronous Event Request outstanding; AEN {@code 0x000C0302} → it reads the log again (RAE = 0);</li>
 *   <li>path selection ({@code nvme_find_path}): a path whose last ANA log shows the namespace's group optimized,
 *       else one showing it non-optimized; inaccessible, change, unknown or disconnected paths are not used;</li>
 *   <li>failover ({@code nvme_failover_req}): a path-related status (SCT 3h) without DNR → the path's ANA log is
 *       read again (it is not used meanwhile) and the command is retried on the path then chosen; a closed
 *       connection or a timeout → the path is down and reconnected every {@value #RECONNECT_MS} ms, the command
 *       retried elsewhere; no usable path → the command waits (queue_if_no_path) up to {@value #QUEUE_MS} ms;</li>
 *   <li>any other status, or DNR, fails the command: an I/O error, counted in {@link #errors()}.</li>
 * </ul>
 * It records every completion (time, path), every asynchronous event (time, path, DW0) and every failed attempt.
 */
public final class MultipathHost implements AutoCloseable {
    static final long RECONNECT_MS = 1000;
    static final long QUEUE_MS = 60_000;
    static final long ATTEMPT_MS = 15_000;
    static final int KATO_MS = 5000;

    /** An I/O error: what the host would fail to the file system. */
    public static final class IoError extends Exception {
        IoError(String m, Throwable cause) { super(m, cause); }
    }

    /** One path: a controller through one gateway and its last ANA log. */
    public final class Path {
        public final String gateway;
        volatile NvmeController controller;
        volatile AnaLogPage ana;
        /** The log is being read again after a path status: not usable meanwhile. */
        volatile boolean anaPending;
        volatile boolean reconnecting;
        final AtomicLong completions = new AtomicLong();
        final ConcurrentLinkedQueue<long[]> aens = new ConcurrentLinkedQueue<>(); // {nanos, dw0}

        Path(String gateway) { this.gateway = gateway; }

        public boolean connected() {
            NvmeController c = controller;
            return c != null && !c.isClosed();
        }

        public AnaLogPage ana() { return ana; }

        public long completions() { return completions.get(); }

        /** @return {@link System#nanoTime()} of the first AEN with {@code dw0} after {@code afterNanos}, or -1 */
        public long firstAen(int dw0, long afterNanos) {
            return aens.stream().filter(a -> a[1] == dw0 && a[0] > afterNanos).mapToLong(a -> a[0]).min().orElse(-1);
        }

        AnaState state(int nsid) {
            AnaLogPage p = ana;
            if (p == null || anaPending || !connected()) return null;
            int g = p.groupOf(nsid);
            return g == 0 ? null : p.state(g);
        }
    }

    private final GatewayCluster cluster;
    private final UUID hostId = UUID.randomUUID();
    private final int ioQueues;
    private final long t0;
    private final Map<String, Path> paths = new TreeMap<>();
    private final ScheduledExecutorService exec = Executors.newScheduledThreadPool(4, r -> {
        Thread t = new Thread(r, "multipath-host");
        t.setDaemon(true);
        return t;
    });
    private final ConcurrentLinkedQueue<long[]> completionLog = new ConcurrentLinkedQueue<>(); // {nanos, path index, write?1:0}
    private final List<String> events = Collections.synchronizedList(new ArrayList<>());
    private final List<String> errors = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, Integer> failedAttempts = new ConcurrentHashMap<>();
    private final List<String> connectDnr = Collections.synchronizedList(new ArrayList<>());
    private volatile boolean closed;

    /** Connects a path through every gateway of {@code cluster} ({@code ioQueues} I/O queues each). */
    public MultipathHost(GatewayCluster cluster, int ioQueues, long t0) {
        this.cluster = cluster;
        this.ioQueues = ioQueues;
        this.t0 = t0;
        for (String g : GatewayCluster.GATEWAYS) paths.put(g, new Path(g));
        for (Path p : paths.values()) {
            if (!connect(p)) throw new IllegalStateException("no path through " + p.gateway + ": " + events);
        }
    }

    public Path path(String gateway) { return paths.get(gateway); }

    private boolean connect(Path p) {
        NvmeController c;
        try {
            c = cluster.connect(p.gateway, ioQueues, hostId, KATO_MS);
        } catch (RuntimeException e) {
            if (e instanceof NvmeStatusException s) {
                event(p.gateway + " Connect failed: " + Status.describe(s.status()));
                if (s.dnr()) connectDnr.add(String.format("t+%d ms %s: %s", (System.nanoTime() - t0) / 1_000_000, p.gateway, e.getMessage()));
            }
            return false;
        }
        try {
            c.setFeatures(Opcodes.FEAT_ASYNC_EVENT_CONFIG, 1 << 11, false);
            p.ana = AnaLogPage.parse(c.getLogPage(Opcodes.LOG_ANA, 0, false, 0, 4096, 0));
            p.anaPending = false;
            p.controller = c;
            postAer(p, c);
            event(p.gateway + " connected (cntlid " + c.cntlid() + "): " + p.ana);
            return true;
        } catch (RuntimeException e) {
            event(p.gateway + " connected but its setup failed: " + e);
            closeQuietly(c);
            return false;
        }
    }

    private void postAer(Path p, NvmeController c) {
        c.asyncEventRequest().whenCompleteAsync((dw0, e) -> {
            if (closed || p.controller != c) return;
            if (e != null) {
                down(p, c, "Asynchronous Event Request failed: " + e);
                return;
            }
            p.aens.add(new long[] {System.nanoTime(), dw0});
            event(String.format("%s AEN 0x%08x", p.gateway, dw0));
            if (dw0 == 0x000C0302) readAna(p, c, "AEN");
            postAer(p, c);
        }, exec);
    }

    /** Reads the ANA log of {@code p} again (RAE = 0), off the reader threads. */
    private void readAna(Path p, NvmeController c, String why) {
        exec.execute(() -> {
            try {
                AnaLogPage page = AnaLogPage.parse(c.getLogPageAsync(Opcodes.LOG_ANA, 0, false, 0, 4096, 0).get(ATTEMPT_MS, TimeUnit.MILLISECONDS));
                AnaLogPage before = p.ana;
                p.ana = page;
                p.anaPending = false;
                if (before == null || !before.groups().equals(page.groups())) event(p.gateway + " ANA log (" + why + "): " + page);
            } catch (Exception e) {
                down(p, c, "ANA log read failed: " + e);
            }
        });
    }

    private void down(Path p, NvmeController c, String why) {
        synchronized (p) {
            if (p.controller != c) return;
            p.controller = null;
            event(p.gateway + " down: " + why);
            exec.execute(() -> closeQuietly(c));
            if (!p.reconnecting && !closed) {
                p.reconnecting = true;
                exec.schedule(() -> reconnect(p), RECONNECT_MS, TimeUnit.MILLISECONDS);
            }
        }
    }

    private void reconnect(Path p) {
        if (closed) return;
        if (connect(p)) {
            p.reconnecting = false;
        } else {
            exec.schedule(() -> reconnect(p), RECONNECT_MS, TimeUnit.MILLISECONDS);
        }
    }

    private Path select(int nsid) {
        Path nonOptimized = null;
        for (Path p : paths.values()) {
            AnaState s = p.state(nsid);
            if (s == AnaState.OPTIMIZED) return p;
            if (s == AnaState.NON_OPTIMIZED && nonOptimized == null) nonOptimized = p;
        }
        return nonOptimized;
    }

    /**
     * Runs one command with multipath failover (see the class doc).
     *
     * @param what for messages, e.g. {@code "write NSID 1 LBA 8"}
     * @return the command's result
     * @throws IoError when the command failed with a non-path status or DNR, or found no usable path for
     *                 {@value #QUEUE_MS} ms
     */
    public <T> T run(String what, int nsid, boolean write, Function<NvmeController, CompletableFuture<T>> op) throws IoError, InterruptedException {
        long start = System.nanoTime(), deadline = start + QUEUE_MS * 1_000_000;
        while (true) {
            if (System.nanoTime() > deadline) throw error(what + ": no usable path for " + QUEUE_MS + " ms (" + pathStates(nsid) + ")", null);
            Path p = select(nsid);
            NvmeController c = p == null ? null : p.controller;
            if (c == null) {
                Thread.sleep(5);
                continue;
            }
            try {
                T v = op.apply(c).get(ATTEMPT_MS, TimeUnit.MILLISECONDS);
                long now = System.nanoTime();
                p.completions.incrementAndGet();
                completionLog.add(new long[] {now, GatewayCluster.GATEWAYS.indexOf(p.gateway), write ? 1 : 0});
                return v;
            } catch (ExecutionException ee) {
                Throwable t = ee.getCause();
                if (t instanceof NvmeStatusException s) {
                    failedAttempts.merge(p.gateway + ": " + Status.describe(s.status()), 1, Integer::sum);
                    if (s.sct() == Status.SCT_PATH && !s.dnr()) {
                        synchronized (p) {
                            if (!p.anaPending && p.controller == c) {
                                p.anaPending = true;
                                readAna(p, c, "path status " + Status.describe(s.status()));
                            }
                        }
                        continue;
                    }
                    throw error(what + " via " + p.gateway + ": " + Status.describe(s.status()), s);
                }
                failedAttempts.merge(p.gateway + ": " + t.getClass().getSimpleName(), 1, Integer::sum);
                down(p, c, what + ": " + t);
            } catch (TimeoutException te) {
                failedAttempts.merge(p.gateway + ": no completion in " + ATTEMPT_MS + " ms", 1, Integer::sum);
                down(p, c, what + ": no completion in " + ATTEMPT_MS + " ms");
            } catch (RuntimeException re) { // submit on a queue that just closed
                failedAttempts.merge(p.gateway + ": " + re.getClass().getSimpleName(), 1, Integer::sum);
                down(p, c, what + ": " + re);
            }
        }
    }

    private IoError error(String m, Throwable cause) {
        errors.add(String.format("t+%d ms %s", (System.nanoTime() - t0) / 1_000_000, m));
        return new IoError(m, cause);
    }

    private String pathStates(int nsid) {
        StringBuilder b = new StringBuilder();
        for (Path p : paths.values()) {
            b.append(p.gateway).append(p.connected() ? "" : " (disconnected)").append(p.anaPending ? " (ANA log pending)" : "")
                    .append(": ").append(p.ana).append("; ");
        }
        return b.append("NSID ").append(nsid).toString();
    }

    private void event(String e) {
        events.add(String.format("t+%d ms %s", (System.nanoTime() - t0) / 1_000_000, e));
    }

    /** @return {@link System#nanoTime()} of the first completion after {@code afterNanos} (through {@code gateway}, if not null; writes only if {@code writes}), or -1 */
    public long firstCompletion(long afterNanos, String gateway, boolean writes) {
        int idx = gateway == null ? -1 : GatewayCluster.GATEWAYS.indexOf(gateway);
        return completionLog.stream().filter(c -> c[0] > afterNanos && (idx < 0 || c[1] == idx) && (!writes || c[2] == 1))
                .mapToLong(c -> c[0]).min().orElse(-1);
    }

    /** @return Connect commands refused with DNR (a host then gives up the path) */
    public List<String> connectDnr() { return List.copyOf(connectDnr); }

    /** @return the I/O errors (commands failed), with their times */
    public List<String> errors() { return List.copyOf(errors); }

    /** @return failed attempts (retried elsewhere unless also in {@link #errors()}), by path and status or exception */
    public Map<String, Integer> failedAttempts() { return new TreeMap<>(failedAttempts); }

    /** @return connects, disconnects, AENs and ANA log changes, with their times */
    public List<String> events() { return List.copyOf(events); }

    private static void closeQuietly(NvmeController c) {
        try {
            c.close();
        } catch (RuntimeException ignored) {
            // the gateway may be gone
        }
    }

    @Override
    public void close() {
        closed = true;
        exec.shutdownNow();
        for (Path p : paths.values()) {
            NvmeController c = p.controller;
            if (c != null) closeQuietly(c);
        }
    }
}
