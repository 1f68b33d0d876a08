package io.nvmegate.launcher.reservation;

import io.nvmegate.catalog.CatalogConfig;
import io.nvmegate.client.ConnectOptions;
import io.nvmegate.client.NvmeController;
import io.nvmegate.client.NvmeStatusException;
import io.nvmegate.client.NvmeTcpHost;
import io.nvmegate.cluster.ClusterOptions;
import io.nvmegate.launcher.NodeOptions;
import io.nvmegate.launcher.NvmegateNode;
import io.nvmegate.launcher.Role;
import io.nvmegate.protocol.Status;
import io.nvmegate.controller.TransportConfig;
import io.nvmegate.testkit.FreePorts;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Helpers of the reservation integration tests: real nodes on 127.0.0.1, hosts with distinct NQNs and host IDs. */
final class ReservationCluster {
    static final String NQN = "nqn.2026-11.io.nvmegate:reservations";
    static final int BLOCK = 4096;

    /** A host identity: NQN and 128-bit host ID. */
    record Host(String nqn, UUID id) {
        static Host of(int n) {
            UUID id = UUID.fromString(String.format("0000%04x-1111-2222-3333-444455556666", n));
            return new Host(ConnectOptions.UUID_NQN_PREFIX + id, id);
        }

        NvmeController connect(int port) {
            return NvmeTcpHost.connect(ConnectOptions.builder("127.0.0.1", port).subsystemNqn(NQN).hostNqn(nqn).hostId(id).ioQueues(1).build());
        }
    }

    private ReservationCluster() {}

    /**
     * The catalog: subsystem {@link #NQN} with NSIDs 1..{@code rocksdb} on RocksDB and one more on memory, 1 MiB
     * of 4096-byte blocks each; one port per entry of {@code ports} {port, gateway ID}.
     */
    static CatalogConfig config(int rocksdb, List<Object[]> ports) {
        JsonArray ns = new JsonArray();
        for (int i = 1; i <= rocksdb; i++) ns.add(new JsonObject().put("nsid", i).put("size", "1M").put("blockSize", BLOCK));
        ns.add(new JsonObject().put("nsid", rocksdb + 1).put("size", "1M").put("blockSize", BLOCK).put("backend", "memory"));
        JsonArray p = new JsonArray();
        int id = 1;
        for (Object[] port : ports) {
            p.add(new JsonObject().put("id", id++).put("traddr", "127.0.0.1").put("trsvcid", port[0]).put("gateway", port[1]));
        }
        return CatalogConfig.parse(new JsonObject()
                .put("subsystems", new JsonArray().add(new JsonObject().put("nqn", NQN).put("namespaces", ns)))
                .put("ports", p));
    }

    static NvmegateNode start(Role role, String cluster, int hzPort, List<String> members, CatalogConfig cfg, Path data,
                              String gatewayId) throws Exception {
        return NvmegateNode.start(new NodeOptions(role, new ClusterOptions(cluster, "127.0.0.1", hzPort, members), cfg, data,
                "worker-1", gatewayId, "127.0.0.1", FreePorts.free(), TransportConfig.defaults()), Duration.ofMinutes(1));
    }

    /** Asserts {@code call} fails with exactly status field {@code status} (SCT, SC, DNR). */
    static void assertStatus(Runnable call, int status) {
        assertThatThrownBy(call::run).satisfies(t -> {
            Throwable c = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
            assertThat(c).isInstanceOf(NvmeStatusException.class);
            assertThat(Status.describe(((NvmeStatusException) c).status() & 0x7FFF)).isEqualTo(Status.describe(status));
        });
    }

    static final int CONFLICT = Status.dnr(Status.RESERVATION_CONFLICT);

    static void delete(Path dir) throws IOException {
        if (dir == null || !Files.exists(dir)) return;
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
