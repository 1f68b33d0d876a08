package io.nvmegate.replication;

import org.apache.ratis.protocol.Message;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;

import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * The state machine of a Raft group found in a worker's Raft storage whose namespace the catalog does not list
 * (removed while the worker was down): it applies and answers nothing (every transaction and query fails), so no
 * entry is acknowledged on its behalf, until {@link ReplicaGroups} removes the group.
 */
final class ParkedStateMachine extends BaseStateMachine {
    private final UUID namespace;

    ParkedStateMachine(UUID namespace) {
        this.namespace = namespace;
    }

    @Override
    public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
        return CompletableFuture.failedFuture(new IllegalStateException("namespace " + namespace + " is not in the catalog"));
    }

    @Override
    public CompletableFuture<Message> query(Message request) {
        return CompletableFuture.failedFuture(new IllegalStateException("namespace " + namespace + " is not in the catalog"));
    }
}
