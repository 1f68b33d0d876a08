package io.nvmegate.launcher;

import io.nvmegate.catalog.CatalogConfig;
import io.nvmegate.catalog.NamespaceSpec;
import io.nvmegate.client.ConnectOptions;
import io.nvmegate.client.DiscoveryLog;
import io.nvmegate.client.DiscoveryLogEntry;
import io.nvmegate.client.DsmRange;
import io.nvmegate.client.IdentifyController;
import io.nvmegate.client.IdentifyNamespace;
import io.nvmegate.client.NamespaceDescriptor;
import io.nvmegate.client.NvmeController;
import io.nvmegate.client.NvmeStatusException;
import io.nvmegate.client.NvmeTcpHost;
import io.nvmegate.cluster.ClusterOptions;
import io.nvmegate.protocol.Opcodes;
import io.nvmegate.protocol.Status;
import io.nvmegate.controller.TransportConfig;
import io.nvmegate.testkit.FreePorts;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.CompletionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The walking skeleton in one JVM, driven through the Java host library over real sockets: gateway, block worker
 * (RocksDB) and discovery service on a private single-member Hazelcast cluster on 127.0.0.1, all block I/O over
 * the event bus.
 */
class EmbeddedTargetTest {
    static final String NQN = "nqn.2026-11.io.nvmegate:it-embedded";
    static final int MDTS = TransportConfig.defaults().mdtsBytes();

    @TempDir
    Path data;

    static CatalogConfig config(String nqn, int ioPort) {
        return CatalogConfig.parse(new JsonObject()
                .put("subsystems", new JsonArray().add(new JsonObject().put("nqn", nqn).put("serial", "IT-0001")
                        .put("namespaces", new JsonArray()
                                .add(new JsonObject().put("nsid", 1).put("size", "256M").put("blockSize", 4096))
                                .add(new JsonObject().put("nsid", 2).put("size", "64M").put("blockSize", 512)))))
                .put("ports", new JsonArray().add(new JsonObject().put("id", 7).put("traddr", "127.0.0.1").put("trsvcid", ioPort))));
    }

    private NvmegateNode start(int ioPort, int discoveryPort) throws Exception {
        NodeOptions o = new NodeOptions(Role.all,
                new ClusterOptions("it-" + UUID.randomUUID(), "127.0.0.1", FreePorts.free(), List.of()),
                config(NQN, ioPort), data, "worker-1", "gateway-1", "127.0.0.1", discoveryPort, TransportConfig.defaults());
        return NvmegateNode.start(o, Duration.ofMinutes(1));
    }

    static ConnectOptions.Builder options(int port) {
        return ConnectOptions.builder("127.0.0.1", port).subsystemNqn(NQN).ioQueues(2);
    }

    @Test
    void connectIdentifyWriteVerifyRestart() throws Exception {
        int ioPort = FreePorts.free(), discPort = FreePorts.free();
        BlockModel ns1 = new BlockModel(1, 4096, (256L << 20) / 4096);
        BlockModel ns2 = new BlockModel(2, 512, (64L << 20) / 512);
        try (NvmegateNode node = start(ioPort, discPort)) {
            // Discovery on the discovery service and on the I/O port.
            for (int port : new int[] {discPort, ioPort}) {
                DiscoveryLog log = NvmeTcpHost.discover("127.0.0.1", port);
                assertThat(log.subsystemEntries()).hasSize(1);
                DiscoveryLogEntry e = log.subsystemEntries().get(0);
                assertThat(e.subnqn()).isEqualTo(NQN);
                assertThat(e.traddr()).isEqualTo("127.0.0.1");
                assertThat(e.trsvcid()).isEqualTo(Integer.toString(ioPort));
                assertThat(e.trtype()).isEqualTo(3);
                assertThat(e.subtype()).isEqualTo(2);
                assertThat(e.portid()).isEqualTo(7);
                assertThat(e.cntlid()).isEqualTo(0xFFFF);
            }
            try (NvmeController c = NvmeTcpHost.connect(options(ioPort).build())) {
                IdentifyController id = c.identifyController();
                assertThat(id.cntlid()).isEqualTo(c.cntlid());
                assertThat(id.subnqn()).isEqualTo(NQN);
                assertThat(id.sn()).isEqualTo("IT-0001");
                assertThat(id.mn()).isEqualTo("nvmegate");
                assertThat(id.cntrltype()).isEqualTo(1);
                assertThat(id.kas()).isPositive();
                assertThat(id.icdoff()).isZero();
                assertThat(id.sgls() & 1).isEqualTo(1);
                assertThat(4096L << id.mdts()).isEqualTo(MDTS);
                assertThat(id.ioccsz() * 16 - 64).isEqualTo(TransportConfig.defaults().inCapsuleDataSize());
                assertThat(c.ioQueueCount()).isEqualTo(2);

                assertThat(c.activeNamespaces(0)).containsExactly(1, 2);
                IdentifyNamespace in1 = c.identifyNamespace(1);
                assertThat(in1.nsze()).isEqualTo(ns1.blocks);
                assertThat(in1.blockSize()).isEqualTo(4096);
                assertThat(c.identifyNamespace(2).blockSize()).isEqualTo(512);
                assertThat(c.identifyNamespace(99).active()).isFalse();
                UUID uuid = NamespaceSpec.defaultUuid(NQN, 1);
                List<NamespaceDescriptor> descs = c.namespaceDescriptors(1);
                assertThat(descs).anySatisfy(d -> {
                    assertThat(d.nidt()).isEqualTo(2);
                    java.nio.ByteBuffer u = java.nio.ByteBuffer.wrap(d.value());
                    assertThat(new UUID(u.getLong(), u.getLong())).isEqualTo(uuid);
                });

                SplittableRandom rnd = new SplittableRandom(20261122);
                ns1.writeRandom(c, rnd, 600, 16, MDTS);
                ns2.writeRandom(c, rnd, 400, 16, 256 * 1024);
                assertThat(ns1.largeTransfers + ns2.largeTransfers).isGreaterThanOrEqualTo(100);

                // Write Zeroes and deallocate: the ranges read back as zeroes.
                c.write(1, 100, new byte[8 * 4096], 4096, false);
                byte[] ones = new byte[8 * 4096];
                java.util.Arrays.fill(ones, (byte) 0x5A);
                c.write(1, 100, ones, 4096, false);
                c.writeZeroes(1, 102, 3, false);
                ns1.expected.keySet().removeIf(l -> l >= 100 && l < 108);
                assertThat(c.read(1, 102, 3, 4096)).isEqualTo(new byte[3 * 4096]);
                assertThat(c.read(1, 101, 1, 4096)[0]).isEqualTo((byte) 0x5A);
                c.write(2, 5000, ones, 512, false);
                c.deallocate(2, List.of(new DsmRange(5000, 64, 0)));
                ns2.expected.keySet().removeIf(l -> l >= 5000 && l < 5064);
                assertThat(c.read(2, 5000, 64, 512)).isEqualTo(new byte[64 * 512]);

                // Errors carry the right status.
                assertStatus(() -> c.read(1, ns1.blocks - 1, 2, 4096), Status.dnr(Status.LBA_OUT_OF_RANGE));
                assertStatus(() -> c.read(3, 0, 1, 4096), Status.dnr(Status.INVALID_NAMESPACE));
                assertStatus(() -> c.identifyNamespace(0xFFFFFFFF), Status.dnr(Status.INVALID_NAMESPACE));
                assertStatus(() -> c.getLogPage(0x42, 0, false, 0, 512, 0), Status.dnr(Status.INVALID_FIELD));

                c.flush(1);
                c.flush(2);
                ns1.verify(c, MDTS);
                ns2.verify(c, 256 * 1024);
            }
        }
        // Restart on the same data directory: everything acknowledged and flushed is still there. Verify through
        // a connection with header and data digests.
        try (NvmegateNode node = start(ioPort, discPort);
             NvmeController c = NvmeTcpHost.connect(options(ioPort).headerDigest(true).dataDigest(true).build())) {
            ns1.verify(c, MDTS);
            ns2.verify(c, 256 * 1024);
        }
    }

    @Test
    void connectToUnknownSubsystemAndHostNotAllowedAreRefused() throws Exception {
        int ioPort = FreePorts.free(), discPort = FreePorts.free();
        try (NvmegateNode node = start(ioPort, discPort)) {
            assertThatThrownBy(() -> NvmeTcpHost.connect(ConnectOptions.builder("127.0.0.1", ioPort)
                    .subsystemNqn("nqn.2026-11.io.nvmegate:missing").build()))
                    .hasMessageContaining("Connect");
            // the target keeps serving
            try (NvmeController c = NvmeTcpHost.connect(options(ioPort).ioQueues(1).build())) {
                assertThat(c.identifyController().subnqn()).isEqualTo(NQN);
            }
            assertThat(Opcodes.DISCOVERY_NQN).isNotEmpty();
        }
    }

    static void assertStatus(Runnable r, int status) {
        assertThatThrownBy(r::run).satisfies(t -> {
            Throwable cause = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
            assertThat(cause).isInstanceOf(NvmeStatusException.class);
            assertThat(((NvmeStatusException) cause).status()).as(Status.describe(((NvmeStatusException) cause).status())).isEqualTo(status);
        });
    }
}
