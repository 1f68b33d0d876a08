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
            try (NvmeController viaB = cluster.connect(B, 1, hostId, MultipathHost.KATO_MS)) {
                viaA.write(NSID, X, BlockValues.encode(W0, X, 1, BS), BS, false);
                soft.assertThat(valueAt(viaB)).as("x through %s after W0 through %s", B, A).isEqualTo(W0);

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
                    long w1b = writeWithPathRetry(viaB, W1, 30_000);
                    long w2b = w1b < 0 ? -1 : writeWithPathRetry(viaB, W2, 30_000);
                    times.add(String.format("%s stopped; W1 through %s acknowledged %s after the pause (sent %d ms after it), W2 %s after the pause",
                            A, B, GatewayFailoverTest.ms(paused, w1b), GatewayLease.LEASE_MS + 2500, GatewayFailoverTest.ms(paused, w2b)));
                    soft.assertThat(w1b).as("W1 (the host's retry) through %s acknowledged within 30 s while %s is stopped", B, A).isPositive();
                    soft.assertThat(w2b).as("W2 through %s acknowledged within 30 s while %s is stopped", B, A).isPositive();
                } finally {
                    a.resume();
                }
                long resumed = System.nanoTime();
                System.out.println(A + " resumed " + (resumed - paused) / 1_000_000 + " ms after SIGSTOP");

                // x must read W2, never W1, for 10 s
                List<String> reads = new ArrayList<>();
                long firstBad = -1, readsOk = 0;
                long end = resumed + TimeUnit.SECONDS.toNanos(10);
                while (System.nanoTime() < end) {
                    long v = readWithPathRetry(viaB, 20_000);
                    if (v != W2 && firstBad < 0) {
                        firstBad = System.nanoTime();
                        reads.add(String.format("%d ms after SIGCONT x read %s", (firstBad - resumed) / 1_000_000, describe(v)));
                    } else if (v == W2) {
                        readsOk++;
                    }
                    Thread.sleep(100);
                }
                times.add(String.format("after SIGCONT: %d reads of x through %s returned W2%s", readsOk, B,
                        firstBad < 0 ? ", none anything else" : "; first other: " + reads));
                soft.assertThat(reads).as("reads of x through %s in the 10 s after SIGCONT that did not return W2 (%d)", B, W2).isEmpty();

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
                try (NvmeController again = connectWithRetry(cluster, hostId, 30_000)) {
                    fresh = readWithPathRetry(again, 30_000);
                } catch (RuntimeException e) {
                    times.add("no new controller through " + A + " after the resume: " + e);
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

    /** Writes {@code value} to x, retrying path statuses without DNR for up to {@code timeoutMs}; @return nanoTime of the ack or -1. */
    private static long writeWithPathRetry(NvmeController c, long value, long timeoutMs) throws InterruptedException {
        byte[] data = BlockValues.encode(value, X, 1, BS);
        return retry(() -> c.writeAsync(NSID, X, data, BS, false), timeoutMs) == null ? -1 : System.nanoTime();
    }

    /** @return the value at x, retrying path statuses without DNR for up to {@code timeoutMs}; -2 if none answered */
    private static long readWithPathRetry(NvmeController c, long timeoutMs) throws InterruptedException {
        byte[] data = retry(() -> c.readAsync(NSID, X, 1, BS), timeoutMs);
        return data == null ? -2 : BlockValues.decode(data, X, 1, BS)[0];
    }

    private static <T> T retry(Supplier<CompletableFuture<T>> op, long timeoutMs) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (System.nanoTime() < end) {
            try {
                return op.get().get(15, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof NvmeStatusException s) || s.sct() != Status.SCT_PATH || s.dnr()) {
                    System.out.println("command failed: " + e.getCause());
                    return null;
                }
                System.out.println("path status, retried: " + Status.describe(s.status()));
                Thread.sleep(100);
            } catch (java.util.concurrent.TimeoutException e) {
                System.out.println("no completion in 15 s");
            }
        }
        return null;
    }

    private static NvmeController connectWithRetry(GatewayCluster cluster, UUID hostId, long timeoutMs) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        RuntimeException last = null;
        while (System.nanoTime() < end) {
            try {
                return cluster.connect(A, 1, hostId, MultipathHost.KATO_MS);
            } catch (RuntimeException e) {
                last = e;
                Thread.sleep(500);
            }
        }
        throw last != null ? last : new IllegalStateException("no connect");
    }

    private static long valueAt(NvmeController c) {
        return BlockValues.decode(c.read(NSID, X, 1, BS), X, 1, BS)[0];
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
