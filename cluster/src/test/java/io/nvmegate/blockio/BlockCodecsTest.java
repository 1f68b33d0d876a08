package io.nvmegate.blockio;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The clustered wire form of {@link BlockRequest} and {@link BlockReply} (layout in {@link BlockCodecs}). */
class BlockCodecsTest {
    static final UUID NS = UUID.randomUUID(), HOST = UUID.randomUUID();
    static final int POS = 2; // the codec is given a position

    static Buffer encode(BlockRequest r) {
        Buffer b = Buffer.buffer().appendString("xx");
        new BlockCodecs.RequestCodec().encodeToWire(b, r);
        return b;
    }

    static BlockRequest roundTrip(BlockRequest r) {
        return new BlockCodecs.RequestCodec().decodeFromWire(POS, encode(r));
    }

    @Test
    void requestsWithAndWithoutHost() {
        BlockRequest w = BlockRequest.write(NS, 512, 7, 1, true, Buffer.buffer(new byte[512])).withHost(HOST, 0x401);
        BlockRequest back = roundTrip(w);
        assertThat(back.host()).isEqualTo(HOST);
        assertThat(back.cntlid()).isEqualTo(0x401);
        assertThat(back.op()).isEqualTo(BlockOp.WRITE);
        assertThat(back.slba()).isEqualTo(7);
        assertThat(back.nlb()).isEqualTo(1);
        assertThat(back.fua()).isTrue();
        assertThat(back.data().length()).isEqualTo(512);
        assertThat(back.cdw10()).isZero();

        BlockRequest d = roundTrip(BlockRequest.deallocate(NS, 512, new long[] {1, 2}));
        assertThat(d.host()).isNull();
        assertThat(d.ranges()).containsExactly(1, 2);
        assertThat(d.data()).isNull();
    }

    @Test
    void reservationRequestsCarryCdw10AndCdw11InTheirOwnFields() {
        BlockRequest r = roundTrip(BlockRequest.reservation(BlockOp.RESERVATION_REPORT, NS, 0x80000201, 1, null, HOST, 3));
        assertThat(r.op()).isEqualTo(BlockOp.RESERVATION_REPORT);
        assertThat(r.cdw10()).as("CDW10, all 32 bits").isEqualTo(0x80000201);
        assertThat(r.cdw11()).isEqualTo(1);
        assertThat(r.slba()).as("no block address").isZero();
        assertThat(r.nlb()).isZero();
        assertThat(r.host()).isEqualTo(HOST);
        assertThat(r.cntlid()).isEqualTo(3);

        BlockRequest a = roundTrip(BlockRequest.reservation(BlockOp.RESERVATION_ACQUIRE, NS, 0x201, 0,
                Buffer.buffer().appendLongLE(0xA1).appendLongLE(0xB2), HOST, 4));
        assertThat(a.cdw10()).isEqualTo(0x201);
        assertThat(a.data().getLongLE(8)).isEqualTo(0xB2);

        BlockRequest gone = roundTrip(BlockRequest.controllerGone(NS, HOST, 5));
        assertThat(gone.op()).isEqualTo(BlockOp.CONTROLLER_GONE);
        assertThat(gone.op().reservation()).isTrue();
        assertThat(gone.cntlid()).isEqualTo(5);
    }

    @Test
    void requestByteLayout() {
        BlockRequest r = new BlockRequest(BlockOp.COMPARE, NS, 4096, 0x0102030405060708L, 9, true, Buffer.buffer(new byte[] {1, 2, 3}),
                new long[] {11, 12}, 0x11223344, 0x55667788, HOST, 0x1234);
        Buffer b = encode(r);
        int p = POS;
        assertThat(b.getByte(p)).isEqualTo((byte) BlockOp.COMPARE.ordinal());
        assertThat(b.getLong(p + 1)).isEqualTo(NS.getMostSignificantBits());
        assertThat(b.getLong(p + 9)).isEqualTo(NS.getLeastSignificantBits());
        assertThat(b.getInt(p + 17)).isEqualTo(4096);
        assertThat(b.getLong(p + 21)).isEqualTo(0x0102030405060708L);
        assertThat(b.getInt(p + 29)).isEqualTo(9);
        assertThat(b.getByte(p + 33)).isEqualTo((byte) 1);
        assertThat(b.getInt(p + 34)).isEqualTo(0x11223344);
        assertThat(b.getInt(p + 38)).isEqualTo(0x55667788);
        assertThat(b.getInt(p + 42)).as("data length").isEqualTo(3);
        assertThat(b.getBytes(p + 46, p + 49)).containsExactly(1, 2, 3);
        assertThat(b.getInt(p + 49)).as("range longs").isEqualTo(2);
        assertThat(b.getLong(p + 53)).isEqualTo(11);
        assertThat(b.getLong(p + 61)).isEqualTo(12);
        assertThat(b.getByte(p + 69)).as("host present").isEqualTo((byte) 1);
        assertThat(b.getLong(p + 70)).isEqualTo(HOST.getMostSignificantBits());
        assertThat(b.getLong(p + 78)).isEqualTo(HOST.getLeastSignificantBits());
        assertThat(b.getInt(p + 86)).isEqualTo(0x1234);
        assertThat(b.getByte(p + 90)).as("requestId present").isEqualTo((byte) 0);
        assertThat(b.getLong(p + 91)).as("no lease").isZero();
        assertThat(b.length()).isEqualTo(p + 99);

        RequestId id = new RequestId(HOST, 0x0A0B0C0D0E0F1011L);
        Buffer withId = encode(r.withRequestId(id));
        assertThat(withId.getByte(p + 90)).as("requestId present").isEqualTo((byte) 1);
        assertThat(withId.getLong(p + 91)).isEqualTo(HOST.getMostSignificantBits());
        assertThat(withId.getLong(p + 99)).isEqualTo(HOST.getLeastSignificantBits());
        assertThat(withId.getLong(p + 107)).isEqualTo(0x0A0B0C0D0E0F1011L);
        assertThat(withId.getLong(p + 115)).as("no lease").isZero();
        assertThat(withId.length()).isEqualTo(p + 123);
        assertThat(new BlockCodecs.RequestCodec().decodeFromWire(p, withId).requestId()).isEqualTo(id);

        Buffer leased = encode(r.withRequestId(id).withLease(0x1122334455667788L));
        assertThat(leased.getLong(p + 115)).as("leaseUntil").isEqualTo(0x1122334455667788L);
        BlockRequest back = new BlockCodecs.RequestCodec().decodeFromWire(p, leased);
        assertThat(back.leaseUntil()).isEqualTo(0x1122334455667788L);
        assertThat(back.requestId()).isEqualTo(id);
        assertThat(back.withHost(HOST, 7).leaseUntil()).as("kept by withHost").isEqualTo(0x1122334455667788L);
    }

    @Test
    void unknownOpDecodesToNullInsteadOfFailing() {
        Buffer b = encode(BlockRequest.flush(NS));
        b.setByte(POS, (byte) 0xF0);
        BlockRequest r = new BlockCodecs.RequestCodec().decodeFromWire(POS, b);
        assertThat(r.op()).isNull();
        assertThat(r.namespace()).isEqualTo(NS);
    }

    @Test
    void replies() {
        BlockCodecs.ReplyCodec c = new BlockCodecs.ReplyCodec();
        Buffer b = Buffer.buffer().appendString("xx");
        c.encodeToWire(b, new BlockReply(0x4002, Buffer.buffer(new byte[] {7, 8})));
        assertThat(b.getInt(POS)).isEqualTo(0x4002);
        assertThat(b.getInt(POS + 4)).isEqualTo(2);
        BlockReply back = c.decodeFromWire(POS, b);
        assertThat(back.status()).isEqualTo(0x4002);
        assertThat(back.data().getBytes()).containsExactly(7, 8);
        assertThat(b.getUnsignedShort(POS + 10)).as("no leader").isEqualTo(0xFFFF);
        assertThat(back.leader()).isNull();
        Buffer none = Buffer.buffer();
        c.encodeToWire(none, BlockReply.status(0x4002));
        assertThat(c.decodeFromWire(0, none).data()).isNull();
        Buffer redirect = Buffer.buffer();
        c.encodeToWire(redirect, BlockReply.notLeader("worker-2"));
        assertThat(redirect.getInt(4)).isEqualTo(-1);
        assertThat(redirect.getUnsignedShort(8)).isEqualTo(8);
        assertThat(redirect.getString(10, 18)).isEqualTo("worker-2");
        BlockReply r = c.decodeFromWire(0, redirect);
        assertThat(r.redirect()).isTrue();
        assertThat(r.leader()).isEqualTo("worker-2");
    }

    @Test
    void lbaRangeRule() {
        assertThat(LbaRange.contains(0, 8, 8)).isTrue();
        assertThat(LbaRange.contains(1, 8, 8)).isFalse();
        assertThat(LbaRange.contains(8, 0, 8)).isTrue();
        assertThat(LbaRange.contains(-1, 1, Long.MAX_VALUE)).as("SLBA >= 2^63").isFalse();
        assertThat(LbaRange.contains(Long.MAX_VALUE - 1, 2, Long.MAX_VALUE)).as("no overflow").isFalse();
        assertThat(LbaRange.bytes(LbaRange.MAX_NLB, 4096)).isEqualTo(256L << 20);
    }
}
