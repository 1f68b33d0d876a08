package io.nvmegate.worker.reservation;

import io.nvmegate.blockio.BlockOp;
import io.nvmegate.blockio.BlockRequest;
import io.nvmegate.protocol.Status;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The synchronous reservation ops and access check shared by the RF 1 path and the replicated state machine. */
class ReservationCommandsTest {
    static final UUID NS = UUID.randomUUID();
    static final UUID A = UUID.fromString("00000000-0000-0000-0000-00000000000a");
    static final UUID B = UUID.fromString("00000000-0000-0000-0000-00000000000b");

    final ReservationEngine engine = new ReservationEngine(new ReservationState(), true);

    static Buffer le(long... values) {
        ByteBuffer b = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) b.putLong(v);
        return Buffer.buffer(b.array());
    }

    ReservationOutcome run(BlockOp op, int cdw10, Buffer data, UUID host) {
        return ReservationCommands.apply(engine, BlockRequest.reservation(op, NS, cdw10, 0, data, host, 3));
    }

    @Test
    void registerAcquireReleaseDecodeTheirData() {
        assertThat(run(BlockOp.RESERVATION_REGISTER, 0, le(0, 0xA1), A).status()).isZero();
        assertThat(engine.state().registrants().get(A).key()).isEqualTo(0xA1);
        assertThat(run(BlockOp.RESERVATION_ACQUIRE, 1 << 8, le(0xA1, 0), A).status()).isZero();
        assertThat(engine.state().holder()).isEqualTo(A);
        assertThat(run(BlockOp.RESERVATION_RELEASE, 1 << 8, le(0xA1), A).status()).isZero();
        assertThat(engine.state().type()).isNull();
    }

    @Test
    void persistenceGetAndSet() {
        ReservationOutcome get = run(BlockOp.RESERVATION_PERSISTENCE, 0, null, null);
        assertThat(get.data()).containsExactly(0);
        assertThat(get.persist()).isFalse();
        assertThat(run(BlockOp.RESERVATION_PERSISTENCE, 0, Buffer.buffer(new byte[] {1}), null).persist()).isTrue();
        assertThat(run(BlockOp.RESERVATION_PERSISTENCE, 0, null, null).data()).containsExactly(1);
    }

    @Test
    void controllerGoneAndTheAccessCheck() {
        run(BlockOp.RESERVATION_REGISTER, 0, le(0, 0xA1), A);
        run(BlockOp.RESERVATION_ACQUIRE, 2 << 8, le(0xA1, 0), A); // Exclusive Access
        BlockRequest readB = BlockRequest.read(NS, 512, 0, 1).withHost(B, 9);
        assertThat(ReservationCommands.check(engine.state(), readB, false)).isEqualTo(Status.dnr(Status.RESERVATION_CONFLICT));
        assertThat(ReservationCommands.check(engine.state(), BlockRequest.read(NS, 512, 0, 1), false)).isZero();
        BlockRequest readA = BlockRequest.read(NS, 512, 0, 1).withHost(A, 7);
        assertThat(ReservationCommands.check(engine.state(), readA, false)).isZero();
        assertThat(engine.state().registrants().get(A).cntlids()).as("remember=false").doesNotContain(7);
        ReservationCommands.check(engine.state(), readA, true);
        assertThat(engine.state().registrants().get(A).cntlids()).contains(7);
        assertThat(ReservationCommands.apply(engine, BlockRequest.controllerGone(NS, A, 7)).status()).isZero();
        assertThat(engine.state().registrants().get(A).cntlids()).doesNotContain(7);
        assertThatThrownBy(() -> ReservationCommands.apply(engine, BlockRequest.flush(NS))).isInstanceOf(IllegalArgumentException.class);
    }
}
