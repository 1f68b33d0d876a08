package io.nvmegate.transport;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nvmegate.controller.ControllerRegistry;
import io.nvmegate.controller.Subsystem;
import io.nvmegate.controller.TransportConfig;
import io.nvmegate.fabrics.FabricsConnect;
import io.nvmegate.metrics.NodeMetrics;
import io.nvmegate.protocol.Cqe;
import io.nvmegate.protocol.Status;
import io.nvmegate.testkit.RawNvmeTcpHost;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each transport limit exhausted once, each answered as the spec and nvmet do, never by a crash:
 * <ul>
 *   <li>controllers per subsystem ({@link TransportConfig#maxControllersPerSubsystem()}) and the CNTLID range:
 *       admin Connect → Connect Controller Busy (SCT 1 SC 81h), no DNR; Connect works again once one is gone;</li>
 *   <li>connections per listener ({@link TransportConfig#maxConnections()}): closed at accept,
 *       {@code nvmegate_connections_refused_total{role="gateway"}} + 1;</li>
 *   <li>queue size: Connect SQSIZE &gt; MQES (0's based; admin: the admin queue's limit) → Connect Invalid Parameters
 *       | DNR, DW0 IATTR 0 / IPO 44 (nvmet {@code nvmet_install_queue});</li>
 *   <li>queues per controller: I/O Connect QID &gt; the Number of Queues → Connect Invalid Parameters | DNR, IATTR 0 /
 *       IPO 42 (nvmet {@code nvmet_execute_io_connect}).</li>
 * </ul>
 */
class LimitsTest {
    static final String NQN = "nqn.2026-11.io.nvmegate:limits";
    Vertx vertx;
    SimpleMeterRegistry meters;
    final List<RawNvmeTcpHost> hosts = new ArrayList<>();

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        meters = new SimpleMeterRegistry();
        new NodeMetrics(meters).attach(vertx);
    }

    @AfterEach
    void stop() throws Exception {
        for (RawNvmeTcpHost h : hosts) h.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** A listener on a free port with limits {@code t}, CNTLIDs {@code min..max}. */
    private int listen(TransportConfig t, int cntlidMin, int cntlidMax) throws Exception {
        Subsystem s = new Subsystem(NQN, Subsystem.Identity.of("SN-LIM", "limits", "1"), new TcpQueueFatalErrorTest.EmptyCommandSet(), h -> true);
        NvmeTcpServer server = new NvmeTcpServer(vertx, "127.0.0.1", 0, t,
                new FabricsConnect(n -> n.equals(NQN) ? s : null, new ControllerRegistry(cntlidMin, cntlidMax), t, vertx));
        server.listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        return server.actualPort();
    }

    private RawNvmeTcpHost host(int port) throws Exception {
        RawNvmeTcpHost h = RawNvmeTcpHost.connect(port);
        hosts.add(h);
        return h;
    }

    private Cqe admin(int port) throws Exception {
        RawNvmeTcpHost h = host(port);
        h.handshake();
        return h.connectAdmin(NQN, 0);
    }

    @Test
    void controllersPerSubsystem() throws Exception {
        int port = listen(TransportConfig.defaults().withConnectionLimits(2, 100), 1, 100);
        assertThat(admin(port).status()).isEqualTo(Status.SUCCESS);
        assertThat(admin(port).status()).isEqualTo(Status.SUCCESS);
        Cqe busy = admin(port);
        assertThat(busy.status()).as("third controller of the subsystem").isEqualTo(Status.CONNECT_CONTROLLER_BUSY);
        assertThat(Status.isDnr(busy.status())).isFalse();
        hosts.remove(0).close();
        Thread.sleep(200); // its controller is destroyed when the admin queue closes
        assertThat(admin(port).status()).as("after one controller is gone").isEqualTo(Status.SUCCESS);
    }

    @Test
    void cntlidRange() throws Exception {
        int port = listen(TransportConfig.defaults(), 10, 12);
        for (int i = 0; i < 3; i++) assertThat(admin(port).status()).isEqualTo(Status.SUCCESS);
        assertThat(admin(port).status()).as("CNTLIDs 10..12 in use").isEqualTo(Status.CONNECT_CONTROLLER_BUSY);
    }

    @Test
    void connectionsPerListener() throws Exception {
        int port = listen(TransportConfig.defaults().withConnectionLimits(1024, 3), 1, 100);
        for (int i = 0; i < 3; i++) assertThat(admin(port).status()).isEqualTo(Status.SUCCESS);
        RawNvmeTcpHost fourth = host(port);
        assertThat(fourth.closedWithin(2000)).as("fourth connection closed at accept").isTrue();
        assertThat(meters.find("nvmegate.connections.refused").tag("role", NodeMetrics.GATEWAY).counter().count()).isEqualTo(1);
        hosts.remove(0).close();
        Thread.sleep(200);
        assertThat(admin(port).status()).as("a connection again once one closed").isEqualTo(Status.SUCCESS);
    }

    @Test
    void queueSizeBeyondMqes() throws Exception {
        // I/O queues of at most 64 entries (MQES 63), admin queue of at most 32
        int port = listen(new TransportConfig(128 * 1024, 8192, 512 * 1024, 64, 128 * 1024, 8, 32), 1, 100);
        RawNvmeTcpHost h = host(port);
        h.handshake();
        Cqe bigAdmin = h.connect(h.connectSqe(0, 32, 0, 0), h.connectData(NQN, 0xFFFF));
        assertInvalidParameter(bigAdmin, FabricsConnect.SQE_SQSIZE);
        RawNvmeTcpHost a = host(port);
        a.handshake();
        int cntlid = a.adminQueue(NQN);
        RawNvmeTcpHost io = host(port);
        io.handshake();
        assertInvalidParameter(io.connectIo(NQN, 1, 64, cntlid), FabricsConnect.SQE_SQSIZE);
        RawNvmeTcpHost ok = host(port);
        ok.handshake();
        assertThat(ok.connectIo(NQN, 1, 63, cntlid).status()).as("SQSIZE = MQES").isEqualTo(Status.SUCCESS);
    }

    @Test
    void queueIdBeyondTheNumberOfQueues() throws Exception {
        int port = listen(TransportConfig.defaults(), 1, 100);
        RawNvmeTcpHost a = host(port);
        a.handshake();
        int cntlid = a.adminQueue(NQN);
        // EmptyCommandSet: 2 I/O queues
        RawNvmeTcpHost io = host(port);
        io.handshake();
        assertInvalidParameter(io.connectIo(NQN, 3, 31, cntlid), FabricsConnect.SQE_QID);
        RawNvmeTcpHost ok = host(port);
        ok.handshake();
        assertThat(ok.connectIo(NQN, 2, 31, cntlid).status()).isEqualTo(Status.SUCCESS);
    }

    private static void assertInvalidParameter(Cqe c, int ipo) {
        assertThat(c.status()).isEqualTo(Status.dnr(Status.CONNECT_INVALID_PARAMETERS));
        assertThat(c.dw0()).as("IATTR 0 (SQE), IPO %d", ipo).isEqualTo(ipo);
    }
}
