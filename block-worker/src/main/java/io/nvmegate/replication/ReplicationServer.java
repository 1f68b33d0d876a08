package io.nvmegate.replication;

import org.apache.ratis.conf.Parameters;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.GroupManagementRequest;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.SetConfigurationRequest;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.StateMachine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * The Apache Ratis server of one block worker (multi-Raft): one {@link RaftServer} whose peer ID is the worker ID,
 * gRPC on {@link ReplicationOptions#host()}:{@link ReplicationOptions#port()}, storage in
 * {@code <dataDir>/<workerId>/raft} (one sub-directory per group, named by the group ID), settings
 * {@link RatisSettings}. It hosts one Raft group (a <em>division</em>) per replicated namespace of which this
 * worker holds a replica; group ID = {@code RaftGroupId.valueOf(namespace UUID)}. The state machine of a group is
 * made by the worker's factory from the namespace UUID, when the group is added or, on restart, when Ratis
 * reloads the groups found in the storage directory (while the server is built).
 *
 * <p>Group management and {@link #submit} are local calls (no RaftClient, no network hop).
 */
public final class ReplicationServer implements Closeable {
    private static final Logger log = LoggerFactory.getLogger(ReplicationServer.class);

    private final String workerId;
    private final Path storageDir;
    private final ReplicationOptions options;
    private final Function<UUID, StateMachine> stateMachines;
    private final Parameters parameters;
    /** Client ID of this worker's own admin requests (group management, set configuration). */
    private final ClientId adminClient = ClientId.randomId();
    private final AtomicLong adminCall = new AtomicLong();
    private volatile RaftServer server;
    private volatile String raftAddress;

    /**
     * @param workerId      this worker's ID, the Raft peer ID
     * @param dataDir       data root; the Raft storage is {@code <dataDir>/<workerId>/raft}
     * @param options       where the gRPC server listens
     * @param stateMachines the state machine of a namespace, by namespace UUID (called by Ratis threads)
     * @param parameters    Ratis parameters (e.g. the gRPC TLS configuration), or null
     */
    public ReplicationServer(String workerId, Path dataDir, ReplicationOptions options,
                             Function<UUID, StateMachine> stateMachines, Parameters parameters) {
        this.workerId = Objects.requireNonNull(workerId, "workerId");
        this.storageDir = storageDir(dataDir, workerId);
        this.options = Objects.requireNonNull(options, "options");
        this.stateMachines = Objects.requireNonNull(stateMachines, "stateMachines");
        this.parameters = parameters == null ? new Parameters() : parameters;
    }

    /** @return the Raft storage directory of worker {@code workerId} under {@code dataDir} */
    public static Path storageDir(Path dataDir, String workerId) {
        return dataDir.resolve(workerId).resolve("raft");
    }

    /** @return the Raft group ID of namespace {@code namespace} */
    public static RaftGroupId groupId(UUID namespace) {
        return RaftGroupId.valueOf(namespace);
    }

    /**
     * Blocking: builds the server (reloading the groups kept in the storage directory) and starts it.
     *
     * @throws IOException if the storage cannot be created or the port cannot be bound
     */
    public synchronized void start() throws IOException {
        if (server != null) return;
        Files.createDirectories(storageDir);
        RaftServer s = RaftServer.newBuilder()
                .setServerId(RaftPeerId.valueOf(workerId))
                .setProperties(RatisSettings.properties(storageDir, options.host(), options.port()))
                .setParameters(parameters)
                .setOption(RaftStorage.StartupOption.RECOVER)
                .setStateMachineRegistry(gid -> stateMachines.apply(gid.getUuid()))
                .build();
        try {
            s.start();
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
        InetSocketAddress bound = s.getServerRpc().getInetSocketAddress();
        raftAddress = options.host() + ":" + bound.getPort();
        server = s;
        log.info("block worker {}: Raft server on {} (storage {}, {} group(s) reloaded)", workerId, raftAddress, storageDir,
                s.getGroupIds().spliterator().getExactSizeIfKnown());
    }

    /** @return this worker's ID (the Raft peer ID) */
    public String workerId() { return workerId; }

    /** @return {@code host:port} peers reach this server on (after {@link #start}) */
    public String raftAddress() { return raftAddress; }

    /** @return the Ratis server (after {@link #start}) */
    public RaftServer server() {
        RaftServer s = server;
        if (s == null) throw new IllegalStateException("Raft server of block worker " + workerId + " is not started");
        return s;
    }

    /** @return whether the server is started and not closed */
    public boolean running() { return server != null; }

    /** @return the namespaces (group IDs) this server hosts a division of */
    public Set<UUID> groups() {
        RaftServer s = server;
        Set<UUID> out = new LinkedHashSet<>();
        if (s != null) s.getGroupIds().forEach(g -> out.add(g.getUuid()));
        return out;
    }

    /** @return the division of namespace {@code namespace}, or empty if not hosted (or failed to initialise) */
    public Optional<RaftServer.Division> division(UUID namespace) {
        RaftServer s = server;
        if (s == null) return Optional.empty();
        try {
            return Optional.of(s.getDivision(groupId(namespace)));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * Blocking: adds the group of {@code namespace} with {@code peers}: a new Raft storage directory, or the one
     * left by an earlier attempt that failed after creating it (recovered, not formatted again).
     *
     * @throws IOException if Ratis refuses
     */
    public void addGroup(UUID namespace, List<RaftPeer> peers) throws IOException {
        boolean existing = Files.isDirectory(storageDir.resolve(namespace.toString()));
        RaftClientReply r = server().groupManagement(GroupManagementRequest.newAdd(adminClient, server().getId(),
                adminCall.incrementAndGet(), RaftGroup.valueOf(groupId(namespace), peers), !existing));
        if (!r.isSuccess()) throw new IOException("adding group " + namespace + " failed: " + r.getException());
    }

    /** Blocking: removes the group of {@code namespace}, deleting its Raft storage if {@code deleteData}. */
    public void removeGroup(UUID namespace, boolean deleteData) throws IOException {
        RaftClientReply r = server().groupManagement(GroupManagementRequest.newRemove(adminClient, server().getId(),
                adminCall.incrementAndGet(), groupId(namespace), deleteData, false));
        if (!r.isSuccess()) throw new IOException("removing group " + namespace + " failed: " + r.getException());
    }

    /**
     * Asks this server's division of {@code namespace} (its leader) to change the group's configuration to
     * {@code peers} (Raft joint consensus; completes when the new configuration is committed).
     */
    public CompletableFuture<RaftClientReply> setConfiguration(UUID namespace, List<RaftPeer> peers) {
        try {
            return server().setConfigurationAsync(new SetConfigurationRequest(adminClient, server().getId(),
                    groupId(namespace), adminCall.incrementAndGet(), peers));
        } catch (IOException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Submits {@code request} to the local division it names (the leader path of {@link ReplicaHandler}). */
    public CompletableFuture<RaftClientReply> submit(RaftClientRequest request) {
        try {
            return server().submitClientRequestAsync(request);
        } catch (IOException | RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Blocking: closes every division (state machines closed) and the gRPC server. */
    @Override
    public synchronized void close() throws IOException {
        RaftServer s = server;
        server = null;
        if (s != null) {
            s.close();
            log.info("block worker {}: Raft server closed", workerId);
        }
    }
}
