package io.nvmegate.replication.it;

import io.nvmegate.blockio.BlockReply;
import io.nvmegate.blockio.BlockRequest;
import io.nvmegate.blockio.RequestId;
import io.nvmegate.client.NvmeController;
import io.nvmegate.protocol.Status;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A deposed leader cannot apply or acknowledge a write (issue 14, "the Raft term fences it"). The leader worker is
 * paused with SIGSTOP; while it is stopped, a write of value LATE is sent straight to its event-bus address (as a
 * gateway that still believes in it would: the message waits in its socket); the other two elect a new leader and a
 * write of value NEW goes through the gateway and is acknowledged. The old leader is then resumed with SIGCONT.
 * Its answer to LATE must not be Success (a redirect, another error, or no answer at all), and the block must read
 * NEW, through whichever leader: also after the new leader is killed (SIGKILL), which may make the old one leader
 * again.
 *
 * <p>The cluster's Hazelcast master is a witness member in the test JVM ({@link ReplicatedCluster#start(Path, int,
 * long, boolean)}), never the paused worker: a paused Hazelcast master stalls the cluster maps for longer than this
 * test's budgets on a 2-core machine (an availability problem of its own, not the Raft fence this test is about).
 *
 * <p>With {@code -Dnvmegate.it.rf=1} (no replication, nothing fences the paused worker) this test fails: that
 * run shows it can.
 */
class PausedLeaderTest {
    static final long LBA = 8;
    static final long OLD = 1, LATE = 2, NEW = 3;

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void pausedOldLeaderAppliesNoLateWrite() throws Exception {
        int rf = ReplicatedCluster.configuredRf();
        int bs = ReplicatedCluster.BLOCK_SIZE, nsid = ReplicatedCluster.NSID;
        try (ReplicatedCluster cluster = ReplicatedCluster.start(dir, rf, 16L << 20, true);
             NvmeController c = cluster.connect(1)) {
            c.write(nsid, LBA, BlockValues.encode(OLD, LBA, 1, bs), bs, false);
            String old = awaitLeader(cluster);
            NodeProcess oldLeader = cluster.worker(old);
            String address = rf == 1 ? cluster.namespace.address() : cluster.namespace.address(old);

            oldLeader.pause();
            long pausedAtMs = System.currentTimeMillis();
            long pausedAt = System.nanoTime();
            BlockRequest late = BlockRequest.write(cluster.namespace.uuid(), bs, LBA, 1, true,
                    Buffer.buffer(BlockValues.encode(LATE, LBA, 1, bs))).withRequestId(new RequestId(UUID.randomUUID(), 1));
            Future<Message<Object>> lateReply = cluster.gateway().cluster().vertx().eventBus()
                    .request(address, late, new DeliveryOptions().setSendTimeout(60_000));
            java.util.concurrent.CompletableFuture<?> newWrite = null;
            try {
                if (rf > 1) {
                    String elected = cluster.awaitLeader(old, pausedAtMs, Duration.ofSeconds(60));
                    assertThat(elected).as("a new leader while " + old + " is stopped\n" + cluster.logs()).isNotNull();
                    System.out.printf("%s paused; %s elected after %.0f ms%n", old, elected, (System.nanoTime() - pausedAt) / 1e6);
                    newWrite = c.writeAsync(nsid, LBA, BlockValues.encode(NEW, LBA, 1, bs), bs, false)
                            .whenComplete((cqe, t) -> System.out.printf("write NEW through the gateway: %s %.0f ms after the pause%n",
                                    t == null ? "acknowledged" : "failed (" + t + ")", (System.nanoTime() - pausedAt) / 1e6));
                    try {
                        newWrite.get(25, TimeUnit.SECONDS); // the gateway's failover budget is 20 s
                    } catch (Exception e) {
                        // checked after the old leader's answer: fencing first, availability second
                    }
                }
                Thread.sleep(1000);
            } finally {
                oldLeader.resume();
            }

            Object answer;
            try {
                answer = lateReply.toCompletionStage().toCompletableFuture().get(90, TimeUnit.SECONDS).body();
            } catch (java.util.concurrent.ExecutionException noAnswer) {
                answer = noAnswer.getCause(); // timeout or no handler: the late write was not acknowledged
            }
            System.out.println("the resumed old leader answered the late write with: " + describe(answer));
            if (answer instanceof BlockReply r) {
                assertThat(r.status() != 0).as("late write to the deposed leader " + old + " answered Success").isTrue();
            }
            if (newWrite != null) {
                assertThat(newWrite).as("write through the gateway while the old leader " + old + " was stopped\n" + cluster.logs())
                        .succeedsWithin(Duration.ofSeconds(1));
            }

            Thread.sleep(3000); // the old leader catches up (or would apply LATE, if it were able to)
            Host host = new Host(cluster, c);
            try {
                assertThat(host.valueAt()).as("block after the resume").isEqualTo(rf > 1 ? NEW : OLD);
                if (rf > 1) {
                    String current = awaitLeader(cluster);
                    NodeProcess killed = cluster.worker(current);
                    killed.kill();
                    assertThat(cluster.awaitLeader(current, System.currentTimeMillis(), Duration.ofSeconds(60))).isNotNull();
                    assertThat(host.valueAt()).as("block after killing the new leader " + current).isEqualTo(NEW);
                    killed.start().awaitReady(Duration.ofSeconds(120));
                    assertThat(cluster.awaitCaughtUp(0, Duration.ofSeconds(60))).as("all replicas caught up").isTrue();
                    assertThat(host.valueAt()).isEqualTo(NEW);
                }
            } finally {
                host.closeReconnected();
            }
        }
    }

    /**
     * Reads block {@link #LBA} as the Linux host does after the fault: a path-related status without DNR (Asymmetric
     * Access Inaccessible or Transition while the gateway learns the new leader: the killed leader's last status is
     * stale after 4 s, the new one's is seen on the next 250 ms tick) is retried, as {@code nvme_failover_req}
     * requeues it; a controller the gateway tore down (its lease lapsed while Hazelcast repaired the cluster around
     * the paused and resumed member: no lease renewal stored for over 20 s on a 2-core machine) is reconnected, as the
     * host's error recovery does. For up to 60 s, each retry printed; any other status fails the test. What this test
     * asserts (the late write never lands, NEW is read) does not depend on it.
     */
    private static final class Host {
        private final ReplicatedCluster cluster;
        private final NvmeController first;
        private NvmeController c;

        Host(ReplicatedCluster cluster, NvmeController c) {
            this.cluster = cluster;
            this.first = c;
            this.c = c;
        }

        long valueAt() throws InterruptedException {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (true) {
                try {
                    return PausedLeaderTest.valueAt(c);
                } catch (io.nvmegate.client.NvmeStatusException e) {
                    if (e.sct() != 3 || e.dnr() || System.nanoTime() > end) throw e;
                    System.out.println("read of LBA " + LBA + " answered with a path status (" + e.getMessage() + "): retried");
                } catch (io.nvmegate.client.NvmeTransportException e) {
                    if (System.nanoTime() > end) throw e;
                    System.out.println("read of LBA " + LBA + ": " + e.getMessage() + ": reconnecting");
                    if (c != first) c.close();
                    try {
                        c = cluster.connect(1);
                    } catch (RuntimeException notYet) {
                        System.out.println("reconnect failed (" + notYet + "): retried");
                        c = first;
                    }
                }
                Thread.sleep(200);
            }
        }

        void closeReconnected() {
            if (c != first) c.close();
        }
    }

    private static String awaitLeader(ReplicatedCluster cluster) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < end) {
            String l = cluster.leader(3000);
            if (l != null) return l;
            Thread.sleep(100);
        }
        throw new AssertionError("no leader published\n" + cluster.logs());
    }

    private static long valueAt(NvmeController c) {
        int bs = ReplicatedCluster.BLOCK_SIZE;
        return BlockValues.decode(c.read(ReplicatedCluster.NSID, LBA, 1, bs), LBA, 1, bs)[0];
    }

    private static String describe(Object answer) {
        if (answer instanceof BlockReply r) {
            return r.status() == 0 ? "Success" : Status.describe(r.status()) + (r.leader() != null ? " (leader " + r.leader() + ")" : "");
        }
        return String.valueOf(answer);
    }
}
