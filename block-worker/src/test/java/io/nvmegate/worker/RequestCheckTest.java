package io.nvmegate.worker;

import io.nvmegate.blockio.BlockOp;
import io.nvmegate.blockio.BlockRequest;
import io.nvmegate.blockio.LbaRange;
import io.nvmegate.catalog.NamespaceSpec;
import io.nvmegate.protocol.Status;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The worker's one validation of a block request ({@link RequestCheck}), op by op. */
class RequestCheckTest {
    static final NamespaceSpec NS = BlockWorkerTest.NS_512; // 2048 blocks of 512 bytes
    static final UUID U = NS.uuid(), HOST = UUID.randomUUID();
    static final long BLOCKS = NS.blocks();
    static final int OK = Status.SUCCESS, INVALID = Status.dnr(Status.INVALID_FIELD), OUT = Status.dnr(Status.LBA_OUT_OF_RANGE);

    static int check(BlockRequest r) { return RequestCheck.check(NS, r); }

    static Buffer bytes(long n) { return Buffer.buffer(new byte[(int) n]); }

    @Test
    void namespaceMustBeTheAddressedOne() {
        assertThat(check(BlockRequest.flush(U))).isEqualTo(OK);
        assertThat(check(BlockRequest.flush(UUID.randomUUID()))).isEqualTo(Status.NAMESPACE_NOT_READY);
        assertThat(check(BlockRequest.reservation(BlockOp.RESERVATION_REPORT, UUID.randomUUID(), 15, 1, null, HOST, 1)))
                .isEqualTo(Status.NAMESPACE_NOT_READY);
    }

    @Test
    void lbaRangeAgainstNsze() {
        for (BlockOp op : new BlockOp[] {BlockOp.READ, BlockOp.VERIFY, BlockOp.WRITE_ZEROES}) {
            assertThat(check(new BlockRequest(op, U, 512, BLOCKS - 1, 1, false, null, null))).as("%s last block", op).isEqualTo(OK);
            assertThat(check(new BlockRequest(op, U, 512, BLOCKS - 1, 2, false, null, null))).as("%s past the end", op).isEqualTo(OUT);
            assertThat(check(new BlockRequest(op, U, 512, -1, 1, false, null, null))).as("%s SLBA >= 2^63", op).isEqualTo(OUT);
            assertThat(check(new BlockRequest(op, U, 512, Long.MAX_VALUE, 2, false, null, null))).as("%s overflow", op).isEqualTo(OUT);
        }
        assertThat(check(BlockRequest.write(U, 512, BLOCKS, 1, false, bytes(512)))).isEqualTo(OUT);
        assertThat(check(BlockRequest.compareAndWrite(U, 512, BLOCKS - 1, 2, false, bytes(2048)))).isEqualTo(OUT);
    }

    @Test
    void blockSizeNlbAndDataLength() {
        assertThat(check(BlockRequest.read(U, 4096, 0, 1))).as("other block size").isEqualTo(INVALID);
        assertThat(check(BlockRequest.read(U, 512, 0, 0))).as("NLB 0").isEqualTo(INVALID);
        NamespaceSpec big = new NamespaceSpec(NS.subsystemNqn(), 9, U, 1L << 40, 512, "null", "worker-1", true);
        assertThat(RequestCheck.check(big, BlockRequest.verify(U, 512, 0, LbaRange.MAX_NLB))).isEqualTo(OK);
        assertThat(RequestCheck.check(big, BlockRequest.verify(U, 512, 0, LbaRange.MAX_NLB + 1))).as("NLB beyond 16 bits").isEqualTo(INVALID);
        assertThat(check(BlockRequest.write(U, 512, 0, 2, false, bytes(512)))).isEqualTo(INVALID);
        assertThat(check(BlockRequest.write(U, 512, 0, 2, false, null))).isEqualTo(INVALID);
        assertThat(check(BlockRequest.write(U, 512, 0, 2, false, bytes(1024)))).isEqualTo(OK);
        assertThat(check(BlockRequest.compare(U, 512, 0, 1, bytes(511)))).isEqualTo(INVALID);
        assertThat(check(BlockRequest.compareAndWrite(U, 512, 0, 2, false, bytes(1024)))).as("compare data only").isEqualTo(INVALID);
        assertThat(check(BlockRequest.compareAndWrite(U, 512, 0, 2, false, bytes(2048)))).isEqualTo(OK);
    }

    @Test
    void deallocateRanges() {
        assertThat(check(BlockRequest.deallocate(U, 512, new long[] {0, 1, BLOCKS - 8, 8}))).isEqualTo(OK);
        assertThat(check(BlockRequest.deallocate(U, 512, new long[] {BLOCKS, 0}))).as("empty range at NSZE").isEqualTo(OK);
        assertThat(check(BlockRequest.deallocate(U, 512, new long[] {0, 1, BLOCKS, 1}))).isEqualTo(OUT);
        assertThat(check(BlockRequest.deallocate(U, 512, new long[] {-1, 1}))).isEqualTo(OUT);
        assertThat(check(BlockRequest.deallocate(U, 512, new long[] {1}))).isEqualTo(INVALID);
        assertThat(check(BlockRequest.deallocate(U, 512, null))).isEqualTo(INVALID);
        assertThat(check(BlockRequest.deallocate(U, 4096, new long[] {0, 1}))).isEqualTo(INVALID);
    }

    @Test
    void reservationOpsNeedAHostAndTheirData() {
        assertThat(check(BlockRequest.reservation(BlockOp.RESERVATION_REGISTER, U, 0, 0, bytes(16), HOST, 1))).isEqualTo(OK);
        assertThat(check(BlockRequest.reservation(BlockOp.RESERVATION_REGISTER, U, 0, 0, bytes(16), null, 0))).as("no host").isEqualTo(INVALID);
        assertThat(check(BlockRequest.reservation(BlockOp.RESERVATION_REGISTER, U, 0, 0, bytes(8), HOST, 1))).isEqualTo(INVALID);
        assertThat(check(BlockRequest.reservation(BlockOp.RESERVATION_ACQUIRE, U, 0, 0, null, HOST, 1))).isEqualTo(INVALID);
        assertThat(check(BlockRequest.reservation(BlockOp.RESERVATION_RELEASE, U, 0, 0, bytes(8), HOST, 1))).isEqualTo(OK);
        assertThat(check(BlockRequest.reservation(BlockOp.RESERVATION_RELEASE, U, 0, 0, bytes(7), HOST, 1))).isEqualTo(INVALID);
        assertThat(check(BlockRequest.reservation(BlockOp.RESERVATION_REPORT, U, 15, 1, null, HOST, 1))).isEqualTo(OK);
        assertThat(check(BlockRequest.reservation(BlockOp.RESERVATION_REPORT, U, 15, 1, null, null, 0))).isEqualTo(INVALID);
        assertThat(check(BlockRequest.reservation(BlockOp.RESERVATION_PERSISTENCE, U, 0, 0, null, null, 0))).as("Get").isEqualTo(OK);
        assertThat(check(BlockRequest.reservation(BlockOp.RESERVATION_PERSISTENCE, U, 0, 0, bytes(1), HOST, 1))).as("Set").isEqualTo(OK);
        assertThat(check(BlockRequest.reservation(BlockOp.RESERVATION_PERSISTENCE, U, 0, 0, bytes(0), HOST, 1))).isEqualTo(INVALID);
        assertThat(check(BlockRequest.controllerGone(U, HOST, 1))).isEqualTo(OK);
    }
}
