package io.nvmegate.replication.it;

import io.nvmegate.ana.GatewayLease;
import io.nvmegate.client.NvmeController;
import io.nvmegate.client.NvmeStatusException;
import io.nvmegate.protocol.Cqe;
import io.nvmegate.protocol.Status;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static io.nvmegate.replication.it.GatewayCluster.GATEWAYS;

/**
 * Issue 15's fencing proof, "no ghost writes": a write a host sent to a gateway that then paused must never land
 * after the host retried it elsewhere and wrote newer data.
 * <ol>
 *   <li>write W0 to LBA x through gateway-a (acknowledged);</li>
 *   <li>SIGSTOP gateway-a; write W1 to x on gateway-a's I/O queue: the CapsuleCmd (4 KiB in-capsule) sits in
 *       gateway-a's socket receive buffer;</li>
 *   <li>wait {@link GatewayLease#LEASE_MS} + 2.5 s (past the Linux host's 5 s keep-alive, after which it retries
 *       elsewhere); write W1, then W2 (newer data), to x through gateway-b, both acknowledged (path statuses
 *       without DNR are retried on gateway-b, as a host with one path left would);</li>
 *   <li>gateway-b's controller was not torn down meanwhile (the pause of one gateway must not cost the other its
 *       lease: the host's only path left); the test reconnects it if it was, so that the rest still runs;</li>
 *   <li>SIGCONT gateway-a;</li>
 *   <li>x reads W2 through gateway-b for 10 s; gateway-a's W1 is never answered Success (its connection torn down,
 *       or a path status without DNR: Asymmetric Access Inaccessible); after that a new controller through
 *       gateway-a reads W2 too.</li>
 * </ol>
 * Without fencing gateway-a forwards W1 when it resumes and x reads W1: the test fails (it does on a target without
 * issue 15's leases).
 */
class GhostWriteTest {
    static final String A = GATEWAYS.get(0), B = GATEWAYS.get(1);
    static final long X = 77;
    static final long W0 = 1000, W1 = 1001, W2 = 1002;
    static final int NSID = 1, BS = GatewayCluster.BLOCK_SIZE;

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void pausedGatewaysLateWriteNeverLands() throws Exception {
        SoftAssertions soft = new SoftAssertions();
        List<String> times = new ArrayList<>();
        try (GatewayCluster cluster = GatewayCluster.start(dir, 16L << 20)) {
            UUID hostId = UUID.randomUUID();
            NvmeController viaA = cluster.connect(A, 1, hostId, MultipathHost.KATO_MS);
            try (OnePath viaB = new OnePath(cluster, B, hostId)) {
                viaA.write(NSID, X, BlockValues.encode(W0, X, 1, BS), BS, false);
                soft.assertThat(viaB.read(10_000)).as("x through %s after W0 through %s", B, A).isEqualTo(W0);

                NodeProcess a = cluster.gateway(A);
                a.pause();
                long paused = System.nanoTime();
                CompletableFuture<Cqe> lateW1;
                try {
                    Thread.sleep(200);
                    lateW1 = viaA.writeAsync(NSID, X, BlockValues.encode(W1, X, 1, BS), BS, false);
                    Thread.sleep(500);
                    System.out.println("W1 sent to the stopped " + A + "; its socket queues: " + socketQueues(cluster.ioPort(A)));
                    soft.assertThat(lateW1).as("W1 on the stopped %s", A).isNotDone();

                    long retryAt = paused + TimeUnit.MILLISECONDS.toNanos(GatewayLease.LEASE_MS + 2500);
                    while (System.nanoTime() < retryAt) Thread.sleep(20);
                    long w1b = viaB.write(W1, 30_000);
                    long w2b = w1b < 0 ? -1 : viaB.write(W2, 30_000);
                    times.add(String.format("%s stopped; W1 through %s acknowledged %s after the pause (sent %d ms after it), W2 %s after the pause",
                            A, B, GatewayFailoverTest.ms(paused, w1b), GatewayLease.LEASE_MS + 2500, GatewayFailoverTest.ms(paused, w2b)));
                    soft.assertThat(w1b).as("W1 (the host's retry) through %s acknowledged within 30 s while %s is stopped", B, A).isPositive();
                    soft.assertThat(w2b).as("W2 through %s acknowledged within 30 s while %s is stopped", B, A).isPositive();
                } finally {
                    a.resume();
                }
                long resumed = System.nanoTime();
                List<String> bTornDown = viaB.teardowns();
                times.add("controllers through " + B + " torn down while " + A + " was stopped: " + (bTornDown.isEmpty() ? "none" : bTornDown));
                soft.assertThat(bTornDown).as("%s's controller torn down (or its connection lost) while %s was stopped: the pause of one gateway "
                        + "must not cost the other its lease or its controllers", B, A).isEmpty();
                System.out.println(A + " resumed " + (resumed - paused) / 1_000_000 + " ms after SIGSTOP");

                // x must read W2, never W1, for 10 s
                List<String> ghost = new ArrayList<>();
                long readsOk = 0, unanswered = 0, firstUnanswered = -1;
                long end = resumed + TimeUnit.SECONDS.toNanos(10);
                while (System.nanoTime() < end) {
                    long v = viaB.read(20_000);
                    long at = (System.nanoTime() - resumed) / 1_000_000;
                    if (v == W2) {
                        readsOk++;
                    } else if (v == -2) {
                        if (unanswered++ == 0) firstUnanswered = at;
                    } else {
                        ghost.add(String.format("%d ms after SIGCONT x read %s", at, describe(v)));
                    }
                    Thread.sleep(100);
                }
                times.add(String.format("after SIGCONT: %d reads of x through %s returned W2, %d something else %s, %d got no answer within 20 s%s",
                        readsOk, B, ghost.size(), ghost, unanswered, unanswered == 0 ? "" : " (the first ending " + firstUnanswered + " ms after SIGCONT)"));
                soft.assertThat(ghost).as("reads of x through %s after SIGCONT that returned something else than W2 (%d): a late write landed", B, W2)
                        .isEmpty();
                soft.assertThat(unanswered).as("reads of x through %s after SIGCONT that got no answer within 20 s (only path statuses, or no "
                        + "connection): %s unavailable after %s resumed", B, B, A).isZero();

                String outcome = outcome(lateW1);
                times.add("W1 on the resumed " + A + ": " + outcome);
                soft.assertThat(lateW1).as("W1 on %s answered, or its connection closed, within 20 s after SIGCONT", A).isDone();
                soft.assertThat(lateW1.isDone() && !lateW1.isCompletedExceptionally())
                        .as("W1 on the stopped %s answered Success after SIGCONT (a ghost write was forwarded): %s", A, outcome).isFalse();
                if (lateW1.isCompletedExceptionally()) {
                    Throwable t = cause(lateW1);
                    if (t instanceof NvmeStatusException s) {
                        soft.assertThat(s.sct() == Status.SCT_PATH && !s.dnr())
                                .as("W1 on the resumed %s failed with a path status without DNR: %s", A, outcome).isTrue();
                    }
                }

                long fresh = -1;
                try (OnePath again = new OnePath(cluster, A, hostId)) {
                    fresh = again.read(30_000);
                }
                times.add("x through a new controller on " + A + ": " + describe(fresh));
                soft.assertThat(fresh).as("x through a new controller on %s after the resume", A).isEqualTo(W2);
            } finally {
                CompletableFuture.runAsync(viaA::close).get(20, TimeUnit.SECONDS);
            }
            System.out.println("ghost write:\n  " + String.join("\n  ", times));
            try {
                soft.assertAll();
            } catch (AssertionError e) {
                System.out.println(cluster.logs());
                throw e;
            }
        }
    }

    /**
     * A host's single path to one gateway: a controller (one I/O queue) reconnected every 500 ms when its connection
     * closes; path statuses without DNR are retried on it after 100 ms. Teardowns are recorded.
     */
    static final class OnePath implements AutoCloseable {
        final GatewayCluster cluster;
        final String gateway;
        final UUID hostId;
        final long t0 = System.nanoTime();
        final List<String> teardowns = new ArrayList<>();
        NvmeController c;

        OnePath(GatewayCluster cluster, String gateway, UUID hostId) {
            this.cluster = cluster;
            this.gateway = gateway;
            this.hostId = hostId;
        }

        List<String> teardowns() { return List.copyOf(teardowns); }

        /** Writes {@code value} to x; @return {@link System#nanoTime()} of the acknowledgement, or -1 */
        long write(long value, long timeoutMs) throws InterruptedException {
            byte[] data = BlockValues.encode(value, X, 1, BS);
            return run(c -> c.writeAsync(NSID, X, data, BS, false), timeoutMs) == null ? -1 : System.nanoTime();
        }

        /** @return the value at x, -2 if no read succeeded */
        long read(long timeoutMs) throws InterruptedException {
            byte[] data = run(c -> c.readAsync(NSID, X, 1, BS), timeoutMs);
            return data == null ? -2 : BlockValues.decode(data, X, 1, BS)[0];
        }

        private <T> T run(java.util.function.Function<NvmeController, CompletableFuture<T>> op, long timeoutMs) throws InterruptedException {
            long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
            while (System.nanoTime() < end) {
                if (c == null || c.isClosed()) {
                    if (c != null) drop("connection closed");
                    try {
                        c = cluster.connect(gateway, 1, hostId, MultipathHost.KATO_MS);
                    } catch (RuntimeException e) {
                        System.out.println(gateway + ": connect failed: " + e);
                        Thread.sleep(500);
                        continue;
                    }
                }
                try {
                    return op.apply(c).get(15, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof NvmeStatusException s) {
                        if (s.sct() != Status.SCT_PATH || s.dnr()) {
                            System.out.println(gateway + ": command failed: " + s.getMessage());
                            return null;
                        }
                        System.out.println(gateway + ": path status, retried: " + Status.describe(s.status()));
                        Thread.sleep(100);
                    } else {
                        drop(String.valueOf(e.getCause()));
                    }
                } catch (java.util.concurrent.TimeoutException e) {
                    drop("no completion in 15 s");
                } catch (RuntimeException e) {
                    drop(e.toString());
                }
            }
            return null;
        }

        private void drop(String why) {
            teardowns.add(String.format("t+%d ms: %s", (System.nanoTime() - t0) / 1_000_000, why));
            NvmeController old = c;
            c = null;
            if (old != null) CompletableFuture.runAsync(old::close);
        }

        @Override
        public void close() {
            if (c != null) c.close();
        }
    }

    private static String describe(long v) {
        return v == W0 ? "W0" : v == W1 ? "W1" : v == W2 ? "W2" : v == -2 ? "(no answer)" : "write " + v;
    }

    private static Throwable cause(CompletableFuture<?> f) {
        try {
            f.getNow(null);
            return null;
        } catch (java.util.concurrent.CompletionException e) {
            return e.getCause();
        } catch (java.util.concurrent.CancellationException e) {
            return e;
        }
    }

    private static String outcome(CompletableFuture<Cqe> f) throws InterruptedException {
        try {
            f.get(20, TimeUnit.SECONDS);
            return "Success";
        } catch (ExecutionException e) {
            return "failed: " + e.getCause();
        } catch (java.util.concurrent.TimeoutException e) {
            return "no answer 20 s after SIGCONT";
        }
    }

    /** {@code ss -tn} lines of connections to {@code port} (Recv-Q: bytes the stopped gateway has not read), for the log. */
    private static String socketQueues(int port) {
        try {
            Process p = new ProcessBuilder("ss", "-tnH", "state", "established", "( sport = :" + port + " )").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            p.waitFor(5, TimeUnit.SECONDS);
            return out.isEmpty() ? "(none listed)" : "\n" + out;
        } catch (Exception e) {
            return "(ss: " + e + ")";
        }
    }
}
