package io.nvmegate.replication;

import io.nvmegate.blockio.BlockReply;
import io.nvmegate.blockio.BlockRequest;
import io.nvmegate.catalog.NamespaceSpec;
import io.nvmegate.protocol.Status;
import io.nvmegate.worker.fence.GatewayFence;
import io.nvmegate.blockio.BlockResponder;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.exceptions.LeaderNotReadyException;
import org.apache.ratis.protocol.exceptions.LeaderSteppingDownException;
import org.apache.ratis.protocol.exceptions.NotLeaderException;
import org.apache.ratis.server.DivisionInfo;
import org.apache.ratis.server.RaftServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;
import java.util.concurrent.CompletionException;

/**
 * The request path of a replica of a replicated namespace: the consumer of {@code "nvmegate.block.<uuid>@<workerId>"}
 * ({@link NamespaceSpec#address(String)}). One lifecycle per message, one reply:
 * <ol>
 *   <li>decode (not a {@link BlockRequest}: Internal Error);</li>
 *   <li>fence ({@link GatewayFence#check}, when the worker is clustered): a request whose gateway lease ran out or
 *       whose gateway session left the cluster is answered Asymmetric Access Inaccessible (no DNR) and never
 *       enters the Raft log (the check is not repeated when the state machine applies it: every replica must
 *       apply the same log);</li>
 *   <li>validate once ({@link RequestValidator}: bad input is answered here and never enters the Raft log);</li>
 *   <li>no local division of the group (not added yet, or closing): Namespace Not Ready, no leader hint;</li>
 *   <li>not the leader: {@link BlockReply#notLeader} with the leader this replica knows of (null during an
 *       election), the gateway resends there;</li>
 *   <li>leader: the request (given a random request ID if it has none) is submitted to the local division as a
 *       Ratis client request ({@link RaftRequests}); the state machine's reply is answered as it is.</li>
 * </ol>
 * Ratis failures: NotLeaderException, LeaderNotReadyException, LeaderSteppingDownException → notLeader(hint);
 * anything else (a read index or lease failure, a state machine exception, a closed division) → Namespace Not
 * Ready without DNR, so the gateway retries (with the same request ID) rather than failing the command. A write is
 * never answered Success unless Ratis answered it committed and applied.
 */
public final class ReplicaHandler {
    private static final Logger log = LoggerFactory.getLogger(ReplicaHandler.class);

    private final ReplicationServer server;
    private final RequestValidator validator;
    private final ReplicationMetrics metrics;
    /** Null: nothing fenced. */
    private final GatewayFence fence;

    public ReplicaHandler(ReplicationServer server, RequestValidator validator, ReplicationMetrics metrics) {
        this(server, validator, null, metrics);
    }

    /** @param fence the worker's gateway fence, or null (not clustered: nothing fenced) */
    public ReplicaHandler(ReplicationServer server, RequestValidator validator, GatewayFence fence, ReplicationMetrics metrics) {
        this.fence = fence;
        this.server = server;
        this.validator = validator;
        this.metrics = metrics;
    }

    /**
     * Handles {@code r}, sent to the replica address of namespace {@code ns} on this worker; answers through
     * {@code msg} exactly once.
     */
    public void handle(NamespaceSpec ns, BlockRequest r, BlockResponder msg) {
        if (r == null || r.op() == null) {
            log.warn("block worker {}: namespace {}: {}", server.workerId(), ns.uuid(), r == null ? "null request" : "BlockRequest without op");
            msg.reply(BlockReply.status(Status.INTERNAL_ERROR));
            return;
        }
        if (fence != null && fence.check(r) != null) {
            msg.reply(GatewayFence.refusal());
            return;
        }
        int status = validator.check(ns, r);
        if (status != Status.SUCCESS) {
            msg.reply(BlockReply.status(status));
            return;
        }
        Optional<RaftServer.Division> division = server.division(ns.uuid());
        if (division.isEmpty()) {
            msg.reply(BlockReply.notLeader(null));
            return;
        }
        DivisionInfo info = division.get().getInfo();
        if (!info.isLeader()) {
            msg.reply(BlockReply.notLeader(leaderHint(info.getLeaderId())));
            return;
        }
        BlockRequest identified = RaftRequests.identified(r);
        RaftClientRequest request;
        try {
            request = RaftRequests.of(identified, division.get().getId());
        } catch (RuntimeException e) { // encoding a validated request cannot fail; answer rather than hang
            log.warn("block worker {}: namespace {} {} not encodable: {}", server.workerId(), ns.uuid(), r.op(), e.toString());
            msg.reply(BlockReply.status(Status.INTERNAL_ERROR));
            return;
        }
        boolean write = !RaftRequests.read(r.op());
        if (write) metrics.entry(ns.uuid(), request.getMessage().getContent().size());
        long started = System.nanoTime();
        server.submit(request).whenComplete((reply, err) -> {
            BlockReply answer = answer(ns, identified, reply, err);
            if (write && answer.status() == Status.SUCCESS) metrics.committed(ns.uuid(), System.nanoTime() - started);
            msg.reply(answer);
        });
    }

    /** @return the block reply of a Ratis outcome (never Success unless Ratis answered success) */
    private BlockReply answer(NamespaceSpec ns, BlockRequest r, RaftClientReply reply, Throwable err) {
        Throwable e = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
        if (e == null && reply != null) {
            if (reply.isSuccess()) {
                try {
                    return RaftRequests.reply(reply.getMessage());
                } catch (RuntimeException bad) {
                    log.warn("block worker {}: namespace {} {}: undecodable state machine reply: {}", server.workerId(),
                            ns.uuid(), r.op(), bad.toString());
                    return BlockReply.status(Status.INTERNAL_ERROR);
                }
            }
            e = reply.getException();
        }
        if (e instanceof NotLeaderException nle) {
            RaftPeer suggested = nle.getSuggestedLeader();
            return BlockReply.notLeader(suggested == null ? null : leaderHint(suggested.getId()));
        }
        if (e instanceof LeaderNotReadyException || e instanceof LeaderSteppingDownException) {
            return BlockReply.notLeader(null);
        }
        log.debug("block worker {}: namespace {} {} request {} not served: {}", server.workerId(), ns.uuid(), r.op(),
                r.requestId(), e == null ? "no reply" : e.toString());
        return BlockReply.status(Status.NAMESPACE_NOT_READY);
    }

    /** @return the worker ID of {@code leader}, or null if unknown or this worker (which is not the leader) */
    private String leaderHint(RaftPeerId leader) {
        if (leader == null) return null;
        String id = leader.toString();
        return id.equals(server.workerId()) ? null : id;
    }
}
