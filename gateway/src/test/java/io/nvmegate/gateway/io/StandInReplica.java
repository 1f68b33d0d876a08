package io.nvmegate.gateway.io;

import io.nvmegate.blockio.BlockOp;
import io.nvmegate.blockio.BlockReply;
import io.nvmegate.blockio.BlockRequest;
import io.nvmegate.catalog.NamespaceSpec;
import io.nvmegate.protocol.Status;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.nvmegate.blockio.BlockResponder;
import io.nvmegate.blockio.EventBusEndpoint;
import io.vertx.core.eventbus.MessageConsumer;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stand-in for one replica of a replicated namespace: a real event-bus consumer on
 * {@code nvmegate.block.<uuid>@<worker>} that answers like the Raft leader (serving blocks from memory), like a
 * follower (Namespace Not Ready with a leader hint), like a replica during an election (Namespace Not Ready without
 * hint), or not at all. The real worker side (Ratis) is tested in block-worker; this stands in only for routing.
 */
final class StandInReplica {
    enum Mode { LEADER, FOLLOWER, ELECTION, SILENT }

    final String worker;
    final NamespaceSpec ns;
    final List<BlockRequest> received = new CopyOnWriteArrayList<>();
    private final Vertx vertx;
    private final Map<Long, Buffer> blocks = new ConcurrentHashMap<>();
    private volatile Mode mode = Mode.LEADER;
    private volatile String hint;
    private volatile int leaderStatus = Status.SUCCESS;
    private MessageConsumer<Object> consumer;

    StandInReplica(Vertx vertx, NamespaceSpec ns, String worker) {
        this.vertx = vertx;
        this.ns = ns;
        this.worker = worker;
    }

    Future<Void> up() {
        // as a block worker's consumer: request/reply messages and batches (BatchedChannel) alike
        consumer = vertx.eventBus().consumer(ns.address(worker), m -> EventBusEndpoint.deliver(m, this::handle));
        return consumer.completion();
    }

    /** Unregisters the consumer (the worker is down: the event bus answers NO_HANDLERS). */
    Future<Void> down() {
        MessageConsumer<Object> c = consumer;
        consumer = null;
        return c == null ? Future.succeededFuture() : c.unregister();
    }

    StandInReplica leader() { mode = Mode.LEADER; return this; }

    StandInReplica follower(String leader) { mode = Mode.FOLLOWER; hint = leader; return this; }

    StandInReplica election() { mode = Mode.ELECTION; return this; }

    StandInReplica silent() { mode = Mode.SILENT; return this; }

    /** As leader, answer block ops with {@code status} instead of serving them. */
    StandInReplica leaderStatus(int status) { leaderStatus = status; return this; }

    private void handle(BlockRequest r, BlockResponder m) {
        received.add(r);
        switch (mode) {
            case SILENT -> { }
            case ELECTION -> m.reply(BlockReply.notLeader(null));
            case FOLLOWER -> m.reply(BlockReply.notLeader(hint));
            case LEADER -> {
                if (r.op() == BlockOp.CONTROLLER_GONE) return; // no reply expected
                m.reply(leaderStatus != Status.SUCCESS ? BlockReply.status(leaderStatus) : serve(r));
            }
        }
    }

    private BlockReply serve(BlockRequest r) {
        int bs = r.blockSize();
        switch (r.op()) {
            case WRITE -> {
                for (int i = 0; i < r.nlb(); i++) blocks.put(r.slba() + i, r.data().getBuffer(i * bs, (i + 1) * bs));
                return BlockReply.OK;
            }
            case READ -> {
                Buffer b = Buffer.buffer(r.nlb() * bs);
                for (int i = 0; i < r.nlb(); i++) b.appendBuffer(blocks.getOrDefault(r.slba() + i, Buffer.buffer(new byte[bs])));
                return new BlockReply(Status.SUCCESS, b);
            }
            case COMPARE_AND_WRITE -> {
                int len = r.nlb() * bs;
                for (int i = 0; i < r.nlb(); i++) {
                    Buffer have = blocks.getOrDefault(r.slba() + i, Buffer.buffer(new byte[bs]));
                    if (!have.equals(r.data().getBuffer(i * bs, (i + 1) * bs))) return BlockReply.status(Status.COMPARE_FAILURE);
                }
                for (int i = 0; i < r.nlb(); i++) blocks.put(r.slba() + i, r.data().getBuffer(len + i * bs, len + (i + 1) * bs));
                return BlockReply.OK;
            }
            default -> {
                return BlockReply.OK;
            }
        }
    }
}
