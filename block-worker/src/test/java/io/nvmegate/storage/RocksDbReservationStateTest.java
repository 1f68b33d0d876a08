package io.nvmegate.storage;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The reservation state key lives beside the blocks and no block operation reaches it. */
class RocksDbReservationStateTest {
    static final UUID NS = UUID.fromString("6f1c1a52-7d3e-4b7a-9a59-0c6f3c0e1a01");
    static final UUID NEXT = UUID.fromString("6f1c1a52-7d3e-4b7a-9a59-0c6f3c0e1a02");

    @TempDir
    Path dir;

    @Test
    void blockOperationsNeverTouchTheReservationState() {
        byte[] state = {1, 2, 3, 4};
        try (RocksDbBlockStore s = new RocksDbBlockStore(dir.resolve("rocksdb"))) {
            s.putReservationState(NS, state);
            s.write(NS, 512, Long.MAX_VALUE - 4, 4, Buffer.buffer(new byte[4 * 512]), false); // the last LBAs there are
            s.write(NEXT, 512, 0, 1, Buffer.buffer(new byte[512]), false);
            assertThat(s.storedBlocks(NS)).as("not counted as a block").isEqualTo(4);
            s.deallocate(NS, 512, new long[] {0, Long.MAX_VALUE});
            s.writeZeroes(NS, 512, Long.MAX_VALUE - 1000, 1000);
            assertThat(s.storedBlocks(NS)).isZero();
            assertThat(s.read(NS, 512, Long.MAX_VALUE - 4, 4).getBytes()).containsOnly(0);
            assertThat(s.reservationState(NS)).isEqualTo(state);
            assertThat(s.reservationState(NEXT)).isNull();
            assertThat(s.storedBlocks(NEXT)).isEqualTo(1);
        }
        try (RocksDbBlockStore s = new RocksDbBlockStore(dir.resolve("rocksdb"))) {
            assertThat(s.reservationState(NS)).as("survives a reopen").isEqualTo(state);
            s.putReservationState(NS, null);
            assertThat(s.reservationState(NS)).isNull();
        }
    }
}
