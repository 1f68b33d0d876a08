package io.nvmegate.launcher;

import io.nvmegate.client.NvmeController;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A seeded random write workload and the model of what each block must contain afterwards. Block contents are
 * unique per (write, block) so a misplaced or stale block is caught, not only a missing one.
 */
final class BlockModel {
    final int nsid;
    final int blockSize;
    final long blocks;
    final Map<Long, byte[]> expected = new HashMap<>();
    int largeTransfers;

    BlockModel(int nsid, int blockSize, long blocks) {
        this.nsid = nsid;
        this.blockSize = blockSize;
        this.blocks = blocks;
    }

    /**
     * Issues {@code writes} random writes, {@code depth} at a time: 1..8 blocks mostly, and every tenth a large
     * transfer of 128 KiB .. {@code maxBytes} that needs R2T/H2CData.
     */
    void writeRandom(NvmeController c, SplittableRandom rnd, int writes, int depth, int maxBytes) {
        List<CompletableFuture<?>> inFlight = new ArrayList<>();
        List<long[]> ranges = new ArrayList<>();
        for (int i = 0; i < writes; i++) {
            int nlb;
            if (i % 10 == 0) {
                int min = 128 * 1024 / blockSize;
                nlb = min + rnd.nextInt(maxBytes / blockSize - min + 1);
                largeTransfers++;
            } else {
                nlb = 1 + rnd.nextInt(8);
            }
            long slba = rnd.nextLong(blocks - nlb);
            final long s0 = slba, n0 = nlb;
            if (ranges.stream().anyMatch(r -> s0 < r[0] + r[1] && r[0] < s0 + n0)) {
                CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new)).join();
                inFlight.clear();
                ranges.clear();
            }
            byte[] data = new byte[nlb * blockSize];
            rnd.nextBytes(data);
            ByteBuffer.wrap(data).putInt(0, i); // distinct even if the generator repeats
            for (int b = 0; b < nlb; b++) {
                byte[] blk = new byte[blockSize];
                System.arraycopy(data, b * blockSize, blk, 0, blockSize);
                expected.put(slba + b, blk);
            }
            // NVMe does not order commands in flight: a write overlapping one still in flight waits (above).
            inFlight.add(c.writeAsync(nsid, slba, data, blockSize, rnd.nextInt(20) == 0));
            ranges.add(new long[] {slba, nlb});
            if (inFlight.size() >= depth) {
                CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new)).join();
                inFlight.clear();
                ranges.clear();
            }
        }
        CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new)).join();
    }

    /** Zeroes a range in the model (after Write Zeroes or deallocate). */
    void zero(long slba, int nlb) {
        for (int b = 0; b < nlb; b++) expected.put(slba + b, new byte[blockSize]);
    }

    /** Reads back every modelled block, in runs of consecutive LBAs (up to {@code maxBytes} per read). */
    void verify(NvmeController c, int maxBytes) {
        List<Long> lbas = expected.keySet().stream().sorted().toList();
        int maxNlb = maxBytes / blockSize;
        List<CompletableFuture<Void>> checks = new ArrayList<>();
        int i = 0;
        while (i < lbas.size()) {
            long start = lbas.get(i);
            int n = 1;
            while (i + n < lbas.size() && lbas.get(i + n) == start + n && n < maxNlb) n++;
            final int count = n;
            checks.add(c.readAsync(nsid, start, count, blockSize).thenAccept(got -> {
                for (int b = 0; b < count; b++) {
                    byte[] want = expected.get(start + b);
                    byte[] have = java.util.Arrays.copyOfRange(got, b * blockSize, (b + 1) * blockSize);
                    assertThat(have).as("NSID %d LBA %d", nsid, start + b).isEqualTo(want);
                }
            }));
            i += n;
            if (checks.size() >= 16) {
                CompletableFuture.allOf(checks.toArray(CompletableFuture[]::new)).join();
                checks.clear();
            }
        }
        CompletableFuture.allOf(checks.toArray(CompletableFuture[]::new)).join();
    }
}
