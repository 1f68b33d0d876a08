package io.nvmegate.blockio;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.vertx.core.buffer.Buffer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Coverage-guided fuzzing (Jazzer) of the gateway↔worker wire format: the decoders of {@link BlockCodecs}
 * (BlockRequest, BlockReply: clustered event-bus messages, Raft log entries and the replicated dedupe table) and
 * {@link BlockBatchCodecs} (BlockBatch, BlockReplyBatch). Bytes that are not such a wire form must fail with
 * {@link IllegalArgumentException} only (the receiver logs and drops the message); any other exception is a
 * finding. A value that decodes encodes to a wire form that decodes to an equal value.
 *
 * <p>Regression inputs: {@code src/test/resources/io/nvmegate/blockio/BlockCodecsFuzzTestInputs/<method>/}, among them
 * {@code finding-*}: inputs the fuzzer found (short and truncated requests and replies that threw
 * IndexOutOfBoundsException before the length checks of {@link BlockCodecs}).
 */
class BlockCodecsFuzzTest {
    @FuzzTest
    void request(byte[] data) {
        BlockRequest r;
        try {
            r = BlockCodecs.decodeRequest(Buffer.buffer(data));
        } catch (IllegalArgumentException e) {
            return;
        }
        BlockRequest again = BlockCodecs.decodeRequest(BlockCodecs.encode(r));
        assertThat(BlockCodecs.encode(again)).isEqualTo(BlockCodecs.encode(r));
    }

    @FuzzTest
    void reply(byte[] data) {
        BlockReply r;
        try {
            r = BlockCodecs.decodeReply(Buffer.buffer(data));
        } catch (IllegalArgumentException e) {
            return;
        }
        BlockReply again = BlockCodecs.decodeReply(BlockCodecs.encode(r));
        assertThat(again.status()).isEqualTo(r.status());
        assertThat(again.data()).isEqualTo(r.data());
        assertThat(again.leader()).isEqualTo(r.leader());
    }

    @FuzzTest
    void batch(byte[] data) {
        BlockBatch b;
        try {
            b = BlockBatchCodecs.decodeBatch(Buffer.buffer(data));
        } catch (IllegalArgumentException e) {
            return;
        }
        assertThat(b.size()).isBetween(1, BlockBatchCodecs.MAX_ENTRIES);
        BlockBatch again = BlockBatchCodecs.decodeBatch(BlockBatchCodecs.encode(b));
        assertThat(BlockBatchCodecs.encode(again)).isEqualTo(BlockBatchCodecs.encode(b));
    }

    @FuzzTest
    void replyBatch(byte[] data) {
        BlockReplyBatch b;
        try {
            b = BlockBatchCodecs.decodeReplyBatch(Buffer.buffer(data));
        } catch (IllegalArgumentException e) {
            return;
        }
        assertThat(b.size()).isBetween(1, BlockBatchCodecs.MAX_ENTRIES);
        BlockReplyBatch again = BlockBatchCodecs.decodeReplyBatch(BlockBatchCodecs.encode(b));
        assertThat(BlockBatchCodecs.encode(again)).isEqualTo(BlockBatchCodecs.encode(b));
    }
}
