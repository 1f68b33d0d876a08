package io.nvmegate.fabrics;

import io.nvmegate.controller.ControllerCoreTest;
import io.nvmegate.controller.ControllerRegistry;
import io.nvmegate.controller.Subsystem;
import io.nvmegate.controller.TransportConfig;
import io.nvmegate.protocol.ConnectData;
import io.nvmegate.protocol.Cqe;
import io.nvmegate.protocol.Status;
import io.nvmegate.transport.NvmeTcpServer;
import io.nvmegate.testkit.RawNvmeTcpHost;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fabrics Connect over real sockets: the CQE of an I/O-queue Connect carries that queue's SQID (defect 1), and an
 * empty host NQN is an anonymous host, accepted where any host may connect and refused where an access list
 * applies (defect 2).
 */
class FabricsConnectTest {
    static final String OPEN = "nqn.2026-11.io.nvmegate:open";
    static final String LISTED = "nqn.2026-11.io.nvmegate:listed";
    static final String HOST = "nqn.2014-08.org.nvmexpress:uuid:0c0ffee0-0000-4000-8000-0000000000c1";
    static Vertx vertx;
    static NvmeTcpServer server;
    static final ControllerRegistry registry = new ControllerRegistry(1, 100);

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        Subsystem open = new Subsystem(OPEN, Subsystem.Identity.of("SN-OPEN", "open", "1"), new ControllerCoreTest.EmptyCommandSet(), h -> true);
        Subsystem listed = new Subsystem(LISTED, Subsystem.Identity.of("SN-LISTED", "listed", "1"), new ControllerCoreTest.EmptyCommandSet(),
                Set.of(HOST)::contains);
        server = new NvmeTcpServer(vertx, "127.0.0.1", 0, TransportConfig.defaults(), new FabricsConnect(
                nqn -> nqn.equals(OPEN) ? open : nqn.equals(LISTED) ? listed : null, registry, TransportConfig.defaults(), vertx));
        server.listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static RawNvmeTcpHost host() throws Exception {
        RawNvmeTcpHost h = RawNvmeTcpHost.connect(server.actualPort());
        h.handshake();
        return h;
    }

    /** Fabrics Connect of queue {@code qid} (SQSIZE 31) with {@code data}. */
    private static Cqe connect(RawNvmeTcpHost h, int qid, int katoMs, ConnectData data) throws Exception {
        return h.connect(h.connectSqe(qid, 31, 0, katoMs), data);
    }

    /** nvmet fills the CQE's SQID from the queue the Connect installed: QID 2 → SQID 2, not 0. */
    @Test
    void ioQueueConnectResponseCarriesItsSqid() throws Exception {
        UUID id = UUID.randomUUID();
        try (RawNvmeTcpHost admin = host(); RawNvmeTcpHost io = host()) {
            Cqe a = connect(admin, 0, 0, new ConnectData(id, ConnectData.DYNAMIC_CNTLID, OPEN, HOST));
            assertThat(a.status()).isEqualTo(Status.SUCCESS);
            assertThat(a.sqid()).as("admin queue SQID").isZero();
            int cntlid = a.dw0() & 0xFFFF;
            assertThat(admin.enable().status()).isEqualTo(Status.SUCCESS);
            Cqe c = connect(io, 2, 0, new ConnectData(id, cntlid, OPEN, HOST));
            assertThat(c.status()).isEqualTo(Status.SUCCESS);
            assertThat(c.dw0() & 0xFFFF).isEqualTo(cntlid);
            assertThat(c.sqid()).as("SQID of the I/O-queue Connect response").isEqualTo(2);
        }
    }

    /** Where any host may connect, an empty host NQN is an anonymous host, known by its host ID. */
    @Test
    void emptyHostNqnIsAnAnonymousHostWhereAnyHostIsAllowed() throws Exception {
        UUID id = UUID.randomUUID();
        try (RawNvmeTcpHost admin = host(); RawNvmeTcpHost io = host(); RawNvmeTcpHost other = host()) {
            Cqe a = connect(admin, 0, 0, new ConnectData(id, ConnectData.DYNAMIC_CNTLID, OPEN, ""));
            assertThat(a.status()).as("anonymous admin Connect").isEqualTo(Status.SUCCESS);
            int cntlid = a.dw0() & 0xFFFF;
            assertThat(registry.get(cntlid).hostNqn()).isEmpty();
            assertThat(registry.get(cntlid).hostId()).isEqualTo(id);
            assertThat(admin.enable().status()).isEqualTo(Status.SUCCESS);
            // Another anonymous host (other host ID) cannot join this controller.
            Cqe stranger = connect(other, 1, 0, new ConnectData(UUID.randomUUID(), cntlid, OPEN, ""));
            assertThat(stranger.status()).isEqualTo(Status.dnr(Status.CONNECT_INVALID_PARAMETERS));
            assertThat(stranger.dw0()).as("IATTR 1, IPO 16 (CNTLID)").isEqualTo(1 << 16 | ConnectData.OFF_CNTLID);
            Cqe q = connect(io, 1, 0, new ConnectData(id, cntlid, OPEN, ""));
            assertThat(q.status()).as("the same anonymous host's I/O queue").isEqualTo(Status.SUCCESS);
            assertThat(q.sqid()).isEqualTo(1);
        }
    }

    /** Where an access list applies, an empty host NQN is refused like any host not on the list. */
    @Test
    void emptyHostNqnIsRefusedWhereAnAccessListApplies() throws Exception {
        try (RawNvmeTcpHost h = host()) {
            Cqe c = connect(h, 0, 0, new ConnectData(UUID.randomUUID(), ConnectData.DYNAMIC_CNTLID, LISTED, ""));
            assertThat(c.status()).isEqualTo(Status.dnr(Status.CONNECT_INVALID_HOST));
            assertThat(c.dw0()).as("IATTR 1, IPO 512 (HOSTNQN)").isEqualTo(1 << 16 | ConnectData.OFF_HOSTNQN);
        }
        try (RawNvmeTcpHost h = host()) {
            Cqe c = connect(h, 0, 0, new ConnectData(UUID.randomUUID(), ConnectData.DYNAMIC_CNTLID, LISTED, HOST));
            assertThat(c.status()).as("a listed host still connects").isEqualTo(Status.SUCCESS);
        }
    }
}
