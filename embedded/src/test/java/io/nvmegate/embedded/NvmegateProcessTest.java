package io.nvmegate.embedded;

import io.nvmegate.client.ConnectOptions;
import io.nvmegate.client.NvmeController;
import io.nvmegate.client.NvmeTcpHost;
import io.nvmegate.testkit.FreePorts;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Subprocess mode: start, use, kill -9, and the next start on the same port cleaning the stale PID file and the
 * stale process. Children run the launcher's Main on the test class path, and once from the built jar.
 */
class NvmegateProcessTest {
    static final String NQN = "nqn.2026-11.io.nvmegate:subprocess";

    static NvmegateProcess.Builder child(int port) {
        return NvmegateProcess.builder()
                .subsystem(SubsystemConfig.of(NQN).withSerial("CHILD-1").withModel("nvmegate child"))
                .namespace(NQN, 1, 32L << 20, 4096, Backend.MEMORY)
                .listener("127.0.0.1", port);
    }

    static void writeAndVerify(TargetInfo t, byte fill) {
        try (NvmeController c = NvmeTcpHost.connect(ConnectOptions.builder(t.host(), t.port()).subsystemNqn(t.nqn()).build())) {
            assertThat(c.identifyController().sn()).isEqualTo("CHILD-1");
            assertThat(c.identifyController().mn()).isEqualTo("nvmegate child");
            byte[] data = new byte[8 * 4096];
            Arrays.fill(data, fill);
            c.write(1, 64, data, 4096, false);
            assertThat(c.read(1, 64, 8, 4096)).isEqualTo(data);
        }
    }

    @Test
    void startUseStop() throws Exception {
        NvmegateProcess p = child(0).build();
        try (p) {
            p.startAndAwait();
            int port = p.port();
            assertThat(port).isPositive();
            assertThat(Files.readString(NvmegateProcess.pidFile(port)).trim()).isEqualTo(Long.toString(p.pid()));
            assertThat(NvmegateProcess.isOurs(p.handle().orElseThrow(), port)).isTrue();
            assertThat(NvmegateProcess.isOurs(ProcessHandle.current(), port)).as("the test JVM is not nvmegate").isFalse();
            writeAndVerify(p.info(), (byte) 0x11);
            assertThat(NvmeTcpHost.discover("127.0.0.1", p.discoveryPort()).subsystemEntries())
                    .singleElement().satisfies(e -> assertThat(e.trsvcid()).isEqualTo(Integer.toString(port)));
            p.stop().toCompletableFuture().get(60, TimeUnit.SECONDS);
            assertThat(p.isRunning()).isFalse();
            assertThat(NvmegateProcess.pidFile(port)).doesNotExist();
            assertThat(FreePorts.isFree("127.0.0.1", port)).isTrue();
            assertThat(Files.readString(p.logFile())).contains("nvmegate ready").contains("nvmegate stopped");
        }
    }

    /**
     * Issue 13, defect 5: two children at once each serve their own metrics/health and management API (the
     * children used to bind the standalone defaults 8080 and 9420, so the second one served neither, and the
     * first one's API answered on the machine's 8080).
     */
    @Test
    void twoChildrenAtOnceServeTheirOwnMetricsAndManagementApi() throws Exception {
        String other = NQN + "-second";
        NvmegateProcess a = child(0).managementApi(true).build();
        NvmegateProcess b = NvmegateProcess.builder().namespace(other, 1, 16L << 20, 4096, Backend.MEMORY)
                .listener("127.0.0.1", 0).managementApi(true).build();
        try (a; b) {
            CompletableFuture<NvmegateProcess> first = a.start().toCompletableFuture(), second = b.start().toCompletableFuture();
            first.get(3, TimeUnit.MINUTES);
            second.get(3, TimeUnit.MINUTES);
            assertThat(List.of(a.apiPort(), a.metricsPort(), b.apiPort(), b.metricsPort())).allSatisfy(p -> assertThat(p).isPositive())
                    .doesNotHaveDuplicates().doesNotContain(8080, 9420);
            for (NvmegateProcess p : List.of(a, b)) {
                String nqn = p == a ? NQN : other;
                HttpResponse<String> subsystems = get(p.apiPort(), "/api/v1/subsystems");
                assertThat(subsystems.statusCode()).isEqualTo(200);
                assertThat(subsystems.body()).as("each child's API serves its own catalog").contains(nqn)
                        .doesNotContain(p == a ? other : NQN + "\"");
                assertThat(get(p.metricsPort(), "/health/ready").statusCode()).isEqualTo(200);
                assertThat(get(p.metricsPort(), "/metrics").body()).contains("nvmegate_");
                assertThat(Files.readString(p.logFile())).doesNotContain("NOT served").doesNotContain("management API not started");
            }
        }
        assertThat(a.apiPort()).as("not running: no port").isEqualTo(-1);
    }

    @Test
    void httpPortsAreOffUnlessAskedFor() {
        try (NvmegateProcess p = child(0).metrics(false).build().startAndAwait()) {
            assertThat(p.apiPort()).isEqualTo(-1);
            assertThat(p.metricsPort()).isEqualTo(-1);
            assertThat(p.tail()).contains("metrics port -1, management API port -1");
        }
    }

    static HttpResponse<String> get(int port, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(java.time.Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void killedChildLeavesAPidFileTheNextStartCleans() throws Exception {
        int port = FreePorts.pick("127.0.0.1");
        long firstPid;
        NvmegateProcess first = child(port).build().startAndAwait();
        firstPid = first.pid();
        writeAndVerify(first.info(), (byte) 0x22);
        // kill -9 the child, as a crash would: no shutdown hook, the PID file stays behind
        ProcessHandle h = first.handle().orElseThrow();
        h.destroyForcibly();
        h.onExit().get(30, TimeUnit.SECONDS);
        assertThat(NvmegateProcess.pidFile(port)).exists();

        try (NvmegateProcess second = child(port).build().startAndAwait()) {
            assertThat(second.pid()).isNotEqualTo(firstPid);
            assertThat(Files.readString(NvmegateProcess.pidFile(port)).trim()).isEqualTo(Long.toString(second.pid()));
            writeAndVerify(second.info(), (byte) 0x33);
        }
        first.close(); // nothing left to stop; must not remove anything of the second
        assertThat(NvmegateProcess.pidFile(port)).doesNotExist();
    }

    @Test
    void staleLiveChildOfACrashedRunIsStoppedBeforeTheNextStart() throws Exception {
        int port = FreePorts.pick("127.0.0.1");
        // a child whose parent "crashed": nobody will stop it, only its PID file tells about it
        NvmegateProcess orphan = child(port).build().startAndAwait();
        ProcessHandle orphanHandle = orphan.handle().orElseThrow();
        try (NvmegateProcess next = child(port).build().startAndAwait()) {
            assertThat(orphanHandle.isAlive()).as("the stale child was killed").isFalse();
            assertThat(next.pid()).isNotEqualTo(orphanHandle.pid());
            writeAndVerify(next.info(), (byte) 0x44);
        } finally {
            orphan.close();
        }
    }

    @Test
    void aPidFileNamingAnotherProgramNeverKillsIt() throws Exception {
        int port = FreePorts.pick("127.0.0.1");
        Process sleeper = new ProcessBuilder("sleep", "120").start();
        try {
            Files.createDirectories(NvmegateProcess.stateDir());
            Files.writeString(NvmegateProcess.pidFile(port), sleeper.pid() + "\n");
            assertThat(NvmegateProcess.cleanStale(port)).isEqualTo(Optional.empty());
            assertThat(sleeper.isAlive()).isTrue();
            assertThat(NvmegateProcess.pidFile(port)).doesNotExist();
        } finally {
            sleeper.destroyForcibly();
        }
    }

    @Test
    void runsTheBuiltJar() throws Exception {
        Path jar = Path.of(System.getProperty("user.dir")).resolveSibling("launcher").resolve("target").resolve("nvmegate.jar");
        assumeTrue(Files.isRegularFile(jar), "no " + jar + " (built by mvn package of the launcher)");
        try (NvmegateProcess p = child(0).jar(jar).build().startAndAwait()) {
            assertThat(p.handle().orElseThrow().info().arguments().orElseThrow()).contains("-jar", jar.toString());
            writeAndVerify(p.info(), (byte) 0x55);
        }
    }
}
