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

    /**
     * Worker on member 1, gateway member 2 (both {@code memberTls}), an intruder with {@code intruderTls} joining
     * Hazelcast. @return what the intruder achieved; the members' own traffic is checked to work before and after.
     */
    Intrusion scenario(ClusterTls worker, ClusterTls gateway, ClusterTls intruderTls) throws Exception {
        Cluster.Node w = start(worker);
        await(w.vertx().deployVerticle(new BlockWorker("worker-1", dir.resolve("data"), () -> List.of(NS))));
        Cluster.Node g = start(gateway);
        // members of the cluster CA: a block write and read through the worker
        Buffer mine = pattern(1);
        assertThat(request(g, BlockRequest.write(NS.uuid(), BS, 7, 1, true, mine), 30_000).status()).isZero();
        assertThat(request(g, BlockRequest.read(NS.uuid(), BS, 7, 1), 30_000).data().getBytes()).isEqualTo(mine.getBytes());

        Cluster.Node x = start(intruderTls);
        assertThat(x.hazelcast().getCluster().getMembers()).as("Hazelcast lets the intruder in").hasSize(3);
        // intruder -> worker: a write of its own data, then a read
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
        await(x.vertx().eventBus().consumer("intruder.inbox", m -> {
            delivered.incrementAndGet();
            m.reply("pong");
        }).completion());
        boolean replied = answered(g, "intruder.inbox");
        boolean received = replied || delivered.get() > 0;
        // the cluster's own traffic still works, and LBA 7 holds what it holds
        await(w.vertx().eventBus().consumer("worker.inbox", m -> m.reply("pong")).completion());
        assertThat(answered(g, "worker.inbox")).as("gateway -> worker member after the intrusion").isTrue();
        Buffer now = request(g, BlockRequest.read(NS.uuid(), BS, 7, 1), 30_000).data();
        if (!wrote) assertThat(now.getBytes()).as("the intruder's write did not land").isEqualTo(mine.getBytes());
        return new Intrusion(wrote || !now.equals(mine), read, received);
    }

    @Test
    void aMemberWithACertificateOfAnotherCaCanNeitherSendNorReceive() throws Exception {
        TestCa ca = TestCa.create("cluster", dir.resolve("pki")), other = TestCa.create("other", dir.resolve("pki"));
        Intrusion i = scenario(ca.member("worker-1"), ca.member("gateway-1"), other.member("intruder"));
        assertThat(i).isEqualTo(new Intrusion(false, false, false));
    }

    @Test
    void aMemberWithoutTlsCanNeitherSendNorReceive() throws Exception {
        TestCa ca = TestCa.create("cluster", dir.resolve("pki"));
        Intrusion i = scenario(ca.member("worker-1"), ca.member("gateway-1"), null);
        assertThat(i).isEqualTo(new Intrusion(false, false, false));
    }

    /**
     * A member that holds the cluster CA as trust anchor but a self-made certificate for itself (a CA of its own
     * issued it) is refused too: trusting the right CA is not enough, its own certificate must come from it.
     */
    @Test
    void trustingTheClusterCaWithACertificateFromElsewhereIsNotEnough() throws Exception {
        TestCa ca = TestCa.create("cluster", dir.resolve("pki")), other = TestCa.create("other", dir.resolve("pki"));
        ClusterTls own = other.member("intruder");
        ClusterTls mixed = new ClusterTls(own.certPath(), own.keyPath(), ca.caFile());
        Intrusion i = scenario(ca.member("worker-1"), ca.member("gateway-1"), mixed);
        assertThat(i).isEqualTo(new Intrusion(false, false, false));
    }

    /** Without TLS the same intruder writes, reads and receives: the assertions above can fail. */
    @Test
    void withoutTlsAnyHazelcastMemberReadsWritesAndReceives() throws Exception {
        Intrusion i = scenario(null, null, null);
        assertThat(i).isEqualTo(new Intrusion(true, true, true));
    }
}
