package io.nvmegate.blockio;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The clustered wire form of {@link BlockRequest}, including the host of the reservation access check. */
class BlockCodecsTest {
    static final UUID NS = UUID.randomUUID(), HOST = UUID.randomUUID();

    static BlockRequest roundTrip(BlockRequest r) {
        BlockCodecs.RequestCodec c = new BlockCodecs.RequestCodec();
        Buffer b = Buffer.buffer().appendString("xx"); // the codec is given a position
        c.encodeToWire(b, r);
        return c.decodeFromWire(2, b);
    }

    @Test
    void requestsWithAndWithoutHost() {
        BlockRequest w = BlockRequest.write(NS, 512, 7, 1, true, Buffer.buffer(new byte[512])).withHost(HOST, 0x401);
        BlockRequest back = roundTrip(w);
        assertThat(back.host()).isEqualTo(HOST);
        assertThat(back.cntlid()).isEqualTo(0x401);
        assertThat(back.op()).isEqualTo(BlockOp.WRITE);
        assertThat(back.slba()).isEqualTo(7);
        assertThat(back.data().length()).isEqualTo(512);

        BlockRequest d = roundTrip(BlockRequest.deallocate(NS, 512, new long[] {1, 2}));
        assertThat(d.host()).isNull();
        assertThat(d.ranges()).containsExactly(1, 2);

        BlockRequest r = roundTrip(BlockRequest.reservation(BlockOp.RESERVATION_ACQUIRE, NS, 0x80000201, 1,
                Buffer.buffer(new byte[16]), HOST, 3));
        assertThat(r.slba()).as("CDW10, unsigned").isEqualTo(0x80000201L);
        assertThat(r.nlb()).isEqualTo(1);
        assertThat(r.host()).isEqualTo(HOST);
        assertThat(r.cntlid()).isEqualTo(3);
    }
}
