package io.nvmegate.launcher.reservation;

import io.nvmegate.client.CommandBuilders;
import io.nvmegate.client.NvmeController;
import io.nvmegate.client.ReservationStatus;
import io.nvmegate.cluster.CntlidRanges;
import io.nvmegate.launcher.NvmegateNode;
import io.nvmegate.launcher.Role;
import io.nvmegate.protocol.Opcodes;
import io.nvmegate.protocol.Status;
import io.nvmegate.testkit.FreePorts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static io.nvmegate.launcher.reservation.ReservationCluster.BLOCK;
import static io.nvmegate.launcher.reservation.ReservationCluster.CONFLICT;
import static io.nvmegate.launcher.reservation.ReservationCluster.Host;
import static io.nvmegate.launcher.reservation.ReservationCluster.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reservations through the host library against a real two-gateway cluster: node 1 runs the block worker
 * (RocksDB), gateway-1 and discovery; node 2 runs gateway-2 only, on its own port. Hosts A, B, C have distinct
 * host NQNs and host IDs. Each test uses its own namespace, so their reservations do not meet.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ReservationsTest {
    static final Host A = Host.of(0xA), B = Host.of(0xB), C = Host.of(0xC);
    static final long KA = 0xA0A0L, KB = 0xB0B0L, KC = 0xC0C0L;
    static final int NS_TYPES = 1, NS_NOTICES = 2, NS_ABORT = 3, NS_REPORT = 4, NS_GATEWAYS = 5, NS_FEATURES = 6, NS_MEMORY = 7;

    static Path data;
    static NvmegateNode node1, node2;
    static int port1, port2;

    @BeforeAll
    static void start() throws Exception {
        data = Files.createTempDirectory("nvmegate-reservations");
        port1 = FreePorts.free();
        port2 = FreePorts.free();
        var cfg = ReservationCluster.config(6, List.of(new Object[] {port1, "gateway-1"}, new Object[] {port2, "gateway-2"}));
        String cluster = "reservations-" + UUID.randomUUID();
        int hz1 = FreePorts.free();
        node1 = ReservationCluster.start(Role.all, cluster, hz1, List.of(), cfg, data.resolve("n1"), "gateway-1");
        node2 = ReservationCluster.start(Role.gateway, cluster, FreePorts.free(), List.of("127.0.0.1:" + hz1), cfg,
                data.resolve("n2"), "gateway-2");
    }

    @AfterAll
    static void stop() throws Exception {
        if (node2 != null) node2.close();
        if (node1 != null) node1.close();
        ReservationCluster.delete(data);
    }

    static byte[] block(int b) {
        byte[] d = new byte[BLOCK];
        java.util.Arrays.fill(d, (byte) b);
        return d;
    }

    /** The NVM Command Set 1.0 Figure 5 table for a host that is not the holder: {rtype, registered, read, write}. */
    static Stream<Arguments> accessTable() {
        List<Arguments> a = new ArrayList<>();
        for (int t = 1; t <= 6; t++) {
            for (boolean registered : new boolean[] {false, true}) {
                boolean read = t == 1 || t == 3 || t == 5 || (registered && (t == 4 || t == 6));
                boolean write = registered && t >= 3;
                a.add(Arguments.of(t, registered, read, write));
            }
        }
        return a.stream();
    }

    /** Host B on gateway-2, the holder A on gateway-1: B's reads and writes are allowed or conflict as the table says. */
    @ParameterizedTest(name = "rtype {0}, other host registered {1}: read {2}, write {3}")
    @MethodSource("accessTable")
    void ioConflictsPerReservationType(int rtype, boolean registered, boolean read, boolean write) {
        try (NvmeController a = A.connect(port1); NvmeController b = B.connect(port2)) {
            a.reservationRegister(NS_TYPES, 0, false, 0, 0, KA);
            if (registered) b.reservationRegister(NS_TYPES, 0, false, 0, 0, KB);
            a.reservationAcquire(NS_TYPES, 0, rtype, KA, 0);
            try {
                a.write(NS_TYPES, 0, block(1), BLOCK, false);
                assertThat(a.read(NS_TYPES, 0, 1, BLOCK)).isEqualTo(block(1));
                if (read) assertThat(b.read(NS_TYPES, 0, 1, BLOCK)).isEqualTo(block(1));
                else assertStatus(() -> b.read(NS_TYPES, 0, 1, BLOCK), CONFLICT);
                if (write) b.write(NS_TYPES, 1, block(2), BLOCK, false);
                else {
                    assertStatus(() -> b.write(NS_TYPES, 1, block(2), BLOCK, false), CONFLICT);
                    assertStatus(() -> b.writeZeroes(NS_TYPES, 1, 1, false), CONFLICT);
                    assertStatus(() -> b.flush(NS_TYPES), CONFLICT);
                }
                if (read) b.compare(NS_TYPES, 0, block(1), BLOCK);
                else assertStatus(() -> b.verify(NS_TYPES, 0, 1), CONFLICT);
            } finally {
                a.reservationRelease(NS_TYPES, 1, 0, KA); // clear: the next case starts afresh
            }
            b.write(NS_TYPES, 1, block(3), BLOCK, false);
        }
    }

    @Test
    void notificationsAenAndMask() throws Exception {
        try (NvmeController a = A.connect(port1); NvmeController b = B.connect(port2)) {
            b.reservationRegister(NS_NOTICES, 0, false, 0, 0, KB);
            a.reservationRegister(NS_NOTICES, 0, false, 0, 0, KA);
            a.reservationAcquire(NS_NOTICES, 0, 3, KA, 0); // Write Exclusive - Registrants Only
            CompletableFuture<Integer> aen = b.asyncEventRequest();
            a.reservationRelease(NS_NOTICES, 0, 3, KA);
            assertThat(aen.get(30, TimeUnit.SECONDS)).as("type 110b, info 00h, LID 80h").isEqualTo(0x00800006);
            ByteBuffer log = log80(b);
            long first = log.getLong(0);
            assertThat(first).isPositive();
            assertThat(log.get(8)).as("Reservation Released").isEqualTo((byte) 2);
            assertThat(log.get(9)).as("none left").isZero();
            assertThat(log.getInt(12)).isEqualTo(NS_NOTICES);
            assertThat(log80(b).getLong(0)).as("read entries are gone").isZero();

            // mask Reservation Released (bit 2) for this namespace: the next release is not logged
            assertThat(b.submit(0, CommandBuilders.setFeatures(Opcodes.FEAT_RESERVATION_NOTIFICATION_MASK, 1 << 2, false).nsid(NS_NOTICES), null, 0)
                    .get(30, TimeUnit.SECONDS).cqe().status()).isZero();
            assertThat(b.submit(0, CommandBuilders.getFeatures(Opcodes.FEAT_RESERVATION_NOTIFICATION_MASK, 0, 0).nsid(NS_NOTICES), null, 0)
                    .get(30, TimeUnit.SECONDS).cqe().dw0()).isEqualTo(1 << 2);
            CompletableFuture<Integer> next = b.asyncEventRequest();
            a.reservationAcquire(NS_NOTICES, 0, 3, KA, 0);
            a.reservationRelease(NS_NOTICES, 0, 3, KA);
            a.reservationAcquire(NS_NOTICES, 1, 1, KA, KB); // preempt B's registration: not masked
            assertThat(next.get(30, TimeUnit.SECONDS)).isEqualTo(0x00800006);
            log = log80(b);
            assertThat(log.get(8)).as("the masked release left no entry: Registration Preempted comes first").isEqualTo((byte) 1);
            assertThat(log.getLong(0)).isEqualTo(first + 1);
            assertThat(log.getInt(12)).isEqualTo(NS_NOTICES);
            assertStatus(() -> b.reservationRelease(NS_NOTICES, 0, 1, KB), CONFLICT); // no longer a registrant
        }
    }

    static ByteBuffer log80(NvmeController c) {
        return ByteBuffer.wrap(c.getLogPage(Opcodes.LOG_RESERVATION_NOTIFICATION, 0, false, 0, 64, 0xFFFFFFFF)).order(ByteOrder.LITTLE_ENDIAN);
    }

    @Test
    void preemptAndAbort() throws Exception {
        try (NvmeController a = A.connect(port1); NvmeController b = B.connect(port2)) {
            b.reservationRegister(NS_ABORT, 0, false, 0, 0, KB);
            b.reservationAcquire(NS_ABORT, 0, 2, KB, 0); // Exclusive Access
            b.write(NS_ABORT, 0, block(7), BLOCK, false);
            a.reservationRegister(NS_ABORT, 0, false, 0, 0, KA);
            assertStatus(() -> a.read(NS_ABORT, 0, 1, BLOCK), CONFLICT);
            CompletableFuture<Integer> aen = b.asyncEventRequest();
            int gen = a.reservationReport(NS_ABORT).generation();
            a.reservationAcquire(NS_ABORT, 2, 2, KA, KB); // preempt and abort
            assertThat(a.read(NS_ABORT, 0, 1, BLOCK)).isEqualTo(block(7));
            assertStatus(() -> b.read(NS_ABORT, 0, 1, BLOCK), CONFLICT);
            assertStatus(() -> b.write(NS_ABORT, 0, block(8), BLOCK, false), CONFLICT);
            assertThat(aen.get(30, TimeUnit.SECONDS)).isEqualTo(0x00800006);
            assertThat(log80(b).get(8)).as("Registration Preempted").isEqualTo((byte) 1);
            ReservationStatus s = b.reservationReport(NS_ABORT);
            assertThat(s.generation()).isEqualTo(gen + 1);
            assertThat(s.rtype()).isEqualTo(2);
            assertThat(s.controllers()).extracting(ReservationStatus.RegisteredController::hostId).containsExactly(A.id());
            assertThat(s.controllers().get(0).holder()).isTrue();
        }
    }

    @Test
    void reportListsEveryRegisteredControllerWithItsRealCntlid() throws Exception {
        try (NvmeController a = A.connect(port1); NvmeController b = B.connect(port2); NvmeController c = C.connect(port1)) {
            NvmeController b2 = B.connect(port1); // host B's second path, through the other gateway
            a.reservationRegister(NS_REPORT, 0, false, 3, 0, KA);
            b.reservationRegister(NS_REPORT, 0, false, 0, 0, KB);
            c.reservationRegister(NS_REPORT, 0, false, 0, 0, KC);
            b2.read(NS_REPORT, 0, 1, BLOCK); // the worker learns B's second controller from its commands
            a.reservationAcquire(NS_REPORT, 0, 1, KA, 0);
            ReservationStatus s = c.reservationReport(NS_REPORT);
            assertThat(s.generation()).isEqualTo(3);
            assertThat(s.rtype()).isEqualTo(1);
            assertThat(s.ptpl()).isTrue();
            assertThat(s.regctl()).isEqualTo(4);
            assertThat(s.controllers()).extracting(r -> r.cntlid() + "/" + r.hostId() + "/" + r.key() + "/" + r.holder()).containsExactly(
                    a.cntlid() + "/" + A.id() + "/" + KA + "/true",
                    b.cntlid() + "/" + B.id() + "/" + KB + "/false",
                    b2.cntlid() + "/" + B.id() + "/" + KB + "/false",
                    c.cntlid() + "/" + C.id() + "/" + KC + "/false");
            Set<Integer> ids = s.controllers().stream().map(ReservationStatus.RegisteredController::cntlid).collect(Collectors.toSet());
            assertThat(ids).hasSize(4).doesNotContain(0, 0xFFFF);

            // a short buffer: the count still covers every controller
            ReservationStatus cut = c.reservationReportAsync(NS_REPORT, 128).get(30, TimeUnit.SECONDS);
            assertThat(cut.regctl()).isEqualTo(4);
            assertThat(cut.controllers()).hasSize(1);

            b2.close(); // its CNTLID leaves the report
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (c.reservationReport(NS_REPORT).regctl() != 3 && System.nanoTime() < deadline) Thread.sleep(20);
            assertThat(c.reservationReport(NS_REPORT).controllers()).extracting(ReservationStatus.RegisteredController::cntlid)
                    .containsExactly(a.cntlid(), b.cntlid(), c.cntlid());
            a.reservationRelease(NS_REPORT, 1, 0, KA);
        }
    }

    @Test
    void twoGatewaysSeeOneReservationAndHandOutDisjointCntlids() {
        try (NvmeController a = A.connect(port1); NvmeController b = B.connect(port2)) {
            assertThat((a.cntlid() - 1) / CntlidRanges.RANGE_SIZE).as("gateway CNTLID ranges")
                    .isNotEqualTo((b.cntlid() - 1) / CntlidRanges.RANGE_SIZE);
            a.reservationRegister(NS_GATEWAYS, 0, false, 0, 0, KA);
            a.reservationAcquire(NS_GATEWAYS, 0, 2, KA, 0);
            assertStatus(() -> b.read(NS_GATEWAYS, 0, 1, BLOCK), CONFLICT);
            ReservationStatus seenFrom2 = b.reservationReport(NS_GATEWAYS);
            assertThat(seenFrom2.rtype()).isEqualTo(2);
            assertThat(seenFrom2.controllers()).containsExactly(new ReservationStatus.RegisteredController(a.cntlid(), true, KA, A.id()));
            assertStatus(() -> b.reservationAcquire(NS_GATEWAYS, 0, 2, KB, 0), CONFLICT); // not a registrant
            b.reservationRegister(NS_GATEWAYS, 0, false, 0, 0, KB);
            b.reservationAcquire(NS_GATEWAYS, 1, 2, KB, KA); // preempt across gateways
            assertStatus(() -> a.read(NS_GATEWAYS, 0, 1, BLOCK), CONFLICT);
            assertThat(a.reservationReport(NS_GATEWAYS).controllers())
                    .containsExactly(new ReservationStatus.RegisteredController(b.cntlid(), true, KB, B.id()));
        }
    }

    @Test
    void identifyFeaturesAndLogsAdvertiseReservations() throws Exception {
        try (NvmeController a = A.connect(port1)) {
            assertThat(a.identifyController().oncs() & 1 << 5).as("ONCS reservations").isNotZero();
            assertThat(a.identifyAsync(Opcodes.CNS_NAMESPACE, NS_FEATURES, 0).get(30, TimeUnit.SECONDS)[31] & 0xFF).as("RESCAP").isEqualTo(0xFF);
            assertThat(a.identifyAsync(Opcodes.CNS_NAMESPACE, NS_MEMORY, 0).get(30, TimeUnit.SECONDS)[31] & 0xFF).as("RESCAP, no PTPL").isEqualTo(0xFE);
            ByteBuffer supported = ByteBuffer.wrap(a.getLogPage(Opcodes.LOG_SUPPORTED, 0, false, 0, 1024, 0)).order(ByteOrder.LITTLE_ENDIAN);
            assertThat(supported.getInt(0x80 * 4) & 1).isEqualTo(1);
            ByteBuffer effects = ByteBuffer.wrap(a.getLogPage(Opcodes.LOG_CMD_EFFECTS, 0, false, 0, 4096, 0)).order(ByteOrder.LITTLE_ENDIAN);
            for (int opc : new int[] {0x0D, 0x0E, 0x11, 0x15}) assertThat(effects.getInt(1024 + opc * 4) & 1).as("opcode %x", opc).isEqualTo(1);

            assertThat(ptpl(a, NS_FEATURES)).isZero();
            assertThat(a.submit(0, CommandBuilders.setFeatures(Opcodes.FEAT_RESERVATION_PERSISTENCE, 1, false).nsid(NS_FEATURES), null, 0)
                    .get(30, TimeUnit.SECONDS).cqe().status()).isZero();
            assertThat(ptpl(a, NS_FEATURES)).isEqualTo(1);
            assertThat(a.reservationReport(NS_FEATURES).ptpl()).isTrue();
            assertThat(a.submit(0, CommandBuilders.setFeatures(Opcodes.FEAT_RESERVATION_PERSISTENCE, 0, false).nsid(NS_FEATURES), null, 0)
                    .get(30, TimeUnit.SECONDS).cqe().status()).isZero();
            assertThat(ptpl(a, NS_FEATURES)).isZero();
            assertStatus(() -> a.submit(0, CommandBuilders.setFeatures(Opcodes.FEAT_RESERVATION_PERSISTENCE, 1, false).nsid(NS_MEMORY), null, 0)
                    .join(), Status.dnr(Status.INVALID_FIELD)); // no PTPL on a memory namespace
            assertStatus(() -> a.reservationRegister(NS_MEMORY, 0, false, 3, 0, KA), Status.dnr(Status.INVALID_FIELD));
            assertStatus(() -> a.submit(0, CommandBuilders.getFeatures(Opcodes.FEAT_RESERVATION_PERSISTENCE, 0, 0).nsid(99), null, 0)
                    .join(), Status.dnr(Status.INVALID_NAMESPACE));

            assertStatus(() -> a.submitIo(CommandBuilders.reservationReport(NS_FEATURES, 4096, false), null, 4096).join(),
                    Status.dnr(Status.HOST_ID_INCONSISTENT_FORMAT));
            assertStatus(() -> a.reservationRegister(NS_FEATURES, 5, false, 0, 0, KA), Status.dnr(Status.INVALID_FIELD));
        }
    }

    static int ptpl(NvmeController c, int nsid) throws Exception {
        return c.submit(0, CommandBuilders.getFeatures(Opcodes.FEAT_RESERVATION_PERSISTENCE, 0, 0).nsid(nsid), null, 0)
                .get(30, TimeUnit.SECONDS).cqe().dw0();
    }
}
