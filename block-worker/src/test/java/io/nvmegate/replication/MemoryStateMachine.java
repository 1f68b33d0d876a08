package io.nvmegate.replication;

import io.nvmegate.blockio.BlockCodecs;
import io.nvmegate.blockio.BlockOp;
import io.nvmegate.blockio.BlockReply;
import io.nvmegate.blockio.BlockRequest;
import io.nvmegate.blockio.RequestId;
import io.nvmegate.protocol.Status;
import io.vertx.core.buffer.Buffer;
import org.apache.ratis.proto.RaftProtos;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A minimal state machine for the replication node's tests (the namespace state machine is the repl-sm part):
 * blocks in memory, WRITE and READ only (everything else answers Success), request-ID dedupe, and a count of how
 * many times each request ID was applied.
 */
final class MemoryStateMachine extends BaseStateMachine {
    final Map<Long, byte[]> blocks = new ConcurrentHashMap<>();
    final Map<RequestId, AtomicInteger> applied = new ConcurrentHashMap<>();
    private final Map<RequestId, BlockReply> replies = new ConcurrentHashMap<>();

    @Override
    public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
        RaftProtos.LogEntryProto e = trx.getLogEntry();
        BlockRequest r = BlockCodecs.decodeRequest(Buffer.buffer(e.getStateMachineLogEntry().getLogData().toByteArray()));
        BlockReply reply = replies.get(r.requestId());
        if (reply == null) {
            applied.computeIfAbsent(r.requestId(), k -> new AtomicInteger()).incrementAndGet();
            if (r.op() == BlockOp.WRITE) {
                byte[] d = r.data().getBytes();
                for (int i = 0; i < r.nlb(); i++) {
                    byte[] b = new byte[r.blockSize()];
                    System.arraycopy(d, i * r.blockSize(), b, 0, r.blockSize());
                    blocks.put(r.slba() + i, b);
                }
            }
            reply = BlockReply.OK;
            replies.put(r.requestId(), reply);
        }
        updateLastAppliedTermIndex(e.getTerm(), e.getIndex());
        return CompletableFuture.completedFuture(message(reply));
    }

    @Override
    public CompletableFuture<Message> query(Message request) {
        BlockRequest r = BlockCodecs.decodeRequest(Buffer.buffer(request.getContent().toByteArray()));
        if (r.op() != BlockOp.READ) return CompletableFuture.completedFuture(message(BlockReply.OK));
        Buffer out = Buffer.buffer(r.nlb() * r.blockSize());
        for (int i = 0; i < r.nlb(); i++) {
            byte[] b = blocks.get(r.slba() + i);
            out.appendBytes(b == null ? new byte[r.blockSize()] : b);
        }
        return CompletableFuture.completedFuture(message(new BlockReply(Status.SUCCESS, out)));
    }

    private static Message message(BlockReply r) {
        return Message.valueOf(ByteString.copyFrom(BlockCodecs.encode(r).getBytes()));
    }
}
