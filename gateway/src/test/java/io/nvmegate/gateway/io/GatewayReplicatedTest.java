package io.nvmegate.gateway.io;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nvmegate.blockio.BlockOp;
import io.nvmegate.blockio.BlockRequest;
import io.nvmegate.blockio.RequestId;
import io.nvmegate.catalog.CatalogConfig;
import io.nvmegate.catalog.CatalogView;
import io.nvmegate.catalog.NamespaceSpec;
import io.nvmegate.catalog.ReplicationStatus;
import io.nvmegate.client.CommandBuilders;
import io.nvmegate.client.ConnectOptions;
import io.nvmegate.client.FusedResult;
import io.nvmegate.client.NvmeController;
import io.nvmegate.client.NvmeTcpHost;
import io.nvmegate.cluster.Cluster;
import io.nvmegate.cluster.ClusterOptions;
import io.nvmegate.gateway.Gateway;
import io.nvmegate.metrics.NodeMetrics;
import io.nvmegate.protocol.Sqe;
import io.nvmegate.protocol.Status;
import io.nvmegate.testkit.FreePorts;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole gateway in front of a replicated namespace (replication factor 3) on a real clustered Vert.x (the
 * launcher's shape: the leader cache follows the Hazelcast member under the cluster manager), with stand-in
 * replicas ({@link StandInReplica}) and the Java host library: the I/O and reservation commands, fused Compare and
 * Write included, reach the published leader each with its own {@link RequestId} of the gateway's session, and a
 * leader going away mid-run is invisible to the host.
 */
class GatewayReplicatedTest {
    static final String NQN = "nqn.2026-12.io.nvmegate:gateway-replicated";

    static Cluster.Node node;
    static Gateway gateway;
    static CatalogView catalog;
    static NamespaceSpec ns;
    static StandInReplica w1, w2, w3;
    static int port;

    static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }

    @BeforeAll
    static void start() throws Exception {
        port = FreePorts.free();
        node = await(Cluster.start(new ClusterOptions("gateway-replicated-" + UUID.randomUUID(), "127.0.0.1", FreePorts.free(), List.of())));
        new NodeMetrics(new SimpleMeterRegistry()).attach(node.vertx());
        catalog = new CatalogView(node.vertx(), node.hazelcast());
        catalog.catalog().load(CatalogConfig.parse(new JsonObject()
                .put("subsystems", new JsonArray().add(new JsonObject().put("nqn", NQN).put("namespaces", new JsonArray()
                        .add(new JsonObject().put("nsid", 1).put("size", "1M").put("blockSize", 4096)
                                .put("replicationFactor", 3).put("replicas", new JsonArray().add("w1").add("w2").add("w3"))))))
                .put("ports", new JsonArray().add(new JsonObject().put("id", 1).put("traddr", "127.0.0.1").put("trsvcid", port)))));
        await(catalog.start());
        ns = catalog.current().namespace(NQN, 1);
        assertThat(ns.replicated()).isTrue();
        w1 = new StandInReplica(node.vertx(), ns, "w1").follower("w2");
        w2 = new StandInReplica(node.vertx(), ns, "w2").leader();
        w3 = new StandInReplica(node.vertx(), ns, "w3").follower("w2");
        await(w1.up());
        await(w2.up());
        await(w3.up());
        node.hazelcast().<String, String>getMap(ReplicationStatus.MAP).set(ns.uuid().toString(),
                new ReplicationStatus(ns.uuid(), "w2", 1, 0, List.of(), System.currentTimeMillis()).toJson().encode());
        gateway = new Gateway(node.vertx(), catalog, Gateway.Options.defaults()); // the launcher's constructor
        await(gateway.start());
    }

    @AfterAll
    static void stop() throws Exception {
        if (gateway != null) await(gateway.stop());
        if (node != null) await(node.vertx().close());
    }

    static byte[] pattern(int n, long seed) {
        byte[] b = new byte[n];
        new SplittableRandom(seed).nextBytes(b);
        return b;
    }

    @Test
    void everyCommandReachesThePublishedLeaderWithItsOwnRequestIdAndAFailoverIsInvisible() throws Exception {
        ConnectOptions o = ConnectOptions.builder("127.0.0.1", port).subsystemNqn(NQN).ioQueues(1).build();
        try (NvmeController c = NvmeTcpHost.connect(o)) {
            byte[] d = pattern(8192, 1);
            assertThat(c.write(1, 10, d, 4096, false).status()).isEqualTo(Status.SUCCESS);
            assertThat(c.read(1, 10, 2, 4096)).isEqualTo(d);
            byte[] n = pattern(8192, 2);
            FusedResult ok = c.compareAndWrite(1, 10, d, n, 4096, false);
            assertThat(ok.written()).isTrue();
            FusedResult mismatch = c.compareAndWrite(1, 10, d, d, 4096, false);
            assertThat(mismatch.compare().status()).isEqualTo(Status.COMPARE_FAILURE);
            assertThat(mismatch.write().status()).isEqualTo(Status.ABORTED_FAILED_FUSED);
            assertThat(c.reservationRegister(1, 0, false, 0, 0, 0xABCDL).status()).isEqualTo(Status.SUCCESS);
            assertThat(c.flush(1).status()).isEqualTo(Status.SUCCESS);

            assertThat(w1.received).as("the published leader is routed to directly").isEmpty();
            assertThat(w3.received).isEmpty();
            List<BlockOp> ops = w2.received.stream().map(BlockRequest::op).toList();
            assertThat(ops).contains(BlockOp.WRITE, BlockOp.READ, BlockOp.COMPARE_AND_WRITE, BlockOp.RESERVATION_REGISTER, BlockOp.FLUSH);
            Set<RequestId> ids = new HashSet<>();
            UUID session = null;
            for (BlockRequest r : w2.received) {
                assertThat(r.requestId()).as(r.op() + " carries a request ID").isNotNull();
                if (session == null) session = r.requestId().client();
                assertThat(r.requestId().client()).as("one gateway session").isEqualTo(session);
                assertThat(ids.add(r.requestId())).as("one ID per request").isTrue();
            }
            BlockRequest caw = w2.received.stream().filter(r -> r.op() == BlockOp.COMPARE_AND_WRITE).findFirst().orElseThrow();
            assertThat(caw.data().length()).as("IoCommands passes the fused pair through unchanged").isEqualTo(2 * 8192);
            assertThat(caw.host()).isNotNull();

            // w2 dies (its consumer is gone) and w3 wins the election; w1 learns of it first
            int before = w2.received.size();
            await(w2.down());
            w3.leader();
            w1.follower("w3");
            byte[] e = pattern(4096, 3);
            assertThat(c.write(1, 20, e, 4096, true).status()).as("no error for the host").isEqualTo(Status.SUCCESS);
            assertThat(w2.received).hasSize(before);
            BlockRequest moved = w3.received.get(w3.received.size() - 1);
            assertThat(moved.op()).isEqualTo(BlockOp.WRITE);
            assertThat(moved.requestId().client()).isEqualTo(session);
            assertThat(new ArrayList<>(ids)).doesNotContain(moved.requestId());
        }
    }

    /** Write Zeroes' FUA bit (CDW12 bit 30) reaches the block worker: it syncs after zeroing (durable on completion). */
    @Test
    void writeZeroesCarriesItsFuaBitToTheWorker() throws Exception {
        ConnectOptions o = ConnectOptions.builder("127.0.0.1", port).subsystemNqn(NQN).ioQueues(1).build();
        try (NvmeController c = NvmeTcpHost.connect(o)) {
            for (boolean fua : new boolean[] {false, true}) {
                Sqe sqe = CommandBuilders.writeZeroes(1, 40, 2, false);
                if (fua) sqe.cdw(12, sqe.cdw(12) | 1 << 30);
                assertThat(c.submitIo(sqe, null, 0).get(60, TimeUnit.SECONDS).cqe().status()).isEqualTo(Status.SUCCESS);
                List<BlockRequest> all = new ArrayList<>();
                for (StandInReplica w : List.of(w1, w2, w3)) all.addAll(w.received);
                BlockRequest last = all.stream().filter(r -> r.op() == BlockOp.WRITE_ZEROES && r.slba() == 40)
                        .reduce((a, b) -> b).orElseThrow();
                assertThat(last.fua()).as("Write Zeroes with FUA %s", fua).isEqualTo(fua);
                for (StandInReplica w : List.of(w1, w2, w3)) w.received.removeIf(r -> r.op() == BlockOp.WRITE_ZEROES);
            }
        }
    }
}
