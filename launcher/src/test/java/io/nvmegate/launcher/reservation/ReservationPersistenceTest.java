package io.nvmegate.launcher.reservation;

import io.nvmegate.catalog.CatalogConfig;
import io.nvmegate.client.NvmeController;
import io.nvmegate.client.ReservationStatus;
import io.nvmegate.launcher.NvmegateNode;
import io.nvmegate.launcher.Role;
import io.nvmegate.testkit.FreePorts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static io.nvmegate.launcher.reservation.ReservationCluster.BLOCK;
import static io.nvmegate.launcher.reservation.ReservationCluster.CONFLICT;
import static io.nvmegate.launcher.reservation.ReservationCluster.Host;
import static io.nvmegate.launcher.reservation.ReservationCluster.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Persist Through Power Loss across a restart of the block worker (the whole node, real RocksDB in the same data
 * directory): a namespace whose registrants set PTPL keeps registrations, reservation and generation; one without
 * PTPL starts empty (NVMe Base 2.0 section 8.19.9).
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ReservationPersistenceTest {
    static final Host A = Host.of(0x1A), B = Host.of(0x1B), C = Host.of(0x1C);
    static final long KA = 0x1111L, KB = 0x2222L;
    static final int PERSISTENT = 1, VOLATILE = 2;

    Path data;
    NvmegateNode node;

    @AfterEach
    void cleanUp() throws Exception {
        if (node != null) node.close();
        ReservationCluster.delete(data);
    }

    @Test
    void ptplSurvivesAWorkerRestartAndWithoutItTheStateIsGone() throws Exception {
        data = Files.createTempDirectory("nvmegate-ptpl");
        int port = FreePorts.free();
        CatalogConfig cfg = ReservationCluster.config(2, List.<Object[]>of(new Object[] {port, null}));
        node = ReservationCluster.start(Role.all, "ptpl-" + UUID.randomUUID(), FreePorts.free(), List.of(), cfg, data, "gateway-1");
        ReservationStatus before;
        try (NvmeController a = A.connect(port); NvmeController b = B.connect(port)) {
            a.reservationRegister(PERSISTENT, 0, false, 3, 0, KA); // CPTPL 11b: persist through power loss
            b.reservationRegister(PERSISTENT, 0, false, 0, 0, KB);
            a.reservationAcquire(PERSISTENT, 0, 3, KA, 0); // Write Exclusive - Registrants Only
            a.write(PERSISTENT, 0, ReservationsTest.block(5), BLOCK, true);
            a.reservationRegister(VOLATILE, 0, false, 0, 0, KA);
            a.reservationAcquire(VOLATILE, 0, 2, KA, 0);
            before = a.reservationReport(PERSISTENT);
            assertThat(before.ptpl()).isTrue();
        }
        node.close();
        node = ReservationCluster.start(Role.all, "ptpl-" + UUID.randomUUID(), FreePorts.free(), List.of(), cfg, data, "gateway-1");

        try (NvmeController a = A.connect(port); NvmeController c = C.connect(port)) {
            ReservationStatus after = c.reservationReport(PERSISTENT);
            assertThat(after.generation()).isEqualTo(before.generation());
            assertThat(after.rtype()).isEqualTo(3);
            assertThat(after.ptpl()).isTrue();
            assertThat(after.controllers()).as("no controller of A or B has reached the namespace since the restart")
                    .containsExactly(new ReservationStatus.RegisteredController(0xFFFF, true, KA, A.id()),
                            new ReservationStatus.RegisteredController(0xFFFF, false, KB, B.id()));
            assertStatus(() -> c.write(PERSISTENT, 1, ReservationsTest.block(6), BLOCK, false), CONFLICT);
            assertThat(c.read(PERSISTENT, 0, 1, BLOCK)).isEqualTo(ReservationsTest.block(5));
            a.write(PERSISTENT, 1, ReservationsTest.block(6), BLOCK, false); // the holder, by its host ID
            assertThat(c.reservationReport(PERSISTENT).controllers().get(0).cntlid()).as("A's new controller").isEqualTo(a.cntlid());

            ReservationStatus gone = c.reservationReport(VOLATILE);
            assertThat(gone.rtype()).isZero();
            assertThat(gone.regctl()).isZero();
            assertThat(gone.generation()).isZero();
            c.write(VOLATILE, 0, ReservationsTest.block(7), BLOCK, false); // nobody holds it any more

            a.reservationRegister(PERSISTENT, 0, false, 2, 0, KA); // CPTPL 10b: stop persisting
            assertThat(c.reservationReport(PERSISTENT).ptpl()).isFalse();
        }
        node.close();
        node = ReservationCluster.start(Role.all, "ptpl-" + UUID.randomUUID(), FreePorts.free(), List.of(), cfg, data, "gateway-1");
        try (NvmeController c = C.connect(port)) {
            assertThat(c.reservationReport(PERSISTENT).regctl()).as("PTPL cleared: lost at the restart").isZero();
        }
    }
}
