package io.nvmegate.embedded.readme;

// The complete JUnit example of README.md, section "Embedding nvmegate in tests", verbatim below this comment.

import io.nvmegate.client.ConnectOptions;
import io.nvmegate.client.NvmeController;
import io.nvmegate.client.NvmeTcpHost;
import io.nvmegate.embedded.NvmegateNamespace;
import io.nvmegate.embedded.NvmegateTest;
import io.nvmegate.embedded.TargetInfo;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

@NvmegateTest(subsystems = "nqn.2026-11.io.example:disk",
        namespaces = @NvmegateNamespace(nsid = 1, size = "64M", blockSize = 4096),
        backend = NvmegateTest.BackendKind.MEMORY,          // NULL, MEMORY or ROCKSDB (temporary directory)
        lifecycle = NvmegateTest.Lifecycle.PER_CLASS)       // or PER_METHOD: a fresh target per test
class MyHostSoftwareTest {

    @Test
    void writesAndReadsBack(TargetInfo target) {            // also injectable: NvmegateTarget
        ConnectOptions o = ConnectOptions.builder(target.host(), target.port()).subsystemNqn(target.nqn()).build();
        try (NvmeController c = NvmeTcpHost.connect(o)) {
            byte[] block = new byte[4096];
            Arrays.fill(block, (byte) 0x5A);
            c.write(1, 0, block, 4096, false);
            assertThat(c.read(1, 0, 1, 4096)).isEqualTo(block);
        }
    }
}
