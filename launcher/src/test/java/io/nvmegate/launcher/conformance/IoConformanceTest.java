package io.nvmegate.launcher.conformance;

import io.nvmegate.client.CommandBuilders;
import io.nvmegate.client.DsmRange;
import io.nvmegate.client.FusedResult;
import io.nvmegate.client.IoQueue;
import io.nvmegate.client.NvmeController;
import io.nvmegate.protocol.Opcodes;
import io.nvmegate.protocol.Sqe;
import io.nvmegate.protocol.Status;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import static io.nvmegate.launcher.conformance.ConformanceTarget.assertStatus;
import static io.nvmegate.launcher.conformance.ConformanceTarget.connect;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * NVM I/O commands (NVM Command Set 1.0 section 3): Compare, fused Compare and Write (NVMe Base 2.0 section
 * 3.4.2), Verify, Write FUA, Write Zeroes, Dataset Management, Flush, MDTS and LBA range checks, on 4096- and
 * 512-byte namespaces.
 */
@ExtendWith(ConformanceTarget.class)
class IoConformanceTest {
    static final int MDTS = ConformanceTarget.TRANSPORT.mdtsBytes();

    static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new SplittableRandom(seed).nextBytes(b);
        return b;
    }

    @Test
    void compareMatchesAndMismatchesOnBothBlockSizes() {
        try (NvmeController c = connect()) {
            for (int[] ns : new int[][] {{1, 4096}, {2, 512}}) {
                int nsid = ns[0], bs = ns[1];
                byte[] data = random(16 * bs, nsid);
                c.write(nsid, 200, data, bs, false);
                assertThat(c.compare(nsid, 200, data, bs).status()).isEqualTo(Status.SUCCESS);
                byte[] other = data.clone();
                other[15 * bs + 7] ^= 1;
                var e = assertStatus(() -> c.compare(nsid, 200, other, bs), Status.COMPARE_FAILURE);
                assertThat(e.sct()).isEqualTo(2);
                assertThat(e.sc()).isEqualTo(0x85);
                // Larger than the in-capsule size: the compare data comes through R2T/H2CData.
                byte[] big = random(MDTS, nsid + 10);
                c.write(nsid, 4096, big, bs, false);
                assertThat(c.compare(nsid, 4096, big, bs).status()).isEqualTo(Status.SUCCESS);
                assertStatus(() -> c.compare(nsid, 4097, big, bs), Status.COMPARE_FAILURE);
            }
            assertStatus(() -> c.compare(1, (64L << 20) / 4096, new byte[4096], 4096), Status.dnr(Status.LBA_OUT_OF_RANGE));
            assertStatus(() -> c.compare(9, 0, new byte[4096], 4096), Status.dnr(Status.INVALID_NAMESPACE));
        }
    }

    @Test
    void fusedCompareAndWrite() {
        try (NvmeController c = connect()) {
            byte[] v1 = random(2 * 4096, 1), v2 = random(2 * 4096, 2), v3 = random(2 * 4096, 3);
            c.write(1, 300, v1, 4096, false);
            FusedResult ok = c.io(1).compareAndWrite(1, 300, v1, v2, 4096, false);
            assertThat(ok.written()).isTrue();
            assertThat(c.read(1, 300, 2, 4096)).isEqualTo(v2);
            FusedResult bad = c.io(2).compareAndWrite(1, 300, v1, v3, 4096, true);
            assertThat(bad.compare().status()).isEqualTo(Status.COMPARE_FAILURE);
            assertThat(bad.write().status()).isEqualTo(Status.ABORTED_FAILED_FUSED);
            assertThat(c.read(1, 300, 2, 4096)).as("unchanged after a failed compare").isEqualTo(v2);
            // 512-byte blocks, data beyond the in-capsule size (R2T for both halves).
            byte[] w1 = random(64 * 512, 4), w2 = random(64 * 512, 5);
            c.write(2, 700, w1, 512, false);
            assertThat(c.io(1).compareAndWrite(2, 700, w1, w2, 512, false).written()).isTrue();
            assertThat(c.read(2, 700, 64, 512)).isEqualTo(w2);
        }
    }

    /** Atomicity: concurrent compare-and-write increments of one block never lose an update. */
    @Test
    void compareAndWriteIsAtomicUnderContention() throws Exception {
        try (NvmeController c = connect(b -> b.ioQueues(4))) {
            c.write(1, 900, block(0), 4096, false);
            AtomicInteger successes = new AtomicInteger();
            List<Thread> threads = new ArrayList<>();
            for (IoQueue q : c.ioQueues()) {
                Thread t = new Thread(() -> {
                    for (int i = 0; i < 25; i++) {
                        byte[] cur = c.read(1, 900, 1, 4096);
                        long v = ByteBuffer.wrap(cur).getLong();
                        if (q.compareAndWrite(1, 900, cur, block(v + 1), 4096, false).written()) successes.incrementAndGet();
                        // Plain writes to a neighbouring block run alongside.
                        q.write(1, 901, block(i), 4096, false);
                    }
                });
                threads.add(t);
                t.start();
            }
            for (Thread t : threads) t.join(60_000);
            long finalValue = ByteBuffer.wrap(c.read(1, 900, 1, 4096)).getLong();
            assertThat(successes.get()).isPositive();
            assertThat(finalValue).as("every successful compare-and-write applied exactly once").isEqualTo(successes.get());
        }
    }

    @Test
    void missingFusedCommandIsAborted() throws Exception {
        try (NvmeController c = connect(b -> b.ioQueues(1))) {
            IoQueue q = c.io(1);
            Sqe first = CommandBuilders.compare(1, 0, 1).fuse(Opcodes.FUSE_FIRST);
            CompletableFuture<?> f1 = q.submitIo(first, ByteBuffer.wrap(new byte[4096]), 0);
            Thread.sleep(50);
            q.read(1, 0, 1, 4096); // not a fused second: the first is aborted, the read runs
            assertStatus(f1::join, Status.dnr(Status.ABORTED_MISSING_FUSED));
            Sqe second = CommandBuilders.write(1, 0, 1, false).fuse(Opcodes.FUSE_SECOND);
            assertStatus(() -> q.submitIo(second, ByteBuffer.wrap(new byte[4096]), 0).join(), Status.dnr(Status.ABORTED_MISSING_FUSED));
            // A fused pair that is not Compare + Write of one range.
            Sqe f = CommandBuilders.compare(1, 0, 1).fuse(Opcodes.FUSE_FIRST);
            Sqe s = CommandBuilders.write(1, 1, 1, false).fuse(Opcodes.FUSE_SECOND);
            CompletableFuture<?> a = q.submitIo(f, ByteBuffer.wrap(new byte[4096]), 0);
            CompletableFuture<?> b = q.submitIo(s, ByteBuffer.wrap(new byte[4096]), 0);
            assertStatus(a::join, Status.dnr(Status.INVALID_FIELD));
            assertStatus(b::join, Status.dnr(Status.ABORTED_FAILED_FUSED));
        }
    }

    @Test
    void verifyReadsWithoutTransferring() {
        try (NvmeController c = connect()) {
            assertThat(c.verify(1, 0, 1024).status()).as("4 MiB, beyond MDTS: no data moves").isEqualTo(Status.SUCCESS);
            assertThat(c.verify(2, 100, 8).status()).isEqualTo(Status.SUCCESS);
            assertStatus(() -> c.verify(1, (64L << 20) / 4096 - 1, 2), Status.dnr(Status.LBA_OUT_OF_RANGE));
            assertStatus(() -> c.verify(4, 0, 1), Status.dnr(Status.INVALID_NAMESPACE));
        }
    }

    @Test
    void transfersBeyondMdtsAreInvalidField() {
        try (NvmeController c = connect()) {
            int blocks = MDTS / 4096 + 1;
            assertStatus(() -> c.read(1, 0, blocks, 4096), Status.dnr(Status.INVALID_FIELD));
            assertStatus(() -> c.write(1, 0, new byte[blocks * 4096], 4096, false), Status.dnr(Status.INVALID_FIELD));
            assertThat(c.read(1, 0, MDTS / 4096, 4096)).hasSize(MDTS);
            assertThat(c.read(2, 0, MDTS / 512, 512)).hasSize(MDTS);
        }
    }

    @Test
    void writeFuaZeroesDeallocateAndFlush() {
        try (NvmeController c = connect()) {
            byte[] d = random(32 * 4096, 9);
            c.write(1, 1000, d, 4096, true);
            assertThat(c.read(1, 1000, 32, 4096)).isEqualTo(d);
            c.writeZeroes(1, 1004, 4, true);
            byte[] got = c.read(1, 1000, 32, 4096);
            assertThat(Arrays.copyOfRange(got, 4 * 4096, 8 * 4096)).containsOnly(0);
            assertThat(Arrays.copyOfRange(got, 0, 4 * 4096)).isEqualTo(Arrays.copyOfRange(d, 0, 4 * 4096));
            c.deallocate(1, List.of(new DsmRange(1010, 2, 0), new DsmRange(1020, 3, 0)));
            got = c.read(1, 1000, 32, 4096);
            assertThat(Arrays.copyOfRange(got, 10 * 4096, 12 * 4096)).containsOnly(0);
            assertThat(Arrays.copyOfRange(got, 20 * 4096, 23 * 4096)).containsOnly(0);
            assertThat(Arrays.copyOfRange(got, 12 * 4096, 20 * 4096)).isEqualTo(Arrays.copyOfRange(d, 12 * 4096, 20 * 4096));
            assertThat(c.flush(1).status()).isEqualTo(Status.SUCCESS);
            assertThat(c.flush(0xFFFFFFFF).status()).as("flush all").isEqualTo(Status.SUCCESS);
            assertStatus(() -> c.writeZeroes(2, (16L << 20) / 512 - 1, 2, false), Status.dnr(Status.LBA_OUT_OF_RANGE));
            assertStatus(() -> c.deallocate(2, List.of(new DsmRange((16L << 20) / 512, 1, 0))), Status.dnr(Status.LBA_OUT_OF_RANGE));
            Sqe uncorrectable = Sqe.allocate().opcode(0x04).nsid(1);
            assertStatus(() -> c.io(1).submitIo(uncorrectable, null, 0).join(), Status.dnr(Status.INVALID_OPCODE));
        }
    }

    static byte[] block(long v) {
        return ByteBuffer.allocate(4096).putLong(v).array();
    }
}
