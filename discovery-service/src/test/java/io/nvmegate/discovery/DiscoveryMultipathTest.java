package io.nvmegate.discovery;

import io.nvmegate.catalog.PortSpec;
import io.nvmegate.testkit.RawNvmeTcpHost;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.nvmegate.discovery.DiscoveryFixture.NQN_A;
import static io.nvmegate.discovery.DiscoveryFixture.NQN_B;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Multipath through discovery (issue 15): a subsystem exported on two gateways' ports, each port bound to its
 * gateway ({@code PortSpec.gateway}, as compose.yaml's gateway-1 on 4420 and gateway-2 on 4421), gets one SUBTYPE 2
 * entry per port in the discovery service's log, each with that port's PORTID (the path's identity in
 * {@code nvme discover} and sysfs), TRSVCID and TRADDR; so {@code nvme connect-all} connects every path.
 */
class DiscoveryMultipathTest {
    @Test
    void aSubsystemOnTwoGatewaysPortsIsListedOncePerPort() throws Exception {
        try (DiscoveryFixture f = new DiscoveryFixture().start()) {
            long before = f.catalog.current().generation();
            f.catalog.catalog().putPort(new PortSpec(11, "ipv4", "127.0.0.1", 14420, null, "gateway-1", List.of(NQN_A)));
            f.catalog.catalog().putPort(new PortSpec(12, "ipv4", "0.0.0.0", 14421, "192.0.2.12", "gateway-2", List.of(NQN_A)));
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (f.catalog.current().generation() < before + 2 && System.nanoTime() < deadline) Thread.sleep(20);
            DiscoveryLogPageTest.Page p;
            try (RawNvmeTcpHost h = RawNvmeTcpHost.connect(f.port())) {
                p = DiscoveryLogPageTest.read(h);
            }
            assertThat(p.genctr()).isEqualTo(f.catalog.current().generation());
            List<DiscoveryLogPageTest.Entry> a = p.entries().stream()
                    .filter(e -> e.subtype() == DiscoveryLogPage.SUBTYPE_NVM && e.subnqn().equals(NQN_A)).toList();
            assertThat(a).extracting(DiscoveryLogPageTest.Entry::portId).as("port 1 exports every subsystem; 11 and 12 are the gateways' ports")
                    .containsExactly(1, 11, 12);
            assertThat(a).filteredOn(e -> e.portId() == 11).singleElement().satisfies(e -> {
                assertThat(e.trsvcid()).isEqualTo("14420");
                assertThat(e.traddr()).isEqualTo("127.0.0.1");
            });
            assertThat(a).filteredOn(e -> e.portId() == 12).singleElement().satisfies(e -> {
                assertThat(e.trsvcid()).isEqualTo("14421");
                assertThat(e.traddr()).as("a wildcard port publishes its advertised address").isEqualTo("192.0.2.12");
            });
            assertThat(p.entries()).as("a port exporting only NQN_A lists nothing else")
                    .noneMatch(e -> e.portId() >= 11 && e.subnqn().equals(NQN_B));
        }
    }
}
