package io.nvmegate.embedded;

import io.nvmegate.client.ConnectOptions;
import io.nvmegate.client.DiscoveryLog;
import io.nvmegate.client.IdentifyController;
import io.nvmegate.client.IdentifyNamespace;
import io.nvmegate.client.NvmeController;
import io.nvmegate.client.NvmeTcpHost;
import io.nvmegate.testkit.FreePorts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The in-process target driven by the Java host library over real sockets, on each backend. */
class InProcessTargetTest {
    static final String NQN = "nqn.2026-11.io.nvmegate:embedded-it";

    static ConnectOptions.Builder connect(NvmegateTarget t) {
        return ConnectOptions.builder(t.host(), t.port()).subsystemNqn(NQN).ioQueues(2);
    }

    /** Writes 40 random 1..16-block extents, returns them so they can be compared later. */
    static byte[][] writeExtents(NvmeController c, int nsid, int bs, long[] slbas, SplittableRandom rnd) {
        byte[][] data = new byte[slbas.length][];
        CompletableFuture<?>[] writes = new CompletableFuture<?>[slbas.length];
        for (int i = 0; i < slbas.length; i++) {
            data[i] = new byte[(1 + rnd.nextInt(16)) * bs];
            rnd.nextBytes(data[i]);
            writes[i] = c.writeAsync(nsid, slbas[i], data[i], bs, false);
        }
        CompletableFuture.allOf(writes).join();
        return data;
    }

    static long[] extents(int n) {
        long[] s = new long[n];
        for (int i = 0; i < n; i++) s[i] = 100L * i; // 16-block extents never overlap
        return s;
    }

    @Test
    void nullBackendDiscardsWritesAndReadsZeroes() {
        try (NvmegateTarget t = NvmegateTarget.builder()
                .subsystem(SubsystemConfig.of(NQN).withSerial("NULL-0001").withModel("embedded null"))
                .namespace(NQN, 1, 16L << 20, 512, Backend.NULL)
                .build().startAndAwait();
             NvmeController c = NvmeTcpHost.connect(connect(t).build())) {
            IdentifyController id = c.identifyController();
            assertThat(id.sn()).isEqualTo("NULL-0001");
            assertThat(id.mn()).isEqualTo("embedded null");
            IdentifyNamespace ns = c.identifyNamespace(1);
            assertThat(ns.blockSize()).isEqualTo(512);
            assertThat(ns.nsze()).isEqualTo((16L << 20) / 512);
            byte[] ones = new byte[8 * 512];
            Arrays.fill(ones, (byte) 0xA5);
            c.write(1, 10, ones, 512, true);
            assertThat(c.read(1, 10, 8, 512)).isEqualTo(new byte[8 * 512]);
        }
    }

    @Test
    void memoryBackendKeepsDataWhileRunningAndDropsItOnStop() {
        NvmegateTarget t = NvmegateTarget.builder()
                .namespace(NQN, 1, 64L << 20, 4096, Backend.MEMORY)
                .namespace(NQN, 2, 8L << 20, 512, Backend.MEMORY)
                .build();
        try (t) {
            t.startAndAwait();
            int port = t.port();
            long[] at = extents(40);
            try (NvmeController c = NvmeTcpHost.connect(connect(t).build())) {
                assertThat(c.activeNamespaces(0)).containsExactly(1, 2);
                byte[][] d1 = writeExtents(c, 1, 4096, at, new SplittableRandom(1));
                byte[][] d2 = writeExtents(c, 2, 512, at, new SplittableRandom(2));
                for (int i = 0; i < at.length; i++) {
                    assertThat(c.read(1, at[i], d1[i].length / 4096, 4096)).isEqualTo(d1[i]);
                    assertThat(c.read(2, at[i], d2[i].length / 512, 512)).isEqualTo(d2[i]);
                }
                // write zeroes frees blocks; the rest of the extent is intact
                c.writeZeroes(1, at[3], 1, false);
                byte[] back = c.read(1, at[3], d1[3].length / 4096, 4096);
                assertThat(Arrays.copyOfRange(back, 0, 4096)).isEqualTo(new byte[4096]);
                assertThat(Arrays.copyOfRange(back, 4096, back.length)).isEqualTo(Arrays.copyOfRange(d1[3], 4096, d1[3].length));
                // deallocating the whole of namespace 2 (more blocks than stored: the scan path) zeroes it
                c.deallocate(2, java.util.List.of(new io.nvmegate.client.DsmRange(0, (int) ((8L << 20) / 512), 0)));
                assertThat(c.read(2, at[5], d2[5].length / 512, 512)).isEqualTo(new byte[d2[5].length]);
                assertThat(c.read(1, at[5], d1[5].length / 4096, 4096)).as("namespace 1 untouched").isEqualTo(d1[5]);
            }
            t.stop().toCompletableFuture().join();
            assertThat(t.isRunning()).isFalse();
            assertThat(FreePorts.isFree("127.0.0.1", port)).isTrue();
            t.startAndAwait();
            assertThat(t.port()).as("a restarted target keeps its port").isEqualTo(port);
            try (NvmeController c = NvmeTcpHost.connect(connect(t).build())) {
                assertThat(c.read(1, at[0], 16, 4096)).isEqualTo(new byte[16 * 4096]);
            }
        }
    }

    @Test
    void rocksdbBackendKeepsDataAcrossRestart(@TempDir Path dir) {
        long[] at = extents(40);
        byte[][] written;
        NvmegateTarget t = NvmegateTarget.builder().namespace(NQN, 1, 64L << 20, 4096, Backend.rocksdb(dir)).build();
        try (t) {
            t.startAndAwait();
            try (NvmeController c = NvmeTcpHost.connect(connect(t).build())) {
                written = writeExtents(c, 1, 4096, at, new SplittableRandom(3));
                c.flush(1);
            }
            t.stop().toCompletableFuture().join();
            assertThat(Files.isDirectory(dir.resolve("worker-1").resolve("rocksdb"))).isTrue();
            t.startAndAwait();
            try (NvmeController c = NvmeTcpHost.connect(connect(t).headerDigest(true).dataDigest(true).build())) {
                for (int i = 0; i < at.length; i++) {
                    assertThat(c.read(1, at[i], written[i].length / 4096, 4096)).isEqualTo(written[i]);
                }
            }
        }
    }

    @Test
    void transportOptionsReachTheHost() {
        TcpTransportOptions o = TcpTransportOptions.defaults().withMaxQueueDepth(64).withMaxIoSize(128 * 1024)
                .withInCapsuleDataSize(4096).withIoUnitSize(32 * 1024).withMaxQueuePairsPerController(3);
        try (NvmegateTarget t = NvmegateTarget.builder().transport(o)
                .namespace(NQN, 1, 16L << 20, 4096, Backend.MEMORY).build().startAndAwait();
             NvmeController c = NvmeTcpHost.connect(connect(t).ioQueues(4).ioQueueSize(256).build())) {
            IdentifyController id = c.identifyController();
            assertThat(4096L << id.mdts()).isEqualTo(128 * 1024);
            assertThat(id.ioInCapsuleDataSize()).isEqualTo(4096);
            assertThat((c.cap() & 0xFFFF) + 1).as("CAP.MQES + 1").isEqualTo(64);
            assertThat(c.ioQueueCount()).as("queue pairs include the admin queue").isEqualTo(2);
            assertThat(c.io(1).depth()).as("at most size - 1 outstanding").isEqualTo(63);
            assertThat(c.io(1).maxH2CData()).isEqualTo(32 * 1024);
            // a 128 KiB write goes out as 4 H2CData PDUs of 32 KiB and reads back in 32 KiB C2HData PDUs
            byte[] big = new byte[128 * 1024];
            new SplittableRandom(4).nextBytes(big);
            c.write(1, 0, big, 4096, false);
            assertThat(c.read(1, 0, 32, 4096)).isEqualTo(big);
            assertThatThrownBy(() -> c.read(1, 0, 64, 4096)).as("over MDTS").isNotNull();
        }
    }

    /** The host library's admin queue has 32 entries (as Linux's NVME_AQ_DEPTH): a target allowing 16 refuses it. */
    @Test
    void adminQueueDepthIsEnforced() {
        TcpTransportOptions o = TcpTransportOptions.defaults().withMaxAdminQueueDepth(16);
        try (NvmegateTarget t = NvmegateTarget.builder().transport(o)
                .namespace(NQN, 1, 16L << 20, 4096, Backend.NULL).build().startAndAwait()) {
            assertThatThrownBy(() -> NvmeTcpHost.connect(connect(t).build()).close())
                    .isInstanceOf(io.nvmegate.client.NvmeStatusException.class)
                    .satisfies(e -> assertThat(((io.nvmegate.client.NvmeStatusException) e).status())
                            .isEqualTo(io.nvmegate.protocol.Status.dnr(io.nvmegate.protocol.Status.CONNECT_INVALID_PARAMETERS)))
                    .hasMessageContaining("44");
        }
        try (NvmegateTarget t = NvmegateTarget.builder().transport(TcpTransportOptions.defaults().withMaxAdminQueueDepth(32))
                .namespace(NQN, 1, 16L << 20, 4096, Backend.NULL).build().startAndAwait();
             NvmeController c = NvmeTcpHost.connect(connect(t).build())) {
            assertThat(c.cntlid()).isPositive();
        }
    }

    @Test
    void ephemeralPortsAreReportedAndPublishedByDiscovery() {
        try (NvmegateTarget t = NvmegateTarget.builder()
                .subsystem(NQN).subsystem("nqn.2026-11.io.nvmegate:embedded-second")
                .namespace(NQN, 1, 16L << 20, 4096, Backend.NULL)
                .listener("127.0.0.1", 0).listener("127.0.0.1", 0, "192.0.2.7")
                .discovery("127.0.0.1", 0)
                .build().startAndAwait()) {
            assertThat(t.ports()).hasSize(2).doesNotContain(0).doesNotHaveDuplicates();
            assertThat(t.discoveryPort()).isPositive();
            TargetInfo info = t.info();
            assertThat(info.nqns()).containsExactly(NQN, "nqn.2026-11.io.nvmegate:embedded-second");
            DiscoveryLog log = NvmeTcpHost.discover("127.0.0.1", t.discoveryPort());
            Set<String> entries = log.subsystemEntries().stream().map(e -> e.traddr() + ":" + e.trsvcid() + " " + e.subnqn())
                    .collect(Collectors.toSet());
            assertThat(entries).containsExactlyInAnyOrder(
                    "127.0.0.1:" + t.ports().get(0) + " " + NQN,
                    "127.0.0.1:" + t.ports().get(0) + " nqn.2026-11.io.nvmegate:embedded-second",
                    "192.0.2.7:" + t.ports().get(1) + " " + NQN,
                    "192.0.2.7:" + t.ports().get(1) + " nqn.2026-11.io.nvmegate:embedded-second");
        }
    }

    @Test
    void onlyAllowedHostsConnect() {
        String allowed = "nqn.2014-08.org.nvmexpress:uuid:0f2a6a55-5d2b-4a53-9d7e-2f0e7f3b1a01";
        try (NvmegateTarget t = NvmegateTarget.builder()
                .subsystem(SubsystemConfig.of(NQN).withAllowedHosts(allowed))
                .namespace(NQN, 1, 16L << 20, 4096, Backend.MEMORY).build().startAndAwait()) {
            assertThatThrownBy(() -> NvmeTcpHost.connect(connect(t).build()).close()).hasMessageContaining("Invalid Host");
            try (NvmeController c = NvmeTcpHost.connect(connect(t).hostNqn(allowed).build())) {
                assertThat(c.identifyController().subnqn()).isEqualTo(NQN);
            }
        }
    }

    @Test
    void closeReleasesPortsAndThreads() throws Exception {
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        NvmegateTarget t = NvmegateTarget.builder().namespace(NQN, 1, 16L << 20, 4096, Backend.MEMORY)
                .discovery("127.0.0.1", 0).build().startAndAwait();
        int port = t.port(), disc = t.discoveryPort();
        try (NvmeController c = NvmeTcpHost.connect(connect(t).build())) {
            c.write(1, 0, new byte[4096], 4096, false);
        }
        Set<Thread> started = Thread.getAllStackTraces().keySet().stream().filter(th -> !before.contains(th))
                .filter(th -> !th.getName().startsWith("ForkJoinPool")).collect(Collectors.toSet());
        assertThat(started).as("the target runs threads of its own").isNotEmpty();
        t.close();
        assertThat(FreePorts.isFree("127.0.0.1", port)).isTrue();
        assertThat(FreePorts.isFree("127.0.0.1", disc)).isTrue();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (started.stream().anyMatch(Thread::isAlive) && System.nanoTime() < end) Thread.sleep(100);
        assertThat(started.stream().filter(Thread::isAlive).map(Thread::getName).toList()).as("threads left after close").isEmpty();
    }

    @Test
    void invalidConfigurationsAreRejectedWhenBuilt(@TempDir Path dir) {
        assertThatThrownBy(() -> NvmegateTarget.builder().build()).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> NvmegateTarget.builder().namespace(NQN, 1, 1000, 4096, Backend.MEMORY))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("size");
        assertThatThrownBy(() -> NvmegateTarget.builder().namespace(NQN, 1, 1 << 20, 4096, Backend.rocksdb(dir.resolve("a")))
                .namespace(NQN, 2, 1 << 20, 4096, Backend.rocksdb(dir.resolve("b"))).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("same directory");
        assertThatThrownBy(() -> TcpTransportOptions.defaults().withMaxIoSize(100_000)).hasMessageContaining("maxIoSize");
        assertThatThrownBy(() -> SubsystemConfig.of("not-an-nqn")).hasMessageContaining("NQN");
    }
}
