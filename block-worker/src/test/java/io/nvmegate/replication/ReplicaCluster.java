package io.nvmegate.replication;

import io.nvmegate.blockio.BlockCodecs;
import io.nvmegate.blockio.BlockReply;
import io.nvmegate.blockio.BlockRequest;
import io.nvmegate.catalog.NamespaceSpec;
import io.nvmegate.catalog.ReplicationStatus;
import io.nvmegate.cluster.Cluster;
import io.nvmegate.cluster.ClusterOptions;
import io.nvmegate.protocol.Status;
import io.nvmegate.worker.BlockWorker;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import org.apache.ratis.server.RaftServer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Test fixture: block workers with replication (the namespace state machine over each worker's RocksDB), each on its own Vert.x and Hazelcast member in this JVM (127.0.0.1,
 * Raft on a free port), sharing one catalog list; a client member that sends block requests like a gateway
 * (following redirects, trying the next replica when one does not answer).
 */
final class ReplicaCluster implements AutoCloseable {
    final Path dir;
    final String name = "repl-" + UUID.randomUUID();
    final AtomicReference<List<NamespaceSpec>> catalog = new AtomicReference<>(List.of());
    final Map<String, Member> workers = new LinkedHashMap<>();
    private final List<Cluster.Node> nodes = new ArrayList<>();
    Cluster.Node client;

    record Member(Cluster.Node node, BlockWorker worker, String deployment) {}

    ReplicaCluster(Path dir) {
        this.dir = dir;
    }

    static <T> T await(Future<T> f) throws Exception {
        try {
            return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception ex) throw ex;
            throw e;
        }
    }

    Cluster.Node member() throws Exception {
        List<String> members = nodes.isEmpty() ? List.of()
                : List.of("127.0.0.1:" + nodes.get(0).hazelcast().getCluster().getLocalMember().getAddress().getPort());
        Cluster.Node n = await(Cluster.start(new ClusterOptions(name, "127.0.0.1", 0, members)));
        BlockCodecs.register(n.vertx().eventBus());
        nodes.add(n);
        return n;
    }

    /** Member {@code n} (not a worker) leaves the cluster. */
    void leave(Cluster.Node n) throws Exception {
        nodes.remove(n);
        await(n.close());
    }

    void startClient() throws Exception {
        client = member();
    }

    BlockWorker startWorker(String id) throws Exception {
        Cluster.Node n = member();
        BlockWorker w = new BlockWorker(id, dir.resolve("data"), catalog::get,
                new BlockWorker.Replication(new ReplicationOptions("127.0.0.1", 0), n.hazelcast()));
        String dep = await(n.vertx().deployVerticle(w));
        workers.put(id, new Member(n, w, dep));
        return w;
    }

    /** Undeploys worker {@code id}'s verticle (its Raft server closes) and leaves the cluster. */
    void stopWorker(String id) throws Exception {
        Member m = workers.remove(id);
        await(m.node().vertx().undeploy(m.deployment()));
        nodes.remove(m.node());
        await(m.node().close());
    }

    void setCatalog(List<NamespaceSpec> list) throws Exception {
        catalog.set(list);
        for (Member m : workers.values()) await(m.worker().refresh());
    }

    /** @return the division of {@code ns} on worker {@code id} */
    Optional<RaftServer.Division> division(String id, UUID ns) {
        Member m = workers.get(id);
        return m == null ? Optional.empty() : m.worker().replicationServer().division(ns);
    }

    /** @return the worker leading {@code ns} (waits up to 15 s) */
    String awaitLeader(UUID ns) throws Exception {
        long end = System.currentTimeMillis() + 15_000;
        while (System.currentTimeMillis() < end) {
            for (String id : workers.keySet()) {
                Optional<RaftServer.Division> d = division(id, ns);
                if (d.isPresent() && d.get().getInfo().isLeader() && d.get().getInfo().isLeaderReady()) return id;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no leader of " + ns + " within 15 s");
    }

    /** @return the status published for {@code ns}, or null */
    ReplicationStatus status(UUID ns) {
        String v = (String) client.hazelcast().getMap(ReplicationStatus.MAP).get(ns.toString());
        return v == null ? null : ReplicationStatus.fromJson(new JsonObject(v));
    }

    /** Sends {@code r} to replica {@code target} of {@code ns} once. */
    BlockReply sendTo(NamespaceSpec ns, String target, BlockRequest r) throws Exception {
        return await(client.vertx().eventBus().<BlockReply>request(ns.address(target), r,
                new DeliveryOptions().setSendTimeout(5000))).body();
    }

    /**
     * Sends {@code r} as a gateway does: first to {@code first}, then to the leader hint of a redirect, or the next
     * replica when one does not answer or knows no leader; for up to 20 s.
     */
    BlockReply send(NamespaceSpec ns, String first, BlockRequest r) throws Exception {
        long end = System.currentTimeMillis() + 20_000;
        String target = first;
        int next = 0;
        while (true) {
            BlockReply reply = null;
            try {
                reply = sendTo(ns, target, r);
            } catch (ReplyException e) {
                // NO_HANDLERS or timeout: next replica
            }
            if (reply != null && reply.redirect()) {
                target = reply.leader();
                continue;
            }
            if (reply != null && reply.status() != Status.NAMESPACE_NOT_READY) return reply;
            if (System.currentTimeMillis() > end) throw new AssertionError("no replica of " + ns.uuid() + " served " + r.op());
            target = ns.replicas().get(next++ % ns.replicas().size());
            Thread.sleep(100);
        }
    }

    @Override
    public void close() throws Exception {
        for (String id : List.copyOf(workers.keySet())) {
            try {
                stopWorker(id);
            } catch (Exception ignored) {
                // best effort
            }
        }
        for (int i = nodes.size() - 1; i >= 0; i--) await(nodes.get(i).close());
    }
}
