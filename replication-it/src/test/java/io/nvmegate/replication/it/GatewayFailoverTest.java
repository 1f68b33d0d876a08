package io.nvmegate.replication.it;

import io.nvmegate.ana.AnaState;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static io.nvmegate.replication.it.GatewayCluster.GATEWAYS;

/**
 * Issue 15's gateway failover, failback and drain, with the gateways in separate JVMs ({@link GatewayCluster}: one
 * RF 1 worker, {@code gateway-a} and {@code gateway-b}, NSID n in ANA group n) and a {@link MultipathHost}
 * connected through both, running a {@link MultipathLoad} (writes and read-backs) throughout:
 * <ol>
 *   <li><b>balanced</b>: each group is optimized on exactly one gateway, each gateway optimized for at least one;</li>
 *   <li><b>kill -9 of gateway-a</b> (its groups' owner, and the balancer's leader, the smallest ID): gateway-b's
 *       ANA log shows gateway-a's groups optimized within 5 s (the goal), gateway-b's path got the ANA change AEN
 *       {@code 0x000C0302}, the host completes I/O again within 5 s;</li>
 *   <li><b>restart of gateway-a</b>: its groups come back to it (gateway-a optimized, gateway-b non-optimized) not
 *       before the 5 s settle delay, within 40 s of the restart; the host writes through gateway-a again within 3 s
 *       (it follows the AEN);</li>
 *   <li><b>drain of gateway-b</b> ({@code POST /api/v1/gateways/gateway-b/drain}): every group optimized on
 *       gateway-a and none on gateway-b within 10 s; afterwards no I/O goes through gateway-b;</li>
 *   <li>throughout: no I/O error (no command failed, every read returned the block's last acknowledged write), no
 *       group optimized on both gateways at once ({@link AnaWatch}), every state change bumped CHGCNT.</li>
 * </ol>
 * Every assertion is soft: one run reports every one that failed. The per-event times are printed.
 */
class GatewayFailoverTest {
    static final String A = GATEWAYS.get(0), B = GATEWAYS.get(1);
    static final int AEN_ANA_CHANGE = 0x000C0302;
    static final long TAKEOVER_GOAL_MS = 5_000;
    static final long SETTLE_MS = 5_000;

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void killRestartAndDrainAGatewayWithoutIoErrors() throws Exception {
        SoftAssertions soft = new SoftAssertions();
        List<String> times = new ArrayList<>();
        try (GatewayCluster cluster = GatewayCluster.start(dir, 16L << 20)) {
            long t0 = System.nanoTime();
            Set<Integer> groups = new TreeSet<>();
            for (int g = 1; g <= GatewayCluster.NAMESPACES; g++) groups.add(g);
            MultipathLoad load = null;
            try (AnaWatch watch = new AnaWatch(cluster, t0); MultipathHost host = new MultipathHost(cluster, 2, t0)) {
                // 1. balanced
                long balancedAt = watch.awaitNanos(t0, 30_000, w -> balanced(w, groups));
                System.out.println("ANA after start: " + watch.latest() + "\nGET /api/v1/ana: " + cluster.api(A, "GET", "/api/v1/ana", null));
                soft.assertThat(balancedAt).as("within 30 s of the start, each group optimized on exactly one gateway and each gateway "
                        + "optimized for at least one group: %s", watch.latest()).isPositive();
                List<Integer> aGroups = watch.optimizedOn(A);
                if (aGroups.isEmpty()) aGroups = List.copyOf(groups);
                List<Integer> aHome = aGroups;
                System.out.println(A + " optimized for groups " + aHome + " (balanced: " + (balancedAt > 0) + ")");

                load = new MultipathLoad(host, 4, GatewayCluster.NAMESPACES, t0).start();
                Thread.sleep(2000);
                soft.assertThat(host.path(A).completions()).as("I/O through %s (optimized for %s) before the kill", A, aHome).isPositive();

                // 2. kill -9 of gateway-a
                long kill = System.nanoTime();
                cluster.gateway(A).kill();
                long takeoverAt = watch.awaitNanos(kill, 20_000, w -> aHome.stream().allMatch(g -> w.state(B, g) == AnaState.OPTIMIZED));
                Thread.sleep(2000);
                long aenAt = host.path(B).firstAen(AEN_ANA_CHANGE, kill);
                long firstIo = host.firstCompletion(kill, null, false);
                long firstWriteB = host.firstCompletion(kill, B, true);
                times.add(String.format("kill -9 %s: %s optimized for %s after %s; AEN 0x%08x on %s's path after %s; first I/O completed after %s;"
                                + " first write through %s after %s", A, B, aHome, ms(kill, takeoverAt), AEN_ANA_CHANGE, B, ms(kill, aenAt),
                        ms(kill, firstIo), B, ms(kill, firstWriteB)));
                soft.assertThat(takeoverAt).as("%s's ANA log shows %s's groups %s optimized after the kill (waited 20 s): %s", B, A, aHome,
                        watch.latest()).isPositive();
                if (takeoverAt > 0) {
                    soft.assertThat((takeoverAt - kill) / 1_000_000).as("kill -9 of %s to %s optimized for %s, ms (goal)", A, B, aHome)
                            .isLessThanOrEqualTo(TAKEOVER_GOAL_MS);
                }
                soft.assertThat(aenAt).as("AEN 0x%08x (ANA change) on %s's controller after the kill", AEN_ANA_CHANGE, B).isPositive();
                if (aenAt > 0) {
                    soft.assertThat((aenAt - kill) / 1_000_000).as("kill -9 of %s to the ANA change AEN on %s, ms", A, B)
                            .isLessThanOrEqualTo(TAKEOVER_GOAL_MS);
                }
                soft.assertThat(firstIo).as("an I/O completed after the kill").isPositive();
                if (firstIo > 0) {
                    soft.assertThat((firstIo - kill) / 1_000_000).as("kill -9 of %s to the first completed I/O, ms", A)
                            .isLessThanOrEqualTo(TAKEOVER_GOAL_MS);
                }
                soft.assertThat(host.errors()).as("I/O errors after the kill of %s", A).isEmpty();

                // 3. restart of gateway-a: failback after the settle delay
                long restart = System.nanoTime();
                cluster.restart(A);
                long ready = System.nanoTime();
                long failbackAt = watch.awaitNanos(restart, 40_000,
                        w -> aHome.stream().allMatch(g -> w.state(A, g) == AnaState.OPTIMIZED && w.state(B, g) == AnaState.NON_OPTIMIZED));
                long writeViaA = -1;
                if (failbackAt > 0) {
                    long end = failbackAt + 3_000_000_000L;
                    while (System.nanoTime() < end && (writeViaA = host.firstCompletion(failbackAt, A, true)) < 0) Thread.sleep(20);
                }
                long aenB = host.path(B).firstAen(AEN_ANA_CHANGE, restart);
                times.add(String.format("restart %s: ready after %s; %s optimized again for %s (and %s non-optimized) after %s (%s after ready);"
                                + " host writes through %s %s after that; AEN on %s's path after %s", A, ms(restart, ready), A, aHome, B,
                        ms(restart, failbackAt), ms(ready, failbackAt), A, ms(failbackAt, writeViaA), B, ms(restart, aenB)));
                soft.assertThat(failbackAt).as("within 40 s of its restart, %s optimized for its home groups %s and %s non-optimized: %s",
                        A, aHome, B, watch.latest()).isPositive();
                if (failbackAt > 0) {
                    soft.assertThat((failbackAt - restart) / 1_000_000).as("restart of %s to its failback, ms: not before the settle delay", A)
                            .isGreaterThanOrEqualTo(SETTLE_MS - 100);
                    soft.assertThat(writeViaA).as("the host writes through %s within 3 s of the failback (it follows the ANA change AEN)", A)
                            .isPositive();
                }
                soft.assertThat(aenB).as("AEN 0x%08x on %s's controller for the failback", AEN_ANA_CHANGE, B).isPositive();
                Thread.sleep(2000);

                // 4. drain of gateway-b with I/O running
                long drain = System.nanoTime();
                GatewayCluster.ApiResponse drained = cluster.api(A, "POST", "/api/v1/gateways/" + B + "/drain", null);
                soft.assertThat(drained.ok()).as("POST /api/v1/gateways/%s/drain: %s", B, drained).isTrue();
                long drainedAt = watch.awaitNanos(drain, 20_000,
                        w -> groups.stream().allMatch(g -> w.state(A, g) == AnaState.OPTIMIZED && w.state(B, g) == AnaState.NON_OPTIMIZED));
                System.out.println("GET /api/v1/ana after the drain: " + cluster.api(A, "GET", "/api/v1/ana", null));
                long throughB = -1;
                if (drainedAt > 0) {
                    Thread.sleep(1000);
                    long before = host.path(B).completions();
                    Thread.sleep(2000);
                    throughB = host.path(B).completions() - before;
                }
                times.add(String.format("drain %s: every group optimized on %s, none on %s after %s; I/O through %s in the 2 s after the drain + 1 s: %d",
                        B, A, B, ms(drain, drainedAt), B, throughB));
                soft.assertThat(drainedAt).as("within 20 s of the drain every group optimized on %s and non-optimized on %s: %s", A, B,
                        watch.latest()).isPositive();
                if (drainedAt > 0) {
                    soft.assertThat((drainedAt - drain) / 1_000_000).as("drain of %s to every group optimized on %s, ms", B, A).isLessThanOrEqualTo(10_000);
                    soft.assertThat(throughB).as("I/O through the drained %s once the host read its ANA change notices", B).isZero();
                }
                GatewayCluster.ApiResponse undrained = cluster.api(A, "POST", "/api/v1/gateways/" + B + "/undrain", null);
                soft.assertThat(undrained.ok()).as("POST /api/v1/gateways/%s/undrain: %s", B, undrained).isTrue();

                System.out.println("GET /api/v1/gateways: " + cluster.api(A, "GET", "/api/v1/gateways", null));
                soft.assertThat(load.stop(60_000)).as("the load's threads ended").isTrue();
                System.out.printf("load: %d writes, %d reads acknowledged, %d failed; per path: %s %d, %s %d%n", load.writes(), load.reads(),
                        load.failed(), A, host.path(A).completions(), B, host.path(B).completions());
                System.out.println("failed attempts (retried on another path unless listed as errors): " + host.failedAttempts());
                System.out.println("slow commands (>= " + MultipathLoad.SLOW_MS + " ms): " + load.slow());
                System.out.println("ANA timeline (observer):\n  " + String.join("\n  ", watch.timeline()));
                System.out.println("multipath host events:\n  " + String.join("\n  ", host.events()));
                System.out.println("per-event times:\n  " + String.join("\n  ", times));

                soft.assertThat(load.writes()).as("writes acknowledged").isPositive();
                soft.assertThat(host.errors()).as("I/O errors (commands failed)").isEmpty();
                soft.assertThat(load.mismatches()).as("reads that did not return the block's last acknowledged write").isEmpty();
                soft.assertThat(watch.twoOptimized()).as("a group optimized on both gateways at once").isEmpty();
                soft.assertThat(host.connectDnr()).as("Connect refused with DNR (during the restart or a transition)").isEmpty();
                soft.assertThat(watch.chgcntNotBumped()).as("ANA state changes without a CHGCNT change").isEmpty();
            } finally {
                if (load != null) load.stop(5_000);
            }
            try {
                soft.assertAll();
            } catch (AssertionError e) {
                System.out.println(cluster.logs());
                throw e;
            }
        }
    }

    /** Each group optimized on exactly one gateway, each gateway optimized for at least one group. */
    static boolean balanced(AnaWatch w, Set<Integer> groups) {
        for (int g : groups) {
            if (GATEWAYS.stream().filter(gw -> w.state(gw, g) == AnaState.OPTIMIZED).count() != 1) return false;
        }
        return GATEWAYS.stream().noneMatch(gw -> w.optimizedOn(gw).isEmpty());
    }

    static String ms(long from, long to) {
        return from < 0 || to < 0 ? "(never)" : (to - from) / 1_000_000 + " ms";
    }
}
