package io.nvmegate.replication;

import io.nvmegate.blockio.BlockReply;
import io.nvmegate.blockio.RequestId;
import io.nvmegate.protocol.Status;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The bounded, deterministic request-ID window: slot = log index mod 4096, persistent slot layout. */
class RequestDedupeTest {
    static final UUID C = UUID.fromString("00000000-0000-0000-0000-0000000000c1");
    final RequestDedupe d = new RequestDedupe();

    static RequestId id(long call) { return new RequestId(C, call); }

    @Test
    void aRecordedRequestAnswersItsFirstReply() {
        BlockReply failed = BlockReply.status(Status.COMPARE_FAILURE);
        d.record(7, id(1), failed);
        assertThat(d.reply(id(1))).isEqualTo(failed);
        assertThat(d.reply(id(2))).isNull();
        assertThat(d.reply(null)).isNull();
    }

    @Test
    void theEntry4096IndexesLaterTakesTheSlot() {
        d.record(5, id(1), BlockReply.OK);
        d.record(6, id(2), BlockReply.OK);
        d.record(5 + RequestDedupe.SLOTS, id(3), BlockReply.OK);
        assertThat(d.reply(id(1))).as("evicted").isNull();
        assertThat(d.reply(id(2))).isNotNull();
        assertThat(d.reply(id(3))).isNotNull();
        assertThat(d.size()).isEqualTo(2);
        for (long i = 0; i < 3L * RequestDedupe.SLOTS; i++) d.record(100 + i, id(1000 + i), BlockReply.OK);
        assertThat(d.size()).as("bounded").isEqualTo(RequestDedupe.SLOTS);
    }

    @Test
    void slotsRoundTripThroughTheirPersistentForm() {
        BlockReply report = new BlockReply(0, Buffer.buffer(new byte[] {1, 2, 3, 4}));
        RequestDedupe.Slot s = new RequestDedupe.Slot(4097, id(42), report);
        byte[] v = RequestDedupe.encode(s);
        assertThat(java.nio.ByteBuffer.wrap(v).getLong(0)).isEqualTo(4097);
        assertThat(java.nio.ByteBuffer.wrap(v).getLong(24)).isEqualTo(42);
        RequestDedupe.Slot back = RequestDedupe.decode(v);
        assertThat(back.index()).isEqualTo(4097);
        assertThat(back.id()).isEqualTo(id(42));
        assertThat(back.reply().data().getBytes()).containsExactly(1, 2, 3, 4);
        RequestDedupe other = new RequestDedupe();
        other.restore(back);
        assertThat(other.reply(id(42)).status()).isZero();
        assertThat(RequestDedupe.slot(4097)).isEqualTo(1);
        assertThatThrownBy(() -> RequestDedupe.decode(new byte[10])).isInstanceOf(IllegalArgumentException.class);
    }
}
