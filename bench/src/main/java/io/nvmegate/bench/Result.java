package io.nvmegate.bench;

/**
 * What one job measured.
 *
 * @param ios          commands completed in the measured window
 * @param iops         commands per second
 * @param mibPerSecond payload MiB per second
 * @param p50us        median latency, microseconds (submission to completion, in the host library)
 * @param p99us        99th percentile latency, microseconds
 * @param p999us       99.9th percentile latency, microseconds
 * @param cpuUsPerIo   CPU time per command of the counted processes, microseconds: this JVM's (initiator and
 *                     target when they share it), or the target JVMs' in the separate-initiator benchmark
 * @param errors       commands that failed
 * @param initiatorCpuUsPerIo CPU time per command of this JVM (the initiator), microseconds; NaN if not measured
 */
public record Result(long ios, double iops, double mibPerSecond, double p50us, double p99us, double p999us,
                     double cpuUsPerIo, long errors, double initiatorCpuUsPerIo) {

    public Result(long ios, double iops, double mibPerSecond, double p50us, double p99us, double p999us, double cpuUsPerIo, long errors) {
        this(ios, iops, mibPerSecond, p50us, p99us, p999us, cpuUsPerIo, errors, Double.NaN);
    }
}
