package io.nvmegate.worker;

import io.nvmegate.blockio.BlockCodecs;
import io.nvmegate.blockio.BlockReply;
import io.nvmegate.blockio.BlockRequest;
import io.nvmegate.catalog.NamespaceSpec;
import io.nvmegate.cluster.Cluster;
import io.nvmegate.cluster.ClusterOptions;
import io.nvmegate.cluster.ClusterTls;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The clustered event bus with TLS and mutual authentication ({@link ClusterTls}), with real Hazelcast members and
 * real Vert.x instances on 127.0.0.1: members with certificates of the cluster CA exchange block requests; a member
 * that joined Hazelcast (which authenticates nobody) with a certificate of another CA, or with no TLS at all, can
 * neither send a block request to the worker nor receive a message from the members. The same scenario without TLS
 * shows the intruder succeeding, so the assertions can fail.
 */
class ClusterTlsTest {
    static final String NQN = "nqn.2026-12.io.nvmegate:tls";
    static final int BS = 4096;
    static final NamespaceSpec NS = new NamespaceSpec(NQN, 1, NamespaceSpec.defaultUuid(NQN, 1), 1L << 24, BS, "rocksdb", "worker-1", true);
    /** Bound on every request the test expects to fail (a TLS handshake fails well within it). */
    static final long FAIL_MS = 3000;

    @TempDir
    Path dir;
    final List<Cluster.Node> nodes = new ArrayList<>();
    final String cluster = "tls-" + UUID.randomUUID();

    @AfterEach
    void close() throws Exception {
        for (int i = nodes.size() - 1; i >= 0; i--) await(nodes.get(i).close());
    }

    static <T> T await(Future<T> f) throws Exception {
        try {
            return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception ex) throw ex;
            throw e;
        }
    }

    Cluster.Node start(ClusterTls tls) throws Exception {
        List<String> members = nodes.isEmpty() ? List.of()
                : List.of("127.0.0.1:" + nodes.get(0).hazelcast().getCluster().getLocalMember().getAddress().getPort());
        Cluster.Node n = await(Cluster.start(new ClusterOptions(cluster, "127.0.0.1", 0, members).withTls(tls)));
        BlockCodecs.register(n.vertx().eventBus());
        nodes.add(n);
        return n;
    }

    static BlockReply request(Cluster.Node from, BlockRequest r, long timeoutMs) throws Exception {
        Message<BlockReply> m = await(from.vertx().eventBus().request(NS.address(), r, new DeliveryOptions().setSendTimeout(timeoutMs)));
        return m.body();
    }

    /** @return whether a request from {@code from} was answered within {@link #FAIL_MS} */
    static boolean answered(Cluster.Node from, String address) {
        try {
            await(from.vertx().eventBus().request(address, "ping", new DeliveryOptions().setSendTimeout(FAIL_MS)));
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    static Buffer pattern(long seed) {
        byte[] b = new byte[BS];
        new SplittableRandom(seed).nextBytes(b);
        return Buffer.buffer(b);
    }

    /** What a member outside the cluster CA achieved against a worker member and a gateway member. */
    record Intrusion(boolean wroteToWorker, boolean readFromWorker, boolean receivedFromMember) {}

    Cluster.Node worker, gateway;
    final Buffer mine = pattern(1);

    /** Worker on member 1, gateway member 2: a block write and read through the worker work. */
    void members(ClusterTls workerTls, ClusterTls gatewayTls) throws Exception {
        worker = start(workerTls);
        await(worker.vertx().deployVerticle(new BlockWorker("worker-1", dir.resolve("data"), () -> List.of(NS))));
        await(worker.vertx().eventBus().consumer("worker.inbox", m -> m.reply("pong")).completion());
        gateway = start(gatewayTls);
        assertThat(request(gateway, BlockRequest.write(NS.uuid(), BS, 7, 1, true, mine), 30_000).status()).isZero();
        assertThat(request(gateway, BlockRequest.read(NS.uuid(), BS, 7, 1), 30_000).data().getBytes()).isEqualTo(mine.getBytes());
    }

    /**
     * An intruder with {@code intruderTls} joins Hazelcast, tries to write and read LBA 7 through the worker and to
     * receive a message from the gateway, then leaves. @return what it achieved; the members' own traffic is
     * checked to work after it.
     */
    Intrusion intrude(ClusterTls intruderTls) throws Exception {
        Cluster.Node x = start(intruderTls);
        try {
            assertThat(x.hazelcast().getCluster().getMembers()).as("Hazelcast lets the intruder in").hasSize(3);
            boolean wrote;
            try {
                wrote = request(x, BlockRequest.write(NS.uuid(), BS, 7, 1, true, pattern(666)), FAIL_MS).status() == 0;
            } catch (Exception e) {
                wrote = false;
            }
            boolean read;
            try {
                read = request(x, BlockRequest.read(NS.uuid(), BS, 7, 1), FAIL_MS).status() == 0;
            } catch (Exception e) {
                read = false;
            }
            // gateway -> intruder: the intruder is the only consumer of an address the gateway sends to
            AtomicInteger delivered = new AtomicInteger();
            String inbox = "intruder.inbox." + UUID.randomUUID();
            await(x.vertx().eventBus().consumer(inbox, m -> {
                delivered.incrementAndGet();
                m.reply("pong");
            }).completion());
            boolean received = answered(gateway, inbox) || delivered.get() > 0;
            // the cluster's own traffic still works, and LBA 7 holds what it holds
            assertThat(answered(gateway, "worker.inbox")).as("gateway -> worker member after the intrusion").isTrue();
            Buffer now = request(gateway, BlockRequest.read(NS.uuid(), BS, 7, 1), 30_000).data();
            if (!wrote) assertThat(now.getBytes()).as("the intruder's write did not land").isEqualTo(mine.getBytes());
            return new Intrusion(wrote || !now.equals(mine), read, received);
        } finally {
            nodes.remove(x);
            await(x.close());
        }
    }

    /**
     * Members of the cluster CA; intruders: a certificate of another CA, no TLS at all, and the cluster CA as trust
     * anchor with its own certificate from elsewhere (trusting the right CA is not enough: its own certificate must
     * come from it). None can send a block request to the worker or receive from the gateway.
     */
    @Test
    void onlyMembersWithACertificateOfTheClusterCaSendAndReceive() throws Exception {
        TestCa ca = TestCa.create("cluster", dir.resolve("pki")), other = TestCa.create("other", dir.resolve("pki"));
        members(ca.member("worker-1"), ca.member("gateway-1"));
        Intrusion none = new Intrusion(false, false, false);
        assertThat(intrude(other.member("intruder"))).as("certificate of another CA").isEqualTo(none);
        assertThat(intrude(null)).as("no TLS").isEqualTo(none);
        ClusterTls own = other.member("intruder-2");
        assertThat(intrude(new ClusterTls(own.certPath(), own.keyPath(), ca.caFile()))).as("cluster CA trusted, own certificate from elsewhere")
                .isEqualTo(none);
    }

    /** Without TLS the same intruder writes, reads and receives: the assertions above can fail. */
    @Test
    void withoutTlsAnyHazelcastMemberReadsWritesAndReceives() throws Exception {
        members(null, null);
        assertThat(intrude(null)).isEqualTo(new Intrusion(true, true, true));
    }
}
