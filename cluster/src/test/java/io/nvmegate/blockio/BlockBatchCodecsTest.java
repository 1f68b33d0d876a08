package io.nvmegate.blockio;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The clustered wire forms of {@link BlockBatch} and {@link BlockReplyBatch} ({@link BlockBatchCodecs}): round
 * trips, and untrusted bytes (truncated, corrupted, random) that must fail with {@link IllegalArgumentException} only,
 * never another exception nor an allocation sized by an unchecked count.
 */
class BlockBatchCodecsTest {
    static final UUID NS = UUID.randomUUID(), HOST = UUID.randomUUID(), CLIENT = UUID.randomUUID();
    static final String REPLIES = "nvmegate.replies." + UUID.randomUUID();

    static Buffer data(int n, long seed) {
        byte[] b = new byte[n];
        new SplittableRandom(seed).nextBytes(b);
        return Buffer.buffer(b);
    }

    static BlockBatch batch() {
        return new BlockBatch(REPLIES, new long[] {7, Long.MAX_VALUE, -1, 42}, new BlockRequest[] {
                BlockRequest.read(NS, 4096, 100, 8).withHost(HOST, 3).withRequestId(new RequestId(CLIENT, 1)).withLease(123456789L),
                BlockRequest.write(NS, 512, 7, 2, true, data(1024, 1)).withRequestId(new RequestId(CLIENT, 2)),
                BlockRequest.deallocate(NS, 512, new long[] {1, 2, 30, 40}),
                BlockRequest.reservation(BlockOp.RESERVATION_REPORT, NS, 0x80000201, 1, null, HOST, 5)});
    }

    static BlockReplyBatch replies() {
        return new BlockReplyBatch(new long[] {7, Long.MAX_VALUE, -1},
                new BlockReply[] {new BlockReply(0, data(4096, 2)), BlockReply.OK, BlockReply.notLeader("worker-2")});
    }

    @Test
    void batchRoundTrip() {
        BlockBatch in = batch();
        BlockBatch out = BlockBatchCodecs.decodeBatch(BlockBatchCodecs.encode(in));
        assertThat(out.replyAddress()).isEqualTo(REPLIES);
        assertThat(out.correlations()).containsExactly(in.correlations());
        assertThat(out.size()).isEqualTo(4);
        BlockRequest r = out.requests()[0];
        assertThat(r.op()).isEqualTo(BlockOp.READ);
        assertThat(r.slba()).isEqualTo(100);
        assertThat(r.nlb()).isEqualTo(8);
        assertThat(r.host()).isEqualTo(HOST);
        assertThat(r.cntlid()).isEqualTo(3);
        assertThat(r.requestId()).isEqualTo(new RequestId(CLIENT, 1));
        assertThat(r.leaseUntil()).as("the last field of an entry, read within the entry's length").isEqualTo(123456789L);
        BlockRequest w = out.requests()[1];
        assertThat(w.fua()).isTrue();
        assertThat(w.data()).isEqualTo(data(1024, 1));
        assertThat(w.leaseUntil()).isZero();
        assertThat(out.requests()[2].ranges()).containsExactly(1, 2, 30, 40);
        assertThat(out.requests()[3].cdw10()).isEqualTo(0x80000201);
    }

    @Test
    void replyBatchRoundTrip() {
        BlockReplyBatch out = BlockBatchCodecs.decodeReplyBatch(BlockBatchCodecs.encode(replies()));
        assertThat(out.correlations()).containsExactly(7, Long.MAX_VALUE, -1);
        assertThat(out.replies()[0].status()).isZero();
        assertThat(out.replies()[0].data()).isEqualTo(data(4096, 2));
        assertThat(out.replies()[1].data()).isNull();
        assertThat(out.replies()[2].redirect()).isTrue();
        assertThat(out.replies()[2].leader()).isEqualTo("worker-2");
    }

    @Test
    void localDeliveryPassesTheObject() {
        BlockBatch b = batch();
        assertThat(new BlockBatchCodecs.BatchCodec().transform(b)).isSameAs(b);
        BlockReplyBatch r = replies();
        assertThat(new BlockBatchCodecs.ReplyBatchCodec().transform(r)).isSameAs(r);
    }

    @Test
    void everyTruncationFailsCleanly() {
        Buffer b = BlockBatchCodecs.encode(batch());
        for (int n = 0; n < b.length(); n++) {
            Buffer cut = b.getBuffer(0, n);
            assertThatThrownBy(() -> BlockBatchCodecs.decodeBatch(cut)).as("batch cut at %d", n).isInstanceOf(IllegalArgumentException.class);
        }
        Buffer r = BlockBatchCodecs.encode(replies());
        for (int n = 0; n < r.length(); n++) {
            Buffer cut = r.getBuffer(0, n);
            assertThatThrownBy(() -> BlockBatchCodecs.decodeReplyBatch(cut)).as("reply batch cut at %d", n).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void hugeCountsAndLengthsFailBeforeAllocating() {
        // entry count 2^31-1 with nothing behind it
        Buffer count = Buffer.buffer().appendUnsignedShort(3).appendString("abc").appendInt(Integer.MAX_VALUE);
        assertThatThrownBy(() -> BlockBatchCodecs.decodeBatch(count)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("entry count");
        assertThatThrownBy(() -> BlockBatchCodecs.decodeReplyBatch(Buffer.buffer().appendInt(Integer.MAX_VALUE)))
                .isInstanceOf(IllegalArgumentException.class);
        // one entry whose request claims 2^31-1 ranges (a long[] of 16 GiB if the count were trusted)
        Buffer req = BlockCodecs.encode(BlockRequest.deallocate(NS, 512, new long[] {1, 2}));
        int rangeCount = BlockCodecs.REQUEST_HEADER + 4; // data length -1, then the range count
        req.setInt(rangeCount, Integer.MAX_VALUE);
        Buffer ranges = Buffer.buffer().appendUnsignedShort(3).appendString("abc").appendInt(1)
                .appendLong(1).appendInt(req.length()).appendBuffer(req);
        assertThatThrownBy(() -> BlockBatchCodecs.decodeBatch(ranges)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("range count");
        // a data length beyond the entry
        Buffer write = BlockCodecs.encode(BlockRequest.write(NS, 512, 0, 1, false, data(512, 3)));
        write.setInt(BlockCodecs.REQUEST_HEADER, Integer.MAX_VALUE - 10);
        Buffer data = Buffer.buffer().appendUnsignedShort(3).appendString("abc").appendInt(1)
                .appendLong(1).appendInt(write.length()).appendBuffer(write);
        assertThatThrownBy(() -> BlockBatchCodecs.decodeBatch(data)).isInstanceOf(IllegalArgumentException.class);
        // a request length beyond the message, a negative one, trailing bytes
        Buffer good = BlockBatchCodecs.encode(batch());
        int firstLength = 2 + REPLIES.length() + 4 + 8;
        for (int bad : new int[] {Integer.MAX_VALUE, -1, Integer.MIN_VALUE}) {
            Buffer c = good.copy().setInt(firstLength, bad);
            assertThatThrownBy(() -> BlockBatchCodecs.decodeBatch(c)).isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> BlockBatchCodecs.decodeBatch(good.copy().appendByte((byte) 0))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BlockBatchCodecs.decodeBatch(good.copy().setUnsignedShort(0, 0))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void corruptedAndRandomBytesFailCleanlyOrDecode() {
        SplittableRandom rnd = new SplittableRandom(17);
        Buffer good = BlockBatchCodecs.encode(batch());
        Buffer goodReplies = BlockBatchCodecs.encode(replies());
        long heap = Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
        for (int i = 0; i < 5_000; i++) {
            Buffer b = (i % 2 == 0 ? good : goodReplies).copy();
            int flips = 1 + rnd.nextInt(4);
            for (int f = 0; f < flips; f++) b.setByte(rnd.nextInt(b.length()), (byte) rnd.nextInt(256));
            decodeOrIllegalArgument(b);
            byte[] random = new byte[rnd.nextInt(200)];
            rnd.nextBytes(random);
            decodeOrIllegalArgument(Buffer.buffer(random));
        }
        long after = Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
        assertThat(after - heap).as("no allocation sized by a corrupted count").isLessThan(512L << 20);
    }

    static void decodeOrIllegalArgument(Buffer b) {
        for (int kind = 0; kind < 2; kind++) {
            try {
                if (kind == 0) BlockBatchCodecs.decodeBatch(b);
                else BlockBatchCodecs.decodeReplyBatch(b);
            } catch (IllegalArgumentException expected) {
                // clean refusal
            }
        }
    }

    @Test
    void batchesHoldOneToMaxEntries() {
        assertThatThrownBy(() -> new BlockBatch(REPLIES, new long[0], new BlockRequest[0])).isInstanceOf(IllegalArgumentException.class);
        int n = BlockBatchCodecs.MAX_ENTRIES;
        BlockRequest[] many = new BlockRequest[n];
        java.util.Arrays.fill(many, BlockRequest.flush(NS));
        BlockBatch full = new BlockBatch(REPLIES, new long[n], many);
        assertThat(BlockBatchCodecs.decodeBatch(BlockBatchCodecs.encode(full)).size()).isEqualTo(n);
        assertThatThrownBy(() -> new BlockBatch(REPLIES, new long[n + 1], new BlockRequest[n + 1])).isInstanceOf(IllegalArgumentException.class);
    }
}
