package io.nvmegate.discovery;

import io.nvmegate.client.DiscoveryLog;
import io.nvmegate.client.DiscoveryLogEntry;
import io.nvmegate.client.NvmeTcpHost;
import io.nvmegate.protocol.ConnectData;
import io.nvmegate.protocol.Cqe;
import io.nvmegate.protocol.Opcodes;
import io.nvmegate.protocol.Status;
import io.nvmegate.testkit.RawNvmeTcpHost;
import io.nvmegate.controller.TransportConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.ByteBuffer;

import static io.nvmegate.discovery.DiscoveryFixture.NQN_A;
import static io.nvmegate.discovery.DiscoveryFixture.NQN_B;
import static io.nvmegate.discovery.DiscoveryFixture.ascii;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The discovery service as a whole (NVMe-oF 1.1 section 3.3 Connect, 5.2 discovery controller Identify, 7.4.9.2
 * the discovery service): which NQNs a Connect may name, the Identify Controller data of a discovery controller,
 * the CNTLID range, a unique discovery NQN with an advertised address, the Java host library's view of the page,
 * and {@link DiscoveryService#stop()} ending connections. Real sockets, real Vert.x.
 */
class DiscoveryServiceTest {
    static final String UNIQUE_NQN = "nqn.2026-11.io.nvmegate:discovery-unique";
    @RegisterExtension
    static final DiscoveryFixture target = new DiscoveryFixture();

    @Test
    void discoveryControllerIdentify() throws Exception {
        try (RawNvmeTcpHost h = RawNvmeTcpHost.connect(target.port())) {
            h.handshake();
            int cntlid = h.adminQueue(Opcodes.DISCOVERY_NQN);
            assertThat(cntlid).as("discovery CNTLIDs 8000h..FFEFh").isBetween(0x8000, 0xFFEF);
            assertThat(target.service.controllers().get(cntlid)).isNotNull();
            RawNvmeTcpHost.Completion id = h.execute(h.identify(Opcodes.CNS_CONTROLLER, 0), null);
            assertThat(id.status()).isEqualTo(Status.SUCCESS);
            assertThat(id.data()[111]).as("CNTRLTYPE @111: discovery").isEqualTo((byte) 2);
            assertThat(id.le().getInt(516)).as("NN @516").isZero();
            assertThat(id.le().getShort(78) & 0xFFFF).as("CNTLID @78").isEqualTo(cntlid);
            assertThat(ascii(id.le(), 768, 256)).as("SUBNQN @768").isEqualTo(Opcodes.DISCOVERY_NQN);
        }
        assertThat(target.service.nqn()).isEqualTo(Opcodes.DISCOVERY_NQN);
    }

    @Test
    void anNvmSubsystemIsNotReachableHere() throws Exception {
        try (RawNvmeTcpHost h = RawNvmeTcpHost.connect(target.port())) {
            h.handshake();
            Cqe c = h.connect(NQN_A, 0, 31, 0, ConnectData.DYNAMIC_CNTLID);
            assertThat(c.status()).isEqualTo(Status.dnr(Status.CONNECT_INVALID_PARAMETERS));
            assertThat(c.dw0()).as("IATTR 1, IPO 256 (SUBNQN)").isEqualTo(1 << 16 | ConnectData.OFF_SUBNQN);
        }
    }

    @Test
    void theHostLibraryReadsTheSamePage() {
        DiscoveryLog log = NvmeTcpHost.discover("127.0.0.1", target.port());
        assertThat(log.genctr()).isEqualTo(target.catalog.current().generation());
        assertThat(log.entries()).hasSize(4);
        assertThat(log.subsystemEntries()).extracting(DiscoveryLogEntry::subnqn).containsExactlyInAnyOrder(NQN_A, NQN_B, NQN_B);
    }

    @Test
    void aUniqueDiscoveryNqnWithAnAdvertisedAddress() throws Exception {
        try (DiscoveryFixture unique = new DiscoveryFixture(new DiscoveryService.Options("127.0.0.1", 0,
                TransportConfig.defaults(), UNIQUE_NQN, "192.0.2.10", 8009)).start()) {
            assertThat(unique.service.nqn()).isEqualTo(UNIQUE_NQN);
            for (String nqn : new String[] {UNIQUE_NQN, Opcodes.DISCOVERY_NQN}) {
                try (RawNvmeTcpHost h = RawNvmeTcpHost.connect(unique.port())) {
                    h.handshake();
                    h.adminQueue(nqn);
                    RawNvmeTcpHost.Completion id = h.execute(h.identify(Opcodes.CNS_CONTROLLER, 0), null);
                    assertThat(ascii(id.le(), 768, 256)).as("SUBNQN when connected as %s", nqn).isEqualTo(UNIQUE_NQN);
                    RawNvmeTcpHost.Completion page = h.execute(h.getLogPage(Opcodes.LOG_DISCOVERY, 2048, 0), null);
                    ByteBuffer self = page.le().slice(1024, 1024);
                    assertThat(self.get(2)).as("SUBTYPE 3").isEqualTo((byte) 3);
                    assertThat(ascii(self, 256, 256)).as("SUBNQN").isEqualTo(UNIQUE_NQN);
                    assertThat(ascii(self, 512, 256)).as("TRADDR: advertised").isEqualTo("192.0.2.10");
                    assertThat(ascii(self, 32, 32)).as("TRSVCID: advertised").isEqualTo("8009");
                }
            }
        }
    }

    @Test
    void stopEndsTheConnections() throws Exception {
        try (DiscoveryFixture own = new DiscoveryFixture().start(); RawNvmeTcpHost h = RawNvmeTcpHost.connect(own.port())) {
            h.handshake();
            int cntlid = h.adminQueue(Opcodes.DISCOVERY_NQN);
            assertThat(own.service.controllers().get(cntlid)).isNotNull();
            DiscoveryFixture.await(own.service.stop());
            assertThat(own.service.controllers().controllers()).isEmpty();
            assertThat(h.closedWithin(5000)).as("connection closed by stop()").isTrue();
        }
    }
}
