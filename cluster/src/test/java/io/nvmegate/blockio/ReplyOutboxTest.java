package io.nvmegate.blockio;

import io.nvmegate.cluster.Cluster;
import io.nvmegate.cluster.ClusterOptions;
import io.nvmegate.protocol.Status;
import io.vertx.core.Future;
import io.vertx.core.eventbus.Message;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link ReplyOutbox} between two real clustered Vert.x members (Hazelcast on 127.0.0.1, phone-home and multicast
 * off: {@link Cluster}): a "worker" member answering {@link BlockBatch}es through {@link EventBusEndpoint}, and a
 * "gateway" member whose reply consumer is not (yet) registered anywhere in the cluster when the worker answers: the
 * state after a gateway rejoins the cluster and before its registrations are republished.
 */
class ReplyOutboxTest {
    static final String WORKER = "nvmegate.block.test-outbox";
    final String name = "outbox-" + UUID.randomUUID();
    final List<Cluster.Node> nodes = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (Cluster.Node n : nodes) await(n.vertx().close());
    }

    static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }

    Cluster.Node member() throws Exception {
        List<String> members = nodes.isEmpty() ? List.of()
                : List.of("127.0.0.1:" + nodes.get(0).hazelcast().getCluster().getLocalMember().getAddress().getPort());
        Cluster.Node n = await(Cluster.start(new ClusterOptions(name, "127.0.0.1", 0, members)));
        BlockCodecs.register(n.vertx().eventBus());
        nodes.add(n);
        return n;
    }

    @Test
    void aReplyToAnAddressRegisteredLateIsDeliveredOnceItIs() throws Exception {
        Cluster.Node worker = member();
        Cluster.Node gateway = member();
        await(worker.vertx().eventBus().<Object>consumer(WORKER, m -> EventBusEndpoint.deliver(m,
                (request, responder) -> responder.reply(BlockReply.status(Status.SUCCESS)))).completion());

        String replyAddress = "nvmegate.replies." + UUID.randomUUID();
        BlockBatch batch = new BlockBatch(replyAddress, new long[] {7, 8},
                new BlockRequest[] {BlockRequest.flush(UUID.randomUUID()), BlockRequest.flush(UUID.randomUUID())});
        await(gateway.vertx().eventBus().<BlockBatch>sender(WORKER).write(batch));

        Thread.sleep(1_500); // the worker answered (no consumer anywhere: NO_HANDLERS) and is retrying
        CompletableFuture<BlockReplyBatch> got = new CompletableFuture<>();
        await(gateway.vertx().eventBus().<BlockReplyBatch>consumer(replyAddress, (Message<BlockReplyBatch> m) -> got.complete(m.body()))
                .completion());

        BlockReplyBatch replies = got.get(ReplyOutbox.RETRY_MS, TimeUnit.MILLISECONDS);
        assertThat(replies.correlations()).containsExactly(7, 8);
        assertThat(replies.replies()).extracting(BlockReply::status).containsExactly(Status.SUCCESS, Status.SUCCESS);
    }
}
