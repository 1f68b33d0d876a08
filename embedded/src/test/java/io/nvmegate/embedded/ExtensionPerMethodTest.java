package io.nvmegate.embedded;

import io.nvmegate.client.ConnectOptions;
import io.nvmegate.client.NvmeController;
import io.nvmegate.client.NvmeTcpHost;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link NvmegateTest} with a fresh target per test method (RocksDB in a temporary directory deleted afterwards),
 * and a method-level annotation overriding the class's.
 */
@NvmegateTest(backend = NvmegateTest.BackendKind.ROCKSDB, lifecycle = NvmegateTest.Lifecycle.PER_METHOD)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ExtensionPerMethodTest {
    static final List<NvmegateTarget> seen = new ArrayList<>();
    TargetInfo fromBeforeEach;

    @BeforeEach
    void before(TargetInfo target) {
        fromBeforeEach = target;
    }

    static NvmeController connect(TargetInfo t) {
        return NvmeTcpHost.connect(ConnectOptions.builder(t.host(), t.port()).subsystemNqn(t.nqn()).build());
    }

    @Test
    @Order(1)
    void firstTargetKeepsWhatIsWritten(TargetInfo target, NvmegateTarget running) {
        seen.add(running);
        assertThat(target).isEqualTo(fromBeforeEach);
        assertThat(target.namespaces().get(0).backend().directory()).isDirectory();
        byte[] data = new byte[4096];
        Arrays.fill(data, (byte) 0x77);
        try (NvmeController c = connect(target)) {
            c.write(1, 0, data, 4096, true);
            assertThat(c.read(1, 0, 1, 4096)).isEqualTo(data);
        }
    }

    @Test
    @Order(2)
    void secondTestGetsAFreshTarget(TargetInfo target, NvmegateTarget running) {
        seen.add(running);
        assertThat(seen.get(0)).isNotSameAs(running);
        assertThat(seen.get(0).isRunning()).as("the previous method's target was closed").isFalse();
        assertThat(seen.get(0).namespaces().get(0).backend().directory()).as("its temporary directory deleted").doesNotExist();
        try (NvmeController c = connect(target)) {
            assertThat(c.read(1, 0, 1, 4096)).isEqualTo(new byte[4096]);
        }
    }

    @Test
    @Order(3)
    @NvmegateTest(subsystems = "nqn.2026-11.io.nvmegate:method-level", backend = NvmegateTest.BackendKind.NULL,
            maxIoSize = 64 * 1024)
    void methodAnnotationOverridesTheClass(TargetInfo target, NvmegateTarget running) {
        seen.add(running);
        assertThat(target.nqn()).isEqualTo("nqn.2026-11.io.nvmegate:method-level");
        assertThat(target.namespaces().get(0).backend()).isEqualTo(Backend.NULL);
        try (NvmeController c = connect(target)) {
            assertThat(4096L << c.identifyController().mdts()).isEqualTo(64 * 1024);
            byte[] ones = new byte[4096];
            Arrays.fill(ones, (byte) 1);
            c.write(1, 0, ones, 4096, false);
            assertThat(c.read(1, 0, 1, 4096)).as("null backend").isEqualTo(new byte[4096]);
        }
    }

    @AfterAll
    static void allClosed() {
        assertThat(seen).hasSize(3).noneMatch(NvmegateTarget::isRunning);
    }
}
