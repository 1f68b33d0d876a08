package io.nvmegate.launcher;

import io.nvmegate.catalog.CatalogConfig;
import io.nvmegate.client.ConnectOptions;
import io.nvmegate.client.NvmeController;
import io.nvmegate.client.NvmeStatusException;
import io.nvmegate.client.NvmeTcpHost;
import io.nvmegate.cluster.ClusterOptions;
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

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Backend {@code null-gateway} (the floor of bench/cost-breakdown.sh): answered by the gateway itself, so it works
 * with no block worker in the cluster at all (role gateway only); reads zeroes (in-capsule and R2T sizes), discards
 * writes, and Compare fails unless the data is all zero.
 */
class NullGatewayBackendTest {
    static final String NQN = "nqn.2026-11.io.nvmegate:test-null-gateway";

    @Test
    void answeredByTheGatewayWithoutAWorker(@TempDir Path data) throws Exception {
        int port = FreePorts.free();
        CatalogConfig cfg = CatalogConfig.parse(new JsonObject()
                .put("subsystems", new JsonArray().add(new JsonObject().put("nqn", NQN).put("namespaces", new JsonArray()
                        .add(new JsonObject().put("nsid", 1).put("size", 64L << 20).put("blockSize", 4096).put("backend", "null-gateway")))))
                .put("ports", new JsonArray().add(new JsonObject().put("id", 1).put("traddr", "127.0.0.1").put("trsvcid", port))));
        NodeOptions o = new NodeOptions(Role.gateway, new ClusterOptions("nullgw-" + port, "127.0.0.1", FreePorts.free(), List.of()),
                cfg, data, "worker-1", "gateway-1", "127.0.0.1", FreePorts.free(), TransportConfig.defaults());
        try (NvmegateNode node = NvmegateNode.start(o, Duration.ofMinutes(1));
             NvmeController c = NvmeTcpHost.connect(ConnectOptions.builder("127.0.0.1", port).subsystemNqn(NQN).ioQueues(1).build())) {
            byte[] ones = new byte[2 * 4096];
            java.util.Arrays.fill(ones, (byte) 1);
            assertThat(c.write(1, 8, ones, 4096, false).status()).isEqualTo(Status.SUCCESS);
            assertThat(c.read(1, 8, 2, 4096)).isEqualTo(new byte[2 * 4096]);
            assertThat(c.read(1, 0, 128, 4096)).isEqualTo(new byte[128 * 4096]); // 512 KiB: several C2HData PDUs
            byte[] big = new byte[64 * 4096]; // beyond the in-capsule size: R2T + H2CData
            assertThat(c.compare(1, 0, big, 4096).status()).isEqualTo(Status.SUCCESS);
            big[big.length - 1] = 1;
            assertThatThrownBy(() -> c.compare(1, 0, big, 4096)).satisfies(t -> {
                Throwable e = t instanceof java.util.concurrent.CompletionException && t.getCause() != null ? t.getCause() : t;
                assertThat(e).isInstanceOf(NvmeStatusException.class);
                assertThat(Status.describe(((NvmeStatusException) e).status() & 0x7FFF)).isEqualTo(Status.describe(Status.COMPARE_FAILURE));
            });
            assertThat(c.flush(1).status()).isEqualTo(Status.SUCCESS);
        }
    }
}
