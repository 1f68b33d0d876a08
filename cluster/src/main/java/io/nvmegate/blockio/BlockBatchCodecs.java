package io.nvmegate.blockio;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageCodec;

import java.nio.charset.StandardCharsets;

/**
 * Event-bus codecs for {@link BlockBatch} and {@link BlockReplyBatch}, registered with {@link BlockCodecs#register}.
 * Local delivery passes the object itself (identity {@link MessageCodec#transform}: no copy inside one JVM);
 * clustered delivery uses the wire forms below, big-endian, offsets relative to the position the event bus gives the
 * codec; the body is the last part of a Vert.x clustered message, so a wire form runs to the end of the buffer.
 * Each request and reply is in its {@link BlockCodecs} wire form, length-prefixed. No version field: every member
 * of a cluster runs the same build.
 *
 * <pre>
 * BlockBatch
 * offset  size  field
 *  0      2     reply address length A (bytes of UTF-8, 1 to {@value #MAX_ADDRESS_BYTES})
 *  2      A     reply address (UTF-8)
 *  2+A    4     entry count N (1 to {@value #MAX_ENTRIES})
 *  6+A    ...   N entries:
 *                 0   8  correlation ID
 *                 8   4  request length L (bytes)
 *                 12  L  the request ({@link BlockCodecs}, BlockRequest layout)
 *
 * BlockReplyBatch
 *  0      4     entry count N (1 to {@value #MAX_ENTRIES})
 *  4      ...   N entries:
 *                 0   8  correlation ID
 *                 8   4  reply length L (bytes)
 *                 12  L  the reply ({@link BlockCodecs}, BlockReply layout)
 * </pre>
 *
 * <p>Decoding trusts nothing: every count and length is checked against the bytes that remain before anything is
 * allocated or sliced, an entry must be exactly its length and the message exactly its entries. Bytes that are not
 * such a message fail with {@link IllegalArgumentException} only (the receiver logs and drops the message: a
 * worker cannot answer a batch it cannot read, the gateway's requests then time out).
 */
public final class BlockBatchCodecs {
    private BlockBatchCodecs() {}

    /** Most entries of one batch message; a sender with more splits them over several messages. */
    public static final int MAX_ENTRIES = 1024;
    /**
     * Payload bytes (request or reply data) after which a sender starts a new batch message: small commands share
     * a message, large transfers travel (nearly) one per message so that they stream instead of waiting for the
     * whole batch (measured: 128 KiB reads at QD8 lost a third of their rate when 8 replies shared one message).
     */
    public static final int MAX_BATCH_PAYLOAD = 64 * 1024;
    /** Longest reply address (bytes of UTF-8). */
    public static final int MAX_ADDRESS_BYTES = 255;
    /** Bytes of an entry before its request or reply: correlation ID and length. */
    static final int ENTRY_HEADER = 12;

    private static final BlockCodecs.RequestCodec REQUEST = new BlockCodecs.RequestCodec();
    private static final BlockCodecs.ReplyCodec REPLY = new BlockCodecs.ReplyCodec();

    /** Registers both codecs as the default codecs of their classes; safe to call more than once. */
    static void register(EventBus bus) {
        try {
            bus.registerDefaultCodec(BlockBatch.class, new BatchCodec());
            bus.registerDefaultCodec(BlockReplyBatch.class, new ReplyBatchCodec());
        } catch (IllegalStateException alreadyRegistered) {
            // another verticle of this Vert.x instance registered them
        }
    }

    /** @return the wire form of {@code batch} (layout above) */
    public static Buffer encode(BlockBatch batch) {
        Buffer b = Buffer.buffer(64 + batch.size() * 128);
        new BatchCodec().encodeToWire(b, batch);
        return b;
    }

    /**
     * @return the batch whose wire form is all of {@code b}; request data are slices of {@code b}
     * @throws IllegalArgumentException if {@code b} is not such a wire form
     */
    public static BlockBatch decodeBatch(Buffer b) {
        return new BatchCodec().decodeFromWire(0, b);
    }

    /** @return the wire form of {@code batch} (layout above) */
    public static Buffer encode(BlockReplyBatch batch) {
        Buffer b = Buffer.buffer(16 + batch.size() * 32);
        new ReplyBatchCodec().encodeToWire(b, batch);
        return b;
    }

    /**
     * @return the reply batch whose wire form is all of {@code b}; reply data are slices of {@code b}
     * @throws IllegalArgumentException if {@code b} is not such a wire form
     */
    public static BlockReplyBatch decodeReplyBatch(Buffer b) {
        return new ReplyBatchCodec().decodeFromWire(0, b);
    }

    static final class BatchCodec implements MessageCodec<BlockBatch, BlockBatch> {
        @Override
        public void encodeToWire(Buffer b, BlockBatch batch) {
            byte[] address = batch.replyAddress().getBytes(StandardCharsets.UTF_8);
            if (address.length == 0 || address.length > MAX_ADDRESS_BYTES) {
                throw new IllegalArgumentException("reply address of " + address.length + " bytes");
            }
            int total = 2 + address.length + 4;
            for (int i = 0; i < batch.size(); i++) total += ENTRY_HEADER + BlockCodecs.RequestCodec.encodedLength(batch.requests()[i]);
            WireWriter w = WireWriter.reserve(b, total).u16(address.length).bytes(address).i32(batch.size());
            for (int i = 0; i < batch.size(); i++) {
                BlockRequest r = batch.requests()[i];
                w.i64(batch.correlations()[i]).i32(BlockCodecs.RequestCodec.encodedLength(r));
                BlockCodecs.RequestCodec.write(w, r);
            }
        }

        @Override
        public BlockBatch decodeFromWire(int pos, Buffer b) {
            try {
                int end = b.length();
                int p = pos;
                need(b, p, 2, "reply address length");
                int a = b.getUnsignedShort(p);
                p += 2;
                if (a == 0 || a > MAX_ADDRESS_BYTES) throw malformed("reply address length " + a);
                need(b, p, a + 4, "reply address and entry count");
                String replyAddress = b.getString(p, p + a, "UTF-8");
                p += a;
                int n = entryCount(b, p);
                p += 4;
                long[] correlations = new long[n];
                BlockRequest[] requests = new BlockRequest[n];
                for (int i = 0; i < n; i++) {
                    need(b, p, ENTRY_HEADER, "entry header");
                    correlations[i] = b.getLong(p);
                    int len = b.getInt(p + 8);
                    p += ENTRY_HEADER;
                    if (len < 0 || len > end - p) throw malformed("request length " + len + " with " + (end - p) + " bytes left");
                    requests[i] = REQUEST.decodeFromWire(0, b.slice(p, p + len));
                    p += len;
                }
                if (p != end) throw malformed((end - p) + " bytes after the last entry");
                return new BlockBatch(replyAddress, correlations, requests);
            } catch (IllegalArgumentException e) {
                throw e;
            } catch (RuntimeException e) { // defence in depth: BlockCodecs throws IllegalArgumentException only (fuzzed)
                throw new IllegalArgumentException("malformed BlockBatch: " + e, e);
            }
        }

        @Override
        public BlockBatch transform(BlockBatch batch) { return batch; }

        @Override
        public String name() { return "nvmegate.BlockBatch"; }

        @Override
        public byte systemCodecID() { return -1; }
    }

    static final class ReplyBatchCodec implements MessageCodec<BlockReplyBatch, BlockReplyBatch> {
        @Override
        public void encodeToWire(Buffer b, BlockReplyBatch batch) {
            int n = batch.size();
            byte[][] leaders = null; // a leader (a redirect) is rare: no array unless one is there
            int total = 4;
            for (int i = 0; i < n; i++) {
                BlockReply r = batch.replies()[i];
                if (r.leader() != null) {
                    if (leaders == null) leaders = new byte[n][];
                    leaders[i] = BlockCodecs.ReplyCodec.leaderBytes(r);
                }
                total += ENTRY_HEADER + BlockCodecs.ReplyCodec.encodedLength(r, leaders == null ? null : leaders[i]);
            }
            WireWriter w = WireWriter.reserve(b, total).i32(n);
            for (int i = 0; i < n; i++) {
                BlockReply r = batch.replies()[i];
                byte[] leader = leaders == null ? null : leaders[i];
                w.i64(batch.correlations()[i]).i32(BlockCodecs.ReplyCodec.encodedLength(r, leader));
                BlockCodecs.ReplyCodec.write(w, r, leader);
            }
        }

        @Override
        public BlockReplyBatch decodeFromWire(int pos, Buffer b) {
            try {
                int end = b.length();
                int p = pos;
                int n = entryCount(b, p);
                p += 4;
                long[] correlations = new long[n];
                BlockReply[] replies = new BlockReply[n];
                for (int i = 0; i < n; i++) {
                    need(b, p, ENTRY_HEADER, "entry header");
                    correlations[i] = b.getLong(p);
                    int len = b.getInt(p + 8);
                    p += ENTRY_HEADER;
                    if (len < 0 || len > end - p) throw malformed("reply length " + len + " with " + (end - p) + " bytes left");
                    Buffer entry = b.slice(p, p + len);
                    replies[i] = REPLY.decodeFromWire(0, entry);
                    if (BlockCodecs.ReplyCodec.encodedLength(replies[i], BlockCodecs.ReplyCodec.leaderBytes(replies[i])) != len) throw malformed("reply " + i + " is not " + len + " bytes");
                    p += len;
                }
                if (p != end) throw malformed((end - p) + " bytes after the last entry");
                return new BlockReplyBatch(correlations, replies);
            } catch (IllegalArgumentException e) {
                throw e;
            } catch (RuntimeException e) { // defence in depth: BlockCodecs throws IllegalArgumentException only (fuzzed)
                throw new IllegalArgumentException("malformed BlockReplyBatch: " + e, e);
            }
        }

        @Override
        public BlockReplyBatch transform(BlockReplyBatch batch) { return batch; }

        @Override
        public String name() { return "nvmegate.BlockReplyBatch"; }

        @Override
        public byte systemCodecID() { return -1; }
    }

    /** @return the entry count at {@code p}, checked: 1 to {@link #MAX_ENTRIES}, and at most one entry per 12 bytes left */
    private static int entryCount(Buffer b, int p) {
        need(b, p, 4, "entry count");
        int n = b.getInt(p);
        if (n < 1 || n > MAX_ENTRIES) throw malformed("entry count " + n);
        if (n > (b.length() - p - 4) / ENTRY_HEADER) throw malformed("entry count " + n + " with " + (b.length() - p - 4) + " bytes left");
        return n;
    }

    private static void need(Buffer b, int p, int n, String what) {
        if (n > b.length() - p) throw malformed(what + ": " + n + " bytes needed, " + (b.length() - p) + " left");
    }

    private static IllegalArgumentException malformed(String why) {
        return new IllegalArgumentException("malformed batch: " + why);
    }
}
