package io.nvmegate.replication;

import io.nvmegate.blockio.BlockOp;
import io.nvmegate.blockio.BlockReply;
import io.nvmegate.blockio.BlockRequest;
import io.nvmegate.blockio.RequestId;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftPeerId;

import java.util.UUID;

/**
 * A {@link BlockRequest} as a Ratis client request submitted on the leader itself:
 * <ul>
 *   <li>client invocation = the request ID: {@code ClientId} from {@link RequestId#client()} (its 16 bytes),
 *       {@code callId} = {@link RequestId#call()}; Ratis's retry cache and the state machine's dedupe both key on
 *       it, so a resent request is applied at most once;</li>
 *   <li>type: write (a log entry, answered once committed on a majority and applied) for every op that changes
 *       state or must be ordered with writes: WRITE, WRITE_ZEROES, DEALLOCATE, COMPARE_AND_WRITE, FLUSH, the
 *       reservation ops and CONTROLLER_GONE; read (linearizable: read index / leader lease, then the state
 *       machine's query) for READ, COMPARE and VERIFY;</li>
 *   <li>message = {@code BlockCodecs.encode(request)} (the log entry data); reply message =
 *       {@code BlockCodecs.encode(BlockReply)}.</li>
 * </ul>
 */
final class RaftRequests {
    private RaftRequests() {}

    /** @return whether {@code op} is served by a linearizable read (no log entry) */
    static boolean read(BlockOp op) {
        return NamespaceStateMachine.readOnly(op);
    }

    /** @return {@code r} with a request ID: its own, or a fresh random one (a sender that set none, e.g. a test) */
    static BlockRequest identified(BlockRequest r) {
        return r.requestId() != null ? r : r.withRequestId(new RequestId(UUID.randomUUID(), 0));
    }

    /** @return the Ratis client request of {@code r} (which has a request ID) for group {@code namespace} on {@code server} */
    static RaftClientRequest of(BlockRequest r, RaftPeerId server) {
        RequestId id = r.requestId();
        return RaftClientRequest.newBuilder()
                .setClientId(ClientId.valueOf(id.client()))
                .setServerId(server)
                .setGroupId(ReplicationServer.groupId(r.namespace()))
                .setCallId(id.call())
                .setMessage(NamespaceStateMachine.toMessage(r))
                .setType(read(r.op()) ? RaftClientRequest.readRequestType() : RaftClientRequest.writeRequestType())
                .build();
    }

    /** @return the block reply carried by a Ratis reply message */
    static BlockReply reply(Message m) {
        return NamespaceStateMachine.reply(m);
    }
}
