package io.nvmegate.replication.it;

import io.nvmegate.client.NvmeController;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 14's kill test: three block workers in separate JVMs hold a replicated namespace (RF 3, RocksDB); a seeded
 * random workload of single- and multi-block writes and reads runs through the gateway and the host library,
 * eight commands outstanding, while the test kills a worker with SIGKILL (the current leader seven times in ten,
 * else a random worker) {@value #DEFAULT_KILLS} times, each followed by a restart of that worker and, before the
 * next kill, its catch-up (so that a majority is always up: what RF 3 promises to survive) and the Hazelcast
 * cluster being safe again (the restarted member's partitions migrated back to it). Then every block is
 * read once more and the whole history goes through the {@link RegisterChecker}.
 *
 * <p>Asserts: the history is linearizable per block (no acknowledged write lost, no stale read, nothing never
 * written); with replication, no command failed (the gateway waits out failovers). Prints the failover times
 * (kill to the completion of the first write invoked after it) for the leader kills: p50 and max.
 *
 * <p>System properties: {@code nvmegate.it.rf} (3; 1 runs the harness on the unreplicated path, where errors are
 * expected and only counted), {@code nvmegate.it.kills} ({@value #DEFAULT_KILLS}), {@code nvmegate.it.seed},
 * {@code nvmegate.it.spacingMs} (pause between a caught-up restart and the next kill, 2500 ± 1000 ms).
 */
class ReplicationKillTest {
    static final int DEFAULT_KILLS = 50;
    static final long SPAN_BLOCKS = 1024; // 4 MiB: blocks are rewritten and reread often
    static final int DEPTH = 8;

    @TempDir
    Path dir;

    record Kill(int n, String worker, boolean leader, long atNanos, double restartMs) {}

    @Test
    @Timeout(value = 40, unit = TimeUnit.MINUTES) // 50 kills: ~10 min with 8-10 s restarts, ~30 min on a loaded 2-core machine
    void killNineUnderLoadLosesNoAcknowledgedWrite() throws Exception {
        int rf = ReplicatedCluster.configuredRf();
        int kills = Integer.getInteger("nvmegate.it.kills", DEFAULT_KILLS);
        long seed = Long.getLong("nvmegate.it.seed", 14L);
        long spacingMs = Long.getLong("nvmegate.it.spacingMs", 2500L);
        SplittableRandom rnd = new SplittableRandom(seed);
        List<Kill> done = new ArrayList<>();
        long t0 = System.nanoTime();
        try (ReplicatedCluster cluster = ReplicatedCluster.start(dir, rf, 64L << 20)) {
            System.out.printf("cluster of 3 workers up in %.1f s (RF %d, seed %d)%n", (System.nanoTime() - t0) / 1e9, rf, seed);
            History history = new History();
            try (NvmeController c = cluster.connect(2)) {
                RandomWorkload load = new RandomWorkload(c, history, ReplicatedCluster.NSID, ReplicatedCluster.BLOCK_SIZE,
                        SPAN_BLOCKS, DEPTH, seed);
                load.start();
                long loadStart = System.nanoTime();
                try {
                    // A replica still catching up is the only one not to lose next: killing the leader then leaves a
                    // majority that must wait for that replica's catch-up before anything commits (a majority loss
                    // for that long, which the gateway waits out only for its 20 s budget). So the next kill takes
                    // the lagging replica itself (a follower) until it has caught up.
                    String lagging = null;
                    for (int k = 1; k <= kills; k++) {
                        Thread.sleep(Math.max(200, spacingMs - 1000 + rnd.nextLong(2001)));
                        if (!cluster.awaitClusterSafe(Duration.ofSeconds(60))) {
                            System.out.printf("kill %d: Hazelcast partitions still migrating after 60 s; killing anyway%n", k);
                        }
                        String leader = cluster.leader(3000);
                        String victim = leader != null && rnd.nextInt(10) < 7 ? leader
                                : ReplicatedCluster.WORKERS.get(rnd.nextInt(ReplicatedCluster.WORKERS.size()));
                        if (lagging != null && !lagging.equals(leader)) victim = lagging;
                        NodeProcess p = cluster.worker(victim);
                        long at = System.nanoTime();
                        p.kill();
                        p.start();
                        p.awaitReady(Duration.ofSeconds(120));
                        double restartMs = (System.nanoTime() - at) / 1e6;
                        boolean caughtUp = cluster.awaitCaughtUp(5000, Duration.ofSeconds(60));
                        lagging = caughtUp ? null : victim;
                        done.add(new Kill(k, victim, victim.equals(leader), at, restartMs));
                        System.out.printf("kill %d: %s%s, back in %.1f s%s; %d writes, %d reads acknowledged so far, %d errors%n",
                                k, victim, victim.equals(leader) ? " (leader)" : "", restartMs / 1000,
                                caughtUp ? "" : " (not caught up after 60 s)", load.writesOk(), load.readsOk(), load.errorCount());
                    }
                    Thread.sleep(2000);
                } finally {
                    assertThat(load.stop(90)).as("outstanding commands ended").isTrue();
                }
                double loadSeconds = (System.nanoTime() - loadStart) / 1e9;
                load.readAll(32, 120);
                RegisterChecker.Result result = RegisterChecker.check(history);

                double[] leaderFailover = done.stream().filter(Kill::leader).mapToDouble(k -> load.firstWriteAfterMs(k.atNanos())).toArray();
                double[] anyFailover = done.stream().mapToDouble(k -> load.firstWriteAfterMs(k.atNanos())).toArray();
                double[] restart = done.stream().mapToDouble(Kill::restartMs).toArray();
                System.out.printf("RF %d: %d kills -9 (%d of the leader) in %.0f s of load; %d writes and %d reads acknowledged; errors: %s%n",
                        rf, done.size(), leaderFailover.length, loadSeconds, load.writesOk(), load.readsOk(),
                        load.errors().isEmpty() ? "none" : load.errors());
                System.out.printf("failover (kill -9 to the first acknowledged write invoked after it), leader kills: p50 %.0f ms, max %.0f ms;"
                        + " all kills: p50 %.0f ms, max %.0f ms; restart to ready: p50 %.1f s, max %.1f s%n",
                        pct(leaderFailover, 50), pct(leaderFailover, 100), pct(anyFailover, 50), pct(anyFailover, 100),
                        pct(restart, 50) / 1000, pct(restart, 100) / 1000);
                System.out.println(result);

                assertThat(done).hasSize(kills);
                assertThat(load.writesOk()).isPositive();
                assertThat(result.ok()).as(result + "\n" + cluster.logs()).isTrue();
                if (rf > 1) {
                    assertThat(load.errors()).as("command errors with replication factor " + rf).isEmpty();
                    assertThat(Arrays.stream(anyFailover).boxed().toList()).as("every kill is followed by an acknowledged write").allMatch(ms -> ms >= 0);
                }
            }
        }
    }

    /** The {@code p}th percentile (nearest rank) of {@code v}, ignoring negatives; -1 if none. */
    static double pct(double[] v, double p) {
        double[] s = Arrays.stream(v).filter(x -> x >= 0).sorted().toArray();
        if (s.length == 0) return -1;
        int i = (int) Math.ceil(p / 100 * s.length) - 1;
        return s[Math.max(0, Math.min(s.length - 1, i))];
    }
}
