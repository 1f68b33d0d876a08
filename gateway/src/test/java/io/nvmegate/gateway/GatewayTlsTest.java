package io.nvmegate.gateway;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.nvmegate.catalog.CatalogConfig;
import io.nvmegate.catalog.CatalogView;
import io.nvmegate.catalog.HostSpec;
import io.nvmegate.catalog.NamespaceSpec;
import io.nvmegate.client.ConnectOptions;
import io.nvmegate.client.DiscoveryLog;
import io.nvmegate.client.DiscoveryLogEntry;
import io.nvmegate.client.NvmeController;
import io.nvmegate.client.NvmeException;
import io.nvmegate.client.NvmeTcpHost;
import io.nvmegate.cluster.Cluster;
import io.nvmegate.cluster.ClusterOptions;
import io.nvmegate.protocol.Pdu;
import io.nvmegate.protocol.PduCodec;
import io.nvmegate.protocol.Status;
import io.nvmegate.protocol.tls.ConfiguredPsk;
import io.nvmegate.protocol.tls.PskHash;
import io.nvmegate.protocol.tls.TlsPsk;
import io.nvmegate.protocol.tls.TlsPskDerivation;
import io.nvmegate.testkit.FreePorts;
import io.nvmegate.worker.BlockWorker;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The NVMe/TCP secure channel (TLS 1.3 with an external PSK, NVMe/TCP 1.1 section 3.6) on a real gateway: port 1
 * requires TLS, port 2 offers it (not required). Hosts are the Java host library (BC TLS client) and, as an
 * independent TLS peer, {@code openssl s_client}. Covers I/O over TLS (identity versions 0 and 1, SHA-256 and
 * SHA-384 PSKs), a wrong PSK (refused, the gateway goes on serving), plaintext refused where TLS is required,
 * plaintext still served where it is not, discovery TREQ/TSAS, and the handshake latency.
 */
class GatewayTlsTest {
    static final String NQN = "nqn.2026-12.io.nvmegate:tls-test";
    static final String HOST1 = "nqn.2014-08.org.nvmexpress:uuid:00000000-0000-0000-0000-0000000000c1";
    static final String HOST2 = "nqn.2014-08.org.nvmexpress:uuid:00000000-0000-0000-0000-0000000000c2";
    static final String HOST3 = "nqn.2014-08.org.nvmexpress:uuid:00000000-0000-0000-0000-0000000000c3";
    static final String PSK1 = ConfiguredPsk.generate(PskHash.SHA256).encode();
    static final String PSK2 = ConfiguredPsk.generate(PskHash.SHA384).encode();
    /** Configured PSK used as the retained PSK (hh 00), 32 bytes. */
    static final String PSK3 = ConfiguredPsk.generate(PskHash.NONE).encode();

    @TempDir
    static Path data;
    static Vertx vertx;
    static HazelcastInstance hz;
    static Gateway gateway;
    static int requiredPort, optionalPort;

    static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }

    @BeforeAll
    static void start() throws Exception {
        requiredPort = FreePorts.free();
        optionalPort = FreePorts.free();
        vertx = Vertx.vertx();
        hz = Hazelcast.newHazelcastInstance(Cluster.hazelcastConfig(
                new ClusterOptions("gateway-tls-test-" + UUID.randomUUID(), "127.0.0.1", FreePorts.free(), List.of())));
        CatalogView catalog = new CatalogView(vertx, hz);
        catalog.catalog().load(CatalogConfig.parse(new JsonObject()
                .put("subsystems", new JsonArray().add(new JsonObject().put("nqn", NQN).put("allowAnyHost", false)
                        .put("hosts", new JsonArray().add(HOST1).add(HOST2).add(HOST3))
                        .put("namespaces", new JsonArray().add(new JsonObject().put("nsid", 1).put("size", "4M").put("blockSize", 4096)))))
                .put("ports", new JsonArray()
                        .add(new JsonObject().put("id", 1).put("traddr", "127.0.0.1").put("trsvcid", requiredPort).put("treq", "required"))
                        .add(new JsonObject().put("id", 2).put("traddr", "127.0.0.1").put("trsvcid", optionalPort).put("treq", "not-required")))));
        catalog.catalog().putHost(new HostSpec(HOST1, null, null, "sha256", "null", PSK1));
        catalog.catalog().putHost(new HostSpec(HOST2, null, null, "sha256", "null", PSK2));
        catalog.catalog().putHost(new HostSpec(HOST3, null, null, "sha256", "null", PSK3));
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

    static ConnectOptions.Builder options(int port, String host, String psk) {
        return ConnectOptions.builder("127.0.0.1", port).subsystemNqn(NQN).hostNqn(host).tlsPsk(psk).connectTimeoutMs(5000);
    }

    static byte[] pattern(int n, long seed) {
        byte[] b = new byte[n];
        new SplittableRandom(seed).nextBytes(b);
        return b;
    }

    @Test
    void ioOverTlsWithEachKeyKindAndIdentityVersion() {
        Object[][] cases = {{HOST1, PSK1, 1}, {HOST1, PSK1, 0}, {HOST2, PSK2, 1}, {HOST2, PSK2, 0}, {HOST3, PSK3, 1}};
        int lba = 0;
        for (Object[] c : cases) {
            ConnectOptions o = options(requiredPort, (String) c[0], (String) c[1]).tlsIdentityVersion((Integer) c[2]).ioQueues(2).build();
            try (NvmeController ctrl = NvmeTcpHost.connect(o)) {
                byte[] d = pattern(256 * 1024, lba); // larger than a TLS record (16 KiB): R2T/H2CData and C2HData over many records
                assertThat(ctrl.write(1, lba, d, 4096, false).status()).isEqualTo(Status.SUCCESS);
                assertThat(ctrl.read(1, lba, 64, 4096)).as("read back over TLS, %s", o).isEqualTo(d);
                byte[] small = pattern(4096, lba + 1); // in-capsule
                assertThat(ctrl.write(1, lba + 100, small, 4096, true).status()).isEqualTo(Status.SUCCESS);
                assertThat(ctrl.read(1, lba + 100, 1, 4096)).isEqualTo(small);
            }
            lba += 128;
        }
    }

    @Test
    void wrongPskFailsCleanlyAndOthersAreStillServed() {
        ConnectOptions wrong = options(requiredPort, HOST1, PSK2).build(); // HOST1 offering HOST2's key
        assertThatThrownBy(() -> NvmeTcpHost.connect(wrong)).isInstanceOf(NvmeException.class)
                .hasMessageContaining("TLS handshake").message().doesNotContain(PSK2.substring(16, 40));
        ConnectOptions unknown = options(requiredPort, "nqn.2014-08.org.nvmexpress:uuid:00000000-0000-0000-0000-0000000000ff", PSK1).build();
        assertThatThrownBy(() -> NvmeTcpHost.connect(unknown)).isInstanceOf(NvmeException.class).hasMessageContaining("TLS handshake");
        for (int i = 0; i < 20; i++) {
            assertThatThrownBy(() -> NvmeTcpHost.connect(wrong)).isInstanceOf(NvmeException.class);
        }
        try (NvmeController ok = NvmeTcpHost.connect(options(requiredPort, HOST1, PSK1).build())) {
            assertThat(ok.activeNamespaces(0)).containsExactly(1);
        }
    }

    @Test
    void plaintextIsRefusedWhereTlsIsRequiredAndServedWhereNot() {
        ConnectOptions plain = ConnectOptions.builder("127.0.0.1", requiredPort).subsystemNqn(NQN).hostNqn(HOST1).connectTimeoutMs(5000).build();
        assertThatThrownBy(() -> NvmeTcpHost.connect(plain)).isInstanceOf(NvmeException.class)
                .hasMessageContaining("closed the connection before ICResp");
        try (NvmeController c = NvmeTcpHost.connect(plain.toBuilder().port(optionalPort).build())) {
            assertThat(c.activeNamespaces(0)).containsExactly(1);
        }
        try (NvmeController c = NvmeTcpHost.connect(options(optionalPort, HOST2, PSK2).build())) {
            assertThat(c.activeNamespaces(0)).containsExactly(1);
        }
    }

    @Test
    void discoveryLogReportsTreqAndTls13OverTls() {
        DiscoveryLog log = NvmeTcpHost.discover(ConnectOptions.builder("127.0.0.1", requiredPort).hostNqn(HOST1).tlsPsk(PSK1).build());
        DiscoveryLogEntry self = log.entries().get(0);
        assertThat(self.subtype()).isEqualTo(DiscoveryLogEntry.SUBTYPE_CURRENT_DISCOVERY);
        assertThat(self.treq() & 3).as("TREQ secure channel: required").isEqualTo(1);
        assertThat(self.tsas()[0]).as("TSAS SECTYPE TLS 1.3").isEqualTo((byte) 2);
        DiscoveryLogEntry nvm = log.subsystemEntries().get(0);
        assertThat(nvm.subnqn()).isEqualTo(NQN);
        assertThat(nvm.treq()).as("required, SQ flow control disable supported").isEqualTo(1 | 4);
        assertThat(nvm.tsas()[0]).isEqualTo((byte) 2);
        DiscoveryLog other = NvmeTcpHost.discover(ConnectOptions.builder("127.0.0.1", optionalPort).hostNqn(HOST1).build());
        assertThat(other.subsystemEntries().get(0).treq()).as("not required").isEqualTo(2 | 4);
        assertThat(other.subsystemEntries().get(0).tsas()[0]).isEqualTo((byte) 2);
    }

    /** Connect time (TCP + TLS + ICReq + Connect + enable, admin queue only) with and without TLS, median of 20. */
    @Test
    void handshakeLatency() {
        ConnectOptions tls = options(optionalPort, HOST1, PSK1).ioQueues(0).build();
        ConnectOptions plain = tls.toBuilder().tlsPsk(null).build();
        for (int i = 0; i < 10; i++) { // warm-up (JIT, BC classes)
            NvmeTcpHost.connect(tls).close();
            NvmeTcpHost.connect(plain).close();
        }
        double tlsMs = medianConnectMs(tls), plainMs = medianConnectMs(plain);
        System.out.printf("connect latency, admin queue, median of 20: plaintext %.2f ms, TLS 1.3 PSK (x25519) %.2f ms%n", plainMs, tlsMs);
        assertThat(tlsMs).isLessThan(1000);
    }

    static double medianConnectMs(ConnectOptions o) {
        double[] t = new double[20];
        for (int i = 0; i < t.length; i++) {
            long s = System.nanoTime();
            NvmeTcpHost.connect(o).close();
            t[i] = (System.nanoTime() - s) / 1e6;
        }
        java.util.Arrays.sort(t);
        return t[t.length / 2];
    }

    /**
     * {@code openssl s_client} as an independent TLS 1.3 peer: with the TLS PSK and identity of HOST1 (derivation
     * checked against Python reference values in protocol's TlsPskTest), it sends an ICReq through the TLS session and
     * must get the gateway's 128-byte ICResp back, with identity versions 0 and 1. SHA-256 PSKs only: s_client's
     * {@code -psk} always builds a TLS_AES_128_GCM_SHA256 session (apps/s_client.c {@code psk_use_session_cb}); the
     * SHA-384 PSK is covered by the Java host above. Skipped only when openssl is missing, failed then under CI=true.
     */
    @Test
    void opensslClientGetsAnIcRespOverTls() throws Exception {
        requireOpenssl();
        for (int version = 0; version <= 1; version++) {
            TlsPsk psk = TlsPskDerivation.derive(ConfiguredPsk.parse(PSK1), HOST1, NQN, version);
            Process p = new ProcessBuilder("openssl", "s_client", "-connect", "127.0.0.1:" + requiredPort, "-tls1_3", "-quiet", "-ign_eof",
                    "-psk", HexFormat.of().formatHex(psk.key()), "-psk_identity", psk.identity().toString(), "-ciphersuites", "TLS_AES_128_GCM_SHA256")
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            try {
                OutputStream in = p.getOutputStream();
                in.write(PduCodec.encodeParts(new Pdu.ICReq(0, 0, false, false, 0), false, false).join().array());
                in.flush();
                byte[] resp = readN(p.getInputStream(), 128, 10_000);
                assertThat(resp[0]).as("PDU type ICResp").isEqualTo((byte) 0x01);
                assertThat(resp[2] & 0xFF).as("HLEN").isEqualTo(128);
                assertThat(java.nio.ByteBuffer.wrap(resp, 4, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt()).as("PLEN").isEqualTo(128);
            } finally {
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    /**
     * A TLS session keyed for HOST1 must not carry a Connect as HOST2 (HOST2 is allowed on the subsystem, so only the
     * PSK identity check refuses it): Connect Invalid Host. openssl s_client carries the raw PDUs.
     */
    @Test
    void connectWithAnotherHostThanThePskIdentityIsRefused() throws Exception {
        requireOpenssl();
        TlsPsk psk = TlsPskDerivation.derive(ConfiguredPsk.parse(PSK1), HOST1, NQN, 1);
        Process p = new ProcessBuilder("openssl", "s_client", "-connect", "127.0.0.1:" + requiredPort, "-tls1_3", "-quiet", "-ign_eof",
                "-psk", HexFormat.of().formatHex(psk.key()), "-psk_identity", psk.identity().toString(), "-ciphersuites", "TLS_AES_128_GCM_SHA256")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            OutputStream in = p.getOutputStream();
            in.write(PduCodec.encodeParts(new Pdu.ICReq(0, 0, false, false, 0), false, false).join().array());
            in.flush();
            assertThat(readN(p.getInputStream(), 128, 10_000)[0]).as("ICResp").isEqualTo((byte) 0x01);
            io.nvmegate.protocol.Sqe sqe = io.nvmegate.protocol.Sqe.allocate().opcode(io.nvmegate.protocol.Opcodes.FABRICS).cid(1)
                    .fctype(io.nvmegate.protocol.Opcodes.FCTYPE_CONNECT).u16(42, 0).u16(44, 31).u8(46, 0).u32(48, 0)
                    .sglId(io.nvmegate.protocol.Sqe.SGL_DATA_BLOCK_OFFSET).sglLength(io.nvmegate.protocol.ConnectData.SIZE);
            java.nio.ByteBuffer data = new io.nvmegate.protocol.ConnectData(UUID.randomUUID(), io.nvmegate.protocol.ConnectData.DYNAMIC_CNTLID, NQN, HOST2).encode();
            in.write(PduCodec.encodeParts(new Pdu.CapsuleCmd(sqe, data), false, false).join().array());
            in.flush();
            byte[] resp = readN(p.getInputStream(), 24, 10_000);
            Pdu r = PduCodec.decode(java.nio.ByteBuffer.wrap(resp), false, false);
            assertThat(r).isInstanceOf(Pdu.CapsuleResp.class);
            assertThat(Status.describe(((Pdu.CapsuleResp) r).cqe().status() & ~Status.DNR)).isEqualTo(Status.describe(Status.CONNECT_INVALID_HOST));
        } finally {
            p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }

    static void requireOpenssl() {
        boolean haveOpenssl;
        try {
            haveOpenssl = new ProcessBuilder("openssl", "version").start().waitFor() == 0;
        } catch (java.io.IOException | InterruptedException e) {
            haveOpenssl = false;
        }
        if (!haveOpenssl) {
            assertThat(System.getenv("CI")).as("openssl is required under CI").isNotEqualTo("true");
            Assumptions.abort("openssl not installed");
        }
    }

    static byte[] readN(InputStream in, int n, long timeoutMs) throws Exception {
        byte[] b = new byte[n];
        int got = 0;
        long end = System.currentTimeMillis() + timeoutMs;
        while (got < n && System.currentTimeMillis() < end) {
            if (in.available() == 0) {
                Thread.sleep(10);
                continue;
            }
            int r = in.read(b, got, n - got);
            if (r < 0) break;
            got += r;
        }
        assertThat(got).as("bytes from openssl s_client").isEqualTo(n);
        return b;
    }
}
