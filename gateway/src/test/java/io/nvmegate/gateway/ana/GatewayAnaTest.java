package io.nvmegate.gateway.ana;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nvmegate.ana.AnaOwner;
import io.nvmegate.catalog.CatalogConfig;
import io.nvmegate.catalog.CatalogView;
import io.nvmegate.catalog.GlobalSpec;
import io.nvmegate.catalog.NamespaceSpec;
import io.nvmegate.catalog.ReplicationStatus;
import io.nvmegate.catalog.WorkerDirectory;
import io.nvmegate.client.ConnectOptions;
import io.nvmegate.client.NvmeController;
import io.nvmegate.client.NvmeException;
import io.nvmegate.client.NvmeStatusException;
import io.nvmegate.client.NvmeTcpHost;
import io.nvmegate.cluster.Cluster;
import io.nvmegate.cluster.ClusterOptions;
import io.nvmegate.gateway.Gateway;
import io.nvmegate.metrics.NodeMetrics;
import io.nvmegate.protocol.Opcodes;
import io.nvmegate.protocol.Status;
import io.nvmegate.testkit.FreePorts;
import io.nvmegate.worker.BlockWorker;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * A gateway's ANA reporting with real parts: a {@link Gateway} ("gw-a") on a plain Vert.x, its catalog in a lone
 * Hazelcast member, block I/O on a real {@link BlockWorker} (RocksDB), the Java host library over real sockets; the
 * owner map is held in memory ({@link MemoryAnaOwners}) and the lease is driven by the test ({@link TestLease}).
 * Global setting {@code ana} true. Subsystem {@link #NQN}: NSIDs 1 and 3 in ANA group 1, NSID 2 in group 2 (RF 1
 * on the worker); subsystem {@link #RF3_NQN}: NSID 1 in group 7 (RF 3 on workers w1..w3 that never answer: only its
 * ANA state and the path status are looked at). Covers the ANA log page (states, CHGCNT, RGO, NSIDs
 * ascending: NVMe Base 2.0 section 5.16.1.13), the ANA change notice (AEN 0x000C0302), the path statuses of I/O and
 * reservation commands (SCT 3h, never DNR), storage availability, and a lapsed lease.
 */
class GatewayAnaTest {
    static final String NQN = "nqn.2026-12.io.nvmegate:ana-test";
    static final String RF3_NQN = "nqn.2026-12.io.nvmegate:ana-test-rf3";
    static final String ME = "gw-a", OTHER = "gw-b";
    static final int AEC_ANA = 1 << 11;

    @TempDir
    static Path data;
    static Vertx vertx;
    static HazelcastInstance hz;
    static Gateway gateway;
    static int port;
    static final TestLease lease = new TestLease();
    static final MemoryAnaOwners owners = new MemoryAnaOwners();
    static final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }

    @BeforeAll
    static void start() throws Exception {
        port = FreePorts.free();
        vertx = Vertx.vertx();
        new NodeMetrics(meters).attach(vertx);
        hz = Hazelcast.newHazelcastInstance(Cluster.hazelcastConfig(
                new ClusterOptions("gateway-ana-test-" + UUID.randomUUID(), "127.0.0.1", FreePorts.free(), List.of())));
        CatalogView catalog = new CatalogView(vertx, hz);
        catalog.catalog().load(CatalogConfig.parse(new JsonObject()
                .put("subsystems", new JsonArray()
                        .add(new JsonObject().put("nqn", NQN).put("namespaces", new JsonArray()
                                .add(new JsonObject().put("nsid", 3).put("size", "1M").put("blockSize", 4096).put("anaGroup", 1))
                                .add(new JsonObject().put("nsid", 2).put("size", "1M").put("blockSize", 4096).put("anaGroup", 2))
                                .add(new JsonObject().put("nsid", 1).put("size", "1M").put("blockSize", 4096).put("anaGroup", 1))))
                        .add(new JsonObject().put("nqn", RF3_NQN).put("namespaces", new JsonArray()
                                .add(new JsonObject().put("nsid", 1).put("size", "1M").put("blockSize", 4096).put("anaGroup", 7)
                                        .put("replicationFactor", 3).put("replicas", new JsonArray().add("w1").add("w2").add("w3"))))))
                .put("ports", new JsonArray().add(new JsonObject().put("id", 1).put("traddr", "127.0.0.1").put("trsvcid", port)))));
        GlobalSpec g = GlobalSpec.defaults();
        catalog.catalog().putGlobal(new GlobalSpec(g.enabled(), g.baseNqn(), true, g.crossPortReferrals(), g.requireAuth())); // ana on
        await(catalog.start());
        await(vertx.deployVerticle(new BlockWorker(NamespaceSpec.DEFAULT_WORKER, data, () -> catalog.current().namespaces())));
        gateway = new Gateway(vertx, catalog, new Gateway.Options(ME, Gateway.Options.defaults().transport(), 1, 0x7FFF), hz, lease, owners);
        await(gateway.start());
    }

    @AfterAll
    static void stop() throws Exception {
        if (gateway != null) await(gateway.stop());
        if (vertx != null) await(vertx.close());
        if (hz != null) hz.shutdown();
    }

    @AfterEach
    void reset() throws Exception {
        owners.clear();
        lease.reset();
        hz.getMap(WorkerDirectory.MAP).delete(NamespaceSpec.DEFAULT_WORKER);
        hz.getMap(ReplicationStatus.MAP).delete(replicatedUuid().toString());
        waitFor(() -> gateway.ana().state(NQN, 1) == io.nvmegate.ana.AnaState.OPTIMIZED
                && gateway.ana().state(NQN, 2) == io.nvmegate.ana.AnaState.OPTIMIZED);
    }

    static NvmeController connect() {
        return NvmeTcpHost.connect(ConnectOptions.builder("127.0.0.1", port).subsystemNqn(NQN).ioQueues(1).build());
    }

    /** A controller with the ANA change notice enabled, its ANA log read once with RAE = 0 (notices unmasked). */
    static NvmeController connectWithAnaNotices() {
        NvmeController c = connect();
        c.setFeatures(Opcodes.FEAT_ASYNC_EVENT_CONFIG, AEC_ANA, false);
        anaLog(c, false);
        return c;
    }

    static ByteBuffer anaLog(NvmeController c, boolean groupsOnly) {
        return ByteBuffer.wrap(c.getLogPage(Opcodes.LOG_ANA, groupsOnly ? 1 : 0, false, 0, 4096, 0)).order(ByteOrder.LITTLE_ENDIAN);
    }

    static AnaOwner owned(int group, String owner) {
        return new AnaOwner(NQN, group, owner, owner, null, AnaOwner.Phase.OWNED, false, 1, 0);
    }

    static AnaOwner releasing(int group, String owner, String next) {
        return new AnaOwner(NQN, group, next, owner, next, AnaOwner.Phase.RELEASING, false, 2, 0);
    }

    static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition not met within 10 s").isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    /** Re-reads the ANA log until {@code done} holds (states follow inputs within a tick). */
    static ByteBuffer anaLogWhen(NvmeController c, Predicate<ByteBuffer> done) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            ByteBuffer b = anaLog(c, false);
            if (done.test(b)) return b;
            assertThat(System.nanoTime()).as("ANA log never matched").isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    /** Descriptor layout with NSIDs: group 1 (NSIDs 1, 3) @16, group 2 (NSID 2) @16 + 32 + 8 = 56. */
    static final int G1 = 16, G2 = 56;

    static int state(ByteBuffer log, int descriptor) { return log.get(descriptor + 16) & 0xFF; }

    static byte[] block(int seed) {
        byte[] b = new byte[4096];
        new java.util.Random(seed).nextBytes(b);
        return b;
    }

    /** @return the status of a command expected to fail with a path status; asserts SCT 3h and no DNR */
    static int pathStatus(Runnable command) {
        NvmeStatusException e = catchThrowableOfType(command::run, NvmeStatusException.class);
        assertThat(e).as("the command fails with an NVMe status").isNotNull();
        assertThat(e.sct()).as("SCT 3h: path related").isEqualTo(3);
        assertThat(e.dnr()).as("never Do Not Retry: the host retries on another path").isFalse();
        return e.status();
    }

    @Test
    void singleGatewayWithoutOwnersReportsEveryGroupOptimizedWithNsidsAscending() {
        try (NvmeController c = connect()) {
            ByteBuffer log = anaLog(c, false);
            assertThat(log.getLong(0)).as("CHGCNT").isPositive();
            assertThat(log.getShort(8)).as("NGRPS").isEqualTo((short) 2);
            assertThat(log.getInt(G1)).as("ANAGRPID").isEqualTo(1);
            assertThat(log.getInt(G1 + 4)).as("NNSIDS").isEqualTo(2);
            assertThat(state(log, G1)).as("optimized").isEqualTo(1);
            assertThat(log.getInt(G1 + 32)).as("NSIDs ascending").isEqualTo(1);
            assertThat(log.getInt(G1 + 36)).isEqualTo(3);
            assertThat(log.getInt(G2)).isEqualTo(2);
            assertThat(state(log, G2)).isEqualTo(1);
            assertThat(c.write(1, 0, block(1), 4096, false).status()).isEqualTo(Status.SUCCESS);
        }
    }

    @Test
    void identifyControllerReportsHonestAnaCapabilities() {
        try (NvmeController c = connect()) {
            ByteBuffer id = ByteBuffer.wrap(c.identifyAsync(Opcodes.CNS_CONTROLLER, 0, 0).join()).order(ByteOrder.LITTLE_ENDIAN);
            assertThat(id.get(76) & 1 << 3).as("CMIC bit 3: ANA reporting").isNotZero();
            assertThat(id.get(342) & 0xFF).as("ANATT").isEqualTo(AnaIdentify.ANA_TRANSITION_TIME);
            assertThat(id.get(343) & 0xFF).as("ANACAP: optimized, non-optimized, inaccessible, change, non-zero ANAGRPID")
                    .isEqualTo(0b1001_0111);
        }
    }

    /** The owner map moves group 1 away, then back through a hand-off: each step is a CHGCNT bump and an AEN. */
    @Test
    void ownerChangesBumpChgcntSendAnaNoticesAndGateTheTransition() throws Exception {
        try (NvmeController c = connectWithAnaNotices()) {
            long chg0 = anaLog(c, false).getLong(0);
            CompletableFuture<Integer> aen = c.asyncEventRequest();
            owners.put(owned(1, OTHER));
            assertThat(aen.get(10, TimeUnit.SECONDS)).as("ANA change notice").isEqualTo(0x000C0302);
            ByteBuffer log = anaLog(c, false);
            long chg1 = log.getLong(0);
            assertThat(chg1).as("CHGCNT bumped").isGreaterThan(chg0);
            assertThat(state(log, G1)).as("group 1 owned by another gateway: non-optimized").isEqualTo(2);
            assertThat(log.getLong(G1 + 8)).as("group 1 descriptor CHGCNT").isEqualTo(chg1);
            assertThat(state(log, G2)).as("group 2 untouched").isEqualTo(1);
            assertThat(log.getLong(G2 + 8)).isLessThan(chg1);
            assertThat(c.write(1, 1, block(2), 4096, false).status()).as("non-optimized serves").isEqualTo(Status.SUCCESS);

            ByteBuffer rgo = anaLog(c, true);
            assertThat(rgo.getLong(0)).isEqualTo(chg1);
            assertThat(rgo.getInt(16 + 4)).as("RGO: NNSIDS 0").isZero();
            assertThat(state(rgo, 16)).isEqualTo(2);
            assertThat(rgo.getInt(48)).as("RGO: group 2 right after").isEqualTo(2);
            assertThat(state(rgo, 48)).isEqualTo(1);

            aen = c.asyncEventRequest();
            owners.put(releasing(1, OTHER, ME));
            assertThat(aen.get(10, TimeUnit.SECONDS)).isEqualTo(0x000C0302);
            log = anaLog(c, false);
            assertThat(log.getLong(0)).isGreaterThan(chg1);
            assertThat(state(log, G1)).as("moving here: change").isEqualTo(0x0F);
            assertThat(pathStatus(() -> c.write(1, 1, block(3), 4096, false))).isEqualTo(Status.ANA_TRANSITION);
            assertThat(pathStatus(() -> c.read(3, 0, 1, 4096))).isEqualTo(Status.ANA_TRANSITION);
            assertThat(pathStatus(() -> c.reservationRegister(1, 0, false, 0, 0, 0x1234L))).isEqualTo(Status.ANA_TRANSITION);
            assertThat(c.write(2, 1, block(4), 4096, false).status()).as("group 2 serves").isEqualTo(Status.SUCCESS);

            aen = c.asyncEventRequest();
            owners.put(owned(1, ME));
            assertThat(aen.get(10, TimeUnit.SECONDS)).isEqualTo(0x000C0302);
            assertThat(state(anaLog(c, false), G1)).as("owned here: optimized").isEqualTo(1);
            assertThat(c.write(1, 1, block(5), 4096, false).status()).isEqualTo(Status.SUCCESS);
            assertThat(c.read(1, 1, 1, 4096)).isEqualTo(block(5));

            assertThat(meters.get("nvmegate.ana.state").tags("subsystem", NQN, "group", "1", "gateway", ME).gauge().value()).isEqualTo(1);
            assertThat(meters.get("nvmegate.ana.changes").tag("gateway", ME).counter().count()).isGreaterThanOrEqualTo(3);
        }
    }

    /**
     * An owner view not reloaded since a split-brain merge (the gateway, paused past Hazelcast's failure detection,
     * merged back): its own entry of before the split says optimized, but the group is reported inaccessible and I/O
     * refused without DNR until the view is current; controllers are kept (the lease did not lapse).
     */
    @Test
    void staleOwnerViewAfterAMergeIsInaccessibleUntilReloaded() throws Exception {
        try (NvmeController c = connectWithAnaNotices()) {
            owners.put(owned(1, ME));
            anaLogWhen(c, b -> state(b, G1) == 1);
            CompletableFuture<Integer> aen = c.asyncEventRequest();
            owners.current(false);
            assertThat(aen.get(10, TimeUnit.SECONDS)).as("ANA change notice").isEqualTo(0x000C0302);
            ByteBuffer log = anaLogWhen(c, b -> state(b, G1) == 3 && state(b, G2) == 3);
            assertThat(log.getLong(G1 + 8)).isEqualTo(log.getLong(0));
            assertThat(pathStatus(() -> c.write(1, 1, block(8), 4096, false))).isEqualTo(Status.ANA_INACCESSIBLE);
            assertThat(pathStatus(() -> c.read(2, 0, 1, 4096))).isEqualTo(Status.ANA_INACCESSIBLE);

            owners.current(true);
            anaLogWhen(c, b -> state(b, G1) == 1 && state(b, G2) == 1);
            assertThat(c.write(1, 1, block(9), 4096, false).status()).as("the same controller serves again").isEqualTo(Status.SUCCESS);
        }
    }

    /** RF 1 namespaces whose worker is registered but not a cluster member: inaccessible everywhere, no DNR. */
    @Test
    void storageDownIsInaccessibleWithoutDnr() throws Exception {
        try (NvmeController c = connectWithAnaNotices()) {
            CompletableFuture<Integer> aen = c.asyncEventRequest();
            hz.<String, String>getMap(WorkerDirectory.MAP).set(NamespaceSpec.DEFAULT_WORKER,
                    new WorkerDirectory.WorkerInfo(NamespaceSpec.DEFAULT_WORKER, "127.0.0.1:1", UUID.randomUUID(), false).toJson().encode());
            assertThat(aen.get(10, TimeUnit.SECONDS)).isEqualTo(0x000C0302);
            ByteBuffer log = anaLogWhen(c, b -> state(b, G1) == 3 && state(b, G2) == 3);
            assertThat(log.getLong(G1 + 8)).isEqualTo(log.getLong(0));
            assertThat(pathStatus(() -> c.write(1, 2, block(6), 4096, false))).isEqualTo(Status.ANA_INACCESSIBLE);
            assertThat(pathStatus(() -> c.read(2, 2, 1, 4096))).isEqualTo(Status.ANA_INACCESSIBLE);
            assertThat(pathStatus(() -> c.flush(0xFFFFFFFF))).isEqualTo(Status.ANA_INACCESSIBLE);
            assertThat(pathStatus(() -> c.reservationRegister(2, 0, false, 0, 0, 0x1234L))).isEqualTo(Status.ANA_INACCESSIBLE);
            NvmeStatusException badNsid = catchThrowableOfType(() -> c.read(9, 0, 1, 4096), NvmeStatusException.class);
            assertThat(badNsid.status()).as("an unknown NSID is still Invalid Namespace").isEqualTo(Status.dnr(Status.INVALID_NAMESPACE));

            hz.<String, String>getMap(WorkerDirectory.MAP).set(NamespaceSpec.DEFAULT_WORKER,
                    new WorkerDirectory.WorkerInfo(NamespaceSpec.DEFAULT_WORKER, "127.0.0.1:1", hz.getCluster().getLocalMember().getUuid(), false)
                            .toJson().encode());
            anaLogWhen(c, b -> state(b, G1) == 1 && state(b, G2) == 1);
            assertThat(c.write(1, 2, block(7), 4096, false).status()).isEqualTo(Status.SUCCESS);
        }
    }

    static UUID replicatedUuid() {
        return NamespaceSpec.defaultUuid(RF3_NQN, 1);
    }

    static void publishLeader(long updatedMs) {
        hz.<String, String>getMap(ReplicationStatus.MAP).set(replicatedUuid().toString(),
                new ReplicationStatus(replicatedUuid(), "w1", 1, 0, List.of(), updatedMs).toJson().encode());
    }

    /** A replicated group whose leader stopped publishing its status is inaccessible; a fresh status brings it back. */
    @Test
    void replicatedGroupWithoutARecentLeaderIsInaccessible() throws Exception {
        ConnectOptions o = ConnectOptions.builder("127.0.0.1", port).subsystemNqn(RF3_NQN).ioQueues(1).shutdownTimeoutMs(500).build();
        try (NvmeController c = NvmeTcpHost.connect(o)) { // shutdown flushes a namespace no worker serves: short wait
            c.setFeatures(Opcodes.FEAT_ASYNC_EVENT_CONFIG, AEC_ANA, false);
            ByteBuffer log = anaLog(c, false);
            assertThat(log.getInt(16)).as("ANAGRPID").isEqualTo(7);
            assertThat(state(log, 16)).as("no status published yet: not evidence of an outage").isEqualTo(1);
            publishLeader(System.currentTimeMillis());
            Thread.sleep(3 * AnaStates.TICK_MS);
            assertThat(state(anaLog(c, false), 16)).as("a leader published just now").isEqualTo(1);

            CompletableFuture<Integer> aen = c.asyncEventRequest();
            publishLeader(System.currentTimeMillis() - StorageAvailability.LEADER_STALE_MS - 1_000);
            assertThat(aen.get(10, TimeUnit.SECONDS)).isEqualTo(0x000C0302);
            assertThat(state(anaLog(c, false), 16)).as("no leader for longer than LEADER_STALE_MS").isEqualTo(3);
            assertThat(gateway.ana().state(NQN, 1)).as("RF 1 groups unaffected").isEqualTo(io.nvmegate.ana.AnaState.OPTIMIZED);
            assertThat(pathStatus(() -> c.write(1, 0, block(13), 4096, false))).isEqualTo(Status.ANA_INACCESSIBLE);

            publishLeader(System.currentTimeMillis());
            anaLogWhen(c, b -> state(b, 16) == 1);
        }
    }

    /** A lapse destroys every controller; a controller connected during the lapse gets ANA Inaccessible. */
    @Test
    void lapsedLeaseDestroysControllersAndRefusesIo() throws Exception {
        NvmeController before = connect();
        try {
            assertThat(gateway.controllers().controllers()).isNotEmpty();
            lease.lapse();
            waitFor(() -> gateway.controllers().controllers().isEmpty());
            waitFor(before::isClosed);
            assertThat(catchThrowableOfType(() -> before.write(1, 3, block(8), 4096, false), NvmeException.class))
                    .as("the old controller's connection is gone").isNotNull().isNotInstanceOf(NvmeStatusException.class);
        } finally {
            before.close();
        }
        try (NvmeController during = connect()) {
            ByteBuffer log = anaLog(during, false);
            assertThat(state(log, G1)).as("lease lapsed: inaccessible").isEqualTo(3);
            assertThat(state(log, G2)).isEqualTo(3);
            assertThat(pathStatus(() -> during.write(1, 3, block(8), 4096, false))).isEqualTo(Status.ANA_INACCESSIBLE);
            lease.renew();
            anaLogWhen(during, b -> state(b, G1) == 1);
            assertThat(during.write(1, 3, block(9), 4096, false).status()).as("created after the lapse: serves again").isEqualTo(Status.SUCCESS);
        }
    }

    /** A controller created before the last lapse never forwards again, even once the lease is valid. */
    @Test
    void controllerCreatedBeforeTheLastLapseIsRefused() throws Exception {
        try (NvmeController old = connect()) {
            assertThat(old.write(1, 4, block(10), 4096, false).status()).isEqualTo(Status.SUCCESS);
            Thread.sleep(5);
            lease.lapsedAtNow();
            assertThat(pathStatus(() -> old.write(1, 4, block(11), 4096, false))).isEqualTo(Status.ANA_INACCESSIBLE);
            try (NvmeController fresh = connect()) {
                assertThat(fresh.write(1, 4, block(12), 4096, false).status()).isEqualTo(Status.SUCCESS);
                assertThat(fresh.read(1, 4, 1, 4096)).as("the old controller's write never landed").isEqualTo(block(12));
            }
        }
    }
}
