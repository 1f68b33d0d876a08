package io.nvmegate.embedded;

import io.nvmegate.client.ConnectOptions;
import io.nvmegate.client.DiscoveryLog;
import io.nvmegate.client.NvmeController;
import io.nvmegate.client.NvmeTcpHost;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link NvmegateTest} with one target for the class: injected into @BeforeAll and tests, state kept between tests. */
@NvmegateTest(subsystems = {"nqn.2026-11.io.nvmegate:ext-a", "nqn.2026-11.io.nvmegate:ext-b"},
        namespaces = {@NvmegateNamespace(nsid = 1, size = "32M"), @NvmegateNamespace(nsid = 2, size = "8M", blockSize = 512)},
        backend = NvmegateTest.BackendKind.MEMORY, discovery = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ExtensionPerClassTest {
    static TargetInfo fromBeforeAll;

    @BeforeAll
    static void before(TargetInfo target) {
        fromBeforeAll = target;
    }

    static NvmeController connect(TargetInfo t, String nqn) {
        return NvmeTcpHost.connect(ConnectOptions.builder(t.host(), t.port()).subsystemNqn(nqn).build());
    }

    @Test
    @Order(1)
    void writesThroughTheInjectedTarget(TargetInfo target, NvmegateTarget running) {
        assertThat(target).isEqualTo(fromBeforeAll);
        assertThat(running.isRunning()).isTrue();
        assertThat(target.host()).isEqualTo("127.0.0.1");
        assertThat(target.nqns()).containsExactly("nqn.2026-11.io.nvmegate:ext-a", "nqn.2026-11.io.nvmegate:ext-b");
        assertThat(target.namespaces()).hasSize(4).allSatisfy(n -> assertThat(n.backend()).isEqualTo(Backend.MEMORY));
        try (NvmeController c = connect(target, target.nqn())) {
            assertThat(c.activeNamespaces(0)).containsExactly(1, 2);
            assertThat(c.identifyNamespace(2).blockSize()).isEqualTo(512);
            byte[] data = new byte[4096];
            Arrays.fill(data, (byte) 0x3C);
            c.write(1, 7, data, 4096, false);
        }
    }

    @Test
    @Order(2)
    void theSameTargetServesTheNextTest(TargetInfo target) {
        assertThat(target.port()).isEqualTo(fromBeforeAll.port());
        try (NvmeController c = connect(target, target.nqn())) {
            assertThat(c.read(1, 7, 1, 4096)[100]).isEqualTo((byte) 0x3C);
        }
        try (NvmeController c = connect(target, "nqn.2026-11.io.nvmegate:ext-b")) {
            assertThat(c.read(1, 7, 1, 4096)).as("subsystems have separate namespaces").isEqualTo(new byte[4096]);
        }
    }

    @Test
    @Order(3)
    void discoveryListsBothSubsystems(TargetInfo target) {
        assertThat(target.discoveryPort()).isPositive();
        DiscoveryLog log = NvmeTcpHost.discover(target.host(), target.discoveryPort());
        assertThat(log.subsystemEntries()).extracting(e -> e.subnqn()).containsExactlyInAnyOrderElementsOf(target.nqns());
        assertThat(log.subsystemEntries()).allSatisfy(e -> assertThat(e.trsvcid()).isEqualTo(Integer.toString(target.port())));
    }
}
