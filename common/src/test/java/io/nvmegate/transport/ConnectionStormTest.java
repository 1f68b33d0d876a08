package io.nvmegate.transport;

import ch.qos.logback.classic.Level;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nvmegate.admin.AdminCommandSet;
import io.nvmegate.admin.IdentifyControllerData;
import io.nvmegate.admin.LogPageRequest;
import io.nvmegate.controller.Controller;
import io.nvmegate.controller.ControllerRegistry;
import io.nvmegate.controller.NvmeRequest;
import io.nvmegate.controller.StatusException;
import io.nvmegate.metrics.NodeMetrics;
import io.nvmegate.protocol.Opcodes;
import io.nvmegate.protocol.Status;
import io.nvmegate.testkit.ConnectionStorm;
import io.nvmegate.testkit.LeakCounts;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Connection storms (issue 18): per {@link ConnectionStorm.Stage}, {@value #DEFAULT_CYCLES} connect/disconnect cycles
 * (FIN) and as many abrupt closes (half-sent PDU, RST), against a real listener and controller core; before and after,
 * the counts of what a connection holds must be equal: open file descriptors of the JVM (target and host sockets),
 * controllers in the registry (= CNTLIDs in use: the registry is keyed by CNTLID, and its range here is 100, so a
 * leaked CNTLID would also turn later Connects into Controller Busy), pending Vert.x timers (keep-alive, idle
 * limits; VertxImpl's private {@code timeouts} map, read by reflection), Micrometer meters, and the
 * {@code nvmegate_connections} / {@code nvmegate_controllers} gauges.
 *
 * <p>{@code -Dnvmegate.storm.cycles=N} changes the count per stage and close (default {@value #DEFAULT_CYCLES}).
 * About 60 s at 1,000.
 */
class ConnectionStormTest {
    static final String NQN = "nqn.2026-11.io.nvmegate:storm";
    static final int DEFAULT_CYCLES = 1000;
    static final int CYCLES = Integer.getInteger("nvmegate.storm.cycles", DEFAULT_CYCLES);
    static Vertx vertx;
    static NvmeTcpServer server;
    static ControllerRegistry registry;
    static final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    static LeakCounts counts;
    static Level logLevel;

    /** A null device: namespace 1 takes Writes and completes them once their data arrived. */
    static final class NullCommandSet implements AdminCommandSet {
        public void identifyController(Controller c, IdentifyControllerData id) { id.cntrltype = 1; id.kas = 10; }
        public Buffer identify(Controller c, NvmeRequest r, int cns) { return null; }
        public Buffer logPage(Controller c, NvmeRequest r, LogPageRequest p) { return null; }
        public int maxIoQueues() { return 2; }

        @Override
        public NvmeRequest.Handler parseIo(Controller c, NvmeRequest r) throws StatusException {
            if (r.opcode() != Opcodes.IO_WRITE || r.sqe().nsid() != 1) throw StatusException.dnr(Status.INVALID_OPCODE, io.nvmegate.controller.ErrorLocation.OPCODE);
            return x -> x.complete(Status.SUCCESS);
        }
    }

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        new NodeMetrics(meters).attach(vertx);
        registry = new ControllerRegistry(1, 100);
        server = TestTargets.listen(vertx, NQN, new NullCommandSet(), registry);
        counts = new LeakCounts()
                .count("fds", LeakCounts::openFileDescriptors)
                .count("controllers", () -> registry.controllers().size())
                .count("vertxTimers", LeakCounts.vertxTimers(vertx))
                .count("meters", () -> meters.getMeters().size())
                .count("connectionsGauge", () -> gauge("nvmegate.connections"))
                .count("controllersGauge", () -> gauge("nvmegate.controllers"));
        ch.qos.logback.classic.Logger nvmegate = (ch.qos.logback.classic.Logger) LoggerFactory.getLogger("io.nvmegate");
        logLevel = nvmegate.getLevel();
        nvmegate.setLevel(Level.WARN); // two INFO lines per controller otherwise
    }

    @AfterAll
    static void stop() throws Exception {
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger("io.nvmegate")).setLevel(logLevel);
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    static int gauge(String name) {
        Gauge g = meters.find(name).tag("role", NodeMetrics.GATEWAY).gauge();
        return g == null ? 0 : (int) g.value();
    }

    /**
     * @return the counts once the target holds no connection and no controller and they stayed the same for 500 ms
     * (the server may accept the warm-up's last connections a little after the host closed them)
     */
    static Map<String, Integer> idle() throws InterruptedException {
        return counts.quiet(500, 30_000, m -> m.get("connectionsGauge") == 0 && m.get("controllers") == 0);
    }

    @ParameterizedTest
    @EnumSource(ConnectionStorm.Stage.class)
    void stormLeavesNothingBehind(ConnectionStorm.Stage stage) throws Exception {
        ConnectionStorm storm = new ConnectionStorm(server.actualPort(), NQN, 1, 512);
        // warm-up: meters created on first use (per opcode, per status) are not leaks
        for (ConnectionStorm.Close close : ConnectionStorm.Close.values()) storm.cycles(20, stage, close);
        Map<String, Integer> before = idle();
        for (ConnectionStorm.Close close : ConnectionStorm.Close.values()) {
            long t0 = System.nanoTime();
            storm.cycles(CYCLES, stage, close);
            Map<String, Integer> after = counts.settled(before, 10_000);
            System.out.printf("storm %s %s x%d: %d ms, before %s after %s%n", stage, close, CYCLES,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0), before, after);
            assertThat(after).as("%s %s x%d", stage, close, CYCLES).isEqualTo(before);
        }
    }
}
