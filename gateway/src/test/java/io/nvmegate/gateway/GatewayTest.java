package io.nvmegate.gateway;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.nvmegate.catalog.CatalogConfig;
import io.nvmegate.catalog.CatalogView;
import io.nvmegate.catalog.NamespaceSpec;
import io.nvmegate.client.ConnectOptions;
import io.nvmegate.client.DiscoveryLog;
import io.nvmegate.client.DiscoveryLogEntry;
import io.nvmegate.client.NvmeController;
import io.nvmegate.client.NvmeTcpHost;
import io.nvmegate.cluster.Cluster;
import io.nvmegate.cluster.ClusterOptions;
import io.nvmegate.protocol.ConnectData;
import io.nvmegate.protocol.Cqe;
import io.nvmegate.protocol.Opcodes;
import io.nvmegate.protocol.Pdu;
import io.nvmegate.protocol.Sqe;
import io.nvmegate.protocol.Status;
import io.nvmegate.testkit.FreePorts;
import io.nvmegate.testkit.RawNvmeTcpHost;
import io.nvmegate.worker.BlockWorker;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gateway on its own: a {@link Gateway} on a plain (non-clustered) Vert.x, its catalog in a lone Hazelcast
 * member, block I/O served by a real {@link BlockWorker} (RocksDB) on the same Vert.x, called directly (the
 * same-process short-circuit, {@code LocalChannel}); hosts are the raw
 * {@link RawNvmeTcpHost} (to see the bytes on the wire) and the Java host library. Covers Connect (NVMe-oF 1.1
 * section 3.3), Identify (NVMe Base 2.0 section 5.17), the Write/Read data paths of NVMe/TCP 1.0 section 3.3
 * (in-capsule, R2T + H2CData, C2HData), LBA Out of Range, Connect Invalid Host and the port's discovery controller.
 */
class GatewayTest {
    static final String NQN = "nqn.2026-11.io.nvmegate:gateway-test";
    static final String RESTRICTED_NQN = "nqn.2026-11.io.nvmegate:gateway-restricted";
    static final String ALLOWED_HOST = "nqn.2014-08.org.nvmexpress:uuid:00000000-0000-0000-0000-0000000000a1";
    static final String SERIAL = "GW-TEST-1";
    /** NSID 1: 16 MiB of 4096-byte blocks. */
    static final long NS1_BLOCKS = (16 << 20) / 4096;

    @TempDir
    static Path data;
    static Vertx vertx;
    static HazelcastInstance hz;
    static Gateway gateway;
    static int port;

    static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }

    static CatalogConfig config(int port) {
        return CatalogConfig.parse(new JsonObject()
                .put("subsystems", new JsonArray()
                        .add(new JsonObject().put("nqn", NQN).put("serial", SERIAL).put("namespaces", new JsonArray()
                                .add(new JsonObject().put("nsid", 1).put("size", "16M").put("blockSize", 4096))
                                .add(new JsonObject().put("nsid", 2).put("size", "1M").put("blockSize", 512))))
                        .add(new JsonObject().put("nqn", RESTRICTED_NQN).put("allowAnyHost", false)
                                .put("hosts", new JsonArray().add(ALLOWED_HOST))
                                .put("namespaces", new JsonArray().add(new JsonObject().put("nsid", 1).put("size", "1M")))))
                .put("ports", new JsonArray().add(new JsonObject().put("id", 1).put("traddr", "127.0.0.1").put("trsvcid", port))));
    }

    @BeforeAll
    static void start() throws Exception {
        port = FreePorts.free();
        vertx = Vertx.vertx();
        hz = Hazelcast.newHazelcastInstance(Cluster.hazelcastConfig(
                new ClusterOptions("gateway-test-" + UUID.randomUUID(), "127.0.0.1", FreePorts.free(), List.of())));
        CatalogView catalog = new CatalogView(vertx, hz);
        catalog.catalog().load(config(port));
        await(catalog.start());
        await(vertx.deployVerticle(new BlockWorker(NamespaceSpec.DEFAULT_WORKER, data, () -> catalog.current().namespaces())));
        gateway = new Gateway(vertx, catalog, Gateway.Options.defaults());
        await(gateway.start());
    }

    @AfterAll
    static void stop() throws Exception {
        if (gateway != null) await(gateway.stop());
        if (vertx != null) await(vertx.close());
        if (hz != null) hz.shutdown();
    }

    static byte[] pattern(int n, long seed) {
        byte[] b = new byte[n];
        new SplittableRandom(seed).nextBytes(b);
        return b;
    }

    static String ascii(byte[] b, int off, int len) {
        return new String(b, off, len, StandardCharsets.US_ASCII).replace("\0", "").trim();
    }

    /** A connection with a connected and enabled admin queue of {@link #NQN}. */
    static RawNvmeTcpHost adminQueue() throws Exception {
        RawNvmeTcpHost h = RawNvmeTcpHost.connect(port);
        h.handshake();
        h.adminQueue(NQN);
        return h;
    }

    @Test
    void connectAndIdentifyController() throws Exception {
        try (RawNvmeTcpHost h = RawNvmeTcpHost.connect(port)) {
            h.handshake();
            int cntlid = h.adminQueue(NQN);
            assertThat(cntlid).isBetween(Gateway.Options.defaults().cntlidMin(), Gateway.Options.defaults().cntlidMax());
            assertThat(gateway.controllers().get(cntlid)).as("registered under its CNTLID").isNotNull();
            RawNvmeTcpHost.Completion id = h.execute(h.identify(Opcodes.CNS_CONTROLLER, 0), null);
            assertThat(id.status()).isEqualTo(Status.SUCCESS);
            assertThat(id.data()).hasSize(4096);
            assertThat(ascii(id.data(), 4, 20)).as("SN @4").isEqualTo(SERIAL);
            assertThat(id.le().getShort(78) & 0xFFFF).as("CNTLID @78").isEqualTo(cntlid);
            assertThat(ascii(id.data(), 768, 256)).as("SUBNQN @768").isEqualTo(NQN);
            assertThat(id.le().getInt(516)).as("NN @516").isGreaterThanOrEqualTo(2);
        }
    }

    @Test
    void identifyNamespaceAndActiveList() throws Exception {
        try (RawNvmeTcpHost h = adminQueue()) {
            RawNvmeTcpHost.Completion ns = h.execute(h.identify(Opcodes.CNS_NAMESPACE, 1), null);
            assertThat(ns.status()).isEqualTo(Status.SUCCESS);
            assertThat(ns.le().getLong(0)).as("NSZE @0").isEqualTo(NS1_BLOCKS);
            int flbas = ns.data()[26] & 0xF;
            assertThat(ns.data()[128 + 4 * flbas + 2]).as("LBADS of the LBA format in use (2^12 = 4096)").isEqualTo((byte) 12);
            RawNvmeTcpHost.Completion list = h.execute(h.identify(Opcodes.CNS_ACTIVE_NS_LIST, 0), null);
            assertThat(list.le().getInt(0)).isEqualTo(1);
            assertThat(list.le().getInt(4)).isEqualTo(2);
            assertThat(list.le().getInt(8)).as("end of list").isZero();
        }
    }

    @Test
    void writeReadRoundTripInCapsuleAndByR2T() throws Exception {
        try (RawNvmeTcpHost admin = RawNvmeTcpHost.connect(port); RawNvmeTcpHost io = RawNvmeTcpHost.connect(port)) {
            admin.handshake();
            int cntlid = admin.adminQueue(NQN);
            io.handshake(true, true);
            Cqe c = io.connectIo(NQN, 1, 31, cntlid);
            assertThat(c.status()).isEqualTo(Status.SUCCESS);
            assertThat(c.dw0() & 0xFFFF).isEqualTo(cntlid);

            byte[] small = pattern(4096, 1);
            assertThat(io.execute(io.write(1, 10, 1, 4096, true), small).status()).as("in-capsule Write").isEqualTo(Status.SUCCESS);
            byte[] big = pattern(64 * 1024, 2); // beyond the 8 KiB in-capsule size: R2T + H2CData
            assertThat(io.execute(io.write(1, 100, 16, big.length, false), big).status()).as("R2T Write").isEqualTo(Status.SUCCESS);

            RawNvmeTcpHost.Completion r1 = io.execute(io.read(1, 10, 1, 4096), null);
            assertThat(r1.status()).isEqualTo(Status.SUCCESS);
            assertThat(r1.data()).isEqualTo(small);
            RawNvmeTcpHost.Completion r2 = io.execute(io.read(1, 100, 16, big.length), null);
            assertThat(r2.status()).isEqualTo(Status.SUCCESS);
            assertThat(r2.data()).isEqualTo(big);
            assertThat(io.execute(io.read(1, 0, 1, 4096), null).data()).as("never written: zeroes").isEqualTo(new byte[4096]);
        }
    }

    /**
     * The block worker runs on the gateway's Vert.x: commands reach it by a direct call ({@code LocalChannel}),
     * no block request on the event bus (issue 17, same-process short-circuit; on unless
     * {@code -Dnvmegate.localShortCircuit=false}).
     */
    @Test
    void blockIoToAWorkerOfTheSameVertxSkipsTheEventBus() throws Exception {
        List<String> onTheBus = new java.util.concurrent.CopyOnWriteArrayList<>();
        io.vertx.core.Handler<io.vertx.core.eventbus.DeliveryContext<Object>> watch = ctx -> {
            if (ctx.message().address().startsWith("nvmegate.block.")) onTheBus.add(ctx.message().address());
            ctx.next();
        };
        vertx.eventBus().addOutboundInterceptor(watch);
        try (RawNvmeTcpHost admin = adminQueue(); RawNvmeTcpHost io = admin.ioQueue(1, 31, false, false)) {
            byte[] data = pattern(8192, 7);
            assertThat(io.execute(io.write(1, 200, 2, data.length, true), data).status()).isEqualTo(Status.SUCCESS);
            assertThat(io.execute(io.read(1, 200, 2, data.length), null).data()).isEqualTo(data);
        } finally {
            vertx.eventBus().removeOutboundInterceptor(watch);
        }
        assertThat(onTheBus).isEmpty();
    }

    @Test
    void rangeBeyondTheNamespaceIsLbaOutOfRange() throws Exception {
        try (RawNvmeTcpHost admin = adminQueue(); RawNvmeTcpHost io = admin.ioQueue(1, 31, false, false)) {
            Sqe last = io.read(1, NS1_BLOCKS - 1, 1, 4096);
            assertThat(io.execute(last, null).status()).as("the last block").isEqualTo(Status.SUCCESS);
            for (Sqe beyond : List.of(io.read(1, NS1_BLOCKS - 1, 2, 8192), io.read(1, NS1_BLOCKS, 1, 4096),
                    io.write(1, NS1_BLOCKS, 1, 4096, true))) {
                Cqe cqe = io.execute(beyond, beyond.opcode() == Opcodes.IO_WRITE ? new byte[4096] : null).cqe();
                assertThat(cqe.cid()).isEqualTo(beyond.cid());
                assertThat(Status.describe(cqe.status() & ~Status.DNR)).as("%s", beyond)
                        .isEqualTo(Status.describe(Status.LBA_OUT_OF_RANGE));
                assertThat(Status.isDnr(cqe.status())).as("DNR: retrying cannot help").isTrue();
            }
        }
    }

    @Test
    void hostNotAllowedIsConnectInvalidHost() throws Exception {
        try (RawNvmeTcpHost h = RawNvmeTcpHost.connect(port)) {
            h.handshake();
            Cqe c = h.connect(RESTRICTED_NQN, 0, 31, 0, ConnectData.DYNAMIC_CNTLID);
            assertThat(c.status()).isEqualTo(Status.dnr(Status.CONNECT_INVALID_HOST));
            assertThat(c.dw0()).as("IATTR 1 (data), IPO 512 (HOSTNQN)").isEqualTo(1 << 16 | ConnectData.OFF_HOSTNQN);
        }
        try (RawNvmeTcpHost h = RawNvmeTcpHost.connect(port, RawNvmeTcpHost.Options.defaults().hostNqn(ALLOWED_HOST))) {
            h.handshake();
            assertThat(h.connect(RESTRICTED_NQN, 0, 31, 0, ConnectData.DYNAMIC_CNTLID).status()).isEqualTo(Status.SUCCESS);
        }
    }

    @Test
    void subsystemNotExportedOnThePortIsConnectInvalidParameters() throws Exception {
        try (RawNvmeTcpHost h = RawNvmeTcpHost.connect(port)) {
            h.handshake();
            Cqe c = h.connect("nqn.2026-11.io.nvmegate:not-here", 0, 31, 0, ConnectData.DYNAMIC_CNTLID);
            assertThat(c.status()).isEqualTo(Status.dnr(Status.CONNECT_INVALID_PARAMETERS));
            assertThat(c.dw0()).as("IATTR 1 (data), IPO 256 (SUBNQN)").isEqualTo(1 << 16 | ConnectData.OFF_SUBNQN);
        }
    }

    @Test
    void ioOnAnUnknownNamespaceIsInvalidNamespace() throws Exception {
        try (RawNvmeTcpHost admin = adminQueue(); RawNvmeTcpHost io = admin.ioQueue(1, 31, false, false)) {
            Cqe c = io.execute(io.read(9, 0, 1, 4096), null).cqe();
            assertThat(Status.describe(c.status() & ~Status.DNR)).isEqualTo(Status.describe(Status.INVALID_NAMESPACE));
        }
    }

    @Test
    void hostLibraryRoundTrip() {
        ConnectOptions o = ConnectOptions.builder("127.0.0.1", port).subsystemNqn(NQN).ioQueues(2).build();
        try (NvmeController c = NvmeTcpHost.connect(o)) {
            assertThat(c.activeNamespaces(0)).containsExactly(1, 2);
            assertThat(c.identifyController().sn()).isEqualTo(SERIAL);
            byte[] d = pattern(128 * 1024, 3);
            assertThat(c.write(1, 2000, d, 4096, false).status()).isEqualTo(Status.SUCCESS);
            assertThat(c.read(1, 2000, 32, 4096)).isEqualTo(d);
            byte[] s = pattern(2048, 4);
            assertThat(c.write(2, 7, s, 512, true).status()).isEqualTo(Status.SUCCESS);
            assertThat(c.read(2, 7, 4, 512)).isEqualTo(s);
        }
    }

    /**
     * The gateway serves the well-known discovery NQN on its own ports, listing that port's subsystems the host may
     * access (the restricted one is hidden from the library's default host NQN).
     */
    @Test
    void discoveryOnTheGatewayPortListsItsSubsystems() throws Exception {
        DiscoveryLog log = NvmeTcpHost.discover("127.0.0.1", port);
        assertThat(log.subsystemEntries()).extracting(DiscoveryLogEntry::subnqn).containsExactly(NQN);
        assertThat(log.subsystemEntries()).allSatisfy(e -> {
            assertThat(e.trtype()).isEqualTo(DiscoveryLogEntry.TRTYPE_TCP);
            assertThat(e.port()).isEqualTo(port);
        });
        try (RawNvmeTcpHost h = RawNvmeTcpHost.connect(port)) {
            h.handshake();
            h.adminQueue(Opcodes.DISCOVERY_NQN);
            RawNvmeTcpHost.Completion page = h.execute(h.getLogPage(Opcodes.LOG_DISCOVERY, 1024, 0), null);
            assertThat(page.status()).isEqualTo(Status.SUCCESS);
            assertThat(page.le().getLong(8)).as("NUMREC").isEqualTo(log.entries().size());
        }
    }

    @Test
    void aKeepAliveAndAnUnsupportedAdminCommand() throws Exception {
        try (RawNvmeTcpHost h = adminQueue()) {
            assertThat(h.command(Sqe.allocate().opcode(Opcodes.ADMIN_KEEP_ALIVE).cid(h.cid())).status()).isEqualTo(Status.SUCCESS);
            Cqe bad = h.command(Sqe.allocate().opcode(0x7E).cid(h.cid()));
            assertThat(Status.describe(bad.status() & ~Status.DNR)).isEqualTo(Status.describe(Status.INVALID_OPCODE));
            h.send(new Pdu.CapsuleCmd(Sqe.allocate().opcode(Opcodes.ADMIN_KEEP_ALIVE).cid(h.cid()), ByteBuffer.allocate(0)));
            assertThat(h.response().status()).as("still serving").isEqualTo(Status.SUCCESS);
        }
    }
}
