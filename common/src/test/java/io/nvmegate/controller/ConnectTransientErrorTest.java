package io.nvmegate.controller;

import io.nvmegate.fabrics.FabricsConnect;
import io.nvmegate.protocol.Cqe;
import io.nvmegate.protocol.Status;
import io.nvmegate.testkit.RawNvmeTcpHost;
import io.nvmegate.transport.NvmeTcpServer;
import io.nvmegate.controller.TransportConfig;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A transient Connect failure never carries DNR (with DNR the Linux host deletes the controller after one attempt):
 * with the CNTLID range exhausted, Connect fails with Controller Busy (SCT 1 SC 81h) without DNR, and succeeds
 * again once a controller is gone.
 */
class ConnectTransientErrorTest {
    static final String NQN = "nqn.2026-11.io.nvmegate:busy";
    static Vertx vertx;
    static NvmeTcpServer server;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        Subsystem s = new Subsystem(NQN, Subsystem.Identity.of("SN-BUSY", "busy", "1"),
                new ControllerCoreTest.EmptyCommandSet(), h -> true);
        ControllerRegistry oneController = new ControllerRegistry(7, 7);
        server = new NvmeTcpServer(vertx, "127.0.0.1", 0, TransportConfig.defaults(),
                new FabricsConnect(nqn -> nqn.equals(NQN) ? s : null, oneController, TransportConfig.defaults(), vertx));
        server.listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static Cqe connectAdmin(RawNvmeTcpHost h) throws Exception {
        h.handshake();
        return h.connectAdmin(NQN, 0);
    }

    @Test
    void controllerBusyIsRetryable() throws Exception {
        try (RawNvmeTcpHost first = RawNvmeTcpHost.connect(server.actualPort())) {
            Cqe ok = connectAdmin(first);
            assertThat(ok.status()).isEqualTo(Status.SUCCESS);
            assertThat(ok.dw0() & 0xFFFF).isEqualTo(7);
            try (RawNvmeTcpHost second = RawNvmeTcpHost.connect(server.actualPort())) {
                Cqe busy = connectAdmin(second);
                assertThat(busy.status()).as("Controller Busy, no DNR").isEqualTo(Status.CONNECT_CONTROLLER_BUSY);
                assertThat(Status.isDnr(busy.status())).isFalse();
            }
        }
        Thread.sleep(200); // the first controller is torn down when its admin queue closes
        try (RawNvmeTcpHost again = RawNvmeTcpHost.connect(server.actualPort())) {
            assertThat(connectAdmin(again).status()).isEqualTo(Status.SUCCESS);
        }
    }
}
