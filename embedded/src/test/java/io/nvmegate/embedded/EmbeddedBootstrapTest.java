package io.nvmegate.embedded;

import io.nvmegate.catalog.NamespaceSpec;
import io.nvmegate.client.ConnectOptions;
import io.nvmegate.client.NvmeController;
import io.nvmegate.client.NvmeTcpHost;
import io.nvmegate.cluster.CntlidRanges;
import io.nvmegate.launcher.NvmegateNode;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The embedded target runs the launcher's bootstrap ({@link NvmegateNode}), with what it used to lack (issue 13):
 * the block worker follows catalog changes (a namespace added to the catalog is served at once), and the gateway
 * holds a cluster-wide CNTLID range ({@link CntlidRanges}).
 */
class EmbeddedBootstrapTest {
    static final String NQN = "nqn.2026-11.io.nvmegate:embedded-bootstrap";

    @Test
    void workerFollowsTheCatalogAndTheGatewayHoldsAClusterWideCntlidRange() throws Exception {
        try (NvmegateTarget target = NvmegateTarget.builder().namespace(NQN, 1, 16L << 20, 4096, Backend.MEMORY).build()
                .startAndAwait()) {
            NvmegateNode node = target.node();
            Map<Integer, String> ranges = node.cluster().hazelcast().getMap(CntlidRanges.MAP);
            assertThat(ranges).containsValue("gateway-1");

            node.catalog().catalog().putNamespace(new NamespaceSpec(NQN, 2, NamespaceSpec.defaultUuid(NQN, 2), 8L << 20, 4096,
                    "memory", NamespaceSpec.DEFAULT_WORKER, true));
            byte[] data = new byte[4096];
            Arrays.fill(data, (byte) 0x2B);
            try (NvmeController c = NvmeTcpHost.connect(ConnectOptions.builder(target.host(), target.port()).subsystemNqn(NQN).build())) {
                int[] range = CntlidRanges.range(ranges.entrySet().stream().filter(e -> e.getValue().equals("gateway-1"))
                        .findFirst().orElseThrow().getKey());
                assertThat(c.cntlid()).isBetween(range[0], range[1]);
                long end = System.nanoTime() + 10_000_000_000L;
                while (true) { // the catalog change reaches the gateway and the worker within milliseconds
                    try {
                        c.write(2, 7, data, 4096, false);
                        break;
                    } catch (RuntimeException notYet) {
                        if (System.nanoTime() > end) throw notYet;
                        Thread.sleep(100);
                    }
                }
                assertThat(c.read(2, 7, 1, 4096)).isEqualTo(data);
            }
        }
    }
}
