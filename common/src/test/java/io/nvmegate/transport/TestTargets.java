package io.nvmegate.transport;

import io.nvmegate.controller.CommandSet;
import io.nvmegate.controller.TransportConfig;
import io.nvmegate.fabrics.FabricsConnect;
import io.nvmegate.controller.ControllerRegistry;
import io.nvmegate.fabrics.FabricsConnect;
import io.nvmegate.controller.Subsystem;
import io.vertx.core.Vertx;

import java.util.List;
import java.util.concurrent.TimeUnit;

/** A real NVMe/TCP listener on 127.0.0.1 (free port) with one subsystem that allows any host: the transport tests' target. */
final class TestTargets {
    private TestTargets() {}

    /** @return the listening server ({@link NvmeTcpServer#actualPort()}), CNTLIDs 1..100, default transport limits */
    static NvmeTcpServer listen(Vertx vertx, String nqn, CommandSet commands) throws Exception {
        return listen(vertx, nqn, commands, new ControllerRegistry(1, 100));
    }

    /** @return the listening server, its controllers in {@code registry}, default transport limits */
    static NvmeTcpServer listen(Vertx vertx, String nqn, CommandSet commands, ControllerRegistry registry) throws Exception {
        Subsystem s = new Subsystem(nqn, Subsystem.Identity.of("SN1", "test", "1"), commands, h -> true);
        FabricsConnect connect = new FabricsConnect(n -> n.equals(nqn) ? s : null, registry,
                TransportConfig.defaults(), vertx);
        NvmeTcpServer server = new NvmeTcpServer(vertx, "127.0.0.1", 0, TransportConfig.defaults(), connect);
        server.listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        return server;
    }
}
