package io.nvmegate.bench;

import java.time.Duration;

/**
 * One load-generator job.
 *
 * @param name      label printed in tables
 * @param nsid      namespace to load
 * @param blockSize namespace logical block size, bytes
 * @param ioSize    bytes per command (a multiple of {@code blockSize})
 * @param depth     commands kept in flight in total (spread over the controller's I/O queues)
 * @param readPct   0..100: share of reads (the rest are writes)
 * @param random    random offsets (aligned to {@code ioSize}) or sequential
 * @param span      bytes of the namespace the job touches
 * @param warmup    time run before measuring
 * @param duration  measured time
 */
public record Workload(String name, int nsid, int blockSize, int ioSize, int depth, int readPct, boolean random,
                       long span, Duration warmup, Duration duration) {

    /**
     * The jobs every benchmark here runs (the same four as bench/guest-peer.sh's fio jobs): 4 KiB random read QD1
     * and QD32, 4 KiB random write QD32, 128 KiB sequential read QD8, on NSID 1 with 4 KiB blocks.
     *
     * @param span bytes of the namespace touched
     */
    public static java.util.List<Workload> standard(long span, Duration warmup, Duration duration) {
        return java.util.List.of(
                new Workload("randread-4k-qd1", 1, 4096, 4096, 1, 100, true, span, warmup, duration),
                new Workload("randread-4k-qd32", 1, 4096, 4096, 32, 100, true, span, warmup, duration),
                new Workload("randwrite-4k-qd32", 1, 4096, 4096, 32, 0, true, span, warmup, duration),
                new Workload("seqread-128k-qd8", 1, 4096, 128 * 1024, 8, 100, false, span, warmup, duration));
    }
}
