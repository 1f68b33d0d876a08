package io.nvmegate.blockio;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageCodec;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Event-bus codecs for {@link BlockRequest} and {@link BlockReply}. Local delivery passes the object itself
 * ({@link MessageCodec#transform} is the identity), so buffers are never copied inside one JVM; clustered
 * delivery uses the wire forms below: big-endian (Vert.x {@link Buffer} conventions), offsets relative to the
 * position the event bus gives the codec. The layout has no version field: every member of a cluster must run
 * the same build.
 *
 * <pre>
 * BlockRequest
 * offset  size       field
 *  0      1          op: {@link BlockOp} ordinal (an unknown value decodes to op null, which the worker refuses)
 *  1      8          namespace UUID most significant bits
 *  9      8          namespace UUID least significant bits
 * 17      4          blockSize (bytes)
 * 21      8          slba (blocks)
 * 29      4          nlb (blocks, 1's based)
 * 33      1          fua (0 / 1)
 * 34      4          cdw10
 * 38      4          cdw11
 * 42      4          dataLen D (bytes; -1 = no data)
 * 46      max(D, 0)  data
 *  p      4          rangeCount R (longs, i.e. 2 x number of ranges; -1 = no ranges)
 *  p+4    8 x R      ranges: slba, nlb, slba, nlb, ...
 *  q      1          host present (0 / 1)
 *  q+1    16         host UUID msb, lsb (only if present)
 *  r      4          cntlid
 *  r+4    1          requestId present (0 / 1)
 *  r+5    24         requestId: client UUID msb, lsb, call (only if present)
 *  t      8          leaseUntil (cluster time, ms; 0 = no lease)
 *
 * BlockReply
 *  0      4          status (NVMe status field, see {@link BlockReply#status()})
 *  4      4          dataLen D (-1 = no data)
 *  8      max(D, 0)  data
 *  s      2          leader length L (bytes of UTF-8; 0xFFFF = no leader)
 *  s+2    L          leader worker ID (UTF-8)
 * </pre>
 */
public final class BlockCodecs {
    private BlockCodecs() {}

    /** Bytes of the fixed part of a request, before the data length. */
    static final int REQUEST_HEADER = 42;

    /** Registers both codecs as the default codecs of their classes; safe to call more than once. */
    public static void register(EventBus bus) {
        try {
            bus.registerDefaultCodec(BlockRequest.class, new RequestCodec());
            bus.registerDefaultCodec(BlockReply.class, new ReplyCodec());
        } catch (IllegalStateException alreadyRegistered) {
            // another verticle of this Vert.x instance registered them
        }
        BlockBatchCodecs.register(bus);
    }

    private static final RequestCodec REQUEST = new RequestCodec();
    private static final ReplyCodec REPLY = new ReplyCodec();

    /** @return the wire form of {@code r} (layout above), e.g. the data of a Raft log entry */
    public static Buffer encode(BlockRequest r) {
        Buffer b = Buffer.buffer(REQUEST_HEADER + 64 + (r.data() == null ? 0 : r.data().length()));
        REQUEST.encodeToWire(b, r);
        return b;
    }

    /** @return the request whose wire form starts at offset 0 of {@code b}; its data is a slice of {@code b} */
    public static BlockRequest decodeRequest(Buffer b) {
        return REQUEST.decodeFromWire(0, b);
    }

    /** @return the wire form of {@code r} (layout above) */
    public static Buffer encode(BlockReply r) {
        Buffer b = Buffer.buffer(16 + (r.data() == null ? 0 : r.data().length()));
        REPLY.encodeToWire(b, r);
        return b;
    }

    /** @return the reply whose wire form starts at offset 0 of {@code b}; its data is a slice of {@code b} */
    public static BlockReply decodeReply(Buffer b) {
        return REPLY.decodeFromWire(0, b);
    }

    static final class RequestCodec implements MessageCodec<BlockRequest, BlockRequest> {
        private static final BlockOp[] OPS = BlockOp.values();

        @Override
        public void encodeToWire(Buffer b, BlockRequest r) {
            write(WireWriter.reserve(b, encodedLength(r)), r);
        }

        /** Bytes of {@code r}'s wire form (layout above). */
        static int encodedLength(BlockRequest r) {
            return REQUEST_HEADER + 4 + (r.data() == null ? 0 : r.data().length())
                    + 4 + (r.ranges() == null ? 0 : 8 * r.ranges().length)
                    + 1 + (r.host() == null ? 0 : 16) + 4 + 1 + (r.requestId() == null ? 0 : 24) + 8;
        }

        static void write(WireWriter w, BlockRequest r) {
            w.i8(r.op() == null ? -1 : r.op().ordinal())
                    .i64(r.namespace().getMostSignificantBits()).i64(r.namespace().getLeastSignificantBits())
                    .i32(r.blockSize()).i64(r.slba()).i32(r.nlb()).i8(r.fua() ? 1 : 0)
                    .i32(r.cdw10()).i32(r.cdw11());
            writeData(w, r.data());
            if (r.ranges() == null) {
                w.i32(-1);
            } else {
                w.i32(r.ranges().length);
                for (long v : r.ranges()) w.i64(v);
            }
            if (r.host() == null) {
                w.i8(0);
            } else {
                w.i8(1).i64(r.host().getMostSignificantBits()).i64(r.host().getLeastSignificantBits());
            }
            w.i32(r.cntlid());
            RequestId id = r.requestId();
            if (id == null) {
                w.i8(0);
            } else {
                w.i8(1).i64(id.client().getMostSignificantBits()).i64(id.client().getLeastSignificantBits()).i64(id.call());
            }
            w.i64(r.leaseUntil());
        }

        /**
         * @throws IllegalArgumentException for bytes that are not a request of this layout, naming the field that is
         *         short (every field is checked against the message before it is read, lengths and counts before
         *         anything is allocated or sliced)
         */
        @Override
        public BlockRequest decodeFromWire(int pos, Buffer b) {
            need(b, pos, REQUEST_HEADER + 4, "BlockRequest header and data length");
            int opIndex = b.getUnsignedByte(pos);
            BlockOp op = opIndex < OPS.length ? OPS[opIndex] : null;
            UUID ns = new UUID(b.getLong(pos + 1), b.getLong(pos + 9));
            int bs = b.getInt(pos + 17);
            long slba = b.getLong(pos + 21);
            int nlb = b.getInt(pos + 29);
            boolean fua = b.getByte(pos + 33) != 0;
            int cdw10 = b.getInt(pos + 34);
            int cdw11 = b.getInt(pos + 38);
            int p = pos + REQUEST_HEADER;
            int dl = b.getInt(p);
            p += 4;
            Buffer data = null;
            if (dl >= 0) {
                if (dl > b.length() - p) throw new IllegalArgumentException("BlockRequest: data length " + dl + " beyond the message");
                data = b.slice(p, p + dl);
                p += dl;
            }
            need(b, p, 4, "BlockRequest range count");
            int rc = b.getInt(p);
            p += 4;
            long[] ranges = null;
            if (rc >= 0) {
                if (rc > (b.length() - p) / 8) throw new IllegalArgumentException("BlockRequest: range count " + rc + " beyond the message");
                ranges = new long[rc];
                for (int i = 0; i < rc; i++, p += 8) ranges[i] = b.getLong(p);
            }
            need(b, p, 1, "BlockRequest host flag");
            UUID host = null;
            if (b.getByte(p++) != 0) {
                need(b, p, 16, "BlockRequest host");
                host = new UUID(b.getLong(p), b.getLong(p + 8));
                p += 16;
            }
            need(b, p, 4 + 1, "BlockRequest cntlid and requestId flag");
            int cntlid = b.getInt(p);
            p += 4;
            RequestId id = null;
            if (b.getByte(p++) != 0) {
                need(b, p, 24, "BlockRequest requestId");
                id = new RequestId(new UUID(b.getLong(p), b.getLong(p + 8)), b.getLong(p + 16));
                p += 24;
            }
            long leaseUntil = 8 <= b.length() - p ? b.getLong(p) : 0; // a Raft log entry written before the field: no lease
            return new BlockRequest(op, ns, bs, slba, nlb, fua, data, ranges, cdw10, cdw11, host, cntlid, id, leaseUntil);
        }

        @Override
        public BlockRequest transform(BlockRequest r) { return r; }

        @Override
        public String name() { return "nvmegate.BlockRequest"; }

        @Override
        public byte systemCodecID() { return -1; }
    }

    static final class ReplyCodec implements MessageCodec<BlockReply, BlockReply> {
        @Override
        public void encodeToWire(Buffer b, BlockReply r) {
            byte[] leader = leaderBytes(r);
            write(WireWriter.reserve(b, encodedLength(r, leader)), r, leader);
        }

        /** @return the UTF-8 bytes of {@code r}'s leader, or null */
        static byte[] leaderBytes(BlockReply r) {
            return r.leader() == null ? null : r.leader().getBytes(StandardCharsets.UTF_8);
        }

        /** Bytes of {@code r}'s wire form (layout above), {@code leader} from {@link #leaderBytes}. */
        static int encodedLength(BlockReply r, byte[] leader) {
            return 8 + (r.data() == null ? 0 : r.data().length()) + 2 + (leader == null ? 0 : leader.length);
        }

        static void write(WireWriter w, BlockReply r, byte[] leader) {
            w.i32(r.status());
            writeData(w, r.data());
            if (leader == null) {
                w.u16(0xFFFF);
            } else {
                w.u16(leader.length).bytes(leader);
            }
        }

        /**
         * @throws IllegalArgumentException for bytes that are not a reply of this layout, naming the field that is
         *         short (checked before it is read or sliced)
         */
        @Override
        public BlockReply decodeFromWire(int pos, Buffer b) {
            need(b, pos, 8, "BlockReply status and data length");
            int status = b.getInt(pos);
            int dl = b.getInt(pos + 4);
            if (dl > b.length() - pos - 8) throw new IllegalArgumentException("BlockReply: data length " + dl + " beyond the message");
            int p = pos + 8 + Math.max(dl, 0);
            need(b, p, 2, "BlockReply leader length");
            int ll = b.getUnsignedShort(p);
            if (ll != 0xFFFF) need(b, p + 2, ll, "BlockReply leader");
            String leader = ll == 0xFFFF ? null : b.getString(p + 2, p + 2 + ll, "UTF-8");
            return new BlockReply(status, dl < 0 ? null : b.slice(pos + 8, pos + 8 + dl), leader);
        }

        @Override
        public BlockReply transform(BlockReply r) { return r; }

        @Override
        public String name() { return "nvmegate.BlockReply"; }

        @Override
        public byte systemCodecID() { return -1; }
    }

    /** @throws IllegalArgumentException naming {@code what} when fewer than {@code n} bytes follow offset {@code p} */
    private static void need(Buffer b, int p, int n, String what) {
        if (p < 0 || n > b.length() - p) {
            throw new IllegalArgumentException(what + ": " + n + " bytes needed at offset " + p + ", the message has " + b.length());
        }
    }

    private static void writeData(WireWriter w, Buffer data) {
        if (data == null) {
            w.i32(-1);
        } else {
            w.i32(data.length()).buffer(data);
        }
    }
}
