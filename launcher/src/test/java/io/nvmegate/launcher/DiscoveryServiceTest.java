package io.nvmegate.launcher;

import io.nvmegate.catalog.CatalogConfig;
import io.nvmegate.catalog.GlobalSpec;
import io.nvmegate.catalog.PortSpec;
import io.nvmegate.catalog.SubsystemSpec;
import io.nvmegate.client.ConnectOptions;
import io.nvmegate.client.DiscoveryLog;
import io.nvmegate.client.DiscoveryLogEntry;
import io.nvmegate.client.IdentifyController;
import io.nvmegate.client.NvmeController;
import io.nvmegate.client.NvmeStatusException;
import io.nvmegate.client.NvmeTcpHost;
import io.nvmegate.cluster.ClusterOptions;
import io.nvmegate.control.ApiOptions;
import io.nvmegate.control.CatalogService;
import io.nvmegate.protocol.Opcodes;
import io.nvmegate.controller.TransportConfig;
import io.nvmegate.testkit.FreePorts;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The discovery service through the Java host library (real sockets, Hazelcast, RocksDB catalog store): entries per
 * host NQN, the current discovery subsystem entry, referrals, stable piecewise reads across a catalog change (the
 * libnvme algorithm), Discovery Log Page Change AENs and their masking, the discovery Identify Controller, the
 * unique discovery NQN, cross-port referrals, and a GENCTR that survives a restart.
 */
class DiscoveryServiceTest {
    static final String OPEN = "nqn.2026-11.io.example:disc-open";
    static final String ALLOWED = "nqn.2026-11.io.example:disc-allowed";
    static final String DENIED = "nqn.2026-11.io.example:disc-denied";
    static final String HOST_A = "nqn.2014-08.org.nvmexpress:uuid:0a0a0a0a-0000-4000-8000-00000000000a";
    static final String HOST_B = "nqn.2014-08.org.nvmexpress:uuid:0b0b0b0b-0000-4000-8000-00000000000b";
    static final String HOST_C = "nqn.2014-08.org.nvmexpress:uuid:0c0c0c0c-0000-4000-8000-00000000000c";
    static final String UNIQUE = "nqn.2026-11.io.example:discovery-1";
    static final int TREQ = 1 << 2;

    @TempDir
    Path data;

    private int discPort, port1, port2;

    /** Catalog: OPEN (any host), ALLOWED (host A), DENIED (host B); port 1 exports all, port 2 only OPEN. */
    private CatalogConfig config() {
        port1 = FreePorts.free();
        port2 = FreePorts.free();
        return new CatalogConfig(List.of(
                new SubsystemSpec(OPEN, "OPEN-1", "nvmegate", "0.1.0", true, List.of()),
                new SubsystemSpec(ALLOWED, "ALLOWED-1", "nvmegate", "0.1.0", false, List.of(HOST_A)),
                new SubsystemSpec(DENIED, "DENIED-1", "nvmegate", "0.1.0", false, List.of(HOST_B))),
                List.of(),
                List.of(new PortSpec(1, "ipv4", "127.0.0.1", port1, null, null, List.of()),
                        new PortSpec(2, "ipv4", "127.0.0.1", port2, "192.0.2.20", null, List.of(OPEN))));
    }

    private NvmegateNode start(Role role, CatalogConfig cfg, NvmegateNode.DiscoveryIdentity id) throws Exception {
        discPort = FreePorts.free();
        NodeOptions o = new NodeOptions(role,
                new ClusterOptions("disc-" + UUID.randomUUID(), "127.0.0.1", FreePorts.free(), List.of(), data.resolve("catalog")),
                cfg, data, "worker-1", "gateway-1", "127.0.0.1", discPort, TransportConfig.defaults());
        return NvmegateNode.start(o, ApiOptions.disabled(), id, Duration.ofMinutes(1));
    }

    private ConnectOptions.Builder disc(String host) {
        return ConnectOptions.builder("127.0.0.1", discPort).discoverySubsystem().hostNqn(host).ioQueues(0);
    }

    @Test
    void entriesPerHostCurrentEntryAndReferrals() throws Exception {
        try (NvmegateNode node = start(Role.discovery, config(), NvmegateNode.DiscoveryIdentity.DEFAULT)) {
            CatalogService cp = new CatalogService(node.catalog().catalog());
            cp.createReferral(JsonObject.of("id", 7, "traddr", "192.0.2.9", "trsvcid", 8009));
            long gen = node.catalog().catalog().generation();
            await(() -> node.catalog().current().generation() == gen);

            DiscoveryLog a = NvmeTcpHost.discover(disc(HOST_A).build());
            assertThat(a.genctr()).isEqualTo(gen);
            DiscoveryLogEntry current = a.entries().get(0);
            assertThat(current.subtype()).isEqualTo(DiscoveryLogEntry.SUBTYPE_CURRENT_DISCOVERY);
            assertThat(current.subnqn()).isEqualTo(Opcodes.DISCOVERY_NQN);
            assertThat(current.traddr()).isEqualTo("127.0.0.1");
            assertThat(current.trsvcid()).isEqualTo(Integer.toString(discPort));
            assertThat(current.eflags()).as("DUPRETINFO | EPCSD, NCC clear").isEqualTo(3);
            assertThat(a.entries()).allSatisfy(e -> {
                assertThat(e.trtype()).isEqualTo(3);
                assertThat(e.treq()).as("secure channel not specified, SQ flow control disable supported").isEqualTo(TREQ);
                assertThat(e.cntlid()).isEqualTo(0xFFFF);
                assertThat(e.asqsz()).isEqualTo(32);
            });
            assertThat(a.subsystemEntries()).extracting(e -> e.portid() + " " + e.traddr() + ":" + e.trsvcid() + " " + e.subnqn())
                    .containsExactly("1 127.0.0.1:" + port1 + " " + ALLOWED, "1 127.0.0.1:" + port1 + " " + OPEN,
                            "2 192.0.2.20:" + port2 + " " + OPEN);
            DiscoveryLogEntry referral = a.entries().get(a.entries().size() - 1);
            assertThat(referral.subtype()).isEqualTo(DiscoveryLogEntry.SUBTYPE_REFERRAL);
            assertThat(referral.traddr() + ":" + referral.trsvcid()).isEqualTo("192.0.2.9:8009");
            assertThat(referral.subnqn()).isEqualTo(Opcodes.DISCOVERY_NQN);
            assertThat(a.entries()).hasSize(5);

            assertThat(NvmeTcpHost.discover(disc(HOST_B).build()).subsystemEntries()).extracting(DiscoveryLogEntry::subnqn)
                    .containsExactly(DENIED, OPEN, OPEN);
            assertThat(NvmeTcpHost.discover(disc(HOST_C).build()).subsystemEntries()).extracting(DiscoveryLogEntry::subnqn)
                    .as("a host with no link sees only allow_any_host subsystems").containsExactly(OPEN, OPEN);

            cp.updateSubsystem(OPEN, JsonObject.of("allowAnyHost", false));
            await(() -> NvmeTcpHost.discover(disc(HOST_C).build()).subsystemEntries().isEmpty());
            DiscoveryLog c = NvmeTcpHost.discover(disc(HOST_C).build());
            assertThat(c.entries()).extracting(DiscoveryLogEntry::subtype).as("no access: only the current entry and the referral")
                    .containsExactly(3, 1);
            assertThat(c.genctr()).isGreaterThan(gen);
        }
    }

    @Test
    void piecewiseReadsStayConsistentAcrossAChange() throws Exception {
        try (NvmegateNode node = start(Role.discovery, config(), NvmegateNode.DiscoveryIdentity.DEFAULT);
             NvmeController c = NvmeTcpHost.connect(disc(HOST_A).build())) {
            CatalogService cp = new CatalogService(node.catalog().catalog());
            // libnvme nvme_discovery_log: header at LPO 0 (RAE 1) ...
            byte[] header = c.getLogPage(Opcodes.LOG_DISCOVERY, 0, true, 0, 1024, 0);
            long g1 = u64(header, 0), n1 = u64(header, 8);
            assertThat(n1).isEqualTo(4);
            byte[] reference = c.getLogPage(Opcodes.LOG_DISCOVERY, 0, true, 1024, (int) n1 * 1024, 0);
            // ... a change lands between the header and the entries ...
            cp.createSubsystem(JsonObject.of("nqn", "nqn.2026-11.io.example:disc-new", "allowAnyHost", true));
            await(() -> node.catalog().current().generation() > g1);
            // ... the entries, at LPO 1024 in 4 KiB reads, still belong to GENCTR g1 ...
            byte[] entries = new byte[(int) n1 * 1024];
            for (int off = 0; off < entries.length; off += 4096) {
                int n = Math.min(4096, entries.length - off);
                System.arraycopy(c.getLogPage(Opcodes.LOG_DISCOVERY, 0, true, 1024 + off, n, 0), 0, entries, off, n);
            }
            assertThat(entries).as("entries served from the snapshot of the header read").isEqualTo(reference);
            // ... the header again (RAE 0): GENCTR moved, so libnvme retries
            byte[] again = c.getLogPage(Opcodes.LOG_DISCOVERY, 0, false, 0, 1024, 0);
            long g2 = u64(again, 0);
            assertThat(g2).isGreaterThan(g1);
            assertThat(u64(again, 8)).isEqualTo(n1 + 1); // the new subsystem on port 1 (port 2 exports only OPEN)
            // the retry sees one consistent log: every record belongs to g2
            DiscoveryLog retry = c.discoveryLog();
            assertThat(retry.genctr()).isEqualTo(g2);
            assertThat(retry.subsystemEntries()).extracting(DiscoveryLogEntry::subnqn).contains("nqn.2026-11.io.example:disc-new");
            try (NvmeController fresh = NvmeTcpHost.connect(disc(HOST_A).build())) {
                assertThat(fresh.discoveryLog()).isEqualTo(retry);
            }
            // beyond the end: zero-filled, never an error
            assertThat(c.getLogPage(Opcodes.LOG_DISCOVERY, 0, false, 1024L * 100, 4096, 0)).containsOnly(0);
        }
    }

    @Test
    void discoveryLogChangeNoticeIsMaskedUntilTheLogIsRead() throws Exception {
        try (NvmegateNode node = start(Role.discovery, config(), NvmegateNode.DiscoveryIdentity.DEFAULT);
             NvmeController c = NvmeTcpHost.connect(disc(HOST_A).keepAliveTimeoutMs(5000).build())) {
            CatalogService cp = new CatalogService(node.catalog().catalog());
            assertThat(c.controllerData().oaes() & 1 << 31).isNotZero();
            c.setFeatures(Opcodes.FEAT_ASYNC_EVENT_CONFIG, 1 << 31, false);
            c.discoveryLog();
            CompletableFuture<Integer> aen = c.asyncEventRequest();
            cp.createSubsystem(JsonObject.of("nqn", "nqn.2026-11.io.example:aen-1", "allowAnyHost", true));
            assertThat(aen.get(20, TimeUnit.SECONDS)).isEqualTo(0x0070F002);

            // masked: more changes, no notice until the host reads log 70h with RAE = 0
            CompletableFuture<Integer> next = c.asyncEventRequest();
            cp.createSubsystem(JsonObject.of("nqn", "nqn.2026-11.io.example:aen-2", "allowAnyHost", true));
            long g = node.catalog().catalog().generation();
            await(() -> node.catalog().current().generation() == g);
            c.getLogPage(Opcodes.LOG_DISCOVERY, 0, true, 0, 1024, 0); // RAE = 1: stays masked
            cp.createSubsystem(JsonObject.of("nqn", "nqn.2026-11.io.example:aen-3", "allowAnyHost", true));
            long g2 = node.catalog().catalog().generation();
            await(() -> node.catalog().current().generation() == g2);
            Thread.sleep(500); // a notice would have been sent by now (it is sent from the same rebuild)
            assertThat(next).as("masked until the log is read with RAE = 0").isNotDone();

            DiscoveryLog log = c.discoveryLog(); // ends with the header read with RAE = 0
            assertThat(log.subsystemEntries()).extracting(DiscoveryLogEntry::subnqn).contains("nqn.2026-11.io.example:aen-3");
            cp.updateSubsystem("nqn.2026-11.io.example:aen-3", JsonObject.of("allowAnyHost", false));
            assertThat(next.get(20, TimeUnit.SECONDS)).isEqualTo(0x0070F002);
        }
    }

    @Test
    void identifyAndUniqueDiscoveryNqn() throws Exception {
        try (NvmegateNode node = start(Role.discovery, config(), new NvmegateNode.DiscoveryIdentity(UNIQUE, "192.0.2.50", 8009))) {
            for (String nqn : List.of(Opcodes.DISCOVERY_NQN, UNIQUE)) {
                try (NvmeController c = NvmeTcpHost.connect(disc(HOST_A).subsystemNqn(nqn).build())) {
                    IdentifyController id = c.identifyController();
                    assertThat(id.cntrltype()).isEqualTo(2);
                    assertThat(id.oaes()).isEqualTo(1 << 31);
                    assertThat(id.subnqn()).as("Identify SUBNQN is the unique discovery NQN").isEqualTo(UNIQUE);
                    assertThat(id.sgls() & 1).isEqualTo(1);
                    assertThat(id.lpa() & 1 << 2).as("LPO supported").isNotZero();
                    assertThat(4096L << id.mdts()).as("MDTS: the transport's (an SGL length above it is Invalid Field)")
                            .isEqualTo(TransportConfig.defaults().mdtsBytes());
                    assertThat(id.nn()).isZero();
                    assertThat(id.kas()).isPositive();
                    assertThat(id.cntlid()).isEqualTo(c.cntlid());
                    DiscoveryLogEntry current = c.discoveryLog().entries().get(0);
                    assertThat(current.subnqn()).isEqualTo(UNIQUE);
                    assertThat(current.traddr() + ":" + current.trsvcid()).isEqualTo("192.0.2.50:8009");
                }
            }
            assertThatThrownBy(() -> NvmeTcpHost.connect(disc(HOST_A).subsystemNqn("nqn.2026-11.io.example:other").build()))
                    .isInstanceOf(NvmeStatusException.class);
        }
    }

    @Test
    void crossPortReferralsOnAGatewayPort() throws Exception {
        try (NvmegateNode node = start(Role.all, config(), NvmegateNode.DiscoveryIdentity.DEFAULT)) {
            ConnectOptions onPort1 = ConnectOptions.builder("127.0.0.1", port1).hostNqn(HOST_A).build();
            DiscoveryLog before = NvmeTcpHost.discover(onPort1);
            assertThat(before.entries()).extracting(DiscoveryLogEntry::subtype).containsExactly(3, 2, 2);
            assertThat(before.entries().get(0).portid()).isEqualTo(1);
            assertThat(before.entries().get(0).trsvcid()).isEqualTo(Integer.toString(port1));

            GlobalSpec g = node.catalog().catalog().global();
            node.catalog().catalog().putGlobal(new GlobalSpec(g.enabled(), g.baseNqn(), g.ana(), true));
            await(() -> NvmeTcpHost.discover(onPort1).entries().size() == 4);
            DiscoveryLogEntry ref = NvmeTcpHost.discover(onPort1).entries().get(3);
            assertThat(ref.subtype()).isEqualTo(DiscoveryLogEntry.SUBTYPE_REFERRAL);
            assertThat(ref.portid()).isEqualTo(2);
            assertThat(ref.traddr() + ":" + ref.trsvcid()).isEqualTo("192.0.2.20:" + port2);
            assertThat(ref.subnqn()).isEqualTo(Opcodes.DISCOVERY_NQN);
            assertThat(ref.eflags()).as("EPCSD: our port discovery controllers take persistent connections").isEqualTo(2);
            // the discovery service lists every port itself: no cross-port referrals there
            assertThat(NvmeTcpHost.discover(disc(HOST_A).build()).entries()).extracting(DiscoveryLogEntry::subtype)
                    .containsExactly(3, 2, 2, 2);
        }
    }

    @Test
    void generationIsPersistedAcrossARestart() throws Exception {
        CatalogConfig cfg = config();
        long gen;
        try (NvmegateNode node = start(Role.all, cfg, NvmegateNode.DiscoveryIdentity.DEFAULT)) {
            new CatalogService(node.catalog().catalog()).createSubsystem(JsonObject.of("nqn", "nqn.2026-11.io.example:persisted"));
            gen = node.catalog().catalog().generation();
            assertThat(gen).isGreaterThan(1);
            await(() -> node.catalog().current().generation() == gen);
            assertThat(NvmeTcpHost.discover(disc(HOST_A).build()).genctr()).isEqualTo(gen);
        }
        try (NvmegateNode node = start(Role.all, cfg, NvmegateNode.DiscoveryIdentity.DEFAULT)) {
            assertThat(NvmeTcpHost.discover(disc(HOST_A).build()).genctr()).as("GENCTR does not restart from 0").isEqualTo(gen);
        }
    }

    static long u64(byte[] b, int off) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong(off);
    }

    static void await(BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) throw new AssertionError("condition not met within 20 s");
            Thread.sleep(50);
        }
    }
}
