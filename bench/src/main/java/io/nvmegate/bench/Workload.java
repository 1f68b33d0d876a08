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
}
