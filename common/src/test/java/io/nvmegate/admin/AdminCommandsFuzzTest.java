package io.nvmegate.admin;

import ch.qos.logback.classic.Level;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.nvmegate.controller.Controller;
import io.nvmegate.controller.NvmeRequest;
import io.nvmegate.controller.Subsystem;
import io.nvmegate.protocol.Opcodes;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.slf4j.LoggerFactory;

/**
 * Coverage-guided fuzzing (Jazzer) of the admin command path of a real controller: Fabrics Connect and CC.EN = 1,
 * then fuzzer-made admin SQEs with in-capsule data ({@link AdminFuzzInput} gives the input format and the checks),
 * through {@code CommandParser} to the shared admin commands ({@link AdminCommands}: Identify, Get Log Page,
 * Get/Set Features, Abort, Asynchronous Event Request, Keep Alive) and the Fabrics commands on a connected queue
 * (Property Get/Set, Disconnect, Authentication Send/Receive). The command set is {@link CoreCommandSet}: the
 * logs the controller core keeps.
 *
 * <p>Without {@code JAZZER_FUZZ=1} this replays the inputs in
 * {@code src/test/resources/io/nvmegate/admin/AdminCommandsFuzzTestInputs/adminCommands/} (seeds and regression
 * inputs of the findings) as a regression test.
 */
class AdminCommandsFuzzTest {
    static final String NQN = "nqn.2026-11.io.nvmegate:fuzz";
    static Vertx vertx;
    static Subsystem subsystem;

    /** The logs of the controller core: Error Information (01h) and Changed Namespace List (04h); Identify CNS 01h only. */
    static final class CoreCommandSet implements AdminCommandSet {
        @Override public void identifyController(Controller c, IdentifyControllerData id) { id.cntrltype = 1; id.nn = 16; }
        @Override public Buffer identify(Controller c, NvmeRequest r, int cns) { return null; }
        @Override public Buffer logPage(Controller c, NvmeRequest r, LogPageRequest p) {
            return switch (p.lid()) {
                case Opcodes.LOG_ERROR -> c.errors().page();
                case Opcodes.LOG_CHANGED_NS -> c.changedNamespaces().page(!p.rae());
                default -> null;
            };
        }
        @Override public int maxIoQueues() { return 4; }
    }

    @BeforeAll
    static void start() {
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger("io.nvmegate")).setLevel(Level.ERROR);
        vertx = Vertx.vertx();
        subsystem = new Subsystem(NQN, Subsystem.Identity.of("SN-FUZZ", "fuzz", "1"), new CoreCommandSet(), h -> true);
        AdminFuzzInput.warmUp(vertx, subsystem, NQN);
    }

    @AfterAll
    static void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, java.util.concurrent.TimeUnit.SECONDS);
    }

    @FuzzTest(maxDuration = "60s")
    void adminCommands(byte[] input) {
        long t0 = System.nanoTime();
        long a0 = AdminFuzzInput.allocated();
        AdminSession s = new AdminSession(vertx, subsystem, AdminFuzzInput.LIMITS);
        s.connect(NQN);
        int n = AdminFuzzInput.run(s, input);
        s.close();
        AdminFuzzInput.check(s, n, AdminFuzzInput.allocated() - a0, System.nanoTime() - t0);
    }
}
