package io.nvmegate.replication;

import io.nvmegate.blockio.BlockReply;
import io.nvmegate.blockio.BlockRequest;
import io.nvmegate.blockio.ReservationNotice;
import io.nvmegate.catalog.NamespaceSpec;
import io.nvmegate.storage.RocksDbBlockStore;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.util.TimeDuration;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A real Raft group of one replicated namespace in this JVM: {@code n} Ratis servers with gRPC on 127.0.0.1 free
 * ports, each with its own RocksDB store and {@link NamespaceStateMachine} under a temp directory, and a Ratis
 * client. Small election timeouts for speed. Peers can be stopped and restarted (new state machine, same dirs).
 */
final class RaftTestGroup implements AutoCloseable {
    static final int BS = 512;

    final UUID ns = UUID.randomUUID();
    final NamespaceSpec spec;
    final RaftGroup group;
    private final Path dir;
    private final int[] ports;
    final RaftServer[] servers;
    final RocksDbBlockStore[] stores;
    final NamespaceStateMachine[] machines;
    /** Reservation notices published, with the peer that published them. */
    final List<String> notices = new CopyOnWriteArrayList<>();
    private final Map<Integer, RaftProperties> props = new ConcurrentHashMap<>();
    private RaftClient client;

    RaftTestGroup(Path dir, int n) {
        this.dir = dir;
        this.ports = new int[n];
        List<RaftPeer> peers = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ports[i] = freePort();
            ids.add(id(i));
            peers.add(RaftPeer.newBuilder().setId(id(i)).setAddress("127.0.0.1:" + ports[i]).build());
        }
        this.spec = new NamespaceSpec("nqn.2014-08.org.nvmexpress:uuid:" + ns, 1, ns, 64L * 1024 * 1024, BS, "rocksdb",
                ids.get(0), true, 1, n, ids);
        this.group = RaftGroup.valueOf(RaftGroupId.valueOf(ns), peers);
        this.servers = new RaftServer[n];
        this.stores = new RocksDbBlockStore[n];
        this.machines = new NamespaceStateMachine[n];
    }

    static String id(int i) { return "worker-" + (i + 1); }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static RaftProperties properties(Path storage, int port) {
        RaftProperties p = new RaftProperties();
        GrpcConfigKeys.Server.setPort(p, port);
        RaftServerConfigKeys.setStorageDir(p, List.of(storage.toFile()));
        RaftServerConfigKeys.Rpc.setTimeoutMin(p, TimeDuration.valueOf(500, TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Rpc.setTimeoutMax(p, TimeDuration.valueOf(1000, TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Rpc.setFirstElectionTimeoutMin(p, TimeDuration.valueOf(500, TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Rpc.setFirstElectionTimeoutMax(p, TimeDuration.valueOf(1000, TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Read.setOption(p, RaftServerConfigKeys.Read.Option.LINEARIZABLE);
        RaftServerConfigKeys.Read.setLeaderLeaseEnabled(p, true);
        RaftServerConfigKeys.Log.setPurgeUptoSnapshotIndex(p, false);
        RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(p, false);
        return p;
    }

    /** Starts peer {@code i} (a new state machine on its existing store and Raft storage, if any). */
    void start(int i) throws IOException {
        Path peerDir = dir.resolve(id(i));
        stores[i] = new RocksDbBlockStore(peerDir.resolve("rocksdb"));
        String self = id(i);
        machines[i] = new NamespaceStateMachine(ns, () -> spec, stores[i],
                (s, n) -> notices.add(self + ":" + n.host() + ":" + n.type()));
        RaftProperties p = props.computeIfAbsent(i, k -> properties(peerDir.resolve("raft"), ports[k]));
        boolean fresh = !peerDir.resolve("raft").toFile().exists();
        servers[i] = RaftServer.newBuilder().setServerId(RaftPeerId.valueOf(self)).setGroup(group).setProperties(p)
                .setStateMachine(machines[i])
                .setOption(fresh ? RaftStorage.StartupOption.FORMAT : RaftStorage.StartupOption.RECOVER).build();
        servers[i].start();
    }

    void startAll() throws IOException {
        for (int i = 0; i < servers.length; i++) start(i);
    }

    /** Stops peer {@code i}: its Raft server, then its store. */
    void stop(int i) throws IOException {
        if (servers[i] != null) servers[i].close();
        servers[i] = null;
        if (stores[i] != null) stores[i].close();
        stores[i] = null;
    }

    RaftClient client() {
        if (client == null) {
            RaftProperties p = new RaftProperties();
            RaftServerConfigKeys.Rpc.setTimeoutMin(p, TimeDuration.valueOf(500, TimeUnit.MILLISECONDS));
            client = RaftClient.newBuilder().setProperties(p).setRaftGroup(group).build();
        }
        return client;
    }

    /** Sends {@code r} as a write request (a log entry) and waits for the reply. */
    BlockReply send(BlockRequest r) throws IOException {
        RaftClientReply reply = client().io().send(NamespaceStateMachine.toMessage(r));
        if (!reply.isSuccess()) throw new IOException("Ratis reply failed: " + reply.getException());
        return NamespaceStateMachine.reply(reply.getMessage());
    }

    /** Sends {@code r} as a linearizable read request. */
    BlockReply read(BlockRequest r) throws IOException {
        RaftClientReply reply = client().io().sendReadOnly(NamespaceStateMachine.toMessage(r));
        if (!reply.isSuccess()) throw new IOException("Ratis reply failed: " + reply.getException());
        return NamespaceStateMachine.reply(reply.getMessage());
    }

    /** @return the index of the leader peer, waiting up to 10 s for one */
    int leader() throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < end) {
            for (int i = 0; i < servers.length; i++) {
                if (servers[i] != null && servers[i].getDivision(group.getGroupId()).getInfo().isLeaderReady()) return i;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no leader within 30 s");
    }

    /** Waits until every running peer has applied at least log index {@code index}. */
    void awaitApplied(long index) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < end) {
            boolean all = true;
            for (int i = 0; i < servers.length; i++) {
                if (servers[i] != null && machines[i].getLastAppliedTermIndex().getIndex() < index) all = false;
            }
            if (all) return;
            Thread.sleep(10);
        }
        throw new AssertionError("replicas did not apply index " + index + " within 30 s");
    }

    /** Waits until every running peer has applied what the leader has applied. */
    void awaitConverged() throws Exception {
        awaitApplied(machines[leader()].getLastAppliedTermIndex().getIndex());
    }

    @Override
    public void close() throws Exception {
        if (client != null) client.close();
        for (int i = 0; i < servers.length; i++) {
            try {
                stop(i);
            } catch (Exception ignored) {
                // best effort
            }
        }
    }

    static String notice(ReservationNotice n) { return n.host() + ":" + n.type(); }
}
